"""Numbers people type: digits, "1." "1)" "#1", number words (en, es, ru up to 99) and Chinese numerals."""

from __future__ import annotations

import re

MAX_DIGITS = 4  # longer digit runs are neither an option number nor a week

_EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50}
_ES_UNITS = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce", "trece", "catorce", "quince", "dieciseis", "diecisiete", "dieciocho", "diecinueve", "veinte", "veintiuno", "veintidos", "veintitres", "veinticuatro", "veinticinco", "veintiseis", "veintisiete", "veintiocho", "veintinueve"]
_ES_TENS = {"treinta": 30, "cuarenta": 40, "cincuenta": 50}
_ES_EXTRA: dict[str, int] = {}  # "un", "una" are also the article: not read as numbers
_RU_UNITS = {
    "ноль": 0, "один": 1, "одна": 1, "одну": 1, "одной": 1, "два": 2, "две": 2, "двух": 2, "три": 3,
    "трех": 3, "четыре": 4, "четырех": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6, "семь": 7,
    "семи": 7, "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9, "десять": 10, "десяти": 10,
    "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15,
    "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19,
}  # fmt: skip
_RU_TENS = {"двадцать": 20, "двадцати": 20, "тридцать": 30, "тридцати": 30, "сорок": 40, "сорока": 40, "пятьдесят": 50}
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_RUN = re.compile(r"[零〇一二两三四五六七八九十]+")
_DIGITS = re.compile(r"\d+")

UNITS: dict[str, dict[str, int]] = {
    "en": {w: i for i, w in enumerate(_EN_UNITS)},
    "es": {w: i for i, w in enumerate(_ES_UNITS)} | _ES_EXTRA,
    "ru": _RU_UNITS,
}
TENS: dict[str, dict[str, int]] = {"en": _EN_TENS, "es": _ES_TENS, "ru": _RU_TENS}
_JOINERS = {"en": {"and"}, "es": {"y"}, "ru": set()}


def zh_number(run: str) -> int | None:
    """A Chinese numeral up to 99 ("二十四" -> 24, "十" -> 10), or None."""
    if "十" not in run:
        return _ZH_DIGITS[run] if len(run) == 1 else None
    tens, _, units = run.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return None
    high = _ZH_DIGITS.get(tens, -1) if tens else 1
    low = _ZH_DIGITS.get(units, -1) if units else 0
    return None if high < 0 or low < 0 else high * 10 + low


def words_to_digits(text: str, lang: str) -> str:
    """Folded text with number words replaced by digits ("twenty four weeks" -> "24 weeks")."""
    if lang == "zh" or _ZH_RUN.search(text):
        text = _ZH_RUN.sub(lambda m: str(n) if (n := zh_number(m.group())) is not None else m.group(), text)
    units, tens = UNITS.get(lang), TENS.get(lang)
    if not units or not tens:
        return text
    joiners = _JOINERS.get(lang, set())
    words = re.split(r"(\s+|-)", text)
    out: list[str] = []
    i = 0
    parts = [w for w in words if w and not w.isspace() and w != "-"]
    while i < len(parts):
        word = parts[i]
        if word in tens:
            value = tens[word]
            j = i + 1
            if j < len(parts) and parts[j] in joiners and j + 1 < len(parts):
                j += 1
            if j < len(parts) and parts[j] in units and 0 < units[parts[j]] < 10:
                value += units[parts[j]]
                i = j
            out.append(str(value))
        elif word in units:
            out.append(str(units[word]))
        else:
            out.append(word)
        i += 1
    return " ".join(out)


def small_int(token: str) -> int | None:
    """A run of ASCII digits as an int, or None (not digits, or too long to be an answer)."""
    if not token.isascii() or not token.isdigit() or len(token) > MAX_DIGITS:
        return None
    return int(token)


def digit_runs(text: str) -> list[str]:
    """The ASCII digit runs in a text."""
    return _DIGITS.findall(text)
