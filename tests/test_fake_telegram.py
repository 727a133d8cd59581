"""The fake Telegram server is as strict as Telegram about what the bot uses."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.fake_telegram import TOKEN, FakeTelegram, ParseError, parse_html
from tests.fake_telegram.harness import free_port


class Api:
    """Calls the fake's methods like a bot would (form-encoded, JSON values as strings)."""

    def __init__(self, fake: FakeTelegram, session: aiohttp.ClientSession) -> None:
        self.fake, self.session = fake, session

    async def __call__(self, method: str, token: str = TOKEN, **params: Any) -> dict:
        data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        async with self.session.post(f"{self.fake.url}/bot{token}/{method}", data=data) as r:
            body = await r.json()
            assert (r.status == 200) == body["ok"]
            return body


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    """A started fake server and a client for it."""
    fake = await FakeTelegram().start()
    async with aiohttp.ClientSession() as session:
        yield Api(fake, session)
    await fake.stop()


def keyboard(*data: str) -> dict:
    """An inline keyboard with one button per callback data."""
    return {"inline_keyboard": [[{"text": d or "?", "callback_data": d}] for d in data]}


@pytest.mark.parametrize(
    "html, text, entities",
    [
        ("plain", "plain", []),
        (
            "<b>Bold</b> &amp; &lt;3 &gt; &quot;q&quot; &#x27;s",
            'Bold & <3 > "q" \'s',
            [{"type": "bold", "offset": 0, "length": 4}],
        ),
        ("🤰 <i>x</i>", "🤰 x", [{"type": "italic", "offset": 3, "length": 1}]),  # UTF-16
        (
            '<a href="https://nhs.uk">NHS</a>',
            "NHS",
            [{"type": "text_link", "offset": 0, "length": 3, "url": "https://nhs.uk"}],
        ),
    ],
)
def test_html_is_parsed_like_telegram(html: str, text: str, entities: list) -> None:
    assert parse_html(html) == (text, entities)


@pytest.mark.parametrize(
    "html",
    [
        "a < b",
        "a > b",
        "fish & chips",
        "<b>open",
        "</b>",
        "<b><i>x</b></i>",
        "<div>x</div>",
        "&nbsp;",
        "<br>",
        '<span class="x">y</span>',
    ],
)
def test_bad_html_is_refused(html: str) -> None:
    with pytest.raises(ParseError, match="can't parse entities"):
        parse_html(html)


async def test_wrong_token_and_unknown_method(api: Api) -> None:
    assert (await api("getMe", token="1:wrong"))["error_code"] == 401
    assert (await api("getSomething"))["error_code"] == 404
    assert (await api("getMe"))["result"]["username"] == "mamaflow_test_bot"


async def test_send_message_rules(api: Api) -> None:
    assert "chat not found" in (await api("sendMessage", chat_id=5001, text="hi"))["description"]
    user = api.fake.user(5001)
    await user.send("/start")
    ok = await api("sendMessage", chat_id=5001, text="<b>Hi</b> &amp; bye", parse_mode="HTML")
    assert ok["result"]["text"] == "Hi & bye"
    assert (await user.read()).entities == [{"type": "bold", "offset": 0, "length": 2}]
    for bad, why in [
        ("", "text is empty"),
        ("<b>x", "can't parse entities"),
        ("x" * 4097, "message is too long"),
        ("🤰" * 2049, "message is too long"),
    ]:
        body = await api("sendMessage", chat_id=5001, text=bad, parse_mode="HTML")
        assert why in body["description"]
    assert (await api("sendMessage", chat_id=5001, text="x" * 4096))["ok"]
    assert (await api("sendMessage", chat_id=5001, text="ok", reply_markup=keyboard("é" * 32)))[
        "ok"
    ]  # 64 bytes
    for markup in (keyboard("é" * 32 + "x"), keyboard(""), {"inline_keyboard": "no"}):
        assert not (await api("sendMessage", chat_id=5001, text="ok", reply_markup=markup))["ok"]
    await user.block()
    assert (await api("sendMessage", chat_id=5001, text="hi"))["error_code"] == 403
    assert len(api.fake.errors) == 8  # the 403 is the user's doing


async def test_edits_and_callback_answers(api: Api) -> None:
    user = api.fake.user(5001)
    await user.send("hi")
    sent = await api("sendMessage", chat_id=5001, text="Q?", reply_markup=keyboard("q|a"))
    mid = sent["result"]["message_id"]
    same = await api("editMessageText", chat_id=5001, message_id=mid, text="Q?", reply_markup=keyboard("q|a"))
    assert "message is not modified" in same["description"]
    assert (await api("editMessageText", chat_id=5001, message_id=mid, text="Q? ✓ a"))["ok"]
    message = user.messages[mid]
    assert (message.text, message.keyboard, message.history) == ("Q? ✓ a", [], ["Q?"])
    assert "not found" in (await api("editMessageReplyMarkup", chat_id=5001, message_id=999))["description"]
    qid, answered = api.fake.new_query()
    assert (await api("answerCallbackQuery", callback_query_id=qid, text="hey"))["ok"]
    assert await answered == ("hey", False)
    again = await api("answerCallbackQuery", callback_query_id=qid)
    assert "query is too old" in again["description"]


async def test_get_updates_offset_and_long_polling(api: Api) -> None:
    user = api.fake.user(5001)
    first = await user.send("one")
    got = (await api("getUpdates", timeout=0))["result"]
    assert [u["update_id"] for u in got] == [first]
    assert (await api("getUpdates", offset=first, timeout=0))["result"][0]["message"]["text"] == "one"
    assert (await api("getUpdates", offset=first + 1, timeout=0))["result"] == []

    poll = asyncio.create_task(api("getUpdates", offset=first + 1, timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done(), "a long poll waits for updates"
    second = await user.send("two")
    assert [u["update_id"] for u in (await poll)["result"]] == [second]

    older = asyncio.create_task(api("getUpdates", offset=second + 1, timeout=5))
    await asyncio.sleep(0.05)
    newer = asyncio.create_task(api("getUpdates", offset=second + 1, timeout=0.1))
    assert (await older)["error_code"] == 409  # "terminated by other getUpdates request"
    assert (await newer)["result"] == []


async def test_webhook_delivery_with_the_secret(api: Api) -> None:
    received: list[tuple[str | None, dict]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        url = f"http://127.0.0.1:{port}/hook"
        assert "HTTPS" in (await api("setWebhook", url="http://example.org/hook"))["description"]
        assert "unallowed" in (await api("setWebhook", url=url, secret_token="a b"))["description"]
        assert (await api("setWebhook", url=url, secret_token="s3cret"))["ok"]
        assert (await api("getUpdates"))["error_code"] == 409
        update_id = await api.fake.user(5001).send("hi")
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.02)
        assert received == [("s3cret", {"update_id": update_id, "message": received[0][1]["message"]})]
        assert (await api("deleteWebhook"))["ok"]
        assert (await api("getUpdates"))["ok"]
    finally:
        await runner.cleanup()


async def test_injected_failures(api: Api) -> None:
    api.fake.inject("getMe", status=429, retry_after=3)
    api.fake.inject("getMe", status=500, times=2)
    flood = await api("getMe")
    assert flood["parameters"] == {"retry_after": 3}
    assert [(await api("getMe"))["error_code"] for _ in range(2)] == [500, 500]
    assert (await api("getMe"))["ok"]
    assert api.fake.errors == [], "injected failures are not the bot's fault"


async def test_set_my_commands_rules(api: Api) -> None:
    ok = await api(
        "setMyCommands", commands=[{"command": "start", "description": "Start"}], language_code="de"
    )
    assert ok["ok"] and api.fake.commands[("default", "de")] == [("start", "Start")]
    for commands in ([{"command": "Start", "description": "x"}], [{"command": "start", "description": ""}]):
        assert not (await api("setMyCommands", commands=commands))["ok"]
