"""What people type, as chats (issue 9 and C1 of issue 8): the exchanges of the newcomer trial."""

from __future__ import annotations

import itertools

import pytest

from tests.fake_telegram.harness import running_bot
from tests.helpers import SHIPPED, Chat, make_engine

ENGINE = make_engine(SHIPPED, emergency_number="555-0100")
CARD = ENGINE.catalog.text("en", "ui.emergency")
_KEYS = itertools.count()


async def chat_at(*presses: str, lang: str | None = None, key: str = "") -> Chat:
    """A new chat on the shipped content, after pressing these buttons."""
    chat = Chat(ENGINE, key=key or f"typed:{next(_KEYS)}", lang=lang)
    await chat.open()
    await chat.walk(*presses)
    return chat


def texts(chat: Chat) -> list[str]:
    return [r.text for r in chat.replies]


# -- C1: a bare number at the status question -----------------------------------------------------


@pytest.mark.parametrize("typed", ["2", "3", "4", "5", "6", "7"])
async def test_a_bare_small_number_is_asked_never_taken_as_a_button(typed: str) -> None:
    chat = await chat_at("agree")
    await chat.send(typed)
    assert chat.last.node == "status"
    assert chat.last.text == f"Do you mean {typed} weeks pregnant?"
    assert chat.option_ids[0] == "t1"
    assert chat.last.options[0].label == f"Yes, {typed} weeks pregnant"
    assert chat.last.options[1].label.startswith("No, I meant: ")
    assert chat.option_ids[-1] == "show_all"
    await chat.send("yes")
    assert chat.replies[0].text == "You said: Pregnant: up to 12 weeks"
    assert chat.last.node == "location"
    assert ENGINE.flow.nodes["status"].option("t1") is not None
    assert (await chat.send("/back"))[-1].node == "status"


async def test_5_then_the_button_she_meant() -> None:
    chat = await chat_at("agree")
    await chat.send("5")
    meant = chat.option_ids[1]
    await chat.press(meant)  # "No, I meant: ..." (a pressed button shows its own ✓ line)
    assert [r.node for r in chat.replies] == ["since_birth"]


async def test_show_all_brings_the_question_back() -> None:
    chat = await chat_at("agree")
    await chat.send("5")
    await chat.press("show_all")
    assert chat.last.node == "status" and "t3" in chat.option_ids


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("1", "You said: 1 weeks: Pregnant: up to 12 weeks"),
        ("24", "You said: 24 weeks: Pregnant: 13 to 27 weeks"),
        ("24 wks", "You said: 24 weeks: Pregnant: 13 to 27 weeks"),
        ("twenty weeks", "You said: 20 weeks: Pregnant: 13 to 27 weeks"),
        ("24+3", "You said: 24 weeks: Pregnant: 13 to 27 weeks"),
        ("24 weeks and 3 days", "You said: 24 weeks: Pregnant: 13 to 27 weeks"),
        ("twins 30 weeks", "You said: 30 weeks: Pregnant: 28 weeks or more"),
        ("hi, I'm 34 weeks with my second baby and my lower back is killing me", "You said: 34 weeks: Pregnant: 28 weeks or more"),
    ],
)
async def test_every_typed_status_is_confirmed(typed: str, said: str) -> None:
    chat = await chat_at("agree")
    await chat.send(typed)
    assert chat.replies[0].text == said
    assert chat.last.node == "location"


async def test_months_are_asked_with_the_weeks_they_mean() -> None:
    chat = await chat_at("agree")
    await chat.send("6 months pregnant")
    assert chat.last.text == "6 months pregnant is about 23 to 27 weeks. Is this right?"
    assert chat.option_ids == ["t2", "show_all"]
    await chat.send("yes")
    assert chat.last.node == "location"


async def test_had_my_baby_3_weeks_ago_answers_two_questions() -> None:
    chat = await chat_at("agree")
    await chat.send("had my baby 3 weeks ago")
    assert chat.option_ids == ["postpartum", "breastfeeding", "show_all"]  # which one: asked
    await chat.send("2")
    assert texts(chat)[:2] == [
        "You said: Had my baby, breastfeeding (even partly)",
        "You said: Less than 6 weeks ago",
    ]
    assert chat.last.node == "location"
    why = await chat_at("agree", key="bf")
    await why.send("had my baby 2 months ago, breastfeeding")
    assert why.last.node == "location"
    assert why.replies[1].text == "You said: 6 weeks ago or more"


async def test_the_error_names_the_real_problem() -> None:
    chat = await chat_at("agree")
    assert (await chat.send("50 weeks"))[0].text.startswith("Sorry, I can only use a week of pregnancy from 1 to 42")
    assert (await chat.send("24 weeks and 3 months"))[0].text.startswith("Sorry, I couldn't tell how many weeks")


# -- natural answers ------------------------------------------------------------------------------


async def test_the_trial_conversation_now_goes_through() -> None:
    chat = await chat_at()
    for typed, node in [
        ("ok", "status"),
        ("24 wks", "location"),
        ("my calf hurts", "screen_calf_cramp"),
        ("no", "sev_calf_cramp"),
        ("mild", "calf_ease_mild"),
        ("yes", "out_calf_self_care"),
    ]:
        await chat.send(typed)
        assert chat.replies[0].text.startswith("You said: "), typed
        assert chat.last.node == node, typed
    assert chat.last.kind == "outcome"


@pytest.mark.parametrize(
    ("lang", "presses", "typed", "option"),
    [
        ("zh", ["agree"], "好", None),  # handled below: agree is not at status
        ("zh", ["agree", "t2"], "腰疼", "low_back"),
        ("zh", ["agree", "t2", "calf_cramp"], "没有", "none"),
        ("zh", ["agree", "t2", "calf_cramp", "none"], "轻度", "mild"),
        ("es", ["agree", "t2", "calf_cramp"], "ninguno", "none"),
        ("es", ["agree", "t2", "calf_cramp", "none"], "fuerte", "severe"),
        ("ru", ["agree", "t2", "calf_cramp"], "нет", "none"),
        ("ru", ["agree", "t2", "calf_cramp", "none"], "сильная", "severe"),
    ],
)
async def test_natural_answers_in_other_languages(lang: str, presses: list[str], typed: str, option: str | None) -> None:
    if option is None:
        chat = await chat_at(lang=lang)
        await chat.send(typed)
        assert chat.last.node == "status"
        return
    chat = await chat_at(*presses, lang=lang)
    node = chat.last.node
    await chat.send(typed)
    assert chat.replies[0].kind == "info"
    assert ENGINE.flow.nodes[node].option(option) is not None
    assert chat.last.node != node


@pytest.mark.parametrize("lang,typed", [("es", "vale"), ("es", "sí"), ("ru", "да"), ("en", "I understand")])
async def test_agreeing_in_words(lang: str, typed: str) -> None:
    chat = await chat_at(lang=lang)
    await chat.send(typed)
    assert chat.last.node == "status"


# -- typed emergencies ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["I am bleeding a lot and feel faint", "chest pain", "can't breathe", "emergency", "help"])
async def test_typed_warning_signs_show_the_card_and_stay(typed: str) -> None:
    chat = await chat_at("agree", "breastfeeding", "under_6_weeks", "low_back", "none")
    node = chat.last.node
    await chat.send(typed)
    assert chat.replies[0].kind == "info"
    assert CARD.replace("{emergency_number}", "555-0100") in chat.replies[0].text
    assert "555-0100" in chat.replies[0].text
    assert chat.last.node == node  # the conversation stays where it was


async def test_a_typed_sign_on_a_screen_picks_its_button() -> None:
    chat = await chat_at("agree", "t2", "calf_cramp")
    await chat.send("I can't breathe and my chest hurts")
    assert chat.last.kind == "outcome"
    assert chat.last.disposition == "emergency"


async def test_a_stale_press_on_a_warning_sign_is_not_lost() -> None:
    chat = await chat_at("agree", "t2", "calf_cramp", "none")
    replies = await chat.press("breathless_chest_pain", node="screen_calf_cramp")
    assert "555-0100" in replies[0].text and replies[0].kind == "info"
    assert chat.last.node == "sev_calf_cramp"
    replies = await chat.press("none", node="screen_calf_cramp")  # not a warning sign: the notice
    assert replies[0].kind == "error"


# -- small talk, /forget, /language ---------------------------------------------------------------


@pytest.mark.parametrize(("lang", "typed"), [("en", "thanks"), ("ru", "спасибо"), ("es", "gracias"), ("zh", "谢谢")])
async def test_thanks_at_the_end_gets_a_short_kind_reply(lang: str, typed: str) -> None:
    chat = await chat_at("agree", "t2", "calf_cramp", "none", "mild", "eases_10min", lang=lang)
    advice = chat.last
    replies = await chat.send(typed)
    assert len(replies) == 1
    assert replies[0].text == ENGINE.catalog.text(lang, "typed.thanks")
    assert len(replies[0].text) < len(advice.text) / 2
    assert [o.id for o in replies[0].options] == [o.id for o in advice.options]


async def test_forget_answers_in_her_language() -> None:
    chat = await chat_at("agree", lang="ru")
    replies = await chat.send("/forget")
    assert replies[-1].text == ENGINE.catalog.text("ru", "q.disclaimer", emergency_number="555-0100")


async def test_language_at_the_advice_shows_the_advice_again() -> None:
    chat = await chat_at("agree", "t2", "calf_cramp", "none", "mild", "eases_10min")
    await chat.send("/language")
    replies = await chat.send("russian")
    assert replies[-1].kind == "outcome"
    assert replies[-1].text == ENGINE.render.outcome(ENGINE.flow.nodes[chat.last.node], "ru", {
        "status": "t2", "location": "calf_cramp", "screen_calf_cramp": "none", "sev_calf_cramp": "mild", "calf_ease_mild": "eases_10min",
    }).text


# -- Telegram -------------------------------------------------------------------------------------


async def test_telegram_marks_typed_answers_like_pressed_ones() -> None:
    engine = make_engine(SHIPPED)
    async with running_bot(engine, catalog=engine.catalog, mode="polling") as tg:
        ana = tg.fake.user()
        await ana.send("/start")
        await ana.read()
        await ana.send_sticker("👍")  # a thumbs-up sticker agrees
        status = (await ana.read_until_keyboard())[-1]
        await ana.send("24")
        said, location = await ana.read_until_keyboard()
        assert said.text == "You said: 24 weeks: Pregnant: 13 to 27 weeks"
        assert location.labels[0] == "Cramp in my leg or calf"
        assert status.keyboard == []
        assert status.text.endswith("✓ 24 weeks: Pregnant: 13 to 27 weeks")
        await ana.send("5 weeks please")  # nonsense here: asked again, never guessed
        await ana.read_until_keyboard()
        await ana.send("numb")
        mean = await ana.read()
        assert mean.text == "Did you mean one of these?"
        assert mean.labels == ["Numb or tingling leg or thigh", "Numb or tingling hand or fingers", "Something else: show all answers"]
        await ana.press("hand_numbness")
        await ana.read_until_keyboard()
        assert mean.text.endswith("✓ Numb or tingling hand or fingers")
        await ana.send("bleeding a lot")
        card, again = await ana.read_until_keyboard()
        assert "Do not drive yourself" in card.text
        assert "None of these" in again.labels  # the question again, where she was
        await ana.quiet(0.05)
        assert tg.fake.errors == []
