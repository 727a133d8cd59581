"""Replies -> Telegram messages: HTML escaping, 4096-character splitting, inline keyboards.

Pure functions, no network: what to send is decided here, sending is handler.py's job.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.events import Reply

MAX_TEXT = 4096  # Telegram's limit for one message, in UTF-16 code units
MAX_CALLBACK = 64  # bytes of callback data
CHOSEN_MARK = "✓"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Telegram message to send: HTML text and an optional inline keyboard."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


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
    """One button per row for each option of `reply`, or None when it has no options."""
    if not reply.options:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(o.label, callback_data=callback_data(reply.node, o.id))]
            for o in reply.options
        ]
    )


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

    The first line of an outcome (its headline) is bold.
    """
    text = reply.text.strip() or "…"
    bold_first = reply.kind == "outcome"
    # leave room for the <b></b> around the headline
    pieces = _pieces(text, limit - (7 if bold_first else 0))
    out = []
    for i, piece in enumerate(pieces):
        body = escape(piece)
        if i == 0 and bold_first:
            head, nl, rest = piece.partition("\n")
            body = f"<b>{escape(head)}</b>{nl}{escape(rest)}" if head.strip() else body
        out.append(Outgoing(body, None))
    out[-1] = Outgoing(out[-1].html, keyboard(reply))
    return out


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
