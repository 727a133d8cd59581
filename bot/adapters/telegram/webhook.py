"""The webhook web server (aiohttp): updates, `GET /healthz` and `GET /metrics` on one port.

An update is acknowledged only after it has been handled: the secret is checked first, the body
is capped, the update is parsed (never logged), processed through PTB, and only then answered
200. When the store is unreachable the answer is 503, so Telegram delivers the update again.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.adapters.telegram.config import TelegramConfig
from bot.adapters.telegram.delivery import DELIVERY, Delivery
from bot.adapters.telegram.handler import ALLOWED_UPDATES, TelegramBot
from bot.adapters.telegram.io import log
from bot.adapters.telegram.metrics import UPDATE_KINDS, Metrics

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # bytes; a Telegram update is a few kilobytes at most
HEALTH_TIMEOUT = 2.0  # seconds the store gets to answer a health check
REJECT_LOG_INTERVAL = 60.0  # seconds between log lines about refused webhook calls
SHUTDOWN_GRACE = 20.0  # seconds updates in progress get to finish at shutdown
HEALTH_KEY = "health:probe"


class Throttled:
    """Logs an event at most once per `interval` seconds, with how many were not logged."""

    def __init__(self, interval: float = REJECT_LOG_INTERVAL) -> None:
        self.interval = interval
        self._last = -float("inf")
        self._quiet = 0

    def note(self, message: str, *args: Any) -> None:
        """Log `message % args` (WARNING) unless a line was logged less than `interval` ago."""
        now = time.monotonic()
        if now - self._last < self.interval:
            self._quiet += 1
            return
        quiet, self._quiet, self._last = self._quiet, 0, now
        suffix = f" ({quiet} more since the last such line)" if quiet else ""
        log.warning(message + suffix, *args)


class WebhookServer:
    """Serves the webhook path, /healthz and /metrics for one PTB Application."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], bot: TelegramBot, config: TelegramConfig, metrics: Metrics) -> None:
        self.app = app
        self.bot = bot
        self.config = config
        self.metrics = metrics
        self.path = "/" + config.url_path
        self._secret = config.secret_token.encode()
        self._rejected = Throttled()
        self._store_down: str | None = None  # why the store failed, while it does
        self._refused = 0  # updates answered 503 since the store went down
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ life cycle
    async def start(self) -> None:
        """Listen on the configured address and port (OSError when it is taken)."""
        web_app = web.Application(client_max_size=MAX_BODY)
        web_app.router.add_post(self.path, self._update)
        web_app.router.add_get("/healthz", self._healthz)
        web_app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.config.listen, self.config.port).start()

    async def stop(self) -> None:
        """Stop listening; updates in progress are finished first."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ routes
    async def _update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._secret):  # before reading any body
            return self._reject(request, "wrong secret" if given else "no secret", 403)
        if (request.content_length or 0) > MAX_BODY:
            return self._reject(request, "body too large", 413)
        try:
            data = json.loads(await request.read())
        except web.HTTPRequestEntityTooLarge:
            return self._reject(request, "body too large", 413)
        except ValueError:
            return self._reject(request, "not JSON", 400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return self._reject(request, "not an update", 400)
        uid = data["update_id"]
        try:
            update = Update.de_json(data, self.app.bot)
        except Exception as exc:  # Telegram will never send it differently: acknowledge it
            log.warning("update %s could not be read (%s); acknowledged and dropped", uid, type(exc).__name__)
            self.metrics.error(exc)
            return web.Response(status=200)
        kind = next((k for k in data if k in UPDATE_KINDS), "other")
        self.metrics.update(kind)
        delivery = Delivery()
        token = DELIVERY.set(delivery)
        try:
            await self.app.update_processor.process_update(update, self.app.process_update(update))
        except Exception as exc:  # PTB handles handler errors itself; this is a last resort
            log.error("update %s failed outside the handler: %s", uid, type(exc).__name__)
            self.metrics.error(exc)
            return web.Response(status=500)
        finally:
            DELIVERY.reset(token)
        if delivery.failed is not None:
            self._note_store_down(delivery.failed)
            self.metrics.redelivery_asked.labels("store_unreachable").inc()
            return web.Response(status=503, text="store unreachable; deliver again later")
        self._note_store_up()
        return web.Response(status=200)

    async def _healthz(self, request: web.Request) -> web.Response:
        error = await self.store_error()
        if error is None:
            return web.Response(text="ok\n")
        return web.Response(status=503, text=f"store unreachable: {error}\n")

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=self.metrics.text(), headers={"Content-Type": "text/plain; version=0.0.4"})

    # ------------------------------------------------------------------ helpers
    async def store_error(self) -> str | None:
        """None when the store answers now, else the error's class name."""
        store = getattr(self.bot.engine, "store", None)
        if store is None:
            return None
        try:
            ping = getattr(store, "ping", None)
            await asyncio.wait_for(ping() if ping is not None else store.get(HEALTH_KEY), HEALTH_TIMEOUT)
        except Exception as exc:  # whatever the store raises, it did not answer
            return type(exc).__name__
        return None

    def _reject(self, request: web.Request, reason: str, status: int) -> web.Response:
        self.metrics.webhook_rejected.labels(reason.replace(" ", "_")).inc()
        self._rejected.note(
            "webhook: refused a call from %s (%s, answered %d)", request.remote or "?", reason, status
        )
        return web.Response(status=status)

    def _note_store_down(self, exc: BaseException) -> None:
        self._refused += 1
        why = type(exc).__name__
        if self._store_down is None:
            self._store_down = why
            log.error(
                "the session store is unreachable (%s): updates are answered 503 so that Telegram "
                "delivers them again later",
                why,
            )

    def _note_store_up(self) -> None:
        if self._store_down is not None:
            log.warning("the session store answers again; %d updates were refused meanwhile", self._refused)
            self._store_down, self._refused = None, 0


async def set_webhook(app: Application[Any, Any, Any, Any, Any, Any], bot: TelegramBot, config: TelegramConfig) -> None:
    """setWebhook with the URL and secret: the same values from every worker, so N workers
    starting at once agree; flood control and network errors are waited out by the Caller."""
    await bot.call(
        "setWebhook",
        lambda: app.bot.set_webhook(
            url=config.webhook_url or "",
            secret_token=config.secret_token,
            allowed_updates=ALLOWED_UPDATES,
        ),
    )
