"""Assemble the parts from settings: content, catalog, store, engine."""

from __future__ import annotations

from bot.engine import Engine
from bot.errors import ContentError, Problem
from bot.i18n import Catalog
from bot.lint import check_content, raise_for
from bot.settings import Settings
from bot.storage import open_store


def build_engine(settings: Settings, *, help_footer: str | None = None, channel: str | None = None) -> Engine:
    """Load and check the content, open the store, and build the engine (raises on errors).

    `channel` (``console``) picks that channel's wording where the locales have it."""
    content = check_content(settings.flows_dir, settings.locales_dir, settings.locale)
    raise_for(content)
    flow = content.flows.get(settings.flow)
    if flow is None:
        raise ContentError([Problem(str(settings.flows_dir), 0, f"no flow named '{settings.flow}'")])
    catalog = Catalog(content.locales, settings.locale)
    store = open_store(settings.store, ttl=settings.session_ttl)
    return Engine(
        flow, catalog, store, emergency_number=settings.emergency_number, help_footer=help_footer, channel=channel
    )
