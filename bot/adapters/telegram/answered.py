"""A typed answer shown under the question it answers ("✓ 24 weeks: ..."), like a pressed button."""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.error import Forbidden, TelegramError

from bot.adapters.telegram.io import log
from bot.adapters.telegram.raw import edit_html
from bot.adapters.telegram.render import answered_html
from bot.events import Reply


async def edit_answered(call: Any, bot: Bot, chat_id: int, message_id: int, reply: Reply) -> bool:
    """Edit the question message `message_id` to end with the confirmed answer, without buttons.

    False (and nothing changed) when the reply has no question text, or the edit fails;
    the caller then sends the confirmation as a message of its own.
    """
    html = answered_html(reply)
    if html is None:
        return False
    try:
        await call(
            "editMessageText",
            lambda: edit_html(bot, chat_id, message_id, html),
        )
    except Forbidden:
        raise
    except TelegramError as exc:
        log.info("editMessageText skipped: %s", type(exc).__name__)
        return False
    return True
