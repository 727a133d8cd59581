"""The review commands: preview, translations, signoff; and the review warnings lint adds."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path

from bot.engine import Engine
from bot.errors import ConfigError
from bot.i18n import Catalog
from bot.lint import Content, check_content, raise_for
from bot.review import signoff, translations
from bot.review.checks import base_locale, release_line, states, where
from bot.settings import Settings
from bot.storage import MemoryStore


def _content(settings: Settings) -> Content:
    content = check_content(settings.flows_dir, settings.locales_dir, settings.locale)
    raise_for(content)
    return content


def run_translations(
    settings: Settings, *, mark: str | None, reviewed: bool, keys: list[str], all_keys: bool
) -> int:
    """Print the state per language, or mark keys of one language as translated (or reviewed)."""
    content = _content(settings)
    if mark is None:
        print(translations.table(states(settings.locales_dir, content.locales)))
        return 0
    if mark not in content.locales or content.locales[mark] is base_locale(content.locales):
        raise ConfigError(f"--mark needs a translated language ({', '.join(sorted(content.locales))})")
    if not keys and not all_keys:
        raise ConfigError("name the keys you checked, or pass --all")
    record, _ = translations.load_record(settings.locales_dir, mark)
    count = translations.mark(
        base_locale(content.locales),
        content.locales[mark],
        record,
        None if all_keys else keys,
        reviewed=reviewed,
    )
    path = translations.save_record(settings.locales_dir, mark, record)
    print(
        f"{where(path)}: marked {count} text(s) as {'reviewed' if reviewed else 'translated from the current English'}"
    )
    return 0


def run_signoff(settings: Settings, *, by: str, role: str) -> int:
    """Record a sign-off of the current content (only when lint finds no error)."""
    _content(settings)
    entry = signoff.sign(settings.flows_dir, settings.locales_dir, by=by, role=role)
    print(f"signed off content {entry.fingerprint} by {entry.by} ({entry.role}) on {entry.date}")
    return 0


def run_preview(settings: Settings, *, out: Path, langs: list[str] | None) -> int:
    """Build the static preview site into `out`."""
    from bot.review.collect import walk_engine
    from bot.review.preview import Preview, Site

    content = _content(settings)
    flow = content.flows.get(settings.flow)
    if flow is None:
        raise ConfigError(f"no flow named '{settings.flow}'")
    chosen = langs or sorted(content.locales, key=lambda c: (c != "en", c))
    unknown = [code for code in chosen if code not in content.locales]
    if unknown:
        raise ConfigError(
            f"unknown language(s): {', '.join(unknown)} (have {', '.join(sorted(content.locales))})"
        )

    def make_engine() -> Engine:
        catalog = Catalog(content.locales, settings.locale)
        return Engine(
            flow,
            catalog,
            MemoryStore(),
            emergency_number=settings.emergency_number,
            today=lambda: dt.date(2026, 1, 1),
        )

    walked = asyncio.run(walk_engine(make_engine, chosen))
    site = Site(
        walked,
        Catalog(content.locales, settings.locale),
        release_line(settings),
        translations.table(states(settings.locales_dir, content.locales)),
    )
    written = Preview(site).write(out)
    changed = f"updated {len(written)} files in {out}" if written else f"{out} is up to date"
    print(f"{changed} ({len(walked.paths)} paths, {len(chosen)} languages)", file=sys.stderr)
    return 0
