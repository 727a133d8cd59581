"""Each critical and major fix of the clinical review, as a woman meets it: console, then Telegram.

The console runs in JSON-lines mode (DESIGN.md); a step is what she types, here the option id
(the console also takes the number or the label). Each conversation ends on the outcome the
review asks for, and the text she reads says what the review says it must.
"""

from __future__ import annotations

import io
import json

import pytest

from bot.adapters.console import ConsoleChat
from tests.fake_telegram.harness import running_bot
from tests.helpers import SHIPPED, make_engine

ENGINE = make_engine(SHIPPED, emergency_number="112")
USERS = iter(range(1, 10_000))


def engine():
    return ENGINE


async def console(*typed: str) -> list[dict]:
    """Type each line into the console (JSON lines); return every message printed, in order."""
    out = io.StringIO()
    chat = ConsoleChat(engine(), user=f"review{next(USERS)}", lang=None, jsonl=True, out=out)
    await chat.send(None)
    for line in typed:
        await chat.send(line)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def last(messages: list[dict], kind: str) -> dict:
    return next(m for m in reversed(messages) if m["kind"] == kind)


def buttons(message: dict) -> list[str]:
    return [o["id"] for o in message["options"]]


async def test_c2_abruption_felt_in_the_pelvis_goes_to_the_emergency_number() -> None:
    seen = await console("agree", "t3", "pelvis")
    screen = last(seen, "question")
    assert "constant_severe_pain" in buttons(screen)
    assert "• Sudden severe constant pain: strong pain that came on suddenly" in screen["text"]
    seen = await console("agree", "t3", "pelvis", "constant_severe_pain")
    advice = last(seen, "outcome")
    assert (advice["node"], advice["disposition"]) == ("out_constant_pain", "emergency")
    assert "Call 112 now" in advice["text"] and "Do not drive yourself" in advice["text"]


async def test_c2_sudden_constant_pain_at_7_weeks_from_the_low_back_screen() -> None:
    seen = await console("agree", "t1", "low_back", "constant_severe_pain")
    assert last(seen, "outcome")["disposition"] == "emergency"


async def test_c3_swelling_and_headache_with_cramps_is_checked_now_and_she_is_told_not_to_drive() -> None:
    seen = await console("agree", "t3", "calf_cramp")
    assert "severe_headache_vision" in buttons(last(seen, "question"))
    seen = await console("agree", "t3", "calf_cramp", "severe_headache_vision", "more")
    advice = last(seen, "outcome")
    assert (advice["node"], advice["disposition"]) == ("out_pre_eclampsia", "urgent")
    assert advice["text"].startswith("🟠")
    more = seen[-1]["text"]
    assert "Don't drive, especially if your vision is affected" in more + advice["text"]


async def test_c3_m1_self_care_at_34_weeks_still_names_the_pre_eclampsia_and_movement_signs() -> None:
    seen = await console("agree", "34 weeks", "calf_cramp", "none", "mild", "eases_10min", "more")
    assert last(seen, "outcome")["disposition"] == "self_care"
    more = seen[-1]["text"]
    assert "If your face, hands or feet suddenly swell" in more
    assert "if the movements slow down, stop or change, call your maternity unit now" in more
    assert "Swelling that comes on suddenly" in more  # gradual vs sudden swelling


async def test_c3_m8_the_emergency_card_lists_the_signs_that_need_a_call_now() -> None:
    seen = await console("/emergency")
    card = next(m["text"] for m in seen if m["text"].startswith("If you or your baby may be in danger"))
    assert "112" in card
    for words in (
        "bad headache, vision changes",
        "sudden swelling",
        "fever or shivering",
        "epidural or spinal",
    ):
        assert words in card, words


async def test_m1_fewer_movements_can_be_reported_from_the_hand_screen() -> None:
    seen = await console("agree", "t3", "hand_numbness", "reduced_movements")
    advice = last(seen, "outcome")
    assert (advice["node"], advice["disposition"]) == ("out_reduced_movements", "urgent")
    assert "even if it is the middle of the night" in advice["text"]


async def test_m2_back_pain_after_an_epidural_in_the_first_weeks_is_urgent() -> None:
    seen = await console("agree", "postpartum", "under_6_weeks", "low_back")
    screen = last(seen, "question")
    assert "epidural_site" in buttons(screen)
    assert "• Problem after an epidural or spinal: pain, redness or oozing" in screen["text"]
    seen = await console("agree", "postpartum", "under_6_weeks", "low_back", "epidural_site")
    advice = last(seen, "outcome")
    assert (advice["node"], advice["disposition"]) == ("out_epidural", "urgent")
    seen = await console("agree", "postpartum", "over_6_weeks", "low_back")
    assert "epidural_site" not in buttons(last(seen, "question"))


@pytest.mark.parametrize(
    ("since", "node", "disposition"),
    [
        ("under_6_weeks", "out_postnatal_infection_early", "urgent"),
        ("over_6_weeks", "out_postnatal_infection", "same_day"),
    ],
)
async def test_m3_fever_after_birth_is_urgent_in_the_first_6_weeks(
    since: str, node: str, disposition: str
) -> None:
    seen = await console("agree", "breastfeeding", since, "abdomen", "fever_postpartum")
    advice = last(seen, "outcome")
    assert (advice["node"], advice["disposition"]) == (node, disposition)


async def test_m3_a_swollen_leg_on_day_3_is_urgent() -> None:
    seen = await console("agree", "postpartum", "under_6_weeks", "calf_cramp", "one_leg_swollen")
    assert last(seen, "outcome")["disposition"] == "urgent"


async def test_m4_one_sided_pain_alone_at_6_weeks_is_urgent_with_the_emergency_number() -> None:
    seen = await console("agree", "6 weeks", "abdomen")
    screen = last(seen, "question")
    assert "Pain low on one side, or shoulder-tip pain" in [o["label"] for o in screen["options"]]
    assert "either one is enough" in screen["text"]
    seen = await console("agree", "6 weeks", "low_back", "one_sided_pain_shoulder")
    advice = last(seen, "outcome")
    assert (advice["node"], advice["disposition"]) == ("out_ectopic", "urgent")
    assert "call 112 straight away" in advice["text"]


async def test_m5_a_hot_red_breast_while_breastfeeding_gets_mastitis_advice() -> None:
    seen = await console("agree", "breastfeeding", "under_6_weeks", "upper_back", "breast_red_hot")
    advice = last(seen, "outcome")
    assert (advice["node"], advice["disposition"]) == ("out_mastitis", "same_day")
    assert "Keep breastfeeding or expressing" in advice["text"]
    assert "(not sore breasts)" in last(seen[:-1], "question")["text"]


async def test_m6_not_sure_of_the_weeks_gets_early_and_late_warning_signs() -> None:
    seen = await console("agree", "pregnant_unsure", "abdomen")
    offered = buttons(last(seen, "question"))
    assert {"bleeding", "one_sided_pain_shoulder", "fluid_leak", "reduced_movements"} <= set(offered)


async def test_m6_after_a_loss_the_questions_are_kind_and_never_mention_a_baby() -> None:
    seen = await console("agree", "pregnancy_ended")
    since = last(seen, "question")
    assert since["node"] == "since_birth" and since["text"].startswith("I'm sorry this has happened.")
    assert "Miscarriage Association" in since["text"]
    seen = await console("agree", "pregnancy_ended", "under_6_weeks", "pelvis")
    screen = last(seen, "question")
    assert {"heavy_bleeding", "constant_severe_pain", "fever_postpartum"} <= set(buttons(screen))
    seen = await console("agree", "pregnancy_ended", "under_6_weeks", "pelvis", "heavy_bleeding", "more")
    texts = " ".join(m["text"] for m in seen[-2:])
    assert last(seen, "outcome")["disposition"] == "emergency"
    assert "baby" not in texts.lower() and "when the pregnancy ended" in texts


async def test_m6_something_else_and_very_unwell_means_call_now() -> None:
    seen = await console("agree", "t2", "something_else")
    screen = last(seen, "question")
    assert screen["node"] == "screen_something_else" and "heavy_bleeding" in buttons(screen)
    seen = await console("agree", "t2", "something_else", "none", "very_unwell")
    advice = last(seen, "outcome")
    assert (advice["node"], advice["disposition"]) == ("out_unwell_urgent", "urgent")
    seen = await console("agree", "t2", "something_else", "none", "not_very_unwell")
    assert last(seen, "outcome")["disposition"] == "same_day"


async def test_m7_each_screen_explains_its_own_buttons() -> None:
    for status in ("t1", "t3", "postpartum"):
        typed = ["agree", status] + (["under_6_weeks"] if status == "postpartum" else []) + ["low_back"]
        screen = last(await console(*typed), "question")
        for option in screen["options"]:
            if option["id"] != "none":
                assert f"• {option['label']}:" in screen["text"], (status, option)


async def test_m8_bleeding_in_pregnancy_says_how_to_get_there() -> None:
    seen = await console("agree", "t2", "abdomen", "bleeding", "more")
    texts = last(seen, "outcome")["text"] + seen[-1]["text"]
    assert "go straight in" in texts and "Do not drive yourself" in texts


async def test_m9_ordinary_breathlessness_and_small_leaks_are_told_apart_from_emergencies() -> None:
    seen = await console("agree", "t3", "leg_numbness")
    screen = last(seen, "question")
    assert "Sudden breathlessness" not in screen["text"]  # not on this screen
    assert "not just soreness from stitches" in screen["text"]
    assert "Leaking a little pee when you cough or sneeze is common and is not this" in screen["text"]
    seen = await console("agree", "t3", "upper_back")
    labels = [o["label"] for o in last(seen, "question")["options"]]
    assert labels[0] == "Sudden breathlessness or chest pain"


# ---------------------------------------------------------------- Telegram


@pytest.fixture(params=["polling", "webhook"])
async def tg(request):
    """The real bot on the shipped content, serving the fake Telegram server."""
    e = make_engine(SHIPPED, emergency_number="112")  # a fresh store for each run
    async with running_bot(e, mode=request.param, catalog=e.catalog) as running:
        yield running
        assert running.fake.errors == []


async def walk(tg, user_id: int, *presses: str):
    user = tg.fake.user(user_id)
    await user.send("/start")
    message = await user.read()
    for choice in presses:
        await user.press(choice)
        message = await user.read()
    return user, message


async def test_telegram_c2_constant_pain_on_the_pelvis_screen(tg) -> None:
    _, screen = await walk(tg, 6001, "agree", "t3", "pelvis")
    assert "Sudden severe constant pain" in screen.labels
    _, advice = await walk(tg, 6002, "agree", "t3", "pelvis", "constant_severe_pain")
    assert advice.text.startswith("🔴 Call 112 now. Do not drive yourself.")


async def test_telegram_m3_fever_in_the_first_weeks_after_birth_is_urgent(tg) -> None:
    _, advice = await walk(tg, 6003, "agree", "breastfeeding", "under_6_weeks", "abdomen", "fever_postpartum")
    assert advice.text.startswith("🟠")
    assert (
        "A fever, smelly discharge or a wound problem in the first 6 weeks needs checking now." in advice.text
    )


async def test_telegram_m6_pregnancy_loss_and_something_else(tg) -> None:
    _, since = await walk(tg, 6004, "agree", "pregnancy_ended")
    assert since.text.startswith("I'm sorry this has happened.")
    assert since.labels[:2] == ["Less than 6 weeks ago", "6 weeks ago or more"]
    _, advice = await walk(tg, 6005, "agree", "t2", "something_else", "none", "very_unwell")
    assert advice.text.startswith("🟠")
