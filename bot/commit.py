"""Load, apply, compare-and-set: one conversation write that no other worker can cross."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any, TypeVar

from bot.storage.base import SessionStore, Stored, StoreError

T = TypeVar("T")

SAVE, DELETE, KEEP = "save", "delete", "keep"
MAX_ATTEMPTS = 12

# What a step decides: (SAVE with the new data | DELETE | KEEP, data or None, its result)
Decision = tuple[str, "dict[str, Any] | None", T]


class Committer:
    """Runs read-apply-write steps on a store; on a conflict the step runs again on fresh data."""

    def __init__(self, store: SessionStore):
        self.store = store
        self.conflicts = 0  # writes that lost a race and were re-run (for metrics)

    async def run(self, key: str, step: Callable[[Stored | None], Decision[T]]) -> T:
        """Apply `step` to the stored session of `key` until its write commits; return its result.

        `step` must not have side effects beyond its return value: it may run more than once.
        Raises StoreError when the store fails, or when the key stays contended.
        """
        for attempt in range(MAX_ATTEMPTS):
            stored = await self.store.get(key)
            action, data, result = step(stored)
            if action == SAVE:
                assert data is not None
                if await self.store.put(key, data, rev=stored.rev if stored else 0):
                    return result
                self.conflicts += 1
                await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                continue
            if action == DELETE and stored is not None:
                await self.store.delete(key)
            return result
        raise StoreError(f"a conversation was changed by others {MAX_ATTEMPTS} times in a row")
