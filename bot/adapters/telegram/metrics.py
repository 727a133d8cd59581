"""Prometheus metrics of one bot process: counts and timings, never a chat id or a text.

Labels come from small fixed sets only (update kind, disposition, error class, Bot API method),
so a scrape says how the service is doing without saying anything about anybody.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from bot.events import DISPOSITIONS, Incoming, Reply

UPDATE_KINDS = ("message", "edited_message", "callback_query", "my_chat_member", "other")
TURN_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """The process's counters and histograms, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._lines: ErrorLines | None = None
        r = self.registry
        self.updates = Counter("mamaflow_updates", "Telegram updates received, by kind", ["kind"], registry=r)
        self.webhook_rejected = Counter(
            "mamaflow_webhook_rejected",
            "webhook calls refused before any processing, by reason",
            ["reason"],
            registry=r,
        )
        self.redelivery_asked = Counter(
            "mamaflow_webhook_redelivery_asked",
            "updates answered with an error status so that Telegram delivers them again",
            ["reason"],
            registry=r,
        )
        self.turns = Counter("mamaflow_turns", "conversation turns run by the engine", registry=r)
        self.duplicates = Counter(
            "mamaflow_duplicate_updates",
            "updates already handled (redelivered), not applied again",
            registry=r,
        )
        self.outcomes = Counter(
            "mamaflow_outcomes", "advice shown, by disposition", ["disposition"], registry=r
        )
        self.errors = Counter("mamaflow_errors", "failures, by error class", ["type"], registry=r)
        self.api_retries = Counter(
            "mamaflow_bot_api_retries",
            "Bot API calls retried, by method and reason (flood control or network)",
            ["method", "reason"],
            registry=r,
        )
        self.store_conflicts = Counter(
            "mamaflow_store_conflicts",
            "session writes refused because another worker wrote first (the turn is re-run)",
            registry=r,
        )
        self.turn_seconds = Histogram(
            "mamaflow_turn_seconds", "time the engine takes for one turn", buckets=TURN_BUCKETS, registry=r
        )
        for kind in UPDATE_KINDS:
            self.updates.labels(kind)
        for disposition in DISPOSITIONS:
            self.outcomes.labels(disposition)

    def text(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)

    def update(self, kind: str) -> None:
        """Count one update of `kind` (anything unknown counts as other)."""
        self.updates.labels(kind if kind in UPDATE_KINDS else "other").inc()

    def error(self, exc: BaseException | str) -> None:
        """Count one failure by its class name."""
        self.errors.labels(exc if isinstance(exc, str) else type(exc).__name__).inc()

    def retry(self, method: str, reason: str) -> None:
        """Count one retried Bot API call (the Caller's hook)."""
        self.api_retries.labels(method, reason).inc()

    def instrument(self, bot: Any) -> None:
        """Measure a TelegramBot's engine, its store and its Bot API calls (idempotent)."""
        if not isinstance(bot.engine, MeteredEngine):
            bot.engine = MeteredEngine(bot.engine, self)
        engine = bot.engine.inner
        store = getattr(engine, "store", None)
        if store is not None and not isinstance(store, MeteredStore):
            engine.store = MeteredStore(store, self)
            commits = getattr(engine, "commits", None)  # the engine's compare-and-set loop
            if commits is not None and getattr(commits, "store", None) is store:
                commits.store = engine.store
        if hasattr(bot.call, "on_retry"):
            bot.call.on_retry = self.retry
        if self._lines is None:
            self._lines = ErrorLines(self)
            logging.getLogger("bot").addHandler(self._lines)

    def detach(self) -> None:
        """Stop counting log lines (at shutdown)."""
        if self._lines is not None:
            logging.getLogger("bot").removeHandler(self._lines)
            self._lines = None


class MeteredEngine:
    """An engine that counts turns, outcomes, failures and time; everything else passes through."""

    def __init__(self, inner: Any, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """The inner engine's `handle`, measured."""
        start = time.perf_counter()
        try:
            replies: list[Reply] = await self.inner.handle(incoming)
        except Exception as exc:
            self.metrics.error(exc)
            raise
        self.metrics.turn_seconds.observe(time.perf_counter() - start)
        self.metrics.turns.inc()
        if not replies:
            self.metrics.duplicates.inc()
        for reply in replies:
            if reply.kind == "outcome" and reply.disposition in DISPOSITIONS:
                self.metrics.outcomes.labels(reply.disposition).inc()
        return replies


class MeteredStore:
    """A session store that counts compare-and-set conflicts; everything else passes through."""

    def __init__(self, inner: Any, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def get(self, key: str) -> Any:
        """The inner store's `get`."""
        return await self.inner.get(key)

    async def put(self, key: str, data: dict[str, Any], **kwargs: Any) -> Any:
        """The inner store's `put`; a refused compare-and-set is counted."""
        written = await self.inner.put(key, data, **kwargs)
        if written is False:
            self.metrics.store_conflicts.inc()
        return written

    async def delete(self, key: str) -> None:
        """The inner store's `delete`."""
        await self.inner.delete(key)

    async def close(self) -> None:
        """The inner store's `close`."""
        await self.inner.close()


class ErrorLines(logging.Handler):
    """Counts the process's ERROR and CRITICAL log lines (by logger level only, no content)."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(logging.ERROR)
        self.metrics = metrics

    def emit(self, record: logging.LogRecord) -> None:
        """Count the record."""
        self.metrics.error("logged_" + record.levelname.lower())
