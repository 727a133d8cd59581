"""Exactly-once turns: event ids, delivery marks, the channel's state, and expired sessions."""

from __future__ import annotations

from bot.events import Incoming
from bot.storage import MemoryStore
from tests.helpers import Chat, make_engine


async def walk_to_location(chat: Chat) -> None:
    await chat.open()
    await chat.walk("agree", "t2")
    assert chat.last.node == "location"


async def test_a_redelivered_event_is_applied_once_and_repeats_the_question(chat: Chat) -> None:
    await walk_to_location(chat)
    press = Incoming(chat.key, option="low_back", node="location", event_id="1001")
    first = await chat.engine.handle(press)
    assert first[-1].node == "flags_back"
    again = await chat.engine.handle(press)  # the webhook answer was lost: Telegram sends it again
    assert [r.node for r in again] == ["flags_back"]  # the current question, nothing applied twice
    assert again[0].kind == "question"
    stored = await chat.engine.store.get(chat.key)
    assert [n for n, _ in stored.data["a"]] == ["disclaimer", "status", "location"]


async def test_a_delivered_event_redelivered_gets_no_reply(chat: Chat) -> None:
    await walk_to_location(chat)
    typed = Incoming(chat.key, text="low_back", event_id="1002")
    assert (await chat.engine.handle(typed))[-1].node == "flags_back"
    await chat.engine.sent(chat.key, event_id="1002")
    assert await chat.engine.handle(typed) == []
    replies = await chat.send("none")  # her next message carries on from where she is
    assert replies[-1].node == "sev_back"


async def test_sent_stores_the_channel_state_with_the_session(chat: Chat) -> None:
    await walk_to_location(chat)
    assert await chat.engine.channel(chat.key) == {}
    await chat.engine.sent(chat.key, channel={"kb": 4711})
    other_worker = make_engine(store=chat.engine.store)  # another process on the same store
    assert await other_worker.channel(chat.key) == {"kb": 4711}
    await chat.send("calf_cramp")  # a turn keeps the channel state
    assert await other_worker.channel(chat.key) == {"kb": 4711}
    await other_worker.sent(chat.key, channel={"kb": 4712})
    assert await chat.engine.channel(chat.key) == {"kb": 4712}
    assert await chat.engine.channel("nobody") == {}
    await chat.engine.sent("nobody", channel={"kb": 1})  # no conversation: nothing is created
    assert await chat.engine.store.get("nobody") is None


async def test_forget_leaves_no_channel_state_or_event_ids(chat: Chat) -> None:
    await walk_to_location(chat)
    await chat.engine.handle(Incoming(chat.key, text="calf_cramp", event_id="7"))
    await chat.engine.sent(chat.key, event_id="7", channel={"kb": 99})
    await chat.send("/forget")
    assert await chat.engine.store.get(chat.key) is None


async def test_only_recent_event_ids_are_kept(chat: Chat) -> None:
    await walk_to_location(chat)
    for i in range(50):
        await chat.engine.handle(Incoming(chat.key, text="/help", event_id=str(i)))
    events = (await chat.engine.store.get(chat.key)).data["e"]
    assert [e[0] for e in events] == [str(i) for i in range(30, 50)]


async def test_after_expiry_an_old_button_starts_afresh_with_a_note() -> None:
    clock = [1_000_000.0]
    store = MemoryStore(ttl=30 * 86400, clock=lambda: clock[0])
    chat = Chat(make_engine(store=store))
    await walk_to_location(chat)
    clock[0] += 31 * 86400  # a month later she taps the old keyboard
    replies = await chat.press("low_back", node="location")
    assert replies[0].kind == "info"
    assert "no longer have our earlier conversation" in replies[0].text
    assert chat.last.node == "disclaimer"
    assert chat.option_ids == ["agree"]
    await chat.walk("agree")
    assert chat.last.node == "status"


async def test_within_the_ttl_she_carries_on() -> None:
    clock = [1_000_000.0]
    store = MemoryStore(ttl=30 * 86400, clock=lambda: clock[0])
    chat = Chat(make_engine(store=store))
    await walk_to_location(chat)
    clock[0] += 29 * 86400
    replies = await chat.press("low_back", node="location")
    assert [r.node for r in replies] == ["flags_back"]
