"""The adapter's hot Bot API calls, made as JSON-ready dicts straight through the bot's transport.

PTB turns every answer of `sendMessage` and `editMessageText` into a full `Message` object,
and every call's parameters into `RequestParameter`s (keyboards through `to_dict`): together
most of the CPU an update costs. The adapter needs only the id of a sent message. These
helpers post the same requests through the bot's own `BaseRequest` (so timeouts, error
mapping, 429s and the Caller's retries are the same; the Application has no rate limiter that
this would bypass) and read the id from the JSON answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

NO_PREVIEW = {"is_disabled": True}
HTML = "HTML"


def request_data(data: dict[str, Any]) -> RequestData:
    """PTB's `RequestData` for parameters that are JSON-ready already (no files), built without
    `RequestParameter.from_input`, which converts every value again."""
    return RequestData([RequestParameter(name, value, None) for name, value in data.items() if value is not None])


async def post(bot: Bot, method: str, data: dict[str, Any]) -> Any:
    """Call `method` with JSON-ready `data` through the bot's transport; the answer's result."""
    return await bot.request.post(f"{bot.base_url}/{method}", request_data=request_data(data))


@dataclass(frozen=True, slots=True)
class Sent:
    """What the adapter keeps of a sent message."""

    message_id: int


def markup(keyboard: InlineKeyboardMarkup | dict[str, Any]) -> dict[str, Any]:
    """A keyboard as the Bot API's JSON object."""
    return keyboard if isinstance(keyboard, dict) else keyboard.to_dict()


async def send_html(
    bot: Bot, chat_id: int, html: str, keyboard: InlineKeyboardMarkup | dict[str, Any] | None = None
) -> Sent:
    """`sendMessage` of an HTML text (no link previews), with buttons when given."""
    data: dict[str, Any] = {"chat_id": chat_id, "text": html, "parse_mode": HTML, "link_preview_options": NO_PREVIEW}
    if keyboard is not None:
        data["reply_markup"] = markup(keyboard)
    result = await post(bot, "sendMessage", data)
    return Sent(int(result["message_id"]))


async def edit_html(bot: Bot, chat_id: int, message_id: int, html: str) -> None:
    """`editMessageText` to an HTML text; the message loses its buttons."""
    await post(
        bot,
        "editMessageText",
        {"chat_id": chat_id, "message_id": message_id, "text": html, "parse_mode": HTML,
         "link_preview_options": NO_PREVIEW},
    )


async def drop_buttons(bot: Bot, chat_id: int, message_id: int) -> None:
    """`editMessageReplyMarkup` without a markup: the message keeps its text, loses its buttons."""
    await post(bot, "editMessageReplyMarkup", {"chat_id": chat_id, "message_id": message_id})


async def answer_query(bot: Bot, query_id: str, text: str | None = None) -> None:
    """`answerCallbackQuery`: stops the spinner on her button, with a short notice when given."""
    data: dict[str, Any] = {"callback_query_id": query_id}
    if text is not None:
        data["text"] = text
    await post(bot, "answerCallbackQuery", data)
