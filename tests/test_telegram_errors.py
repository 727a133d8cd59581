"""When Telegram or the engine fails: flood control, timeouts, blocked users, bugs, ordering."""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Iterator

import httpx
import pytest
from telegram.error import NetworkError, TimedOut

from bot.adapters.telegram import setup_logging
from bot.adapters.telegram.io import may_have_arrived
from bot.adapters.telegram.redact import RedactingStream, describe, redact
from bot.events import Incoming, Option, Reply
from tests.fake_telegram import TOKEN
from tests.fake_telegram.harness import running_bot
from tests.fake_telegram.server import NOT_MODIFIED
from tests.helpers import make_engine

SECRET_WORDS = "my private symptom words"


class Echo:
    """A tiny engine: answers every turn with one question; can be slow or broken."""

    def __init__(self, delay: float = 0.0, fail_on: str | None = None) -> None:
        self.delay, self.fail_on = delay, fail_on
        self.active: dict[str, int] = {}
        self.overlap_same_chat = False
        self.overlap_chats = False

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Echo the input back after `delay`; raise when the text is `fail_on`."""
        if self.fail_on is not None and incoming.text == self.fail_on:
            raise KeyError(f"cannot handle {incoming.text}")
        if self.active.get(incoming.key):
            self.overlap_same_chat = True
        if any(n for k, n in self.active.items() if k != incoming.key):
            self.overlap_chats = True
        self.active[incoming.key] = self.active.get(incoming.key, 0) + 1
        await asyncio.sleep(self.delay)
        self.active[incoming.key] -= 1
        said = incoming.text or incoming.option or "(opened)"
        return [Reply("question", "echo", f"got: {said}", (Option("ok", "OK"),))]


@pytest.fixture
def private_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Logging as `python -m bot telegram` sets it up, captured at DEBUG; restored after."""
    names = ("telegram", "httpx", "httpcore", "aiohttp.client", "bot.adapters.telegram")
    levels = {n: logging.getLogger(n).level for n in names}
    caplog.set_level(logging.DEBUG)
    setup_logging(TOKEN)
    yield caplog
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_flood_control_is_waited_out() -> None:
    async with running_bot(Echo()) as tg:
        tg.fake.inject("sendMessage", status=429, retry_after=1)
        ana = tg.fake.user()
        started = time.monotonic()
        await ana.send("hello")
        assert (await ana.read()).text == "got: hello"
        assert time.monotonic() - started >= 1.0
        assert [c.status for c in tg.fake.calls if c.method == "sendMessage"] == [429, 200]


@pytest.mark.parametrize(
    "failure", [dict(status=500), dict(status=502), dict(status=500, delay=1.3)]
)  # > request timeout
async def test_server_errors_and_timeouts_are_retried(failure: dict) -> None:
    async with running_bot(Echo()) as tg:
        tg.fake.inject("sendMessage", times=2, **failure)
        ana = tg.fake.user()
        await ana.send("hello")
        assert (await ana.read(timeout=8)).text == "got: hello"
        assert len(tg.fake.calls_of("sendMessage")) == 3


async def test_retries_are_bounded_then_the_user_gets_an_apology(private_logs) -> None:
    async with running_bot(Echo()) as tg:
        tg.fake.inject("sendMessage", status=500, times=3)
        ana = tg.fake.user()
        await ana.send("hello")
        sorry = await ana.read()
        assert sorry.text.startswith("Sorry, something went wrong on my side")
        assert (await ana.read()).text == "got: (opened)"
        assert len(tg.fake.calls_of("sendMessage")) == 5
    assert "NetworkError" in private_logs.text


async def test_a_blocked_bot_logs_once_and_stops_writing(private_logs) -> None:
    async with running_bot(Echo()) as tg:
        ana = tg.fake.user()
        await ana.send("hello")
        await ana.read()
        await ana.block()
        tg.fake.inject("sendMessage", status=403, times=2)
        await ana.send("again")  # raced the block
        await ana.send("and again")
        await ana.quiet(0.3)
        assert tg.bot.blocked == {ana.chat["id"]}
    blocked = [r for r in private_logs.records if "blocked the bot" in r.getMessage()]
    assert len(blocked) == 1


async def test_message_not_modified_is_ignored() -> None:
    async with running_bot(Echo()) as tg:
        ana = tg.fake.user()
        await ana.send("hello")
        await ana.read()
        tg.fake.inject("editMessageText", status=400, description=NOT_MODIFIED)
        await ana.press("OK")
        assert (await ana.read()).text == "got: ok"
        await ana.quiet(0.1)


async def test_html_refused_by_telegram_gets_an_apology() -> None:
    async with running_bot(Echo()) as tg:
        tg.fake.inject(
            "sendMessage", status=400, description="Bad Request: can't parse entities: Unsupported start tag"
        )
        ana = tg.fake.user()
        await ana.send("hello")
        assert "Sorry" in (await ana.read()).text
        assert (await ana.read()).text == "got: (opened)"


async def test_an_engine_bug_gets_an_apology_and_a_log_without_user_text(private_logs) -> None:
    async with running_bot(Echo(fail_on=SECRET_WORDS)) as tg:
        ana = tg.fake.user()
        update_id = await ana.send(SECRET_WORDS)
        assert (await ana.read()).text.startswith("Sorry, something went wrong")
        assert (await ana.read()).text == "got: (opened)"
    failure = [r for r in private_logs.records if r.levelno == logging.ERROR]
    assert f"update {update_id} failed: KeyError" in failure[0].getMessage()
    assert "handle" in failure[0].getMessage()  # the stack is there
    assert SECRET_WORDS not in private_logs.text
    assert TOKEN not in private_logs.text


async def test_logs_never_contain_the_token_or_what_the_user_typed(private_logs) -> None:
    engine = make_engine()
    async with running_bot(engine, catalog=engine.catalog) as tg:
        ana = tg.fake.user()
        await ana.send("/start")
        await ana.read()
        tg.fake.inject("sendMessage", status=429, retry_after=0)
        tg.fake.inject("getUpdates", status=500)
        await ana.send(SECRET_WORDS)
        await ana.read()
        await ana.read()
    assert private_logs.records, "something was logged"
    assert TOKEN not in private_logs.text
    assert SECRET_WORDS not in private_logs.text
    logging.getLogger("bot.test").warning("leak %s", TOKEN)
    assert TOKEN not in private_logs.text  # the filter redacts it


async def test_one_chat_in_order_different_chats_at_once() -> None:
    engine = Echo(delay=0.15)
    async with running_bot(engine) as tg:
        ana, bea = tg.fake.user(1), tg.fake.user(2)
        started = time.monotonic()
        for n in range(3):
            await ana.send(f"a{n}")
            await bea.send(f"b{n}")
        got_a = [(await ana.read()).text for _ in range(3)]
        got_b = [(await bea.read()).text for _ in range(3)]
        assert got_a == ["got: a0", "got: a1", "got: a2"]
        assert got_b == ["got: b0", "got: b1", "got: b2"]
        assert not engine.overlap_same_chat
        assert engine.overlap_chats
        assert time.monotonic() - started < 6 * 0.15


async def test_a_press_whose_answer_fails_is_still_applied() -> None:
    """D8: answerCallbackQuery failing 3 times must not drop the press."""
    async with running_bot(Echo()) as tg:
        ana = tg.fake.user()
        await ana.send("hello")
        await ana.read()
        tg.fake.inject("answerCallbackQuery", status=500, times=3)
        pressing = asyncio.create_task(ana.press("OK", timeout=3))
        assert (await ana.read(timeout=5)).text == "got: ok"  # applied: no apology, no old question
        await ana.quiet(0.2)
        with pytest.raises(AssertionError, match="never answered"):
            await pressing  # Telegram refused every answer; the spinner times out on her phone
        assert [c.status for c in tg.fake.calls_of("answerCallbackQuery")] == [500, 500, 500]


async def test_a_send_that_timed_out_but_arrived_leaves_one_live_keyboard() -> None:
    """D12: the retried question arrives twice; the first copy must not keep live buttons."""
    async with running_bot(Echo()) as tg:
        tg.fake.inject("sendMessage", status=200, delay=1.3)  # delivered, answer after the timeout
        ana = tg.fake.user()
        await ana.send("hello")
        first, second = await ana.read(timeout=5), await ana.read(timeout=5)
        assert first.text == second.text == "got: hello"
        await asyncio.sleep(0.2)
        assert first.keyboard == [], "the copy that arrived first still has live buttons"
        assert second.labels == ["OK"]
        await ana.press("OK", message=second)
        assert (await ana.read()).text == "got: ok"


def test_only_failures_that_may_have_arrived_count_as_unsure() -> None:
    """A connection refused or a full pool: certainly not delivered, so a plain retry."""

    def caused(cause: BaseException, exc: Exception) -> Exception:
        exc.__cause__ = cause
        return exc

    assert not may_have_arrived(caused(httpx.ConnectError("refused"), NetworkError("x")))
    assert not may_have_arrived(caused(httpx.PoolTimeout("full"), TimedOut()))
    assert not may_have_arrived(NetworkError("Internal Server Error"))  # Telegram answered
    assert may_have_arrived(caused(httpx.ReadTimeout("late"), TimedOut()))
    assert may_have_arrived(caused(httpx.RemoteProtocolError("dropped"), NetworkError("x")))


def test_stderr_and_descriptions_never_carry_the_token() -> None:
    """D4: also what bypasses logging (a traceback Python prints) is written without the token."""
    secret = TOKEN.partition(":")[2]
    out = io.StringIO()
    stream = RedactingStream(out, TOKEN)
    stream.write(f"Traceback ... url=/bot{TOKEN}/getMe\n")
    stream.write(f"the secret half alone: {secret}\n")
    assert TOKEN not in out.getvalue() and secret not in out.getvalue()
    assert out.getvalue().count("<token>") == 2
    assert redact("nothing to hide", TOKEN) == "nothing to hide"
    page = f"Bad Gateway (502). Parsing the server response b'<html>{TOKEN}</html>' failed"
    assert (
        describe(page, TOKEN)
        == "Bad Gateway (502), and the answer was not a Bot API answer (an HTML error page?)"
    )
