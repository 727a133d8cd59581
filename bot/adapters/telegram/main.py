"""`python -m bot telegram`: logging without the token, signals, exit codes."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Any

from telegram.error import InvalidToken, TelegramError

from bot.adapters.telegram.app import build_application, serve
from bot.adapters.telegram.config import TelegramConfig, from_settings
from bot.adapters.telegram.handler import Engine, TelegramBot
from bot.adapters.telegram.io import Caller, HideUpdates, log
from bot.adapters.telegram.polling import TokenRejected
from bot.adapters.telegram.redact import LibraryNoise, RedactingStream, RedactToken, describe, redact


def setup_logging(token: str) -> None:
    """Keep tokens and user messages out of the logs; show the adapter's INFO lines."""
    # PTB's and httpx's DEBUG/INFO lines carry the URL (with the token) and update contents
    for name in ("telegram", "httpx", "httpcore", "aiohttp.client"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if logging.getLogger("bot").level == logging.NOTSET:  # BOT_LOG_LEVEL not given
        log.setLevel(logging.INFO)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING)
    for handler in root.handlers:
        handler.addFilter(LibraryNoise())
        handler.addFilter(HideUpdates())  # before RedactToken, which formats the message
        handler.addFilter(RedactToken(token))


def redact_stderr(token: str) -> None:
    """Send everything written to stderr (also by Python itself) through the redaction."""
    if not isinstance(sys.stderr, RedactingStream):
        sys.stderr = RedactingStream(sys.stderr, token)


def say(message: str, token: str) -> None:
    """One line on stderr, without the token."""
    print(redact(message, token), file=sys.stderr)


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
    except TokenRejected as exc:
        say(
            f"error: Telegram rejected the token while polling ({exc}); exiting so that the service "
            "manager restarts the bot",
            config.token,
        )
        return 1
    except InvalidToken:
        say(
            "error: Telegram rejected the token in TELEGRAM_BOT_TOKEN; check it with @BotFather", config.token
        )
        return 2
    except TelegramError as exc:
        detail = describe(exc.message, config.token)
        say(
            f"error: the Telegram Bot API at {config.api_url} failed: {type(exc).__name__} {detail}",
            config.token,
        )
        return 1
    except OSError as exc:
        say(f"error: cannot listen on {config.listen}:{config.port}: {exc.strerror}", config.token)
        return 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return 0


def run_telegram(settings: Any) -> int:
    """`python -m bot telegram`: check settings, build the engine, serve until stopped."""
    config = from_settings(settings)  # ConfigError -> one line and exit 2 (bot.cli)
    redact_stderr(config.token)
    setup_logging(config.token)
    from bot.app import build_engine
    from bot.review.signoff import release

    engine = build_engine(settings)
    engine.prepare_typing()  # a long-running bot builds the matcher now: no user waits for it
    log.info("starting with %s", release(settings.flows_dir, settings.locales_dir).describe())

    async def main() -> int:
        try:
            return await run(config, engine, catalog=getattr(engine, "catalog", None))
        finally:
            await engine.store.close()

    return asyncio.run(main())
