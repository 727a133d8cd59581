"""The webhook server as Telegram, an attacker and a monitoring system meet it."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import pytest

from bot.adapters.telegram.config import TelegramConfig, derive_secret
from bot.adapters.telegram.webhook import MAX_BODY, SECRET_HEADER
from bot.storage.base import StoreError
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_telegram.harness import Running, running_bot
from tests.helpers import make_engine

SECRET = "s3cret-token_for-tests"  # what the harness configures


class FlakyStore:
    """A store that can be switched off: every call then raises StoreError."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise StoreError("connection refused")

    async def get(self, key: str) -> Any:
        self._check()
        return await self.inner.get(key)

    async def put(self, key: str, data: dict, **kwargs: Any) -> Any:
        self._check()
        return await self.inner.put(key, data, **kwargs)

    async def delete(self, key: str) -> None:
        self._check()
        await self.inner.delete(key)

    async def close(self) -> None:
        await self.inner.close()


@pytest.fixture
async def tg():
    """The real bot in webhook mode on the mini content, with a store that can fail."""
    engine = make_engine()
    engine.store = engine.commits.store = flaky = FlakyStore(engine.store)
    async with running_bot(engine, mode="webhook", catalog=engine.catalog) as running:
        running.store = flaky  # type: ignore[attr-defined]
        yield running
        assert running.fake.errors == [], "the bot made requests Telegram would refuse"


def hook(tg: Running) -> str:
    return tg.config.webhook_url or ""


def base(tg: Running) -> str:
    return f"http://127.0.0.1:{tg.config.port}"


async def raw_request(port: int, head: str, body: bytes = b"", timeout: float = 3.0) -> int:
    """Send raw HTTP (headers, then maybe part of a body) and return the status of the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head.encode() + body)
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout)
        return int(line.split()[1])
    finally:
        writer.close()


async def test_an_update_is_answered_200_only_after_its_reply_was_sent(tg: Running) -> None:
    ana = tg.fake.user()
    update = {
        "update_id": 77,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": ana.chat,
            "from": ana.sender,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    ana.started = True
    async with (
        aiohttp.ClientSession() as http,
        http.post(hook(tg), json=update, headers={SECRET_HEADER: SECRET}) as resp,
    ):
        assert resp.status == 200
        sent = tg.fake.called("sendMessage")  # looked at the moment the 200 arrives
    assert len(sent) == 1 and "self-care guide" in next(iter(ana.messages.values())).text


async def test_the_secret_is_checked_before_the_body_is_read(tg: Running, caplog) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    huge = 100_000_000
    head = (
        f"POST /tg/hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {huge}\r\n"
    )
    # the body is never sent: an answer can only come if the server did not wait for it
    assert await raw_request(tg.config.port, head + "\r\n", b'{"update_id": 1') == 403
    assert await raw_request(tg.config.port, head + f"{SECRET_HEADER}: nope\r\n\r\n") == 403
    assert await raw_request(tg.config.port, head + f"{SECRET_HEADER}: {SECRET}\r\n\r\n") == 413
    refused = [r.getMessage() for r in caplog.records if "refused a call" in r.getMessage()]
    assert refused == ["webhook: refused a call from 127.0.0.1 (no secret, answered 403)"]
    assert all(TOKEN not in r.getMessage() and SECRET not in r.getMessage() for r in caplog.records)


async def test_a_body_over_the_cap_is_refused_even_without_a_length(tg: Running) -> None:
    async def chunks():
        for _ in range(MAX_BODY // 65536 + 2):
            yield b" " * 65536

    async with (
        aiohttp.ClientSession() as http,
        http.post(hook(tg), data=chunks(), headers={SECRET_HEADER: SECRET}) as resp,
    ):
        assert resp.status == 413


async def test_refusals_are_logged_at_most_once_a_minute_with_a_count(tg: Running, caplog) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    async with aiohttp.ClientSession() as http:
        for _ in range(5):
            async with http.post(hook(tg), json={"update_id": 1}, headers={SECRET_HEADER: "wrong"}) as r:
                assert r.status == 403
        async with http.post(hook(tg), data=b"{not json", headers={SECRET_HEADER: SECRET}) as r:
            assert r.status == 400
    lines = [r.getMessage() for r in caplog.records if "refused a call" in r.getMessage()]
    assert lines == ["webhook: refused a call from 127.0.0.1 (wrong secret, answered 403)"]


async def test_an_unreadable_update_is_acknowledged_and_never_logged(tg: Running, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    words = "MySecretSymptomWords"
    bad = {"update_id": 4242, "message": {"text": words, "chat": "not a chat", "date": "x"}}
    async with (
        aiohttp.ClientSession() as http,
        http.post(hook(tg), json=bad, headers={SECRET_HEADER: SECRET}) as r,
    ):
        assert r.status == 200  # Telegram would only send it again, unchanged
    assert any("update 4242 could not be read" in r.getMessage() for r in caplog.records)
    assert not any(words in r.getMessage() or words in (r.exc_text or "") for r in caplog.records)


async def test_store_down_answers_503_until_it_is_back_and_nothing_is_lost(tg: Running, caplog) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    ana = tg.fake.user()
    await ana.send("/start")
    first = await ana.read()
    while tg.fake._updates:  # the /start is acknowledged (its delivery noted) before the outage
        await asyncio.sleep(0.01)
    tg.store.down = True
    async with aiohttp.ClientSession() as http, http.get(base(tg) + "/healthz") as r:
        assert r.status == 503 and "StoreError" in await r.text()
    await ana.send("1")  # "I understand", typed while the store is down
    await asyncio.sleep(0.6)
    failures = tg.fake.webhook.failures
    assert failures and set(failures) == {503}, "Telegram was asked to deliver it again"
    await ana.quiet(0)
    tg.store.down = False
    said = await ana.read()  # her typed answer is confirmed first
    assert said.text == "You said: I understand"
    status = await ana.read()
    assert status.text == "Are you pregnant, or have you given birth?"
    assert first.keyboard == []
    await ana.quiet(0.3)  # answered once, no apology
    down = [r for r in caplog.records if "store is unreachable" in r.getMessage()]
    assert len(down) == 1 and down[0].levelno == logging.ERROR
    back = [r.getMessage() for r in caplog.records if "answers again" in r.getMessage()]
    assert back == [f"the session store answers again; {len(failures)} updates were refused meanwhile"]


async def test_healthz_and_metrics(tg: Running) -> None:
    ana = tg.fake.user(31337)
    await ana.send("/start")
    await ana.read()
    for choice in ("agree", "t3", "calf_cramp", "none", "mild"):
        await ana.press(choice)
        await ana.read()
    async with aiohttp.ClientSession() as http:
        async with http.get(base(tg) + "/healthz") as r:
            assert (r.status, await r.text()) == (200, "ok\n")
        async with http.get(base(tg) + "/metrics") as r:
            assert r.status == 200 and r.headers["Content-Type"].startswith("text/plain")
            text = await r.text()
    values = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }
    assert values['mamaflow_updates_total{kind="message"}'] == 1
    assert values['mamaflow_updates_total{kind="callback_query"}'] == 5
    assert values["mamaflow_turns_total"] == 6
    assert values['mamaflow_outcomes_total{disposition="self_care"}'] == 1
    assert values['mamaflow_outcomes_total{disposition="emergency"}'] == 0
    assert values["mamaflow_turn_seconds_count"] == 6
    assert "mamaflow_store_conflicts_total" in values and "mamaflow_bot_api_retries_total" not in values
    assert "31337" not in text, "never a user id"


async def test_bot_api_retries_are_counted(tg: Running) -> None:
    ana = tg.fake.user()
    tg.fake.inject("sendMessage", status=502, times=1)
    await ana.send("/start")
    await ana.read()
    text = tg.bot.engine.metrics.text().decode()
    assert 'mamaflow_bot_api_retries_total{method="sendMessage",reason="network"} 1.0' in text


def test_the_default_secret_comes_from_the_token() -> None:
    one = TelegramConfig(token=TOKEN, webhook_url="https://a.example/tg")
    two = TelegramConfig(token=TOKEN, webhook_url="https://a.example/tg", port=9000)
    other = TelegramConfig(token="987654321:AAAnotherTokenForTestsOnly_abcdefg")
    assert one.secret_token == two.secret_token == derive_secret(TOKEN)
    assert other.secret_token != one.secret_token and TOKEN not in one.secret_token
    assert len(one.secret_token) == 64 and one.secret_token.isalnum()


async def test_two_workers_with_no_secret_setting_accept_each_others_updates() -> None:
    fake = await FakeTelegram().start()
    engine = make_engine()
    try:
        async with (
            running_bot(engine, mode="webhook", fake=fake, secret_token="", catalog=engine.catalog) as one,
            running_bot(engine, mode="webhook", fake=fake, secret_token="", catalog=engine.catalog) as two,
        ):
            assert fake.webhook.url == two.config.webhook_url  # the last start wins
            assert fake.webhook.secret == derive_secret(TOKEN)
            ana = fake.user()
            for worker in (one, two):  # what a load balancer does: either worker gets updates
                fake.webhook.url = worker.config.webhook_url
                await ana.send("/start")
                assert (await ana.read()).labels == ["I understand"]
            assert fake.webhook.failures == []
            # the second start found the command menu and descriptions already set: left alone
            assert len(fake.called("setMyCommands")) == 1
            assert len(fake.called("setMyDescription")) == len(fake.called("setMyShortDescription")) == 1
            assert len(fake.called("setWebhook")) == 2
    finally:
        await fake.stop()


def test_a_library_log_line_never_carries_an_update() -> None:
    from telegram import Update

    from bot.adapters.telegram.io import HideUpdates

    words = "MySecretSymptomWords"
    raw = {
        "update_id": 9,
        "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": words},
    }
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep()
    handler.addFilter(HideUpdates())
    logger = logging.getLogger("telegram.ext.test_hide")
    logger.addHandler(handler)
    try:
        logger.critical("Error while building CallbackContext for update %s.", Update.de_json(raw, None))
        logger.critical("No error handlers are registered, logging exception: %s", raw)
    finally:
        logger.removeHandler(handler)
    assert lines == [
        "Error while building CallbackContext for update <update 9>.",
        "No error handlers are registered, logging exception: <update 9>",
    ]
