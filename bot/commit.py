"""Load, apply, compare-and-set: one conversation write that no other worker can cross."""

from __future__ import annotations

import asyncio
import random
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from bot.storage.base import SessionStore, Stored, StoreError

T = TypeVar("T")

SAVE, DELETE, KEEP = "save", "delete", "keep"
MAX_ATTEMPTS = 12
KNOWN = 10_000  # conversations whose last committed write is remembered (saves a store read)

# What a step decides: (SAVE with the new data | DELETE | KEEP, data or None, its result)
Decision = tuple[str, "dict[str, Any] | None", T]


class Committer:
    """Runs read-apply-write steps on a store; on a conflict the step runs again on fresh data.

    The last write this process committed for a key is remembered, so a turn usually starts
    without reading the store: the compare-and-set of its own write proves the remembered copy
    was current (if another worker wrote since, the write fails and the turn runs again on a
    fresh read). A step that decides not to write was run on a remembered copy is checked
    against the store before its result is used.
    """

    def __init__(self, store: SessionStore):
        self.store = store
        self.conflicts = 0  # writes that lost a race and were re-run (for metrics)
        self._known: OrderedDict[str, Stored] = OrderedDict()

    async def run(self, key: str, step: Callable[[Stored | None], Decision[T]]) -> T:
        """Apply `step` to the stored session of `key` until its write commits; return its result.

        `step` must not have side effects beyond its return value: it may run more than once.
        Raises StoreError when the store fails, or when the key stays contended.
        """
        known = self._known
        for attempt in range(MAX_ATTEMPTS):
            stored = known.pop(key, None)
            remembered = stored is not None
            if not remembered:
                stored = await self.store.get(key)
            action, data, result = step(stored)
            if action == SAVE:
                assert data is not None
                rev = stored.rev if stored else 0
                if await self.store.put(key, data, rev=rev):
                    known[key] = Stored(data, rev + 1)
                    if len(known) > KNOWN:
                        known.popitem(last=False)
                    return result
                self.conflicts += 1
                await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                continue
            if remembered:  # no write to prove the copy current: check it against the store
                fresh = await self.store.get(key)
                if fresh is None or fresh.rev != stored.rev:  # type: ignore[union-attr]
                    continue
                known[key] = fresh
            if action == DELETE and stored is not None:
                known.pop(key, None)
                await self.store.delete(key)
            return result
        raise StoreError(f"a conversation was changed by others {MAX_ATTEMPTS} times in a row")

    def forget(self, key: str) -> None:
        """Drop what is remembered of `key` (after a write that did not go through `run`)."""
        self._known.pop(key, None)
