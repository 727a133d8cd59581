"""Translation state: which texts of a language are done, stale, untranslated or reviewed.

Beside each locale `locales/xx.yaml` lies `locales/fingerprints/xx.yaml`. It records, per key,
the fingerprint of the English text the translation was made from (`from_english`), and the
fingerprint of the translation as a native reviewer checked it (`reviewed`). A translation is
*stale* when the English changed since (or nothing is recorded), *untranslated* when it is the
English text itself (names and numbers aside), *reviewed* when the checked text is unchanged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.errors import Problem
from bot.i18n import Locale
from bot.yamlsrc import LDict, load_yaml

STATE_DIR = "fingerprints"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|https?://\S+")
_WORD = re.compile(r"[^\W\d_]{3,}")
# Word lists for reading typed answers: each language has its own, they are not translations.
VOCABULARY = ("typed.syn.", "typed.words.", "typed.signs.")

HEADER = """\
# Translation state of locales/{lang}.yaml (see docs/review.md). Written by
# `python -m bot translations --mark {lang}` and `--reviewed {lang}`; do not edit by hand.
#   from_english: key -> fingerprint of the English text this translation was made from
#   reviewed:     key -> fingerprint of the translation when a native reviewer checked it
#   same_as_english: keys whose text is rightly the same as the English (names, numbers)
"""


@dataclass
class Record:
    """The stored translation state of one language."""

    from_english: dict[str, str] = field(default_factory=dict)
    reviewed: dict[str, str] = field(default_factory=dict)
    same_as_english: set[str] = field(default_factory=set)


@dataclass
class State:
    """Per-key state of one language against the English."""

    lang: str
    total: int = 0
    done: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reviewed: list[str] = field(default_factory=list)


def text_fingerprint(text: str) -> str:
    """A short, stable fingerprint of one text (8 hex digits)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:8]


def state_path(locales_dir: Path, lang: str) -> Path:
    """Where the translation state of `lang` is kept."""
    return locales_dir / STATE_DIR / f"{lang}.yaml"


def load_record(locales_dir: Path, lang: str) -> tuple[Record, list[Problem]]:
    """The stored state of `lang` (empty when there is none yet)."""
    path = state_path(locales_dir, lang)
    if not path.is_file():
        return Record(), []
    data, problems = load_yaml(path, str(path))
    record = Record()
    if data is None:
        return record, problems
    if not isinstance(data, LDict):
        return record, [*problems, Problem(str(path), 1, "expected from_english, reviewed, same_as_english")]
    for name in ("from_english", "reviewed"):
        part = data.get(name) or {}
        if isinstance(part, dict):
            getattr(record, name).update({str(k): str(v) for k, v in part.items()})
        else:
            problems.append(Problem(str(path), data.line_of(name), f"'{name}' must map keys to fingerprints"))
    same = data.get("same_as_english") or []
    if isinstance(same, list):
        record.same_as_english.update(str(k) for k in same)
    else:
        problems.append(
            Problem(str(path), data.line_of("same_as_english"), "'same_as_english' must be a list")
        )
    return record, problems


def save_record(locales_dir: Path, lang: str, record: Record) -> Path:
    """Write the state of `lang`, keys sorted, so diffs stay small."""
    path = state_path(locales_dir, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "from_english": dict(sorted(record.from_english.items())),
        "reviewed": dict(sorted(record.reviewed.items())),
        "same_as_english": sorted(record.same_as_english),
    }
    text = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    path.write_text(HEADER.format(lang=lang) + text, encoding="utf-8")
    return path


def needs_no_translation(text: str) -> bool:
    """True for texts that read the same in every language: numbers, codes, placeholders, URLs."""
    return _WORD.search(_PLACEHOLDER.sub(" ", text)) is None


def translation_state(base: Locale, loc: Locale, record: Record) -> State:
    """Compare `loc` with the English `base` under its stored record."""
    texts = {k: v for k, v in base.texts.items() if not k.startswith(VOCABULARY)}
    state = State(loc.lang, total=len(texts))
    for key, english in texts.items():
        text = loc.texts.get(key)
        if text is None:
            state.missing.append(key)
        elif text == english and key not in record.same_as_english and not needs_no_translation(text):
            state.untranslated.append(key)
        elif record.from_english.get(key) != text_fingerprint(english):
            state.stale.append(key)
        else:
            state.done.append(key)
            if record.reviewed.get(key) == text_fingerprint(text):
                state.reviewed.append(key)
    return state


def mark(base: Locale, loc: Locale, record: Record, keys: list[str] | None, *, reviewed: bool) -> int:
    """Record `keys` (or every translated key) as translated from the current English, or reviewed.

    Returns how many keys were marked; untranslated and missing keys are never marked.
    """
    state = translation_state(base, loc, record)
    eligible = set(state.done) | set(state.stale)
    chosen = eligible if keys is None else eligible & set(keys)
    for key in chosen:
        record.from_english[key] = text_fingerprint(base.texts[key])
        if reviewed:
            record.reviewed[key] = text_fingerprint(loc.texts[key])
    return len(chosen)


def problems(base: Locale, loc: Locale, state: State) -> list[Problem]:
    """Lint warnings for stale and untranslated texts of one language."""
    out = []
    for key in state.stale:
        out.append(
            Problem(
                loc.path,
                loc.lines[key],
                f"'{key}' may be stale: the English text changed since it was translated"
                f" (after checking: python -m bot translations --mark {loc.lang} {key})",
                warning=True,
            )
        )
    for key in state.untranslated:
        out.append(
            Problem(loc.path, loc.lines[key], f"'{key}' is the English text, not translated", warning=True)
        )
    return out


def table(states: list[State]) -> str:
    """The per-language summary as a Markdown table."""
    rows = [
        "| language | texts | done | stale | untranslated | missing | reviewed |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in states:
        rows.append(
            f"| {s.lang} | {s.total} | {len(s.done)} | {len(s.stale)} | {len(s.untranslated)} "
            f"| {len(s.missing)} | {len(s.reviewed)} |"
        )
    return "\n".join(rows)
