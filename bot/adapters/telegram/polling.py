"""Long polling that confirms an update to Telegram only after it has been handled.

PTB's own poller asks for the next batch (which confirms the previous one to Telegram) while
that batch is still being handled, so a crash loses it. Here the `getUpdates` offset is the
oldest update still being handled: everything older is confirmed, nothing newer. After a
crash Telegram delivers the unconfirmed updates again; the engine's event-id deduplication
(the update id is the event id) makes sure none is applied twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.adapters.telegram.delivery import DELIVERY, Delivery
from bot.adapters.telegram.io import log, retry_seconds
from bot.adapters.telegram.redact import describe

BUSY_POLL = 0.1  # seconds between polls while older updates are still being handled
ROOM = 4  # a busy window polls again once a quarter of it is free (see _room)
MAX_BACKOFF = 30.0  # seconds; the longest pause after repeated polling errors
DRAIN = 20.0  # seconds to finish the updates in hand when stopping
STORE_RETRY = 0.5  # seconds before an update is tried again while the store is unreachable


class TokenRejected(Exception):
    """Telegram answered getUpdates with 401/404 while the bot was running."""


class Poller:
    """Fetches updates, hands each to the application, and moves the offset past an update
    only once it (and every older one) has been handled."""

    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        *,
        timeout: float,
        read_timeout: float = 10.0,
        allowed_updates: list[str],
        limit: int = 100,
        on_fetched: Callable[[Update], None] | None = None,
    ) -> None:
        self.app = app
        self.timeout = timeout
        self.read_timeout = read_timeout
        self.allowed_updates = allowed_updates
        self.limit = limit
        self.on_fetched = on_fetched
        self.offset = 0  # the next getUpdates offset: the oldest update not yet handled
        self.newest = -1  # the newest update id handed to the application
        self._running: dict[int, asyncio.Task[None]] = {}
        self._held: set[int] = set()  # updates given up on while stopping: never confirmed
        self._changed = asyncio.Event()
        self._stop = asyncio.Event()
        self._store_down = False

    # ------------------------------------------------------------------ the loop
    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set, then finish the updates in hand and confirm them.

        Raises TokenRejected on a 401/404 (the process should exit so that it is restarted).
        """
        backoff = 1.0
        self._stop = stop
        try:
            while not stop.is_set():
                if len(self._running) > self.limit - max(1, self.limit // ROOM):
                    await self._room(stop)
                    if stop.is_set():
                        break
                try:
                    raw = await self._fetch(stop, timeout=0 if self._running else self.timeout)
                except InvalidToken as exc:
                    raise TokenRejected(describe(exc.message, self.app.bot.token)) from None
                except RetryAfter as exc:
                    log.warning("polling: flood control, waiting %.0f s", retry_seconds(exc))
                    await self._sleep(stop, retry_seconds(exc))
                    continue
                except TelegramError as exc:
                    log.warning(
                        "polling: %s %s", type(exc).__name__, describe(exc.message, self.app.bot.token)
                    )
                    await self._sleep(stop, backoff)
                    backoff = min(MAX_BACKOFF, backoff * 1.5)
                    continue
                if raw is None:  # stopped while waiting
                    break
                backoff = 1.0
                if not self._dispatch(raw) and self._running:
                    await self._wait(stop, BUSY_POLL)  # only updates in hand came back
        finally:
            await self._drain()

    async def _fetch(self, stop: asyncio.Event, *, timeout: float) -> list[dict[str, Any]] | None:
        """One getUpdates call from `offset`; None when `stop` was set meanwhile."""
        data: dict[str, Any] = {"offset": self.offset or None, "limit": self.limit, "timeout": int(timeout)}
        data["allowed_updates"] = self.allowed_updates
        bot = self.app.bot
        read = self.read_timeout + timeout  # the long poll, then the answer
        # Bot._post, not get_updates: the raw dicts let us skip updates in hand without
        # parsing them again, and skip (and confirm) one PTB cannot parse
        call = asyncio.ensure_future(bot._post("getUpdates", data, read_timeout=read))
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({call, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if not call.done():
            call.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await call
            return None
        return list(call.result() or [])

    def _dispatch(self, raw: list[dict[str, Any]]) -> bool:
        """Start handling the updates not seen before; True when there was one."""
        new = False
        for data in raw:
            uid = data.get("update_id")
            if not isinstance(uid, int) or uid <= self.newest:
                continue
            new = True
            self.newest = uid
            try:
                update = Update.de_json(data, self.app.bot)
            except Exception as exc:  # never log the data: it may hold what she typed
                log.error("update %s could not be read (%s); skipped", uid, type(exc).__name__)
                continue
            if self.on_fetched is not None:
                self.on_fetched(update)
            task = asyncio.ensure_future(self._handle(update))
            self._running[uid] = task
        self._advance()
        return new

    async def _handle(self, update: Update) -> None:
        """Run the application's handlers for `update` under its update processor; while the
        store is unreachable, run it again later (it stays unconfirmed meanwhile)."""
        uid, pause, done = update.update_id, STORE_RETRY, False
        try:
            while True:
                delivery = Delivery()
                token = DELIVERY.set(delivery)
                try:
                    await self.app.update_processor.process_update(update, self.app.process_update(update))
                except Exception as exc:  # process_update reports handler errors itself
                    log.error("update %s failed: %s", uid, type(exc).__name__)
                finally:
                    DELIVERY.reset(token)
                if delivery.failed is None:
                    done = True
                    if self._store_down:
                        self._store_down = False
                        log.warning("the store answers again; held updates are being handled")
                    return
                if not self._store_down:
                    self._store_down = True
                    log.warning(
                        "the store is unreachable (%s); updates stay at Telegram and are retried",
                        type(delivery.failed).__name__,
                    )
                if self._stop.is_set():
                    return
                await self._sleep(self._stop, pause)
                pause = min(MAX_BACKOFF, pause * 2)
        finally:
            if not done:
                self._held.add(uid)  # never confirmed: Telegram sends it again after a restart
            self._running.pop(uid, None)
            self._advance()
            self._changed.set()

    def _advance(self) -> None:
        """The offset: the oldest update in hand (or held back), or the one after the newest."""
        waiting = self._running.keys() | self._held
        self.offset = min(waiting) if waiting else self.newest + 1

    # ------------------------------------------------------------------ waiting
    async def _room(self, stop: asyncio.Event) -> None:
        """Until a quarter of the window is free, or BUSY_POLL seconds have passed with some
        room. Every poll returns the updates in hand again (they are not confirmed yet), so a
        poll with the window nearly full would mostly fetch and decode those once more."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_POLL
        while not stop.is_set():
            free = self.limit - len(self._running)
            left = deadline - loop.time()
            if free >= max(1, self.limit // ROOM) or (free > 0 and left <= 0):
                return
            await self._wait(stop, max(left, 0.001) if free > 0 else None)

    async def _wait(self, stop: asyncio.Event, timeout: float | None) -> None:
        """Until an update is handled, `stop` is set, or `timeout` seconds have passed."""
        self._changed.clear()
        waiters = {asyncio.ensure_future(self._changed.wait()), asyncio.ensure_future(stop.wait())}
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        if timeout is not None:
            await asyncio.sleep(0)

    async def _sleep(self, stop: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)

    async def _drain(self) -> None:
        """Finish the updates in hand (bounded), then confirm them with one last call."""
        if self._running:
            _, pending = await asyncio.wait(set(self._running.values()), timeout=DRAIN)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5)
                log.warning("stopping: %d updates unfinished; Telegram will send them again", len(pending))
        self._advance()
        if self.offset > 0:
            try:
                await self.app.bot._post(
                    "getUpdates", {"offset": self.offset, "limit": 1, "timeout": 0}, read_timeout=5.0
                )
            except TelegramError as exc:  # they come again after the restart and are deduplicated
                log.warning("stopping: could not confirm the last updates: %s", type(exc).__name__)
