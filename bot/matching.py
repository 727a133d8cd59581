"""Typed answers -> option ids: the option's number, id or label, or a week of pregnancy."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.flow.model import NumberRange
from bot.i18n import Catalog

_NUMBER = re.compile(r"\d+")
_MAX_DIGITS = 4  # longer digit runs are neither an option number nor a week
_WORD = re.compile(r"[^\W\d_]+")
_SPACES = re.compile(r"\s+")


def norm(text: str) -> str:
    """Text as typed answers are compared: trimmed, single-spaced, case-folded."""
    return _SPACES.sub(" ", text.strip()).casefold()


def has_number(text: str) -> bool:
    """True when the text contains a digit."""
    return _NUMBER.search(text) is not None


class Matcher:
    """Reads typed answers in the conversation's language."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._units: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def choice(self, text: str, choices: Sequence[tuple[str, str]]) -> str | None:
        """The id of the choice whose number (1-based), id or label was typed."""
        typed = norm(text)
        # isdecimal, not isdigit: "²" and "①" are digits that int() refuses
        if typed.isdecimal() and len(typed) <= _MAX_DIGITS and 1 <= int(typed) <= len(choices):
            return choices[int(typed) - 1][0]
        for oid, label in choices:
            if typed == oid or typed == norm(label):
                return oid
        return None

    def week(
        self, text: str, lang: str, ranges: Sequence[NumberRange], offered: Callable[[str], bool]
    ) -> str | None:
        """A typed week of pregnancy ("24", "week 24", "24周"): the option its range picks.

        Only one number, and only words the locale lists as week words; a word of another unit
        ("months", "ago", "born") means it is not a week of pregnancy.
        """
        typed = norm(text)
        numbers = _NUMBER.findall(typed)
        if len(numbers) != 1 or len(numbers[0]) > _MAX_DIGITS:
            return None
        words = set(_WORD.findall(typed.replace("'", "").replace("’", "")))
        weeks, other = self._unit_words(lang)
        if words & other or not words <= weeks:
            return None
        value = int(numbers[0])
        for rng in ranges:
            if rng.min <= value <= rng.max and offered(rng.option):
                return rng.option
        return None

    def _unit_words(self, lang: str) -> tuple[frozenset[str], frozenset[str]]:
        cached = self._units.get(lang)
        if cached is None:

            def words(key: str) -> frozenset[str]:
                return frozenset(w.strip().casefold() for w in self.catalog.text(lang, key).split(","))

            cached = self._units[lang] = (words("ui.input.week_words"), words("ui.input.other_units"))
        return cached
