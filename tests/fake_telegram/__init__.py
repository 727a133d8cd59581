"""A strict fake of the Telegram Bot API for tests: server, users, HTML checks."""

from .html import ParseError, parse_html, utf16_len
from .rules import ApiError
from .server import TOKEN, FakeTelegram
from .user import BotMessage, FakeUser

__all__ = [
    "TOKEN",
    "ApiError",
    "BotMessage",
    "FakeTelegram",
    "FakeUser",
    "ParseError",
    "parse_html",
    "utf16_len",
]
