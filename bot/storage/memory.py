"""An in-process store: fast, and gone when the process ends."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from bot.storage.base import Stored, encode

PURGE_EVERY = 3600.0  # seconds between sweeps for expired sessions


class MemoryStore:
    """Sessions in a dict, kept as JSON text so that nothing is shared with the caller."""

    def __init__(self, *, ttl: float | None = None, clock: Callable[[], float] = time.time) -> None:
        self._data: dict[str, tuple[int, str, float | None]] = {}  # key -> (rev, json, expires)
        self._ttl = ttl or None
        self._clock = clock
        self._next_purge = clock() + PURGE_EVERY
        self._timer: asyncio.TimerHandle | None = None

    async def get(self, key: str) -> Stored | None:
        """The stored session for `key` and its revision, or None."""
        if self._timer is None and self._ttl is not None:
            self._sweep()
        entry = self._live(key, self._clock())
        return None if entry is None else Stored(json.loads(entry[1]), entry[0])

    async def put(self, key: str, data: dict[str, Any], *, rev: int) -> bool:
        """Write if the stored revision is still `rev` (0: no live session); False on conflict."""
        now = self._clock()
        entry = self._live(key, now)
        if (entry[0] if entry else 0) != rev:
            return False
        expires = now + self._ttl if self._ttl else None
        self._data[key] = (rev + 1, encode(data), expires)
        if now >= self._next_purge:
            self.purge(now)
        return True

    async def delete(self, key: str) -> None:
        """Forget everything stored for `key`."""
        self._data.pop(key, None)

    async def close(self) -> None:
        """Stop the hourly sweep."""
        if self._timer is not None:
            self._timer.cancel()

    def purge(self, now: float | None = None) -> int:
        """Drop every expired session; return how many were dropped."""
        now = self._clock() if now is None else now
        self._next_purge = now + PURGE_EVERY
        dead = [k for k, (_, _, exp) in self._data.items() if exp is not None and exp <= now]
        for k in dead:
            del self._data[k]
        return len(dead)

    def _sweep(self) -> None:
        """Purge now if due, then again in PURGE_EVERY seconds (also while nobody writes)."""
        if self._clock() >= self._next_purge:
            self.purge()
        self._timer = asyncio.get_running_loop().call_later(PURGE_EVERY, self._sweep)

    def _live(self, key: str, now: float) -> tuple[int, str, float | None] | None:
        entry = self._data.get(key)
        if entry is not None and entry[2] is not None and entry[2] <= now:
            del self._data[key]
            return None
        return entry
