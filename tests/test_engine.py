"""The engine, as a user meets it: a chat through the mini flow."""

from __future__ import annotations

import asyncio

from bot.storage import MemoryStore
from tests.helpers import MINI, Chat, copy_content, make_engine


async def test_new_chat_opens_with_the_disclaimer(chat: Chat) -> None:
    await chat.open()
    assert chat.last.kind == "question"
    assert chat.last.node == "disclaimer"
    assert chat.option_ids == ["agree"]
    assert "your local emergency number" in chat.last.text


async def test_full_walk_to_self_care_advice(chat: Chat) -> None:
    await chat.open()
    out = await chat.walk("agree", "t3", "calf_cramp", "none", "mild")
    assert out.kind == "outcome"
    assert out.node == "out_calf_self_care"
    assert out.disposition == "self_care"
    assert out.text.startswith("🟢 Self-care at home.\nLeg cramps")
    assert "Stretch your calf." in out.text
    assert "⚠️ If a cramp lasts more than 10 minutes, contact your midwife." in out.text
    assert "Avoid hot tubs" not in out.text  # behind "More advice"
    assert [o.id for o in out.options] == ["more", "sources", "why", "summary", "restart"]
    more = (await chat.press("more"))[-1]
    assert more.kind == "info" and more.node == "out_calf_self_care"
    assert "Avoid hot tubs and saunas." in more.text  # pregnancy-only item
    assert "breastfeeding" not in more.text
    assert "If it gets worse or you are worried:" in more.text
    assert [o.id for o in more.options] == ["sources", "why", "summary", "restart"]


async def test_more_command_shows_the_rest_of_the_advice(chat: Chat) -> None:
    await chat.open()
    await chat.walk("agree", "t3", "calf_cramp", "none", "mild")
    more = (await chat.send("/more"))[-1]
    assert "What to avoid:" in more.text
    assert (await chat.send("More advice"))[-1].text == more.text  # its label, typed
    await chat.send("/restart")
    replies = await chat.send("/more")
    assert replies[0].kind == "error" and "once you have reached your advice" in replies[0].text


async def test_more_is_not_offered_when_everything_fits(chat: Chat) -> None:
    await chat.open()
    out = await chat.walk("agree", "t2", "low_back", "none", "mild")
    assert [o.id for o in out.options] == ["sources", "why", "summary", "restart"]


async def test_back_button_on_questions(chat: Chat) -> None:
    await chat.open()
    assert chat.last.back == ""  # nothing to go back to at the first question
    await chat.walk("agree", "t2")
    assert chat.last.node == "location" and chat.last.back == "Back"
    await chat.press("back")
    assert chat.last.node == "status"
    replies = await chat.press("back", node="location")  # an old question's Back
    assert replies[0].kind == "error" and chat.last.node == "status"


async def test_advice_items_follow_the_status(chat: Chat) -> None:
    await chat.open()
    out = await chat.walk("agree", "breastfeeding", "calf_cramp", "none", "mild")
    assert "Ibuprofen is usually fine while breastfeeding" in out.text
    assert "hot tubs" not in out.text


async def test_conditional_next_sends_pregnancy_and_after_birth_apart(engine) -> None:
    pregnant, after = Chat(engine, "a"), Chat(engine, "b")
    for c in (pregnant, after):
        await c.open()
    out1 = await pregnant.walk("agree", "t2", "calf_cramp", "one_leg_swollen")
    out2 = await after.walk("agree", "postpartum", "calf_cramp", "one_leg_swollen")
    assert (out1.node, out1.disposition) == ("out_dvt_pregnant", "urgent")
    assert (out2.node, out2.disposition) == ("out_dvt_after_birth", "same_day")


async def test_flag_offered_only_where_it_applies(chat: Chat) -> None:
    await chat.open()
    await chat.walk("agree", "t1", "low_back")
    assert chat.option_ids == ["saddle_numbness", "none"]
    await chat.send("/restart")
    await chat.walk("agree", "t3", "low_back")
    assert chat.option_ids == ["regular_tightenings", "saddle_numbness", "none"]


async def test_hidden_option_cannot_be_typed_or_pressed(chat: Chat) -> None:
    await chat.open()
    await chat.walk("agree", "t1", "low_back")
    await chat.send("regular_tightenings")
    assert chat.replies[0].kind == "error"
    assert chat.last.node == "flags_back"
    await chat.press("regular_tightenings")
    assert chat.replies[0].kind == "error"
    assert chat.last.node == "flags_back"


async def test_typed_number_id_and_label_all_answer(chat: Chat) -> None:
    await chat.open()
    await chat.send("1")
    assert chat.last.node == "status"
    await chat.send("  PREGNANT, 28 weeks OR MORE ")
    assert chat.last.node == "location"
    await chat.send("low_back")
    assert chat.last.node == "flags_back"


async def test_week_number_maps_to_status(chat: Chat) -> None:
    await chat.open()
    await chat.send("agree")
    await chat.send("24 weeks")
    assert chat.last.node == "location"
    await chat.send("/back")
    await chat.send("week 9")
    await chat.walk("calf_cramp", "none", "mild")
    why = await chat.press("why")
    assert "Stage: Pregnant, up to 12 weeks" in why[-1].text


async def test_out_of_range_week_is_asked_again(chat: Chat) -> None:
    await chat.open()
    await chat.send("agree")
    replies = await chat.send("60 weeks")
    assert replies[0].kind == "error"
    assert "up to about 42 weeks" in replies[0].text
    assert chat.last.node == "status"


async def test_nonsense_gets_explanation_and_same_question(chat: Chat) -> None:
    await chat.open()
    await chat.send("agree")
    replies = await chat.send("asdf qwerty")
    assert [r.kind for r in replies] == ["error", "question"]
    assert "didn't catch that" in replies[0].text
    assert replies[1].node == "status"
    assert len(replies[1].options) == 5


async def test_back_changes_the_previous_answer(chat: Chat) -> None:
    await chat.open()
    await chat.walk("agree", "t2", "calf_cramp")
    await chat.send("/back")
    assert chat.last.node == "location"
    await chat.press("low_back")
    assert chat.last.node == "flags_back"
    await chat.send("/back")
    await chat.send("/back")
    assert chat.last.node == "status"


async def test_back_at_the_start_says_so(chat: Chat) -> None:
    await chat.open()
    replies = await chat.send("/back")
    assert replies[0].kind == "error"
    assert "first question" in replies[0].text
    assert chat.last.node == "disclaimer"


async def test_back_from_an_outcome_returns_to_the_last_question(chat: Chat) -> None:
    await chat.open()
    await chat.walk("agree", "t2", "low_back", "none", "mild")
    await chat.send("/back")
    assert chat.last.node == "sev_back"
    out = await chat.walk("severe")
    assert out.disposition == "routine"


async def test_emergency_from_any_state_keeps_the_question(engine) -> None:
    chat = Chat(engine)
    await chat.open()
    await chat.walk("agree", "t3")
    replies = await chat.send("/emergency")
    assert replies[0].kind == "info"
    assert "call your local emergency number" in replies[0].text
    assert "Do not drive yourself" in replies[0].text
    assert chat.last.node == "location"
    await chat.press("calf_cramp")
    assert chat.last.node == "flags_calf"


async def test_emergency_uses_the_configured_number() -> None:
    chat = Chat(make_engine(emergency_number="112"))
    await chat.open()
    replies = await chat.send("/emergency")
    assert "call 112 now" in replies[0].text
    out = await chat.walk("agree", "t3", "low_back", "saddle_numbness")
    assert out.disposition == "emergency"
    assert "Call 112 now" in out.text


async def test_restart_begins_again(chat: Chat) -> None:
    await chat.open()
    await chat.walk("agree", "t2", "calf_cramp")
    replies = await chat.send("/restart")
    assert replies[0].kind == "info"
    assert chat.last.node == "disclaimer"
    await chat.send("/back")
    assert chat.last.node == "disclaimer"


async def test_help_and_unknown_command(chat: Chat) -> None:
    await chat.open()
    replies = await chat.send("/help")
    assert "/back" in replies[0].text and "/forget" in replies[0].text
    assert chat.last.node == "disclaimer"
    replies = await chat.send("/frobnicate")
    assert replies[0].kind == "error"
    assert "/help" in replies[0].text
    assert chat.last.node == "disclaimer"


async def test_forget_deletes_the_stored_conversation() -> None:
    store = MemoryStore()
    chat = Chat(make_engine(store=store))
    await chat.open()
    await chat.walk("agree", "t2")
    assert await store.get(chat.key) is not None
    replies = await chat.send("/forget")
    assert "deleted" in replies[0].text
    assert chat.last.node == "disclaimer"
    assert await store.get(chat.key) is None


async def test_stale_button_gets_notice_and_current_question(chat: Chat) -> None:
    await chat.open()
    await chat.walk("agree", "t2")
    replies = await chat.press("t3", node="status")
    assert replies[0].kind == "error"
    assert "earlier question" in replies[0].text
    assert chat.last.node == "location"
    replies = await chat.press("garbage", node="nowhere")
    assert replies[0].kind == "error"
    assert chat.last.node == "location"


async def test_outcome_menu_sources_why_summary(chat: Chat) -> None:
    await chat.open()
    await chat.walk("agree", "t2", "low_back", "none", "moderate")
    src = (await chat.press("sources"))[-1]
    assert "• NHS: Back pain\n  https://www.nhs.uk/conditions/back-pain/" in src.text
    assert src.links == (("NHS: Back pain", "https://www.nhs.uk/conditions/back-pain/"),)
    why = (await chat.press("why"))[-1]
    assert "Symptom: Lower back pain" in why.text
    assert "book a routine appointment" in why.text
    summary = (await chat.send("/summary"))[-1]
    assert "Date: 2026-11-21" in summary.text
    assert "Severity: Moderate" in summary.text
    restart = await chat.press("restart")
    assert restart[-1].node == "disclaimer"


async def test_unknown_input_at_outcome_offers_the_menu(chat: Chat) -> None:
    await chat.open()
    await chat.walk("agree", "t2", "low_back", "none", "mild")
    replies = await chat.send("blah blah")
    assert replies[0].kind == "error"
    assert chat.last.kind == "question"
    assert chat.option_ids == ["sources", "why", "summary", "restart"]


async def test_summary_command_before_outcome_is_explained(chat: Chat) -> None:
    await chat.open()
    replies = await chat.send("/summary")
    assert replies[0].kind == "error"
    assert chat.last.node == "disclaimer"


async def test_start_resumes_midway_and_restarts_after_outcome(chat: Chat) -> None:
    await chat.open()
    await chat.walk("agree", "t2")
    replies = await chat.send("/start")
    assert "Welcome back" in replies[0].text
    assert chat.last.node == "location"
    await chat.walk("low_back", "none", "mild")
    await chat.send("/start")
    assert chat.last.node == "disclaimer"


async def test_language_menu_and_choice(chat: Chat) -> None:
    await chat.open()
    await chat.send("agree")
    menu = (await chat.send("/language"))[-1]
    assert menu.node == "language"
    assert [(o.id, o.label) for o in menu.options] == [("en", "English")]
    replies = await chat.press("en")
    assert replies[0].kind == "info"
    assert chat.last.node == "status"


async def midway_then_changed(tmp_path, old: str, new: str) -> tuple[Chat, Chat]:
    """A chat stored at the back-pain screen, then the same store under a changed flow."""
    store = MemoryStore()
    chat = Chat(make_engine(store=store))
    await chat.open()
    await chat.walk("agree", "t2", "low_back")
    changed = copy_content(MINI, tmp_path)
    path = changed / "flows" / "main.yaml"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    return chat, Chat(make_engine(changed, store=store))


async def test_flow_change_with_missing_node_restarts_politely(tmp_path) -> None:
    _, chat2 = await midway_then_changed(tmp_path, "flags_back", "flags_lower_back")
    replies = await chat2.send("none")
    assert replies[0].kind == "info"
    assert "updated" in replies[0].text
    assert chat2.last.node == "disclaimer"


async def test_flow_change_that_keeps_the_path_continues(tmp_path) -> None:
    old = "moderate: out_back_routine, severe: out_back_routine"
    new = "moderate: out_back_routine, severe: out_back_self_care"
    chat, chat2 = await midway_then_changed(tmp_path, old, new)
    assert chat2.engine.flow.version != chat.engine.flow.version
    await chat2.open()
    assert chat2.last.node == "flags_back"  # resumed where she was, no notice
    assert len(chat2.replies) == 1
    out = await chat2.walk("none", "severe")
    assert out.disposition == "self_care"


async def test_corrupt_stored_session_starts_afresh() -> None:
    store = MemoryStore()
    assert await store.put("test:1", {"nonsense": True}, rev=0)
    chat = Chat(make_engine(store=store))
    replies = await chat.send("hello")
    assert replies[0].kind == "info"
    assert chat.last.node == "disclaimer"


async def test_turns_of_one_conversation_are_serialised(engine) -> None:
    chat = Chat(engine)
    await chat.open()
    await chat.walk("agree", "t2", "low_back", "none")
    from bot.events import Incoming

    results = await asyncio.gather(
        *(engine.handle(Incoming(chat.key, option="mild", node="sev_back")) for _ in range(5))
    )
    kinds = [r[-1].kind for r in results]
    assert kinds.count("outcome") == 1  # the first press answers; the others are stale
    assert all(r[0].kind == "error" for r in results if r[-1].kind != "outcome")


async def test_conversations_are_independent(engine) -> None:
    a, b = Chat(engine, "a"), Chat(engine, "b")
    await a.open()
    await b.open()
    await a.walk("agree", "t2")
    assert b.last.node == "disclaimer"
    await b.press("agree")
    assert b.last.node == "status"
    assert a.last.node == "location"


async def test_command_menu_texts(engine) -> None:
    cmds = dict(engine.commands("en-GB"))
    assert list(cmds) == ["start", "restart", "back", "more", "help", "emergency", "language", "forget"]
    assert cmds["forget"]


async def test_week_words_and_other_units(engine) -> None:
    for typed, expected in [
        ("24", "location"),
        ("week 9", "location"),
        ("I'm 30 weeks pregnant", "location"),
        ("28th week", "location"),
    ]:
        chat = Chat(engine, key=typed)
        await chat.open()
        await chat.send("agree")
        replies = await chat.send(typed)
        assert replies[0].kind == "info" and replies[0].text.startswith("You said: "), typed
        assert chat.last.node == expected, typed
    for typed in ["3 months", "baby born 2 weeks ago", "6 weeks after birth"]:  # asked, never guessed
        chat = Chat(engine, key=typed)
        await chat.open()
        await chat.send("agree")
        replies = await chat.send(typed)
        assert [r.kind for r in replies] == ["question"], typed
        assert chat.last.node == "status"
    chat = Chat(engine, key="two units")
    await chat.open()
    await chat.send("agree")
    replies = await chat.send("24 weeks and 3 months")
    assert replies[0].kind == "error"
    assert "couldn't tell how many weeks" in replies[0].text


async def test_small_bare_number_is_asked_not_taken_as_a_button(chat: Chat) -> None:
    await chat.open()
    await chat.send("agree")
    await chat.send("4")
    assert chat.last.text == "Do you mean 4 weeks pregnant?"
    assert [o.label for o in chat.last.options] == [
        "Yes, 4 weeks pregnant",
        "No, I meant: Given birth, not breastfeeding",
        "Something else: show all answers",
    ]
    replies = await chat.send("yes")
    assert replies[0].text == "You said: Pregnant, up to 12 weeks"
    assert chat.last.node == "location"


async def test_language_of_a_conversation(engine) -> None:
    assert await engine.language("nobody", "en-GB") == "en"
    assert await engine.language("nobody", "xx") == "en"
    chat = Chat(engine, lang="en-US")
    await chat.open()
    await chat.send("agree")
    assert await engine.language(chat.key, "fr") == "en"


async def test_blocked_mark_is_stored_and_cleared_by_the_next_turn() -> None:
    store = MemoryStore()
    chat = Chat(make_engine(store=store))
    await chat.open()
    await chat.send("agree")
    await chat.engine.mark_blocked(chat.key)
    assert (await chat.engine.channel(chat.key))["blocked"] == 1
    await chat.send("t2")
    assert "blocked" not in await chat.engine.channel(chat.key)
    assert chat.last.node == "location"


async def test_typed_answers_work_the_same_after_the_matcher_is_prepared_at_start(engine) -> None:
    engine.prepare_typing()  # what the Telegram bot does at start
    chat = Chat(engine, key="prepared")
    await chat.open()
    await chat.send("agree")
    replies = await chat.send("I'm 30 weeks pregnant")
    assert replies[0].text.startswith("You said: ")
    assert chat.last.node == "location"
