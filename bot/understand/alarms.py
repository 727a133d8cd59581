"""Warning signs in free text ("bleeding a lot", "can't breathe", "help"): shown the emergency card.

A sign is a folded phrase found in the text on word boundaries (anywhere, for languages written
without spaces), unless a negation word comes just before it ("no bleeding", "没有出血").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NON_WORD = re.compile(r"[^\w'+-]+")
NEGATION_REACH = 3  # words before a sign that may negate it ("no heavy bleeding", "not really bleeding")


@dataclass(frozen=True, slots=True)
class Signs:
    """One language's warning-sign phrases by sign id, and its negation words."""

    phrases: dict[str, tuple[str, ...]]
    negations: tuple[str, ...]
    spaced: bool = True


def _negated_spaced(before: str, negations: tuple[str, ...]) -> bool:
    words = before.split()[-NEGATION_REACH:]
    return any(w in negations for w in words) or any(before.endswith(f" {n}") for n in negations if " " in n)


def detect(text: str, signs: Signs, *, negated: bool = False) -> list[str]:
    """The sign ids whose phrases occur un-negated in folded `text`, in the order they are listed
    (with `negated`, the ones that occur only negated: "no chest pain")."""
    if negated:
        plain = detect(text, Signs(signs.phrases, (), signs.spaced))
        kept = set(detect(text, signs))
        return [s for s in plain if s not in kept]
    found: list[str] = []
    if signs.spaced:
        padded = " " + _NON_WORD.sub(" ", text).strip() + " "
        for sign, phrases in signs.phrases.items():
            for phrase in phrases:
                start = padded.find(f" {phrase} ")
                while start >= 0:
                    if not _negated_spaced(padded[: start + 1], signs.negations):
                        found.append(sign)
                        break
                    start = padded.find(f" {phrase} ", start + 1)
                if sign in found:
                    break
        return found
    for sign, phrases in signs.phrases.items():
        for phrase in phrases:
            start = text.find(phrase)
            while start >= 0:
                if not any(text[:start].endswith(n) for n in signs.negations):
                    found.append(sign)
                    break
                start = text.find(phrase, start + 1)
            if sign in found:
                break
    return found
