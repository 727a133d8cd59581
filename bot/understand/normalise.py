"""Typed text as it is compared: case, accents, quotes, punctuation, full-width digits, emoji."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W_]+(?:['-][^\W_]+)*|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "−": "-"})
# Full-width ASCII (Chinese keyboards type ４ and ＋); superscripts and circled digits stay as they are.
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20  # ideographic space
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0f\ufe0e\u20e3\u200b\u200c\u200d\u2060\ufeff"))
# Languages whose accents people often leave out (so "si" matches "sí"); ё -> е in Russian.
_STRIP_ACCENTS = frozenset({"es", "en"})
_EDGE = "\"'#*()[]{}<>.,;:!?¡¿…。，、；：！？·-~_ "


def strip_accents(text: str) -> str:
    """Latin accents removed ("sí" -> "si"); other scripts untouched."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = (c for c in decomposed if not (unicodedata.combining(c) and c != "\u0306"))
    return unicodedata.normalize("NFC", "".join(kept))


def fold(text: str, lang: str = "en") -> str:
    """Text as typed answers are compared: trimmed, single-spaced, case-folded, plain quotes,
    full-width characters as ASCII, without trailing or leading punctuation."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_FULL_WIDTH)
    text = text.translate(_QUOTES).translate(_DASHES).casefold()
    if lang in _STRIP_ACCENTS:
        text = strip_accents(text)
    elif lang == "ru":
        text = text.replace("ё", "е")
    text = _SPACES.sub(" ", text).strip(_EDGE)
    return text


def tokens(text: str) -> list[str]:
    """The words (and emoji) of folded text."""
    return _TOKEN.findall(text)
