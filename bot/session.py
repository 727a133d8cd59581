"""A conversation's state as plain data: the node, the answers, the language."""

from __future__ import annotations

from typing import Any


class Session:
    """What is stored per conversation: never free text, only the node and option ids."""

    __slots__ = ("answers", "lang", "menu", "pending", "state", "version")

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

    def to_dict(self) -> dict[str, Any]:
        """A compact JSON-ready form."""
        data: dict[str, Any] = {"v": self.version, "s": self.state, "a": [list(a) for a in self.answers]}
        if self.lang:
            data["l"] = self.lang
        if self.menu:
            data["m"] = self.menu
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
        session = cls(state, version, answers, data.get("l"), data.get("m"))
        pending = data.get("p")
        if isinstance(pending, dict) and all(isinstance(o, str) for o in pending.get("o", ())):
            session.pending = pending
        return session
