"""One lock per conversation key: free when nobody holds it, and no lock object until two want it.

An uncontended turn takes and gives back its key without an await; only a second turn of the
same conversation waits (in arrival order), on a future the holder completes when it is done.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable
from types import TracebackType


class KeyedLocks:
    """Serialises turns of one conversation; different conversations run concurrently."""

    def __init__(self) -> None:
        self._held: dict[str, deque[asyncio.Future[None]]] = {}  # held key -> its waiters

    def acquire(self, key: str) -> Awaitable[None] | None:
        """Take `key`: None when it was free (taken now), else an awaitable that waits for it.

        Every acquire that returned None, or whose awaitable finished, needs one `release`.
        """
        waiters = self._held.get(key)
        if waiters is None:
            self._held[key] = deque()
            return None
        return self._wait(key, waiters)

    async def _wait(self, key: str, waiters: deque[asyncio.Future[None]]) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiters.append(future)
        try:
            await future
        except BaseException:
            if future.done() and not future.cancelled():
                self.release(key)  # handed the key just as it was cancelled: pass it on
            elif future in waiters:
                waiters.remove(future)
            raise

    def release(self, key: str) -> None:
        """Give `key` back: to the longest waiting turn, else free it."""
        waiters = self._held[key]
        while waiters:
            future = waiters.popleft()
            if not future.done():
                future.set_result(None)
                return
        del self._held[key]

    def hold(self, key: str) -> _Held:
        """`async with locks.hold(key):` runs the block while holding the key."""
        return _Held(self, key)

    def __len__(self) -> int:
        return len(self._held)


class _Held:
    """The async context manager `KeyedLocks.hold` returns."""

    __slots__ = ("_key", "_locks")

    def __init__(self, locks: KeyedLocks, key: str):
        self._locks, self._key = locks, key

    async def __aenter__(self) -> None:
        waiting = self._locks.acquire(self._key)
        if waiting is not None:
            await waiting

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._locks.release(self._key)
