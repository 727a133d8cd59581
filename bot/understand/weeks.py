"""Weeks of pregnancy as people type them: "24", "24 wks", "24+3", "24w3d", "6 months", "3 weeks ago"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understand.numbers import digit_runs, small_int, words_to_digits

# Weeks of pregnancy by month ("6 months pregnant" is about weeks 23 to 27).
MONTH_WEEKS = {1: (1, 4), 2: (5, 8), 3: (9, 13), 4: (14, 17), 5: (18, 22), 6: (23, 27), 7: (28, 31), 8: (32, 35), 9: (36, 40), 10: (40, 42)}  # fmt: skip
_NON_WORD = re.compile(r"[^\w'-]+")
TOO_BIG = 10_000  # stands for a digit run too long to be a week
_ORDINAL = r"(?:st|nd|rd|th|-?я|-?й|-?ой|-?ей|ª|º|a|o)?"


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """One language's words around numbers (each a tuple of folded phrases)."""

    weeks: tuple[str, ...]
    days: tuple[str, ...]
    months: tuple[str, ...]
    after_birth: tuple[str, ...]
    breastfeeding: tuple[str, ...]
    not_breastfeeding: tuple[str, ...]
    filler: tuple[str, ...]
    spaced: bool = True  # False for languages written without spaces (zh)


@dataclass(frozen=True, slots=True)
class Reading:
    """What a typed status with a number says.

    kind: ``weeks`` (an explicit week of pregnancy), ``bare`` (a number alone), ``months``,
    ``after_birth`` (``since``: weeks since the birth, or None; ``feeding``: ``breastfeeding``,
    ``postpartum`` or None), ``too_big`` (a number no week can be), ``unclear`` (numbers, but
    no way to tell the week).
    """

    kind: str
    value: int | None = None
    since: float | None = None
    feeding: str | None = None


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w)


def _has(text: str, phrases: tuple[str, ...], spaced: bool) -> bool:
    if not spaced:
        return any(p in text for p in phrases)
    padded = " " + _NON_WORD.sub(" ", text) + " "
    return any(f" {p} " in padded for p in phrases)


def _amounts(text: str, units: tuple[str, ...], spaced: bool) -> list[int]:
    """Numbers written with one of the units, before or after it ("24 weeks", "week 24")."""
    if not units:
        return []
    alt = _alternatives(units)
    edge = r"(?![^\W\d_])" if spaced else ""
    lead = r"(?<!\w)" if spaced else ""
    after = re.compile(rf"(?<!\d)(\d+){_ORDINAL}\s*(?:{alt}){edge}")
    before = re.compile(rf"{lead}(?:{alt})\s*(?:№|#|no\.?)?\s*(\d+)(?!\d)")
    found = [m.group(1) for m in after.finditer(text)] + [m.group(1) for m in before.finditer(text)]
    return [TOO_BIG if (n := small_int(f)) is None else n for f in found]


def read(text: str, lang: str, vocab: Vocabulary) -> Reading | None:
    """Read a typed status that contains a number; None when it has no number at all."""
    digits = words_to_digits(text, lang)
    runs = digit_runs(digits)
    if not runs:
        return None
    if any(small_int(r) is None for r in runs):
        return Reading("too_big")
    spaced = vocab.spaced
    notation = [int(m.group(1)) for m in re.finditer(r"(?<!\d)(\d{1,2})\s*\+\s*\d(?!\d)", digits)]
    notation += [int(m.group(1)) for m in re.finditer(r"(?<!\d)(\d{1,2})\s*w\s*\d\s*d\b", digits)]
    weeks = set(_amounts(digits, vocab.weeks, spaced)) | set(notation)
    months = set(_amounts(digits, vocab.months, spaced))
    days = set(_amounts(digits, vocab.days, spaced))
    if _has(digits, vocab.after_birth, spaced):
        since = None
        if len(weeks) + len(months) + len(days) == 1:
            since = next(iter(weeks), None) or (4.3 * next(iter(months), 0)) or (next(iter(days), 0) / 7)
        feeding = None
        if _has(digits, vocab.not_breastfeeding, spaced):
            feeding = "postpartum"
        elif _has(digits, vocab.breastfeeding, spaced):
            feeding = "breastfeeding"
        return Reading("after_birth", since=since, feeding=feeding)
    if len(weeks) == 1 and not months:
        value = next(iter(weeks))
        return Reading("weeks", value) if value < TOO_BIG else Reading("too_big")
    if len(months) == 1 and not weeks:
        return Reading("months", next(iter(months)))
    if weeks or months or days or len(runs) != 1:
        return Reading("unclear")
    rest = digits.replace(runs[0], " ", 1)
    if spaced:
        words = [w for w in re.split(r"[^\w']+", rest) if w]
        padded = f" {' '.join(words)} "
        for phrase in sorted(vocab.filler, key=len, reverse=True):
            padded = padded.replace(f" {phrase} ", " ")
        leftover = padded.split()
    else:
        for phrase in sorted(vocab.filler, key=len, reverse=True):
            rest = rest.replace(phrase, "")
        leftover = [c for c in rest if c.isalnum()]
    return Reading("bare", int(runs[0])) if not leftover else Reading("unclear")


def duration(text: str, lang: str, vocab: Vocabulary) -> float | None:
    """How long something has lasted, in weeks ("3 days", "2 weeks", "a month" -> None), or None."""
    digits = words_to_digits(text, lang)
    found = [
        (n * factor)
        for units, factor in ((vocab.days, 1 / 7), (vocab.weeks, 1.0), (vocab.months, 4.3))
        for n in _amounts(digits, units, vocab.spaced)
        if n < TOO_BIG
    ]
    return found[0] if len(found) == 1 else None
