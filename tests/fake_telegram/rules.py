"""The Bot API's rules for parameters, texts and keyboards, as the fake server checks them."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .html import ParseError, parse_html, utf16_len

_JSON_PARAMS = {"reply_markup", "commands", "scope", "allowed_updates", "entities"}


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


def answer(result: Any) -> web.Response:
    """The HTTP answer of the Bot API for a result or an ApiError."""
    if isinstance(result, ApiError):
        body: dict[str, Any] = {"ok": False, "error_code": result.code, "description": result.description}
        if result.retry_after is not None:
            body["parameters"] = {"retry_after": result.retry_after}
        return web.json_response(body, status=result.code)
    return web.json_response({"ok": True, "result": result})


async def params(request: web.Request) -> dict[str, Any]:
    """The call's parameters from the query, a JSON body or a form (JSON-valued fields decoded)."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            params[key] = json.loads(value) if key in _JSON_PARAMS else value
    return params


def int_param(p: dict, key: str, default: int) -> int:
    """An integer parameter, or 400."""
    try:
        return int(p.get(key, default))
    except (TypeError, ValueError):
        raise ApiError(400, f"Bad Request: invalid {key} specified") from None


def bool_param(p: dict, key: str) -> bool:
    """A boolean parameter (absent: False)."""
    return p.get(key) in (True, "true", "True", "1")


def text_param(p: dict) -> tuple[str, list[dict]]:
    """The message text parsed by its parse_mode, checked like Telegram: (text, entities)."""
    raw = p.get("text")
    if not isinstance(raw, str) or not raw.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    mode = p.get("parse_mode")
    if mode not in (None, "HTML"):
        raise ApiError(400, f"Bad Request: the fake only speaks HTML, not {mode}")
    try:
        text, entities = parse_html(raw) if mode == "HTML" else (raw, [])
    except ParseError as exc:
        raise ApiError(400, str(exc)) from None
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(text) > 4096:
        raise ApiError(400, "Bad Request: message is too long")
    return text, entities


def keyboard_param(markup: Any) -> list[list[dict]]:
    """The inline keyboard rows, checked like Telegram (64-byte callback data)."""
    if not markup:
        return []
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ApiError(
            400,
            "Bad Request: can't parse inline keyboard button: Field "
            '"inline_keyboard" must be an Array of Arrays',
        )
    for row in rows:
        for button in row:
            if not str(button.get("text", "")).strip():
                raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is None and "url" not in button:
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "InlineKeyboardButton must have exactly one optional field",
                )
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return rows
