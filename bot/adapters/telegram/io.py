"""Telegram plumbing: per-chat ordering of updates, API calls with Telegram's error rules,
and failure logging without user data (the token filter is in `redact`)."""

from __future__ import annotations

import asyncio
import logging
import traceback
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import httpx
from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import BaseUpdateProcessor
from telegram.warnings import PTBDeprecationWarning

from bot.adapters.telegram.redact import RedactToken as RedactToken  # re-exported

log = logging.getLogger("bot.adapters.telegram")
T = TypeVar("T")
MAX_FLOOD_WAITS = 5
MAX_FLOOD_WAIT = 120.0  # seconds; a longer retry_after is not waited out


class PerChatProcessor(BaseUpdateProcessor):
    """Updates of one chat run one at a time in arrival order; different chats concurrently."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, list[Any]] = {}  # chat id -> [lock, users]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await `coroutine` while holding the lock of the update's chat."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        entry = self._locks.setdefault(chat.id, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                await coroutine
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait in seconds, whichever type this PTB version gives it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


def not_modified(exc: BadRequest) -> bool:
    """True for Telegram's "message is not modified" (an edit that changes nothing)."""
    return "message is not modified" in exc.message.lower()


def may_have_arrived(exc: BaseException) -> bool:
    """False when a failed call certainly never reached Telegram (no connection, no free
    connection) or Telegram answered with an error; True when it may have been carried out."""
    cause = exc.__cause__
    if isinstance(cause, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return False
    if isinstance(cause, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)):
        return False  # aiohttp (bot.adapters.telegram.transport): no connection, or no free one
    # read timeouts, dropped connections
    return isinstance(cause, (httpx.HTTPError, aiohttp.ClientError, TimeoutError))


class Caller:
    """Runs one Bot API call: waits out flood control, retries timeouts a bounded number of
    times, ignores "message is not modified"; any other error is raised to the caller."""

    def __init__(self, *, retries: int = 3, retry_delay: float = 1.0) -> None:
        self.retries = max(1, retries)
        self.retry_delay = retry_delay
        self.on_retry: Callable[[str, str], None] | None = None  # (method, "flood" | "network")

    async def __call__(
        self,
        what: str,
        make: Callable[[], Awaitable[T]],
        *,
        unsure: Callable[[T], Awaitable[Any]] | None = None,
    ) -> T | None:
        """Call `make()` (a fresh coroutine per attempt); `what` names it in logs.

        When an attempt failed in a way that it may still have been carried out (a read
        timeout, a dropped connection) and a retry succeeds, `unsure(result)` is called: the
        place to make a possible duplicate harmless."""
        failures = floods = 0
        maybe_done = False
        while True:
            try:
                result = await make()
                if maybe_done and unsure is not None and result is not None:
                    log.warning("%s: an earlier attempt may have been carried out too", what)
                    await unsure(result)
                return result
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                floods += 1
                if floods > MAX_FLOOD_WAITS or wait > MAX_FLOOD_WAIT:
                    raise
                log.warning("%s: flood control, retrying in %.0f s", what, wait)
                if self.on_retry is not None:
                    self.on_retry(what, "flood")
                await asyncio.sleep(wait)
            except BadRequest as exc:
                if not_modified(exc):
                    return None
                raise
            except (TimedOut, NetworkError) as exc:
                failures += 1
                maybe_done = maybe_done or may_have_arrived(exc)
                if failures >= self.retries:
                    raise
                log.warning("%s: %s, retry %d of %d", what, type(exc).__name__, failures, self.retries - 1)
                if self.on_retry is not None:
                    self.on_retry(what, "network")
                await asyncio.sleep(self.retry_delay * 2 ** (failures - 1))


def log_failure(update_id: int | None, exc: BaseException) -> None:
    """Log an error with its stack but without its message (it may quote the user)."""
    detail = exc.message if isinstance(exc, TelegramError) else ""
    stack = "".join(traceback.format_tb(exc.__traceback__))
    log.error("update %s failed: %s %s\n%s", update_id, type(exc).__name__, detail, stack)


class HideUpdates(logging.Filter):
    """Replaces any Update or raw update dict in a log record's arguments by its update id,
    so a library's log line can never carry what a user typed."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's arguments; always keep the record."""
        args = record.args
        if isinstance(args, tuple) and any(_is_update(a) for a in args):
            record.args = tuple(_hidden(a) if _is_update(a) else a for a in args)
        elif isinstance(args, dict) and _is_update(args):
            record.args = (_hidden(args),)
        return True


def _is_update(value: object) -> bool:
    return isinstance(value, Update) or (isinstance(value, dict) and "update_id" in value)


def _hidden(value: Any) -> str:
    uid = value.update_id if isinstance(value, Update) else value.get("update_id")
    return f"<update {uid}>"
