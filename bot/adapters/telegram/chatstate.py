"""What the adapter remembers per chat: which message has live buttons and the last press.

It lives in the stored session (`Engine.channel` to read, `Engine.sent` to write it together
with the "delivered" mark of the update), so that any worker can retire the keyboard another
worker sent. An engine without those methods gets a bounded memory in this process instead.
Only message ids and callback data (node and option ids) are kept, never text.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

LIVE = "live"  # id of the message whose buttons are live
PRESSED = "pressed"  # [message id, callback data] of the last press
MEMORY = 10_000  # chats remembered in process memory (engines without a channel store)


@dataclass
class Turn:
    """One update's work in one private chat: where to send, and the chat's state."""

    chat_id: int
    key: str
    event_id: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    loaded: dict[str, Any] = field(default_factory=dict)  # the state as read, to see changes


class ChatStates:
    """Loads and saves `Turn.state` through the engine, or in memory when it cannot."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._memory: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def _shared(self) -> bool:
        return hasattr(self.engine, "channel") and hasattr(self.engine, "sent")

    async def load(self, chat_id: int, key: str, event_id: str | None = None) -> Turn:
        """The chat's state as stored now."""
        state = dict(await self.engine.channel(key) if self._shared() else self._memory.get(key, {}))
        state.pop("blocked", None)  # she wrote, so she has not blocked the bot (the engine agrees)
        return Turn(chat_id, key, event_id, state, dict(state))

    async def current(self, key: str) -> dict[str, Any] | None:
        """The chat's state as stored right now (None when it lives in this process only)."""
        return dict(await self.engine.channel(key)) if self._shared() else None

    async def save(self, turn: Turn) -> None:
        """Store the chat's state and mark the turn's update delivered, in one write."""
        if self._shared():  # an unchanged state is not written: another worker may have moved on
            changed = turn.state if turn.state != turn.loaded else None
            await self.engine.sent(turn.key, event_id=turn.event_id, channel=changed)
            return
        self._memory[turn.key] = dict(turn.state)
        self._memory.move_to_end(turn.key)
        while len(self._memory) > MEMORY:
            self._memory.popitem(last=False)
