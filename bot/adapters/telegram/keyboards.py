"""Retiring keyboards: an answered question shows the choice and loses its buttons, and only
the newest question of a chat has live buttons (its id is kept in the chat's state)."""

from __future__ import annotations

from typing import Any

from telegram import LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from bot.adapters.telegram.chatstate import LIVE, Turn
from bot.adapters.telegram.io import Caller, log
from bot.adapters.telegram.render import with_choice

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def show_choice(call: Caller, app: Application[Any, Any, Any, Any, Any, Any], t: Turn, message: Message, data: str) -> None:
    """Edit a pressed question to show the chosen label, without its buttons."""
    markup = message.reply_markup
    label = next(
        (b.text for row in (markup.inline_keyboard if markup else ()) for b in row if b.callback_data == data),
        None,
    )
    html = with_choice(message.text_html, label) if label and message.text else None
    if html is None:
        await drop_keyboard(call, app, t, message.message_id)
        return
    await edit(
        call,
        "editMessageText",
        lambda: app.bot.edit_message_text(
            html,
            chat_id=t.chat_id,
            message_id=message.message_id,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
        ),
    )
    if t.state.get(LIVE) == message.message_id:
        del t.state[LIVE]


async def drop_keyboard(call: Caller, app: Application[Any, Any, Any, Any, Any, Any], t: Turn, message_id: int) -> None:
    """Remove a message's buttons."""
    await edit(
        call,
        "editMessageReplyMarkup",
        lambda: app.bot.edit_message_reply_markup(chat_id=t.chat_id, message_id=message_id),
    )
    if t.state.get(LIVE) == message_id:
        del t.state[LIVE]


async def retire_live(call: Caller, app: Application[Any, Any, Any, Any, Any, Any], t: Turn) -> None:
    """Remove the buttons of the chat's live question, whichever worker sent it."""
    message_id = t.state.pop(LIVE, None)
    if isinstance(message_id, int):
        await drop_keyboard(call, app, t, message_id)


async def reconcile(call: Caller, app: Application[Any, Any, Any, Any, Any, Any], t: Turn, current: dict[str, Any] | None) -> None:
    """Before saving: if another worker sent a keyboard to this chat while this turn ran, keep
    the newer of the two live (message ids grow) and retire the other one."""
    theirs = (current or {}).get(LIVE)
    if not isinstance(theirs, int) or theirs in (t.loaded.get(LIVE), t.state.get(LIVE)):
        return
    mine = t.state.get(LIVE)
    if not isinstance(mine, int):
        t.state[LIVE] = theirs
        return
    older, t.state[LIVE] = sorted((mine, theirs))
    await drop_keyboard(call, app, t, older)


async def edit(call: Caller, what: str, make: Any) -> None:
    """A cosmetic edit: failures other than Forbidden are logged and skipped."""
    try:
        await call(what, make)
    except Forbidden:
        raise
    except TelegramError as exc:
        log.info("%s skipped: %s", what, type(exc).__name__)
