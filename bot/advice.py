"""An outcome's advice laid out for a phone: a short first message, the rest on request.

The first message: the disposition (an urgency badge and one line), the headline, the first
`do` items (at most three, in flow order, while the message stays within `FIRST_LIMIT`
characters), and the first `worse` item. Emergency and urgent outcomes also carry the
"do not drive yourself" line. Unless a number is configured, the emergency number is spelt
out in full (with its examples) once per message, and in a first message only where calling
it is the thing to do now (emergency); elsewhere its short name is used. "More advice" holds the other `do` items, what to avoid and
every `worse` item. Which items come first is content: the order of `do` and `worse` in the
flow (first ones first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.flow.model import Item, Node, holds

BADGES = {"emergency": "🔴", "urgent": "🟠", "same_day": "🟡", "routine": "🔵", "self_care": "🟢"}
SAFETY_LEVELS = ("emergency", "urgent")  # first message: the number and "do not drive yourself"
FIRST_LIMIT = 700  # characters (UTF-16 code units, as Telegram counts) of the first message
MAX_FIRST_DO = 3
WORSE_MARK = "⚠️"


def size(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class Shown:
    """The advice items an outcome shows under some answers, by section."""

    do: tuple[Item, ...]
    avoid: tuple[Item, ...]
    worse: tuple[Item, ...]

    @classmethod
    def of(cls, node: Node, answers: dict[str, str]) -> Shown:
        """The items of `node` whose conditions hold under `answers`."""
        return cls(
            *(tuple(i for i in getattr(node, s) if holds(i.when, answers)) for s in ("do", "avoid", "worse"))
        )


@dataclass(frozen=True, slots=True)
class Message:
    """One laid-out message: its text, the lines to emphasise, and the locale keys used."""

    text: str
    strong: tuple[str, ...]
    keys: tuple[str, ...]


class Writer:
    """Fills locale texts for one message; the emergency number is spelt out once per message.

    `t(key, **values)` looks a key up; `short` is the short name of the emergency number used
    after its first mention (None when a number is configured: it is short already). With
    `spell_out` False the short name is used from the start.
    """

    def __init__(self, t: Callable[..., str], short: str | None, *, spell_out: bool = True):
        self._t = t
        self._short = short
        self._spelt = t("ui.emergency_number_default") if short is not None else ""
        self._number_said = not spell_out
        self.keys: list[str] = []

    def __call__(self, key: str) -> str:
        """The text of `key` in this message."""
        self.keys.append(key)
        full = self._t(key)
        if self._short is None or self._spelt not in full:
            return full  # no number in this text (filled in, it would be spelt out)
        if self._number_said:
            return self._t(key, emergency_number=self._short)
        if full != self._t(key, emergency_number=self._short):
            self._number_said = True
        return full


def first_message(node: Node, shown: Shown, t: Callable[..., str], short: str | None) -> tuple[Message, int]:
    """The first message of an outcome, and how many `do` items it shows."""
    best: tuple[Message, int] | None = None
    for count in range(min(MAX_FIRST_DO, len(shown.do)), -1, -1):
        message = _first(node, shown, count, t, short)
        best = (message, count)
        if size(message.text) <= FIRST_LIMIT or count <= 1:
            return best
    assert best is not None
    return best


def _first(node: Node, shown: Shown, count: int, t: Callable[..., str], short: str | None) -> Message:
    # the default number text (examples of numbers in many countries) is long: the first
    # message spells it out only where calling it is the thing to do now
    w = Writer(t, short, spell_out=node.disposition == "emergency")
    level = f"{BADGES.get(node.disposition, '')} {w(f'disposition.{node.disposition}')}".strip()
    if node.disposition in SAFETY_LEVELS:
        level = f"{level} {w('ui.outcome.dont_drive')}"
    headline = w(node.title)
    parts = [f"{level}\n{headline}"]
    if count:
        parts.append("\n".join([w("ui.outcome.do"), *(f"• {w(i.text)}" for i in shown.do[:count])]))
    if shown.worse:
        parts.append(f"{WORSE_MARK} {w(shown.worse[0].text)}")
    return Message("\n\n".join(parts), (level, headline), tuple(w.keys))


def more_message(
    node: Node, shown: Shown, first_do: int, t: Callable[..., str], short: str | None
) -> Message:
    """Everything else: the other `do` items, what to avoid, and every `worse` item."""
    w = Writer(t, short)
    headline = w(node.title)
    parts = [headline]
    headed = []
    for heading, items in (
        ("ui.outcome.more_do" if first_do else "ui.outcome.do", shown.do[first_do:]),
        ("ui.outcome.avoid", shown.avoid),
        ("ui.outcome.worse", shown.worse),
    ):
        if items:
            title = w(heading)
            headed.append(title)
            parts.append("\n".join([title, *(f"• {w(i.text)}" for i in items)]))
    return Message("\n\n".join(parts), (headline, *headed), tuple(w.keys))


def has_more(shown: Shown, first_do: int) -> bool:
    """True when "More advice" would show something the first message does not."""
    return len(shown.do) > first_do or bool(shown.avoid) or len(shown.worse) > 1
