"""Replies -> Telegram messages: HTML escaping, 4096-character splitting, inline keyboards.

Pure functions, no network: what to send is decided here, sending is handler.py's job.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.events import BACK, Reply

MAX_TEXT = 4096  # Telegram's limit for one message, in UTF-16 code units
MAX_CALLBACK = 64  # bytes of callback data
CHOSEN_MARK = "✓"
BACK_MARK = "⬅"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Telegram message to send: HTML text and an optional inline keyboard."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None
    markup: dict[str, Any] | None = None  # the keyboard as the Bot API's JSON object (read only)


def escape(text: str) -> str:
    """Escape plain text for Telegram's HTML parse mode (<, > and &)."""
    return html.escape(text, quote=False)


def size(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def callback_data(node: str, option: str) -> str:
    """The callback data of an option button: ``node|option``."""
    return f"{node}|{option}"


def parse_callback(data: str | None) -> tuple[str, str] | None:
    """``node|option`` -> (node, option); None for anything that is not well formed."""
    if not data or len(data.encode()) > MAX_CALLBACK:
        return None
    node, sep, option = data.partition("|")
    if not sep or not _ID.match(node) or not _ID.match(option):
        return None
    return node, option


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The inline keyboard of `reply`: answers one per row, a menu of actions two per row,
    then a Back button when the reply offers one; None when there is nothing to press."""
    buttons = [InlineKeyboardButton(o.label, callback_data=callback_data(reply.node, o.id)) for o in reply.options]
    width = 2 if reply.actions else 1
    rows = [buttons[i : i + width] for i in range(0, len(buttons), width)]
    if reply.back:
        rows.append([InlineKeyboardButton(f"{BACK_MARK} {reply.back}", callback_data=callback_data(reply.node, BACK))])
    return InlineKeyboardMarkup(rows) if rows else None


def _html(piece: str, reply: Reply) -> str:
    """One piece of a reply's text as HTML: strong lines bold, ``name: url`` link lines named links."""
    lines = []
    strong = set(reply.strong)
    for line in piece.split("\n"):
        lines.append(f"<b>{escape(line)}</b>" if line in strong and line.strip() else escape(line))
    body = "\n".join(lines)
    for name, url in reply.links:
        body = body.replace(escape(f"{name}\n  {url}"), f'<a href="{html.escape(url, quote=True)}">{escape(name)}</a>')
    return body


def _pieces(text: str, limit: int) -> list[str]:
    """Split plain text so that each escaped piece fits `limit`; prefer paragraphs, then
    lines, then words, and cut hard only inside a single over-long word."""
    if size(escape(text)) <= limit:
        return [text]
    for sep in ("\n\n", "\n", " "):
        parts = text.split(sep)
        if len(parts) == 1:
            continue
        chunks: list[str] = []
        current = ""
        for part in parts:
            candidate = f"{current}{sep}{part}" if current else part
            if size(escape(candidate)) <= limit:
                current = candidate
                continue
            if current:
                chunks.append(current)
            current = part
            if size(escape(current)) > limit:
                *head, current = _pieces(current, limit)
                chunks.extend(head)
        if current:
            chunks.append(current)
        return [c for c in chunks if c.strip()]
    # one word longer than the limit: cut by characters
    out, current = [], ""
    for ch in text:
        if size(escape(current + ch)) > limit:
            out.append(current)
            current = ""
        current += ch
    return [*out, current] if current else out


def render(reply: Reply, *, limit: int = MAX_TEXT) -> list[Outgoing]:
    """The messages for one reply: the text escaped and split to fit, the keyboard on the last.

    The reply's `strong` lines are bold (an outcome's disposition line and headline, section
    headings) and its `links` are named links. Replies are values and most repeat (the same
    question for many users), so the rendered messages and keyboards are built once each.
    """
    return list(_render(reply, limit))


@lru_cache(maxsize=4096)
def _render(reply: Reply, limit: int) -> tuple[Outgoing, ...]:
    text = reply.text.strip() or "…"
    # leave room for the markup: <b></b> around strong lines, <a href=""></a> around links
    room = 7 * len(reply.strong) + sum(15 + len(url) for _, url in reply.links)
    pieces = _pieces(text, max(limit - room, limit // 2))
    out = [Outgoing(_html(piece, reply), None) for piece in pieces]
    buttons = keyboard(reply)
    out[-1] = Outgoing(out[-1].html, buttons, buttons.to_dict() if buttons is not None else None)
    return tuple(out)


def answered(first: Reply, node: str, option: str) -> bool:
    """True when a press answered its question (so it gets a ✓ line): not a stale press
    (the engine's first reply is an error), not Back, not a menu action such as Sources on the
    same advice (its first reply is that menu's message for the same node)."""
    if first.kind == "error" or option == BACK:
        return False
    return not (first.actions and first.node == node)


def with_choice(message_html: str, label: str, *, limit: int = MAX_TEXT) -> str | None:
    """The answered question showing the chosen label, or None when it would not fit."""
    text = f"{message_html}\n\n{CHOSEN_MARK} <i>{escape(label)}</i>"
    return text if size(html.unescape(re.sub(r"<[^>]+>", "", text))) <= limit else None


def answered_html(reply: Reply) -> str | None:
    """The question a typed answer confirms, with the "✓ answer" line (None when unknown or too long)."""
    if not reply.asked or reply.answer is None:
        return None
    pieces = render(Reply("question", reply.node, reply.asked))
    return with_choice(pieces[-1].html, reply.answer) if len(pieces) == 1 else None
