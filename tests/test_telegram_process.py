"""`python -m bot telegram` as a process: settings, start-up errors, signals, restarts."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.adapters.telegram.config import from_settings
from bot.errors import ConfigError
from bot.settings import Settings
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_telegram.harness import free_port
from tests.helpers import MINI, ROOT
from tests.local_server import serving


def settings(**values: object) -> Settings:
    """Settings from `values` only (no environment)."""
    return Settings.load(env={k.upper(): str(v) for k, v in values.items()})


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"telegram_bot_token": "hello"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"telegram_bot_token": "123:short"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"telegram_bot_token": TOKEN, "telegram_api_url": "api.telegram.org"}, "http(s) URL"),
        (
            {"telegram_bot_token": TOKEN, "telegram_webhook_url": "http://bot.example.org/tg"},
            "only posts to https",
        ),
        (
            {
                "telegram_bot_token": TOKEN,
                "telegram_webhook_url": "https://bot.example.org/tg",
                "telegram_webhook_secret": "no spaces",
            },
            "webhook secret",
        ),
    ],
)
def test_bad_settings_are_refused(env: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_settings(settings(**env))


def test_webhook_settings() -> None:
    config = from_settings(
        settings(
            telegram_bot_token=TOKEN,
            telegram_api_url="http://127.0.0.1:8081/",
            telegram_webhook_url="https://bot.example.org/mamaflow/tg",
            telegram_webhook_port="9000",
            telegram_webhook_secret="abc_DEF-123",
        )
    )
    assert (config.base_url, config.base_file_url) == (
        "http://127.0.0.1:8081/bot",
        "http://127.0.0.1:8081/file/bot",
    )
    assert (config.url_path, config.port, config.secret_token) == ("mamaflow/tg", 9000, "abc_DEF-123")
    assert TOKEN not in repr(config) and "abc_DEF" not in repr(config)
    polling = from_settings(settings(telegram_bot_token=TOKEN))
    assert polling.webhook_url is None and len(polling.secret_token) >= 32


@dataclass
class Process:
    """A running `python -m bot telegram`."""

    proc: asyncio.subprocess.Process

    async def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        """Send `sig`; return the exit code and everything written to stderr."""
        self.proc.send_signal(sig)
        _, err = await asyncio.wait_for(self.proc.communicate(), 15)
        return self.proc.returncode, err.decode()


def child_env(**extra: str) -> dict[str, str]:
    """The environment for the bot process: the mini content, nothing from this shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(
        BOT_FLOWS_DIR=str(MINI / "flows"), BOT_LOCALES_DIR=str(MINI / "locales"), BOT_STORE="memory://"
    )
    env.update(extra)
    return env


async def run_cli(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    """Start `python -m bot` with `args`."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@asynccontextmanager
async def bot_process(fake: FakeTelegram, *args: str, **env: str) -> AsyncIterator[Process]:
    """`python -m bot telegram ARGS` against `fake`, up once its webhook or first poll is."""
    proc = await run_cli(
        "telegram", *args, env=child_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=fake.url, **env)
    )
    running = Process(proc)
    try:
        for _ in range(300):
            if fake.calls_of("getUpdates") or fake.webhook.url or proc.returncode is not None:
                break
            await asyncio.sleep(0.05)
        assert proc.returncode is None, (await proc.communicate())[1].decode()
        yield running
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.communicate()


@pytest.mark.parametrize(
    "token, message",
    [
        (None, "error: TELEGRAM_BOT_TOKEN is not set"),
        ("123456:not-a-token", "error: TELEGRAM_BOT_TOKEN is malformed"),
    ],
)
async def test_missing_or_malformed_token_is_one_line_and_exit_2(token: str | None, message: str) -> None:
    env = child_env(**({"TELEGRAM_BOT_TOKEN": token} if token else {}))
    proc = await run_cli("telegram", env=env)
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert err.decode().startswith(message) and err.decode().count("\n") == 1
    assert out == b""
    if token:
        assert token not in err.decode()


async def test_a_token_telegram_rejects_is_one_line_and_exit_2() -> None:
    fake = await FakeTelegram(token="999999:AAAnotherTokenNotKnownToTheServer1").start()
    try:
        proc = await run_cli("telegram", env=child_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=fake.url))
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        await fake.stop()
    assert proc.returncode == 2
    assert "Telegram rejected the token" in err.decode() and "Traceback" not in err.decode()
    assert TOKEN not in err.decode()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_polling_process_chats_and_stops_cleanly(sig: int, tmp_path: Path) -> None:
    fake = await FakeTelegram().start()
    store = f"sqlite:///{tmp_path / 'tg.db'}"
    try:
        async with bot_process(fake, BOT_STORE=store) as bot:
            ana = fake.user()
            await ana.send("/start")
            await ana.read(timeout=10)
            await ana.press("agree", timeout=10)
            assert (await ana.read(timeout=10)).text.startswith("Are you pregnant")
            code, err = await bot.stop(sig)
        assert code == 0, err
        assert "running as @mamaflow_test_bot (long polling)" in err
        assert "Traceback" not in err and TOKEN not in err
        async with bot_process(fake, BOT_STORE=store) as bot:  # restarted: nothing lost
            await ana.send("/start")
            assert (await ana.read(timeout=10)).text.startswith("Welcome back")
            assert (await ana.read(timeout=10)).text.startswith("Are you pregnant")
            assert (await bot.stop())[0] == 0
    finally:
        await fake.stop()


async def test_webhook_process_rejects_requests_without_the_secret() -> None:
    fake = await FakeTelegram().start()
    port = free_port()
    hook = f"http://127.0.0.1:{port}/tg/hook"
    try:
        async with bot_process(
            fake, "--webhook-url", hook, "--port", str(port), "--secret-token", "the_secret"
        ) as bot:
            assert fake.webhook.secret == "the_secret"
            ana = fake.user()
            await ana.send("/start")
            assert (await ana.read(timeout=10)).labels == ["I understand"]
            async with aiohttp.ClientSession() as session:
                for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                    async with session.post(hook, json={"update_id": 1}, headers=headers) as r:
                        assert r.status == 403
            code, err = await bot.stop()
        assert code == 0, err
        assert "(webhook)" in err and "the_secret" not in err
    finally:
        await fake.stop()


@asynccontextmanager
async def failing_api(kind: str) -> AsyncIterator[str]:
    """A Bot API root whose every answer is an error quoting the request URL (token included)."""

    async def endpoint(request: web.Request) -> web.Response:
        where = str(request.url)
        if kind == "html":
            page = f"<html><body><h1>502 Bad Gateway</h1><p>upstream failed for {where}</p></body></html>"
            return web.Response(status=502, text=page, content_type="text/html")
        return web.json_response(
            {"ok": False, "error_code": 500, "description": f"Internal Server Error: {where}"}, status=500
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", endpoint)
    async with serving(app) as url:
        yield url


@pytest.mark.parametrize("kind", ["html", "json"])
async def test_an_api_error_quoting_the_url_is_one_line_without_the_token(kind: str) -> None:
    """D4: the start-up error never shows the token, and an HTML page gives no traceback."""
    async with failing_api(kind) as url:
        proc = await run_cli("telegram", env=child_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=url))
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    text = err.decode()
    assert proc.returncode == 1, text
    lines = text.splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert errors == [e for e in errors if e.startswith(f"error: the Telegram Bot API at {url} failed:")]
    assert len(errors) == 1, text
    assert all(" INFO " in line for line in lines if line not in errors), text  # the bot's own notes
    assert TOKEN not in text and TOKEN.partition(":")[2] not in text
    assert "<token>" in text or kind == "html"
    assert "Traceback" not in text and "<html>" not in text
    assert out == b""
