"""One asyncio lock per conversation key, dropped when nobody holds or waits for it."""

from __future__ import annotations

import asyncio
from typing import Any


class _Held:
    """The async context manager `KeyedLocks.hold` returns."""

    __slots__ = ("_entry", "_key", "_locks")

    def __init__(self, locks: dict[str, list[Any]], key: str):
        self._locks, self._key = locks, key
        entry = locks.get(key)
        if entry is None:
            entry = locks[key] = [asyncio.Lock(), 0]
        entry[1] += 1
        self._entry = entry

    async def __aenter__(self) -> None:
        try:
            await self._entry[0].acquire()
        except BaseException:
            self._release_entry()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._entry[0].release()
        self._release_entry()

    def _release_entry(self) -> None:
        self._entry[1] -= 1
        if self._entry[1] == 0:
            del self._locks[self._key]


class KeyedLocks:
    """Serialises turns of one conversation; different conversations run concurrently."""

    def __init__(self) -> None:
        self._locks: dict[str, list[Any]] = {}  # key -> [lock, holders]

    def hold(self, key: str) -> _Held:
        """`async with locks.hold(key):` runs the block while holding the key's lock."""
        return _Held(self._locks, key)

    def __len__(self) -> int:
        return len(self._locks)
