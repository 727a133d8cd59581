"""The Telegram adapter: python-telegram-bot 22 with long polling or a webhook.

It depends on `bot.events` and on two small contracts, nothing else of the core:

- an engine: ``async handle(Incoming) -> list[Reply]``, and optionally
  ``commands(lang) -> list[tuple[str, str]]`` (the command menu in a language);
- a catalog (optional): ``text(lang, key, **values) -> str`` (the key itself when missing),
  ``supported(lang) -> str | None``, ``languages`` and ``default``. Its ``ui.tg.*`` keys are the
  adapter's own notices; built-in English texts stand in for missing keys.

Conversation keys are ``tg:<chat id>``; a button sends ``node|option`` as callback data.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder, TypeHandler

from bot.adapters.telegram_bot import ALLOWED_UPDATES, Engine, TelegramBot
from bot.adapters.telegram_config import TelegramConfig, from_settings
from bot.adapters.telegram_io import Caller, PerChatProcessor, RedactToken, log

__all__ = ["Engine", "TelegramBot", "build_application", "run", "run_telegram", "serve"]


def build_application(config: TelegramConfig, bot: TelegramBot) -> Application:
    """A PTB Application for `config` whose every update goes to `bot`."""
    t = config.request_timeout
    app = (
        ApplicationBuilder()
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .concurrent_updates(PerChatProcessor())
        .connect_timeout(t)
        .read_timeout(t)
        .write_timeout(t)
        .pool_timeout(t)
        .get_updates_connect_timeout(t)
        .get_updates_read_timeout(t)
        .get_updates_write_timeout(t)
        .get_updates_pool_timeout(t)
        .build()
    )
    app.add_handler(TypeHandler(Update, bot.on_update))
    app.add_error_handler(bot.on_error)
    return app


def _polling_error(exc: TelegramError) -> None:
    log.warning("polling: %s %s", type(exc).__name__, exc.message)


async def serve(
    app: Application,
    bot: TelegramBot,
    config: TelegramConfig,
    stop: asyncio.Event,
    *,
    ready: asyncio.Event | None = None,
) -> None:
    """Run the bot until `stop` is set: getMe, command menu, then polling or the webhook."""
    await app.initialize()
    try:
        bot.username = app.bot.username
        await bot.set_commands(app)
        if config.webhook_url:
            await app.updater.start_webhook(
                listen=config.listen,
                port=config.port,
                url_path=config.url_path,
                webhook_url=config.webhook_url,
                secret_token=config.secret_token,
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=3,
            )
        else:
            await app.updater.start_polling(
                timeout=timedelta(seconds=config.poll_timeout),
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=3,
                error_callback=_polling_error,
            )
        await app.start()
        log.info("running as @%s (%s)", bot.username, "webhook" if config.webhook_url else "long polling")
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        if app.updater and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
    log.info("stopped")


def setup_logging(token: str) -> None:
    """Keep tokens and user messages out of the logs; show the adapter's INFO lines."""
    # PTB's and httpx's DEBUG/INFO lines carry the URL (with the token) and update contents
    for name in ("telegram", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    log.setLevel(logging.INFO)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING)
    for handler in root.handlers:
        handler.addFilter(RedactToken(token))


async def run(config: TelegramConfig, engine: Engine, *, catalog: Any = None) -> int:
    """Serve until SIGTERM or SIGINT; an exit code and a one-line message on failure."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    bot = TelegramBot(
        engine, catalog=catalog, caller=Caller(retries=config.retries, retry_delay=config.retry_delay)
    )
    try:
        await serve(build_application(config, bot), bot, config, stop)
    except InvalidToken:
        print(
            "error: Telegram rejected the token in TELEGRAM_BOT_TOKEN; check it with @BotFather",
            file=sys.stderr,
        )
        return 2
    except TelegramError as exc:
        print(
            f"error: the Telegram Bot API at {config.api_url} failed: {type(exc).__name__} {exc.message}",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"error: cannot listen on {config.listen}:{config.port}: {exc.strerror}", file=sys.stderr)
        return 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return 0


def run_telegram(settings: Any) -> int:
    """`python -m bot telegram`: check settings, build the engine, serve until stopped."""
    config = from_settings(settings)  # ConfigError -> one line and exit 2 (bot.cli)
    setup_logging(config.token)
    from bot.app import build_engine

    engine = build_engine(settings)

    async def main() -> int:
        try:
            return await run(config, engine, catalog=getattr(engine, "catalog", None))
        finally:
            await engine.store.close()

    return asyncio.run(main())
