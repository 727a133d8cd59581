"""The Telegram adapter: python-telegram-bot 22 with long polling or a webhook.

It depends on `bot.events` and on two small contracts, nothing else of the core:

- an engine: ``async handle(Incoming) -> list[Reply]``, and optionally
  ``commands(lang) -> list[tuple[str, str]]`` (the command menu in a language);
- a catalog (optional): ``text(lang, key, **values) -> str`` (the key itself when missing),
  ``supported(lang) -> str | None``, ``languages`` and ``default``. Its ``ui.tg.*`` keys are the
  adapter's own notices; built-in English texts stand in for missing keys.

Conversation keys are ``tg:<chat id>``; a button sends ``node|option`` as callback data.
"""

from bot.adapters.telegram.app import build_application, serve
from bot.adapters.telegram.handler import Engine, TelegramBot
from bot.adapters.telegram.main import run, run_telegram, setup_logging

__all__ = ["Engine", "TelegramBot", "build_application", "run", "run_telegram", "serve", "setup_logging"]
