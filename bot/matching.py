"""Typed answers -> what they mean at one question: an option, a "did you mean", a warning sign.

The words come from the locale's `typed.*` block (synonyms per option id, week and filler words,
warning-sign phrases); see bot/understand/ for the parts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.flow.model import NumberRange
from bot.i18n import Catalog
from bot.understand import alarms, fuzzy, weeks
from bot.understand.normalise import fold, tokens
from bot.understand.numbers import small_int, words_to_digits
from bot.understand.words import Words

_NUMBER = re.compile(r"\d+")
# A warning sign that is also an option id picks that option; these pick another one.
SIGN_OPTIONS = {"faint": ("heavy_bleeding",), "heavy_bleeding": ("heavy_bleeding",)}
NONE = "none"  # the "None of these" option of a red-flag screen


def norm(text: str) -> str:
    """Text as typed answers are compared (see `fold`)."""
    return fold(text)


def has_number(text: str) -> bool:
    """True when the text contains an ASCII digit."""
    return _NUMBER.search(fold(text)) is not None


@dataclass(frozen=True, slots=True)
class Understood:
    """What a typed text means at a question.

    kind: ``option`` (take `option`), ``ask`` ("did you mean" one of `candidates`; "yes" picks
    `yes`), ``signs`` (warning signs the question has no button for), ``thanks`` (small talk),
    ``error`` (explain `error`, a locale key), ``unknown``.
    `weeks`/`months`: the number she typed, for the confirmation; `then`: an answer she also gave
    to a later question (time since the birth).
    """

    kind: str
    option: str | None = None
    candidates: tuple[str, ...] = ()
    yes: str | None = None
    weeks: int | None = None
    months: int | None = None
    then: str | None = None
    error: str | None = None
    signs: tuple[str, ...] = ()


UNKNOWN = Understood("unknown")


@dataclass(frozen=True, slots=True)
class Question:
    """What the matcher needs of the question being answered."""

    choices: Sequence[tuple[str, str]]  # (option id, label) as offered now
    numbers: Sequence[NumberRange] = ()
    numbers_error: str = ""
    screen: bool = False  # a red-flag screen: a loose fit never picks `none`
    offered: Callable[[str], bool] = lambda _o: True  # any option of the node, offered or not


class Matcher:
    """Reads typed answers in the conversation's language."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._words: dict[str, Words] = {}

    def words(self, lang: str) -> Words:
        """The vocabulary of a language (cached)."""
        found = self._words.get(lang)
        if found is None:
            found = self._words[lang] = Words(self.catalog, lang)
        return found

    # -- the parts ----------------------------------------------------------------------------

    def choice(self, text: str, choices: Sequence[tuple[str, str]], lang: str = "en") -> str | None:
        """The id of the choice whose number (1-based), id, label or synonym was typed exactly."""
        found = self._exact(fold(text, lang), choices, self.words(lang))
        return found[0] if len(found) == 1 else None

    def signs(self, text: str, lang: str) -> list[str]:
        """Warning signs in a typed text."""
        return alarms.detect(fold(text, lang), self.words(lang).signs)

    def is_thanks(self, text: str, lang: str) -> bool:
        """True for small talk such as "thanks", "спасибо", "谢谢", "👍"."""
        w = self.words(lang)
        typed = fold(text, lang)
        if not typed or typed in w.thanks:
            return True
        if not w.spaced:
            return any(typed.startswith(t) for t in w.thanks if len(t) >= 2)
        words = tokens(typed)
        return bool(words) and all(x in w.thanks or x in w.filler or x in w.yes for x in words) and any(
            x in w.thanks for x in words
        )

    def _number(self, typed: str, w: Words, weeks_first: bool) -> int | None:
        """A typed option number: "2", "2.", "#2", "option 2", "two"; where numbers are weeks,
        only with a word that says it is an option ("option 2")."""
        words = tokens(words_to_digits(typed, w.lang))
        prefixed = bool(words) and words[0] in w.number_words
        if prefixed:
            words = words[1:]
        if weeks_first and not prefixed:
            return None
        return small_int(words[0]) if len(words) == 1 else None

    def _exact(
        self, typed: str, choices: Sequence[tuple[str, str]], w: Words, weeks_first: bool = False
    ) -> list[str]:
        if not typed:
            return []
        number = self._number(typed, w, weeks_first)
        if number is not None:
            return [choices[number - 1][0]] if 1 <= number <= len(choices) else []
        found = [oid for oid, label in choices if typed in w.option(oid, label)[0]]
        if not found and (typed in w.yes or typed in w.no):
            starts = w.yes if typed in w.yes else w.no
            found = [oid for oid, label in choices if _first_word(fold(label, w.lang), w.spaced) in starts]
        return found

    # -- the whole answer ---------------------------------------------------------------------

    def understand(self, text: str, lang: str, q: Question) -> Understood:
        """What `text` means at question `q`: see `Understood`."""
        w = self.words(lang)
        typed = fold(text, lang)
        if not typed:
            return UNKNOWN
        offered = {oid for oid, _ in q.choices}
        exact = self._exact(typed, q.choices, w, weeks_first=bool(q.numbers))
        if len(exact) == 1:
            return Understood("option", exact[0])
        if exact:
            return Understood("ask", candidates=tuple(exact))
        signs = alarms.detect(typed, w.signs)
        if signs:
            for sign in signs:
                for oid in SIGN_OPTIONS.get(sign, (sign,)):
                    if oid in offered:
                        return Understood("option", oid, signs=tuple(signs))
            return Understood("signs", signs=tuple(signs))
        if q.screen:  # "no chest pain": ask, never guess either way
            denied = [o for x in alarms.detect(typed, w.signs, negated=True) for o in SIGN_OPTIONS.get(x, (x,))]
            denied = [o for o in dict.fromkeys(denied) if o in offered]
            if denied:
                return Understood("ask", candidates=(*denied, NONE))
            padded = f" {' '.join(tokens(typed))} " if w.spaced else typed
            if any((f" {u} " if w.spaced else u) in padded for u in w.unsure):
                return Understood("error", error="typed.unsure_screen")
        if q.numbers:
            found = self._status(typed, w, q)
            if found is not None:
                return found
        found = _duration(typed, w, [oid for oid, _ in q.choices])
        if found is not None:
            return found
        if self.is_thanks(text, lang):
            return Understood("thanks")
        return self._guess(typed, w, q)

    def _guess(self, typed: str, w: Words, q: Question) -> Understood:
        cands = [fuzzy.Candidate(oid, w.option(oid, label)[1]) for oid, label in q.choices]
        g = fuzzy.guess(w.content_words(typed), cands, substrings=not w.spaced)
        if not g.options:
            return UNKNOWN
        if g.sure and not g.loose and not (q.screen and g.options[0] == NONE):
            return Understood("option", g.options[0])
        return Understood("ask", candidates=g.options, yes=g.options[0] if len(g.options) == 1 else None)

    def _status(self, typed: str, w: Words, q: Question) -> Understood | None:
        """A typed status with a number: weeks, a bare number, months, or time since birth."""
        reading = weeks.read(typed, w.lang, w.vocab)
        if reading is None:
            return None
        ids = [oid for oid, _ in q.choices]
        by_week = _week_option(reading.value, q.numbers, ids) if reading.value is not None else None
        error = Understood("error", error=q.numbers_error or "ui.unknown")
        if reading.kind == "weeks":
            return Understood("option", by_week, weeks=reading.value) if by_week else error
        if reading.kind == "bare":
            n = reading.value or 0
            button = ids[n - 1] if 1 <= n <= len(ids) else None
            if by_week is None:
                return error
            if button is None or button == by_week:
                return Understood("option", by_week, weeks=n)
            return Understood("ask", candidates=(by_week, button), yes=by_week, weeks=n)
        if reading.kind == "months":
            span = weeks.MONTH_WEEKS.get(reading.value or 0)
            if span is None:
                return Understood("error", error="typed.weeks_unclear")
            cands = tuple(
                r.option for r in q.numbers if r.min <= span[1] and r.max >= span[0] and r.option in ids
            )
            if not cands:
                return error
            return Understood("ask", candidates=cands, yes=cands[0] if len(cands) == 1 else None, months=reading.value)
        if reading.kind == "after_birth":
            then = None
            if reading.since is not None and reading.since != 6:
                then = "under_6_weeks" if reading.since < 6 else "over_6_weeks"
            g = self._guess(typed, w, q)
            if g.kind == "option" and g.option == "pregnancy_ended":
                return Understood("option", "pregnancy_ended", then=then)
            if reading.feeding in ids:
                return Understood("option", reading.feeding, then=then)
            cands = tuple(o for o in ("postpartum", "breastfeeding") if o in ids)
            return Understood("ask", candidates=cands, then=then) if cands else UNKNOWN
        if reading.kind == "too_big":
            return error
        return Understood("error", error="typed.weeks_unclear")

    # -- kept for callers that only need a week -----------------------------------------------

    def week(
        self, text: str, lang: str, ranges: Sequence[NumberRange], offered: Callable[[str], bool]
    ) -> str | None:
        """A typed week of pregnancy ("24", "week 24", "24周"): the option its range picks."""
        reading = weeks.read(fold(text, lang), lang, self.words(lang).vocab)
        if reading is None or reading.kind not in ("weeks", "bare") or reading.value is None:
            return None
        return _week_option(reading.value, ranges, [r.option for r in ranges if offered(r.option)])


def _first_word(label: str, spaced: bool) -> str:
    if not spaced:
        return re.split(r"[，,、：:]", label, maxsplit=1)[0]
    words = tokens(label)
    return words[0] if words else ""


_SPAN = re.compile(r"^(under|over)_(\d+)_weeks$")


def _duration(typed: str, w: Words, ids: list[str]) -> Understood | None:
    """ "3 days" at a question whose options are `under_N_weeks` / `over_N_weeks`."""
    spans = [m.groups() for m in map(_SPAN.match, ids) if m]
    if len(spans) != 2 or len(ids) != 2:
        return None
    weeks_ = weeks.duration(typed, w.lang, w.vocab)
    if weeks_ is None:
        return None
    limit = int(spans[0][1])
    return Understood("option", f"under_{limit}_weeks" if weeks_ < limit else f"over_{limit}_weeks")


def _week_option(value: int, ranges: Sequence[NumberRange], ids: Sequence[str]) -> str | None:
    for rng in ranges:
        if rng.min <= value <= rng.max and rng.option in ids:
            return rng.option
    return None
