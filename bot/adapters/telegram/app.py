"""The PTB Application: built for a config, served by polling or a webhook until stopped."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, TypeHandler

from bot.adapters.telegram.config import TelegramConfig
from bot.adapters.telegram.handler import ALLOWED_UPDATES, TelegramBot
from bot.adapters.telegram.io import PerChatProcessor, log
from bot.adapters.telegram.menus import set_commands, set_descriptions
from bot.adapters.telegram.metrics import Metrics
from bot.adapters.telegram.polling import Poller
from bot.adapters.telegram.transport import AiohttpRequest
from bot.adapters.telegram.webhook import WebhookServer, set_webhook


def transport(config: TelegramConfig, pool_size: int) -> AiohttpRequest:
    """The HTTP transport of Bot API calls: `pool_size` connections, the config's timeouts."""
    t = config.request_timeout
    return AiohttpRequest(pool_size, read_timeout=t, write_timeout=t, connect_timeout=t, pool_timeout=t)


def build_application(config: TelegramConfig, bot: TelegramBot) -> Application[Any, Any, Any, Any, Any, Any]:
    """A PTB Application for `config` whose every update goes to `bot`."""
    app = (
        ApplicationBuilder()
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .concurrent_updates(PerChatProcessor())
        .request(transport(config, config.pool_size))
        .get_updates_request(transport(config, 1))  # its own connection: a long poll waits there
        .build()
    )
    app.add_handler(TypeHandler(Update, bot.on_update))
    app.add_error_handler(bot.on_error)
    return app


async def serve(
    app: Application[Any, Any, Any, Any, Any, Any],
    bot: TelegramBot,
    config: TelegramConfig,
    stop: asyncio.Event,
    *,
    ready: asyncio.Event | None = None,
    metrics: Metrics | None = None,
) -> None:
    """Run the bot until `stop` is set: getMe, command menu, then polling or the webhook."""
    metrics = metrics or Metrics()
    metrics.instrument(bot)
    server: WebhookServer | None = None
    try:
        await app.initialize()
    except BaseException:  # getMe failed: PTB leaves the transports open
        await asyncio.gather(*(r.shutdown() for r in getattr(app.bot, "_request", ())))
        raise
    try:
        bot.username = app.bot.username
        await set_commands(app, bot)
        await set_descriptions(app, bot)
        if config.webhook_url:
            server = WebhookServer(app, bot, config, metrics)
            await server.start()  # listening before Telegram is told where to post
            await set_webhook(app, bot, config)
            poller = None
        else:  # our own poller: an update is confirmed to Telegram only once handled
            await bot.call("deleteWebhook", lambda: app.bot.delete_webhook())
            poller = Poller(
                app,
                timeout=config.poll_timeout,
                read_timeout=config.request_timeout,
                allowed_updates=ALLOWED_UPDATES,
                on_fetched=bot.answer_early,
            )
        await app.start()
        log.info("running as @%s (%s)", bot.username, "webhook" if config.webhook_url else "long polling")
        if ready is not None:
            ready.set()
        if poller is not None:
            await poller.run(stop)  # until stop; TokenRejected on a 401/404
        else:
            await stop.wait()
    finally:
        if server is not None:
            await server.stop()
        metrics.detach()
        if app.updater and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
    log.info("stopped")
