"""Long polling: an update is confirmed to Telegram only after it is handled; presses are
answered at once; a rejected token while polling ends the process."""

from __future__ import annotations

import asyncio

from bot.events import Incoming, Option, Reply
from bot.storage.base import StoreError
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_telegram.harness import running_bot
from tests.test_telegram_process import bot_process


class Slow:
    """Answers every turn with one question after `delay` seconds (presses at once)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.started = asyncio.Event()

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Echo the input; typed text takes `delay` seconds."""
        if incoming.text is not None:
            self.started.set()
            await asyncio.sleep(self.delay)
        said = incoming.text or incoming.option or "(opened)"
        return [Reply("question", "echo", f"got: {said}", (Option("ok", "OK"),))]


def confirmed_before(fake, update_id: int, sent_index: int) -> bool:
    """True when a getUpdates confirming `update_id` came before call number `sent_index`."""
    return any(
        c.method == "getUpdates" and int(c.params.get("offset") or 0) > update_id
        for c in fake.calls[:sent_index]
    )


async def test_an_update_is_confirmed_only_after_its_reply_is_sent() -> None:
    """D2: PTB's poller confirmed the batch while it was still being handled."""
    engine = Slow(delay=0.6)
    async with running_bot(engine) as tg:
        ana = tg.fake.user()
        uid = await ana.send("hello")
        await asyncio.wait_for(engine.started.wait(), 5)
        await asyncio.sleep(0.3)  # the poller has been polling meanwhile
        assert not any(
            c.method == "getUpdates" and int(c.params.get("offset") or 0) > uid for c in tg.fake.calls
        ), "the update was confirmed to Telegram while it was being handled"
        assert (await ana.read()).text == "got: hello"
        sent = next(i for i, c in enumerate(tg.fake.calls) if c.method == "sendMessage")
        assert not confirmed_before(tg.fake, uid, sent)
        await ana.send("again")
        await ana.read()
        # confirmed once handled: the next poll starts after it
        assert any(c.method == "getUpdates" and int(c.params.get("offset") or 0) > uid for c in tg.fake.calls)


async def test_a_press_is_answered_while_her_earlier_message_is_still_handled() -> None:
    """Capacity: the spinner stops at once, not after the chat's earlier updates."""
    engine = Slow(delay=1.0)
    async with running_bot(engine) as tg:
        ana = tg.fake.user()
        await ana.send("/start")
        question = await ana.read(timeout=5)
        engine.started.clear()
        await ana.send("slow one")
        await asyncio.wait_for(engine.started.wait(), 5)
        await ana.press("OK", message=question, timeout=0.5)  # answered within half a second
        assert ana.inbox.empty(), "the press was answered before her earlier message's reply"
        assert (await ana.read(timeout=5)).text == "got: slow one"
        assert (await ana.read(timeout=5)).text == "got: ok"  # and the press is applied, in order
        assert len(tg.fake.called("answerCallbackQuery")) == 1


async def test_a_token_rejected_while_polling_ends_the_process_with_exit_1() -> None:
    """D5: PTB stopped polling for good and the process stayed up, deaf, never restarted."""
    fake = await FakeTelegram().start()
    try:
        async with bot_process(fake) as bot:
            ana = fake.user()
            await ana.send("/start")
            await ana.read(timeout=10)
            fake.inject("getUpdates", status=401, description="Unauthorized", times=1000)
            code = await asyncio.wait_for(bot.proc.wait(), 20)
            err = (await bot.proc.stderr.read()).decode()
    finally:
        await fake.stop()
    assert code == 1, err  # not 2: a service manager restarts it; a bad token then exits 2 at start
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "rejected the token while polling" in errors[0], err
    assert "Traceback" not in err and TOKEN not in err


class StoreDown:
    """An engine whose store is unreachable for the first `failures` turns."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.turns = 0

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Raise StoreError while the store is down; echo afterwards."""
        self.turns += 1
        if self.turns <= self.failures:
            raise StoreError("database is locked")
        return [Reply("question", "echo", f"got: {incoming.text}", (Option("ok", "OK"),))]


async def test_an_update_is_kept_and_retried_while_the_store_is_unreachable(caplog) -> None:
    """Issue 11: no update is lost when the store is down; she gets her answer, not an apology."""
    engine = StoreDown(failures=2)
    async with running_bot(engine) as tg:
        ana = tg.fake.user()
        uid = await ana.send("hello")
        assert (await ana.read(timeout=8)).text == "got: hello"  # no "Sorry" first
        assert engine.turns == 3
        first_try = [c for c in tg.fake.calls if c.method == "sendMessage"]
        assert len(first_try) == 1
    assert sum("store is unreachable" in r.getMessage() for r in caplog.records) == 1
    assert f"update {uid} failed" not in caplog.text


async def test_a_burst_larger_than_the_window_is_answered_once_each_and_all_confirmed() -> None:
    """250 chats at once (the window holds 100 unconfirmed updates): none lost, none twice."""
    async with running_bot(Slow(delay=0.05)) as tg:
        people = [tg.fake.user(5000 + n) for n in range(250)]
        ids = [await p.send(f"hello {n}") for n, p in enumerate(people)]
        for n, person in enumerate(people):
            assert (await person.read(timeout=20)).text == f"got: hello {n}"
        await asyncio.gather(*(p.quiet(0.3) for p in people))
        for _ in range(50):  # the poll after the last one confirms it
            if int(tg.fake.calls_of("getUpdates")[-1].params.get("offset") or 0) > max(ids):
                break
            await asyncio.sleep(0.05)
        assert int(tg.fake.calls_of("getUpdates")[-1].params.get("offset") or 0) == max(ids) + 1
        assert len(tg.fake.calls_of("sendMessage")) == 250
