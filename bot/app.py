"""Assemble the parts from settings: content, catalog, store, engine."""

from __future__ import annotations

import logging

from bot.engine import Engine
from bot.errors import ContentError, Problem
from bot.i18n import Catalog
from bot.lint import check_content, raise_for
from bot.settings import Settings
from bot.storage import open_store

log = logging.getLogger(__name__)


def build_engine(settings: Settings, *, help_footer: str | None = None, channel: str | None = None) -> Engine:
    """Load and check the content, open the store, and build the engine (raises on errors).

    `channel` (``console``) picks that channel's wording where the locales have it."""
    content = check_content(settings.flows_dir, settings.locales_dir, settings.locale)
    raise_for(content)
    flow = content.flows.get(settings.flow)
    if flow is None:
        raise ContentError([Problem(str(settings.flows_dir), 0, f"no flow named '{settings.flow}'")])
    catalog = Catalog(content.locales, settings.locale)
    if catalog.default != settings.locale:
        log.warning("%s", locale_note(settings.locale, catalog))
    store = open_store(settings.store, ttl=settings.session_ttl)
    scheme = settings.store.partition(":")[0]  # never the rest: a Redis URL may hold a password
    log.debug(
        "flow %s version %s, %d language(s), %s store", flow.id, flow.version, len(catalog.locales), scheme
    )
    return Engine(
        flow, catalog, store, emergency_number=settings.emergency_number, help_footer=help_footer, channel=channel
    )


def locale_note(wanted: str, catalog: Catalog) -> str:
    """What to say when BOT_LOCALE names a language the locales do not have."""
    languages = ", ".join(sorted(catalog.locales))  # catalog.default is the fallback it chose
    return f"BOT_LOCALE '{wanted[:20]}' is not available ({languages}); using {catalog.default}"
