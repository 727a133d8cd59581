"""Locale catalogs: one YAML file per language, lookup with fallback, {placeholders}."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ContentError, Problem
from bot.yamlsrc import LDict, display_name, load_yaml

_LANG = re.compile(r"^[a-z]{2,3}$")
_TRADITIONAL = frozenset({"hant", "tw", "hk", "mo"})
META_KEYS = ("name", "translator", "review")


def placeholders(text: str) -> frozenset[str]:
    """The names of the {placeholders} in a text."""
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)
    except ValueError:
        return frozenset({"<malformed>"})


# Placeholders that, when no value is configured, take a text from the same locale.
DEFAULT_VALUES = {"emergency_number": "ui.emergency_number_default"}


class _Values(dict[str, str]):
    """Placeholder values; an unset one takes its locale default, an unknown one stays."""

    def __init__(self, values: dict[str, str], locale: Locale):
        super().__init__(values)
        self.locale = locale

    def __missing__(self, key: str) -> str:
        default = DEFAULT_VALUES.get(key)
        if default and default in self.locale.texts:
            return self.locale.texts[default]
        return "{" + key + "}"


@dataclass
class Locale:
    """One language: its texts by flat key, the line of each, and its metadata."""

    lang: str
    path: str
    texts: dict[str, str]
    lines: dict[str, int]
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The language's name in its own script."""
        return self.meta.get("name", self.lang)


def _flatten(data: LDict, prefix: str, loc: Locale, problems: list[Problem]) -> None:
    for key, value in data.items():
        line = data.line_of(key)
        full = f"{prefix}{key}"
        if isinstance(value, LDict):
            _flatten(value, full + ".", loc, problems)
        elif isinstance(value, str):
            if full in loc.texts:
                problems.append(
                    Problem(loc.path, line, f"duplicate key '{full}' (first at line {loc.lines[full]})")
                )
            elif not value.strip():
                problems.append(Problem(loc.path, line, f"'{full}' is empty"))
            else:
                loc.texts[full] = value.strip()
                loc.lines[full] = line
        else:
            problems.append(Problem(loc.path, line, f"'{full}' must be text, got {type(value).__name__}"))


def load_locale(path: Path, display: str | None = None) -> tuple[Locale | None, list[Problem]]:
    """Load one locale file; the language is the file name (en.yaml -> en)."""
    name = display or str(path)
    data, problems = load_yaml(path, name)
    if data is None:
        return None, problems
    if not isinstance(data, LDict):
        return None, [*problems, Problem(name, 1, "a locale file must map keys to texts")]
    loc = Locale(path.stem, name, {}, {})
    if not _LANG.match(loc.lang):
        problems.append(Problem(name, 1, f"file name '{path.name}' must be a language code like en.yaml"))
    meta = data.get("meta")
    if isinstance(meta, LDict):
        loc.meta = {k: str(v) for k, v in meta.items()}
        for k in META_KEYS:
            if k not in meta:
                problems.append(Problem(name, meta.line, f"meta: missing '{k}'"))
    else:
        problems.append(Problem(name, data.line_of("meta"), "missing 'meta' (name, translator, review)"))
    body = LDict({k: v for k, v in data.items() if k != "meta"})
    body.line, body.key_lines = data.line, data.key_lines
    _flatten(body, "", loc, problems)
    return loc, problems


MEMO_SIZE = 50_000  # filled-in texts remembered (the shipped content has about 3,000 per language)


class Catalog:
    """Every loaded language; `text` looks a key up with fallback to the default language."""

    def __init__(self, locales: dict[str, Locale], default: str = "en"):
        if not locales:
            raise ContentError([Problem("locales", 0, "no locale files found")])
        self.locales = locales
        self.default = default if default in locales else ("en" if "en" in locales else next(iter(locales)))
        self._values: dict[str, str] = {}
        self._memo: dict[tuple[object, ...], str] = {}  # filled-in texts, by (lang, key, variant, values)

    @classmethod
    def load(cls, directory: Path, default: str = "en") -> Catalog:
        """Load `directory/*.yaml`; raise ContentError on any error."""
        locales, problems = load_locales(directory)
        errors = [p for p in problems if not p.warning]
        if errors:
            raise ContentError(errors)
        return cls(locales, default)

    @property
    def languages(self) -> list[str]:
        """Supported language codes, the default first."""
        return [self.default, *sorted(k for k in self.locales if k != self.default)]

    def set_values(self, **values: str) -> None:
        """Set the values of placeholders used in texts (e.g. emergency_number)."""
        self._values.update(values)
        self._memo.clear()

    def supported(self, lang: str | None) -> str | None:
        """Map a language tag (en-GB, zh-Hans, ...) to a loaded language, or None."""
        if not lang:
            return None
        tag = lang.strip().lower().replace("_", "-")
        if tag in self.locales:
            return tag
        base, _, region = tag.partition("-")
        if base == "zh" and region.split("-", 1)[0] in _TRADITIONAL:
            return None  # zh (Simplified) is not offered to Traditional Chinese readers
        return base if base in self.locales else None

    def configured(self, name: str) -> bool:
        """True when a placeholder has a configured value (not its locale default)."""
        return name in self._values

    def text(self, lang: str | None, key: str, *, variant: str | None = None, **values: str) -> str:
        """The text of `key` in `lang` (falling back to the default), placeholders filled.

        With a `variant` (a channel such as ``console``), the key ``<variant>.<key>`` is
        preferred where the language has it: wording for that channel ("type" for "tap").
        """
        memo = (lang, key, variant, *values.items())
        found = self._memo.get(memo)
        if found is None:
            found = self._text(lang, key, variant, values)
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[memo] = found
        return found

    def _text(self, lang: str | None, key: str, variant: str | None, values: dict[str, str]) -> str:
        loc = self.locales.get(lang or self.default) or self.locales[self.default]
        raw = loc.texts.get(f"{variant}.{key}") if variant else None
        if raw is None:
            raw = loc.texts.get(key)
        if raw is None:
            loc = self.locales[self.default]
            raw = (loc.texts.get(f"{variant}.{key}") if variant else None) or loc.texts.get(key, key)
        if "{" not in raw:
            return raw
        try:
            return raw.format_map(_Values({**self._values, **values}, loc))
        except (ValueError, IndexError, AttributeError):
            return raw


def load_locales(directory: Path) -> tuple[dict[str, Locale], list[Problem]]:
    """Load every locale file in `directory`."""
    locales, problems = {}, []
    files = sorted(directory.glob("*.yaml"))
    if not files:
        return {}, [Problem(str(directory), 0, "no locale files (*.yaml) found")]
    for path in files:
        display = display_name(path)
        loc, found = load_locale(path, display)
        problems += found
        if loc is not None:
            locales[loc.lang] = loc
    return locales, problems
