"""Tolerant matching of free words against the options of one question (rapidfuzz for typos).

Each typed word votes for the options whose label or synonyms contain it; a word shared by
several options counts for less. A word matches exactly, as a prefix of three letters or more,
or (loosely) with a small typo. The best option is taken only when it clearly leads; when two
are close, or the only fit is a typo, the caller asks "Did you mean ...?".
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

EXACT, PREFIX, TYPO = 1.0, 0.9, 0.8
TYPO_CUTOFF = 80  # rapidfuzz ratio (0-100) for a word with a small typo
MIN_TYPO_LEN = 4  # shorter words must match exactly or as a prefix
LEAD = 0.5  # how far the best option must be ahead of the next one


@dataclass(frozen=True, slots=True)
class Candidate:
    """One option's words: what its label and synonyms are made of."""

    id: str
    keywords: frozenset[str]


@dataclass(frozen=True, slots=True)
class Guess:
    """The options a text may mean, best first; `sure` when one clearly leads."""

    options: tuple[str, ...]
    sure: bool
    loose: bool  # the best fit rests on typos only


NOTHING = Guess((), False, False)


def _word_score(word: str, keywords: frozenset[str]) -> tuple[float, str | None]:
    if word in keywords:
        return EXACT, word
    if len(word) >= 3:
        prefixed = [k for k in keywords if k.startswith(word) or (len(k) >= 3 and word.startswith(k) and len(word) - len(k) <= 2)]
        if prefixed:
            return PREFIX, min(prefixed, key=len)
    if len(word) >= MIN_TYPO_LEN:
        best = process.extractOne(word, keywords, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        if best is not None:
            return TYPO, best[0]
    return 0.0, None


def guess(words: list[str], candidates: list[Candidate], *, substrings: bool = False) -> Guess:
    """Score `words` against each candidate; `substrings` for languages without spaces (zh),
    where a keyword matches when it occurs anywhere in the one "word" (the whole text)."""
    if not words or not candidates:
        return NOTHING
    shared: dict[str, int] = {}
    for cand in candidates:
        for k in cand.keywords:
            shared[k] = shared.get(k, 0) + 1
    scores: dict[str, float] = {}
    exact: dict[str, bool] = {}
    for cand in candidates:
        total, firm = 0.0, False
        if substrings:
            text = "".join(words)
            hits = [k for k in cand.keywords if k in text]
            # a keyword inside a longer matching keyword does not count twice
            hits = [k for k in hits if not any(k != o and k in o for o in hits)]
            total = sum(EXACT * len(k) / shared[k] for k in hits)
            firm = bool(hits)
        else:
            for word in words:
                score, keyword = _word_score(word, cand.keywords)
                if keyword is not None:
                    total += score / shared[keyword]
                    firm = firm or score > TYPO
        if total > 0:
            scores[cand.id] = total
            exact[cand.id] = firm
    if not scores:
        return NOTHING
    ranked = sorted(scores, key=lambda o: -scores[o])
    best = scores[ranked[0]]
    close = tuple(o for o in ranked if scores[o] >= best - LEAD)[:4]
    sure = len(close) == 1
    return Guess(close if not sure else (ranked[0],), sure, not exact[ranked[0]])
