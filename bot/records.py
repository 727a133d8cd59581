"""What the engine keeps with a conversation besides its turns: delivery marks, channel state."""

from __future__ import annotations

from typing import Any

from bot.commit import KEEP, SAVE, Committer, Decision
from bot.locks import KeyedLocks
from bot.session import blocked, delivered, extras
from bot.storage.base import SessionStore


class Records:
    """The store side of the engine: `sent`, `channel`, `mark_blocked`, all by compare-and-set."""

    commits: Committer
    _locks: KeyedLocks

    @property
    def store(self) -> SessionStore:
        """The session store (replaceable, for example by a measuring wrapper)."""
        return self.commits.store

    @store.setter
    def store(self, store: SessionStore) -> None:
        self.commits.store = store

    async def sent(self, key: str, *, event_id: str | None = None, channel: dict[str, Any] | None = None) -> None:
        """Mark an event's replies delivered and/or replace the channel's state, in one write."""
        async with self._locks.hold(key):
            await self.commits.run(key, lambda stored: _changed(delivered(stored, event_id, channel)))

    async def channel(self, key: str) -> dict[str, Any]:
        """The channel's state stored with a conversation (empty when there is none)."""
        stored = await self.store.get(key)
        return extras(stored.data)[1] if stored is not None else {}

    async def mark_blocked(self, key: str) -> None:
        """Note in the stored session that the user blocked the bot (cleared by her next turn)."""
        async with self._locks.hold(key):
            await self.commits.run(key, lambda stored: _changed(blocked(stored)))


def _changed(data: dict[str, Any] | None) -> Decision[None]:
    """Save `data` if there is a change to write."""
    return (KEEP, None, None) if data is None else (SAVE, data, None)
