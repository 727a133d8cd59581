"""The Telegram bot as a user meets it, over HTTP, in polling and in webhook mode."""

from __future__ import annotations

import random

import pytest

from tests.fake_telegram.harness import Running, running_bot
from tests.helpers import SHIPPED, make_engine

pytestmark = pytest.mark.parametrize("mode", ["polling", "webhook"])


@pytest.fixture
async def tg(mode: str):
    """The real bot on the mini content, serving a fake Telegram server."""
    engine = make_engine()
    async with running_bot(engine, mode=mode, catalog=engine.catalog) as running:
        yield running
        assert running.fake.errors == [], "the bot made requests Telegram would refuse"


async def test_start_press_through_to_advice(tg: Running) -> None:
    ana = tg.fake.user()
    await ana.send("/start")
    first = await ana.read()
    assert "self-care guide" in first.text
    assert first.labels == ["I understand"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in first.buttons)

    assert await ana.press("I understand") == (None, False)  # answered, no toast
    status = await ana.read()
    assert status.text == "Are you pregnant, or have you given birth?"
    assert first.keyboard == [] and first.text.endswith("✓ I understand")  # edited first

    await ana.press("t3")
    await ana.read()
    await ana.press("calf_cramp")
    await ana.read()
    await ana.press("none")
    await ana.read()
    await ana.press("Mild")
    advice = await ana.read()
    assert advice.text.startswith("🟢 Self-care at home.\nLeg cramps\n")
    assert "Stretch your calf." in advice.text
    assert advice.labels == ["More advice", "Sources", "Why this advice", "Summary", "Start again"]
    await ana.quiet(0.1)


async def test_typed_answers_work_like_presses(tg: Running) -> None:
    ana = tg.fake.user()
    await ana.send("/start")
    first = await ana.read()
    await ana.send("1")  # the number of "I understand"
    assert (await ana.read()).text == "You said: I understand"
    status = await ana.read()
    assert status.labels[0] == "Pregnant, up to 12 weeks"
    assert first.keyboard == [], "the answered question lost its keyboard"
    await ana.send("pregnant, 28 WEEKS or more")  # the label, any case
    location = (await ana.read_until_keyboard())[-1]
    assert location.text == "Where is the problem?"
    assert status.keyboard == []
    await ana.send("2")
    flags = (await ana.read_until_keyboard())[-1]
    assert flags.labels == ["Tightenings coming in waves", "Numb between the legs", "None of these", "⬅ Back"]


async def test_stale_button_gets_a_notice_and_the_current_question(tg: Running) -> None:
    ana = tg.fake.user()
    await ana.send("/start")
    first = await ana.read()
    await ana.press("agree")
    status = await ana.read()
    await ana.press("t1")
    location = await ana.read()
    # her phone still shows an old keyboard (say the bot restarted and forgot it)
    status.keyboard = [[{"text": "Pregnant, 13 to 27 weeks", "callback_data": "status|t2"}]]
    assert await ana.press("t2", message=status) == (None, False)
    notice = await ana.read()
    assert notice.text.startswith("That button belongs to an earlier question")
    again = await ana.read()
    assert again.text == "Where is the problem?"
    assert again.labels == ["Calf or leg cramp", "Lower back pain", "⬅ Back"]
    assert status.keyboard == [], "the stale keyboard is removed"
    assert location.keyboard == [], "only the newest question keeps its buttons"
    assert first.keyboard == []


async def test_garbage_callback_data_gets_a_toast_and_the_current_question(tg: Running) -> None:
    ana = tg.fake.user()
    await ana.send("/start")
    first = await ana.read()
    for data in ("garbage", "x" * 64, "status|", "|t1", "Status|T1", "a|b|c"):
        text, _ = await ana.press_data(first, data)
        assert text == "That button no longer works. Here is the current question."
        again = await ana.read()
        assert again.labels == ["I understand"]
        first = again


@pytest.mark.parametrize("action", ["send_sticker", "send_photo", "send_voice", "send_location"])
async def test_non_text_messages_get_a_polite_note(tg: Running, action: str) -> None:
    ana = tg.fake.user()
    await ana.send("/start")
    await ana.read()
    await getattr(ana, action)()
    note = await ana.read()
    assert note.text == "I can only read text. Please use the buttons or type your answer."
    question = await ana.read()
    assert question.labels == ["I understand"]


async def test_edited_message_gets_the_note_too(tg: Running) -> None:
    ana = tg.fake.user()
    await ana.send("/start")
    await ana.read()
    await ana.edit_last("/restart")
    assert "use the buttons" in (await ana.read()).text
    assert (await ana.read()).labels == ["I understand"]


async def test_group_chat_gets_a_note_to_talk_in_private(tg: Running) -> None:
    group = tg.fake.user(7001, group=True)
    await group.send("/start@mamaflow_test_bot")
    note = await group.read()
    assert "private chat" in note.text
    await group.quiet(0.1)


async def test_command_menu_is_set(tg: Running) -> None:
    menu = tg.fake.commands[("default", "")]
    assert [c for c, _ in menu] == ["start", "restart", "back", "more", "help", "emergency", "language", "forget"]
    assert dict(menu)["back"] == "Change my last answer"


async def test_a_double_tap_counts_once(tg: Running) -> None:
    ana = tg.fake.user()
    await ana.send("/start")
    first = await ana.read()
    data = first.buttons[0]["callback_data"]
    snapshot = first.__class__(**{**first.__dict__, "keyboard": list(first.keyboard)})
    assert await ana.press_data(first, data) == (None, False)
    assert await ana.press_data(snapshot, data) == (None, False)  # tapped again, too fast
    assert (await ana.read()).text == "Are you pregnant, or have you given birth?"
    await ana.quiet(0.2)


async def test_random_walks_through_the_shipped_flows(mode: str) -> None:
    """Every message of the real content is accepted by (the fake) Telegram as sent."""
    engine = make_engine(SHIPPED)
    rng = random.Random(4)
    async with running_bot(engine, mode=mode, catalog=engine.catalog) as tg:
        for n in range(12):
            user = tg.fake.user(9000 + n)
            await user.send("/start")
            messages = await user.read_until_keyboard()
            while not any("sources" in str(b.get("callback_data")) for b in messages[-1].buttons):
                await user.press(rng.choice(messages[-1].labels))
                messages = await user.read_until_keyboard()
            assert messages[-1].labels, "an outcome offers its menu"
        assert tg.fake.errors == []
