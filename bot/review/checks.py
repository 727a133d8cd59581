"""Review warnings for lint: translation state and sign-off (light: no engine, no store)."""

from __future__ import annotations

from pathlib import Path

from bot.errors import Problem
from bot.i18n import Locale
from bot.review import signoff, translations
from bot.settings import Settings


def where(path: Path) -> str:
    """A path as shown in messages: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def base_locale(locales: dict[str, Locale]) -> Locale:
    """The language translations are made from: English, else the first."""
    return locales.get("en") or next(iter(locales.values()))


def states(locales_dir: Path, locales: dict[str, Locale]) -> list[translations.State]:
    """The translation state of every language other than English."""
    base = base_locale(locales)
    found = []
    for lang in sorted(locales):
        if locales[lang] is base:
            continue
        record, _ = translations.load_record(locales_dir, lang)
        found.append(translations.translation_state(base, locales[lang], record))
    return found


def review_problems(settings: Settings, locales: dict[str, Locale]) -> list[Problem]:
    """Warnings for lint: stale or untranslated texts, and content changed since the sign-off."""
    out: list[Problem] = []
    base = base_locale(locales)
    for lang in sorted(locales):
        if locales[lang] is base:
            continue
        record, problems = translations.load_record(settings.locales_dir, lang)
        out += [Problem(p.path, p.line, p.message, warning=True) for p in problems]
        state = translations.translation_state(base, locales[lang], record)
        out += translations.problems(base, locales[lang], state)
    rel = signoff.release(settings.flows_dir, settings.locales_dir)
    if not rel.signed:
        out.append(
            Problem(
                where(signoff.signoff_path(settings.flows_dir)),
                0,
                f"{rel.describe()}: needs clinical sign-off before real use",
                warning=True,
            )
        )
    return out


def release_line(settings: Settings) -> str:
    """The content fingerprint and whether it is signed off, in one line."""
    return signoff.release(settings.flows_dir, settings.locales_dir).describe()
