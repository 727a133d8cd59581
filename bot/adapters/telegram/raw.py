"""Sends and edits whose answer only matters for its message id: PTB does not parse the Message.

PTB turns every answer of `sendMessage` and `editMessageText` into a full `Message` object,
which is most of the CPU an update costs; the adapter needs only the id of a sent message.
These helpers make the same requests through the bot's own request path (so retries, rate
limits and errors are the same) and read the id from the JSON answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True, slots=True)
class Sent:
    """What the adapter keeps of a sent message."""

    message_id: int


async def send_html(bot: Bot, chat_id: int, html: str, keyboard: InlineKeyboardMarkup | None = None) -> Sent:
    """`sendMessage` of an HTML text (no link previews), with buttons when given."""
    data: dict[str, Any] = {"chat_id": chat_id, "text": html, "parse_mode": ParseMode.HTML,
                            "link_preview_options": NO_PREVIEW}
    if keyboard is not None:
        data["reply_markup"] = keyboard
    result = await bot._post("sendMessage", data)
    return Sent(int(result["message_id"]))


async def edit_html(bot: Bot, chat_id: int, message_id: int, html: str) -> None:
    """`editMessageText` to an HTML text; the message loses its buttons."""
    await bot._post(
        "editMessageText",
        {"chat_id": chat_id, "message_id": message_id, "text": html, "parse_mode": ParseMode.HTML,
         "link_preview_options": NO_PREVIEW},
    )


async def drop_buttons(bot: Bot, chat_id: int, message_id: int) -> None:
    """`editMessageReplyMarkup` without a markup: the message keeps its text, loses its buttons."""
    await bot._post("editMessageReplyMarkup", {"chat_id": chat_id, "message_id": message_id})
