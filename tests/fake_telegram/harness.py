"""Run the real Telegram adapter (PTB Application) against the fake server, in-process."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bot.adapters.telegram import Engine, TelegramBot, build_application, serve
from bot.adapters.telegram.config import TelegramConfig
from bot.adapters.telegram.io import Caller

from .server import TOKEN, FakeTelegram


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Running:
    """A bot serving the fake server: the server, the adapter and its config."""

    fake: FakeTelegram
    bot: TelegramBot
    config: TelegramConfig


def test_config(fake: FakeTelegram, mode: str, **overrides: Any) -> TelegramConfig:
    """A config pointing at `fake`, with short timeouts; `mode` is polling or webhook."""
    values: dict[str, Any] = dict(
        token=TOKEN, api_url=fake.url, poll_timeout=5.0, request_timeout=1.0, retries=3, retry_delay=0.02
    )
    if mode == "webhook":
        port = free_port()
        values.update(
            webhook_url=f"http://127.0.0.1:{port}/tg/hook",
            listen="127.0.0.1",
            port=port,
            secret_token="s3cret-token_for-tests",
        )
    values.update(overrides)
    return TelegramConfig(**values)


@contextlib.asynccontextmanager
async def running_bot(
    engine: Engine,
    *,
    mode: str = "polling",
    catalog: Any = None,
    fake: FakeTelegram | None = None,
    **overrides: Any,
) -> AsyncIterator[Running]:
    """Start the fake server (unless given) and the bot; stop both afterwards."""
    own = fake is None
    fake = fake or await FakeTelegram().start()
    config = test_config(fake, mode, **overrides)
    bot = TelegramBot(
        engine, catalog=catalog, caller=Caller(retries=config.retries, retry_delay=config.retry_delay)
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(build_application(config, bot), bot, config, stop, ready=ready))
    waiter = asyncio.create_task(ready.wait())
    try:
        await asyncio.wait({task, waiter}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # raise what went wrong
        assert ready.is_set(), "the bot did not start"
        yield Running(fake, bot, config)
    finally:
        waiter.cancel()
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        if own:
            await fake.stop()
