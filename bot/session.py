"""A conversation's state as plain data: the node, the answers, the language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.storage.base import Stored

MAX_EVENTS = 20  # recent event ids kept per conversation, for redelivery checks


class Session:
    """What is stored per conversation: never free text, only node, option and event ids.

    `events` holds the ids of the latest applied events, each with a delivered flag;
    `channel` is the adapter's small per-chat state (for example which message has live buttons).
    """

    __slots__ = ("answers", "channel", "events", "lang", "menu", "pending", "state", "version")

    def __init__(
        self,
        state: str,
        version: str,
        answers: list[tuple[str, str]] | None = None,
        lang: str | None = None,
        menu: str | None = None,
    ):
        self.state = state
        self.version = version
        self.answers = answers if answers is not None else []
        self.lang = lang
        self.menu = menu
        self.events: list[list[Any]] = []  # [[event id, delivered 0/1], ...], oldest first
        self.channel: dict[str, Any] = {}
        # a "did you mean" waiting for an answer: option ids only (never what she typed):
        # {"o": [candidates], "y": the one "yes" picks, "t": an answer for the next question}
        self.pending: dict[str, Any] | None = None

    @property
    def answered(self) -> dict[str, str]:
        """The latest answer given at each node (what conditions test)."""
        return dict(self.answers)

    def record(self, node: str, option: str) -> None:
        """Append an answer (called by the machine before each transition)."""
        self.answers.append((node, option))

    def seen(self, event_id: str) -> bool | None:
        """None if the event was not applied; else whether its replies were delivered."""
        for eid, delivered in self.events:
            if eid == event_id:
                return bool(delivered)
        return None

    def applied(self, event_id: str) -> None:
        """Remember an applied event (not yet delivered), forgetting the oldest ones."""
        self.events.append([event_id, 0])
        del self.events[:-MAX_EVENTS]

    def delivered(self, event_id: str) -> bool:
        """Mark an applied event delivered; False if it is not remembered."""
        for entry in self.events:
            if entry[0] == event_id:
                entry[1] = 1
                return True
        return False

    def to_dict(self) -> dict[str, Any]:
        """A compact JSON-ready form."""
        data: dict[str, Any] = {"v": self.version, "s": self.state, "a": [list(a) for a in self.answers]}
        if self.lang:
            data["l"] = self.lang
        if self.menu:
            data["m"] = self.menu
        if self.events:
            data["e"] = [list(e) for e in self.events]
        if self.channel:
            data["c"] = dict(self.channel)
        if self.pending:
            data["p"] = self.pending
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        """Rebuild from `to_dict`; raise ValueError when the data is not a session."""
        try:
            answers = [(n, o) for n, o in data["a"]]
            state, version = data["s"], data["v"]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a stored session: {exc}") from exc
        if not (isinstance(state, str) and isinstance(version, str)):
            raise ValueError("not a stored session: state and version must be text")
        for n, o in answers:
            if not (isinstance(n, str) and isinstance(o, str)):
                raise ValueError("not a stored session: answers must be node and option ids")
        lang, menu = data.get("l"), data.get("m")
        session = cls(
            state,
            version,
            answers,
            lang if isinstance(lang, str) else None,
            menu if isinstance(menu, str) else None,
        )
        if "e" in data or "c" in data:
            session.events, session.channel = extras(data)
        pending = data.get("p")
        if isinstance(pending, dict) and all(isinstance(o, str) for o in pending.get("o", ())):
            session.pending = pending
        return session


def extras(data: dict[str, Any]) -> tuple[list[list[Any]], dict[str, Any]]:
    """The event ids and channel state of stored data, whatever else in it is unreadable."""
    raw_events = data.get("e")
    events = []
    if isinstance(raw_events, list):
        for entry in raw_events[-MAX_EVENTS:]:
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str):
                events.append([entry[0], 1 if entry[1] else 0])
    channel = data.get("c")
    return events, dict(channel) if isinstance(channel, dict) else {}


def delivered(
    stored: Stored | None, event_id: str | None, channel: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Stored data with the event marked delivered and the channel state replaced; None if unchanged."""
    if stored is None:
        return None
    events, old = extras(stored.data)
    marked = False
    for entry in events:
        if entry[0] == event_id and not entry[1]:
            entry[1], marked = 1, True
    if not marked and (channel is None or channel == old):
        return None
    return _with(stored.data, events, old if channel is None else channel)


def blocked(stored: Stored | None) -> dict[str, Any] | None:
    """Stored data with the channel's `blocked` flag set; None if there is no session."""
    if stored is None:
        return None
    events, channel = extras(stored.data)
    return _with(stored.data, events, {**channel, "blocked": 1})


def _with(data: dict[str, Any], events: list[list[Any]], channel: dict[str, Any]) -> dict[str, Any]:
    """Stored data with its event ids and channel state replaced."""
    out = {k: v for k, v in data.items() if k not in ("e", "c")}
    if events:
        out["e"] = events
    if channel:
        out["c"] = dict(channel)
    return out
