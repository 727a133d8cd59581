"""Stored data back into a session: as stored, replayed onto a changed flow, or afresh."""

from __future__ import annotations

import logging
from typing import Any

from bot.flow.model import Flow, holds
from bot.session import Session, extras

log = logging.getLogger(__name__)


def restore(flow: Flow, events: Any, raw: dict[str, Any] | None, lang: str | None) -> tuple[Session, bool, bool]:
    """(session, is_new, flow_changed) for stored data `raw` (None: nothing stored).

    A session stored under an older version of the flow is replayed answer by answer; if its
    answers no longer lead to where it was, it starts afresh (`flow_changed` is then True).
    Event ids and channel state are kept in every case.
    """
    if raw is None:
        return Session(flow.start, flow.version, lang=lang), True, False
    try:
        session: Session | None = Session.from_dict(raw)  # with its event ids and channel state
    except ValueError:
        log.warning("stored session for a conversation was unreadable; starting afresh")
        session = None
    if session is not None and session.version == flow.version and session.state in flow.nodes:
        return session, False, False
    rebuilt, is_new, changed = _rebuild(flow, events, session, lang)
    rebuilt.events, rebuilt.channel = extras(raw)
    return rebuilt, is_new, changed


def _rebuild(flow: Flow, events: Any, session: Session | None, lang: str | None) -> tuple[Session, bool, bool]:
    """A session stored under another flow version, replayed; else a fresh one."""
    replayed = replay(flow, events, session) if session is not None else None
    if replayed is not None:
        return replayed, False, False
    fresh = Session(flow.start, flow.version, lang=(session.lang if session else None) or lang)
    return fresh, True, True


def replay(flow: Flow, events: Any, old: Session) -> Session | None:
    """Re-apply stored answers to the current flow; None if they no longer lead there."""
    session = Session(flow.start, flow.version, lang=old.lang)
    for node_id, option_id in old.answers:
        node = flow.nodes.get(node_id)
        option = node.option(option_id) if node is not None else None
        if session.state != node_id or option is None or not holds(option.when, session.answered):
            return None
        if not events[option_id].trigger(session):
            return None
    return session if session.state == old.state else None
