"""The bot's HTTP transport (aiohttp under PTB): what each network failure becomes.

The chat, error and kill tests run the whole bot over this transport; these tests pin down
the mapping the Caller's retry rules rely on: a failure that certainly never reached Telegram
is retried plainly, one that may have been carried out is retried with its duplicate made
harmless, and no error text carries the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.adapters.telegram.io import may_have_arrived, retry_seconds
from bot.adapters.telegram.transport import AiohttpRequest
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_telegram.harness import free_port
from tests.local_server import serving


@contextlib.asynccontextmanager
async def bot_at(url: str, **timeouts: float) -> AsyncIterator[Bot]:
    """A PTB Bot on the aiohttp transport pointed at `url` (not initialised: no getMe)."""
    options = dict(read_timeout=1.0, write_timeout=1.0, connect_timeout=1.0, pool_timeout=1.0)
    options.update(timeouts)
    pool = int(options.pop("pool", 4))
    request = AiohttpRequest(pool, **options)
    await request.initialize()
    try:
        yield Bot(TOKEN, base_url=f"{url}/bot", request=request, get_updates_request=request)
    finally:
        await request.shutdown()


@contextlib.asynccontextmanager
async def fake_api() -> AsyncIterator[FakeTelegram]:
    fake = await FakeTelegram().start()
    try:
        yield fake
    finally:
        await fake.stop()


async def test_a_message_with_buttons_goes_out_as_json_telegram_accepts() -> None:
    async with fake_api() as fake, bot_at(fake.url) as bot:
        ana = fake.user()
        await ana.send("/start")  # Telegram sends only to users who wrote first
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="n:yes")]])
        result = await bot._post("sendMessage", {"chat_id": ana.chat["id"], "text": "Cramps?", "reply_markup": keyboard})
        assert isinstance(result["message_id"], int)
        got = await ana.read()
        assert got.text == "Cramps?" and got.labels == ["Yes"]
        assert fake.errors == []


async def test_flood_control_and_refusals_are_telegrams_errors() -> None:
    async with fake_api() as fake, bot_at(fake.url) as bot:
        ana = fake.user()
        await ana.send("/start")  # Telegram sends only to users who wrote first
        fake.inject("sendMessage", status=429, retry_after=3)
        with pytest.raises(RetryAfter) as flood:
            await bot._post("sendMessage", {"chat_id": ana.chat["id"], "text": "hi"})
        assert retry_seconds(flood.value) == 3
        with pytest.raises(BadRequest):
            await bot._post("sendMessage", {"chat_id": ana.chat["id"], "text": ""})


async def test_an_answer_later_than_the_read_timeout_may_have_arrived() -> None:
    async with fake_api() as fake, bot_at(fake.url, read_timeout=0.3) as bot:
        ana = fake.user()
        await ana.send("/start")  # Telegram sends only to users who wrote first
        fake.inject("sendMessage", status=200, delay=1.0)
        with pytest.raises(TimedOut) as late:
            await bot._post("sendMessage", {"chat_id": ana.chat["id"], "text": "hi"})
        assert may_have_arrived(late.value)  # Telegram did send it: the Caller drops the copy's buttons
        assert (await ana.read()).text == "hi"


async def test_no_free_connection_was_never_sent() -> None:
    async with fake_api() as fake, bot_at(fake.url, pool=1, pool_timeout=0.1, connect_timeout=0.2) as bot:
        ana = fake.user()
        await ana.send("/start")  # Telegram sends only to users who wrote first
        fake.inject("sendMessage", status=200, delay=0.6)  # answered within the read timeout
        busy = asyncio.create_task(bot._post("sendMessage", {"chat_id": ana.chat["id"], "text": "first"}))
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut) as full:
            await bot._post("sendMessage", {"chat_id": ana.chat["id"], "text": "second"})
        assert not may_have_arrived(full.value)
        await busy
        assert (await ana.read()).text == "first"
        await ana.quiet(0.3)


async def test_a_refused_connection_was_never_sent_and_its_error_has_no_token() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    async with bot_at(url) as bot:
        with pytest.raises(NetworkError) as refused:
            await bot._post("getMe", {})
    assert not isinstance(refused.value, TimedOut)
    assert not may_have_arrived(refused.value)
    assert TOKEN not in str(refused.value) and TOKEN.partition(":")[2] not in str(refused.value)


async def test_a_connection_dropped_before_the_answer_may_have_arrived() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")  # the request arrived; no answer comes
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with bot_at(f"http://127.0.0.1:{port}") as bot:
            with pytest.raises(NetworkError) as dropped:
                await bot._post("sendMessage", {"chat_id": 1, "text": "hi"})
    finally:
        server.close()
        await server.wait_closed()
    assert not isinstance(dropped.value, TimedOut)
    assert may_have_arrived(dropped.value)
    assert TOKEN not in str(dropped.value)


async def test_files_go_out_as_multipart() -> None:
    """mamaflow sends no files, but the transport is PTB's whole transport: a document works."""
    seen: dict[str, object] = {}

    async def send_document(request: web.Request) -> web.Response:
        form = await request.post()
        seen.update(chat_id=form["chat_id"], name=form["document"].filename, body=form["document"].file.read())
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/sendDocument", send_document)
    async with serving(app) as url, bot_at(url) as bot:
        assert await bot.send_document(42, b"leaflet", filename="advice.txt") is True
    assert seen == {"chat_id": "42", "name": "advice.txt", "body": b"leaflet"}



async def test_an_http_proxy_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY is honoured as by PTB's own transport (read once, not per request)."""
    lines: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines.append(head.split(b"\r\n", 1)[0])
        length = next((int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")), 0)
        await reader.readexactly(length)
        body = b'{"ok": true, "result": true}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    try:
        async with bot_at("http://bot-api.invalid:8081") as bot:
            assert await bot._post("logOut", {}) is True
            assert await bot._post("close", {}) is True
    finally:
        server.close()
        await server.wait_closed()
    assert lines == [f"POST http://bot-api.invalid:8081/bot{TOKEN}/{m} HTTP/1.1".encode() for m in ("logOut", "close")]


async def test_a_server_with_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    """TLS certificates are checked (certifi's CA bundle, like PTB's own transport)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    fake = FakeTelegram()
    app = web.Application()
    app.router.add_route("*", "/bot{token}/{method}", fake._endpoint)
    async with serving(app, tls=context) as url, bot_at(url) as bot:
        with pytest.raises(NetworkError) as refused:
            await bot._post("getMe", {})
    assert "certificate" in str(refused.value).lower()
    assert not may_have_arrived(refused.value)  # nothing was sent
    assert fake.calls == []
