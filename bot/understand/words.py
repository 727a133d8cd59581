"""One language's typed-answer vocabulary, read from the locale's `typed.*` block."""

from __future__ import annotations

import re

from bot.i18n import Catalog
from bot.understand import alarms, weeks
from bot.understand.normalise import fold, tokens

_SPLIT = re.compile(r"[\s,，、;；:：()（）/+]+|或")


class Words:
    """One language's typed-answer vocabulary, read once from the catalog."""

    def __init__(self, catalog: Catalog, lang: str):
        self.lang = lang
        self.spaced = lang != "zh"
        self._catalog = catalog

        def phrases(key: str) -> tuple[str, ...]:
            raw = catalog.text(lang, key)
            if raw == key:
                return ()
            return tuple(p for p in (fold(x, lang) for x in raw.split(",")) if p)

        self.phrases = phrases
        self.filler = frozenset(phrases("typed.words.filler"))
        self.yes = frozenset(phrases("typed.words.yes"))
        self.no = frozenset(phrases("typed.words.no"))
        self.thanks = frozenset(phrases("typed.words.thanks"))
        self.number_words = frozenset(phrases("typed.words.number"))
        self.unsure = frozenset(phrases("typed.words.unsure"))
        self.vocab = weeks.Vocabulary(
            weeks=phrases("typed.words.weeks"),
            days=phrases("typed.words.days"),
            months=phrases("typed.words.months"),
            after_birth=phrases("typed.words.after_birth"),
            breastfeeding=phrases("typed.words.breastfeeding"),
            not_breastfeeding=phrases("typed.words.not_breastfeeding"),
            filler=tuple(self.filler | set(phrases("typed.words.weeks"))),
            spaced=self.spaced,
        )
        self.units = frozenset(self.vocab.weeks + self.vocab.days + self.vocab.months)
        sign_keys = [k for k in catalog.locales[catalog.default].texts if k.startswith("typed.signs.")]
        self.signs = alarms.Signs(
            {k.removeprefix("typed.signs."): phrases(k) for k in sign_keys},
            phrases("typed.words.negation"),
            self.spaced,
        )
        self._options: dict[tuple[str, str], tuple[frozenset[str], frozenset[str]]] = {}

    def option(self, oid: str, label: str) -> tuple[frozenset[str], frozenset[str]]:
        """An option's exact phrases (id, label, synonyms) and its keywords."""
        cached = self._options.get((oid, label))
        if cached is None:
            folded = fold(label, self.lang)
            syns = self.phrases(f"typed.syn.{oid}")
            exact = {oid, folded, fold(re.sub(r"\s*[(（].*?[)）]", "", label), self.lang), *syns}
            if self.spaced:
                words = {w for p in (folded, *syns) for w in tokens(p)}
            else:
                words = {c for p in (folded, *syns) for c in _SPLIT.split(p) if len(c) >= 2 or p == c}
            keywords = {w for w in words if w and w not in self.filler and w not in self.units}
            keywords = {w for w in keywords if not w.isdigit()}
            cached = self._options[(oid, label)] = (frozenset(exact), frozenset(keywords))
        return cached

    def content_words(self, text: str) -> list[str]:
        """The words of folded text that carry meaning (no filler, no digits)."""
        if not self.spaced:
            for phrase in sorted(self.filler, key=len, reverse=True):
                text = text.replace(phrase, " ")
            return [w for w in _SPLIT.split(text) if w]
        return [w for w in tokens(text) if w not in self.filler and not w.isdigit()]
