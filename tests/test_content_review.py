"""The rules of the clinical safety review (docs/clinical-review-response.md), over every path.

Each test names the review item it guards. Paths are enumerated from the compiled flow, so a
new screen or outcome is checked without editing this file.
"""

from __future__ import annotations

import re

import pytest

from bot.flow.walk import Path, visible_options, walk
from bot.session import Session
from tests.helpers import ROOT, make_engine

LATE = {"t2", "t3", "pregnant_unsure"}  # 13 weeks or more, or weeks not known (safer)
PREGNANT = {"t1", "t2", "t3", "pregnant_unsure"}
AFTER = {"postpartum", "breastfeeding", "pregnancy_ended"}
LANGS = ("en", "es", "ru", "zh")
MOVEMENTS = {"worse.gen.movements", "worse.rf.tell_movements"}
PET = {"worse.gen.pet", "worse.rf.tell_pet"}


@pytest.fixture(scope="module")
def engine():
    return make_engine(ROOT, emergency_number="555-0100")


@pytest.fixture(scope="module")
def paths(engine) -> list[Path]:
    return [p for p in walk(engine.flow) if isinstance(p, Path)]


def given(path: Path) -> dict[str, str]:
    return dict(path.answers)


def shown_keys(engine, path: Path, section: str = "worse") -> set[str]:
    """The locale keys of the advice items shown in one section of this path's outcome."""
    node, answers = engine.flow.nodes[path.outcome], given(path)
    return {i.text for i in getattr(node, section) if i.when is None or i.when.holds(answers)}


def outcome_text(engine, path: Path, lang: str = "en") -> str:
    session = Session(engine.flow.start, engine.flow.version)
    for _node, option in path.answers:
        assert engine.machine.events[option].trigger(session)
    return engine.render.outcome(engine.flow.nodes[path.outcome], lang, session.answered).text


def screens(engine, paths):
    """Each (screen node, answers before it) met on some path, once."""
    seen = {}
    for path in paths:
        answers = given(path)
        loc = answers["location"]
        before = {
            k: v for k, v in answers.items() if k in ("disclaimer", "status", "since_birth", "location")
        }
        seen[(f"screen_{loc}", tuple(sorted(before.items())))] = before
    return [(engine.flow.nodes[n], before) for (n, _), before in seen.items()]


def offered(node, answers) -> list[str]:
    return [o.id for o in visible_options(node, answers)]


def test_m1_every_screen_from_13_weeks_offers_baby_movements(engine, paths) -> None:
    for node, before in screens(engine, paths):
        if before["status"] in LATE:
            assert "reduced_movements" in offered(node, before), (node.id, before)


def test_m1_every_outcome_from_13_weeks_carries_the_movements_safety_net(engine, paths) -> None:
    for path in paths:
        if given(path)["status"] in LATE and path.outcome != "out_reduced_movements":
            assert shown_keys(engine, path) & MOVEMENTS, path


def test_c3_every_outcome_from_13_weeks_to_6_weeks_after_birth_carries_the_pre_eclampsia_net(
    engine, paths
) -> None:
    for path in paths:
        answers = given(path)
        at_risk = answers["status"] in LATE or answers.get("since_birth") == "under_6_weeks"
        if (
            at_risk
            and path.outcome != "out_pre_eclampsia"
            and engine.flow.nodes[path.outcome].disposition != "emergency"
        ):
            assert shown_keys(engine, path) & PET, path


def test_c3_pre_eclampsia_signs_are_screened_on_the_leg_and_hand_screens(engine, paths) -> None:
    for node, before in screens(engine, paths):
        if node.id in (
            "screen_calf_cramp",
            "screen_leg_numbness",
            "screen_hand_numbness",
            "screen_upper_back",
        ) and before["status"] in LATE | AFTER:
            assert "severe_headache_vision" in offered(node, before), (node.id, before)


def test_c2_sudden_constant_pain_is_offered_on_pelvis_low_back_and_abdomen_for_every_status(
    engine, paths
) -> None:
    for node, before in screens(engine, paths):
        if node.id in ("screen_pelvis", "screen_low_back", "screen_abdomen", "screen_something_else"):
            assert "constant_severe_pain" in offered(node, before), (node.id, before)


def test_m2_epidural_problems_are_screened_in_the_first_6_weeks(engine, paths) -> None:
    for node, before in screens(engine, paths):
        if (
            node.id in ("screen_low_back", "screen_leg_numbness")
            and before.get("since_birth") == "under_6_weeks"
        ):
            assert "epidural_site" in offered(node, before), (node.id, before)
    epidural = [p for p in paths if "epidural_site" in given(p).values()]
    assert epidural and all(engine.flow.nodes[p.outcome].disposition == "urgent" for p in epidural)


def test_m3_no_self_care_or_routine_with_fever_or_a_swollen_leg_in_the_first_6_weeks(engine, paths) -> None:
    for path in paths:
        answers = given(path)
        flags = set(answers.values()) & {"fever_urinary", "fever_postpartum", "one_leg_swollen"}
        if answers.get("since_birth") == "under_6_weeks" and flags:
            assert engine.flow.nodes[path.outcome].disposition in ("emergency", "urgent"), path


def test_m4_ectopic_signs_are_offered_early_on_tummy_pelvis_and_low_back(engine, paths) -> None:
    for node, before in screens(engine, paths):
        if node.id in ("screen_abdomen", "screen_pelvis", "screen_low_back") and before["status"] in (
            "t1",
            "pregnant_unsure",
        ):
            assert "one_sided_pain_shoulder" in offered(node, before), (node.id, before)
    ectopic = [p for p in paths if p.outcome == "out_ectopic"]
    assert ectopic and all("555-0100" in outcome_text(engine, p) for p in ectopic)


def test_m5_breast_pain_after_birth_leads_to_mastitis_advice(engine, paths) -> None:
    for node, before in screens(engine, paths):
        if node.id == "screen_upper_back" and before["status"] in ("postpartum", "breastfeeding"):
            assert "breast_red_hot" in offered(node, before)
    for path in paths:
        if path.outcome == "out_mastitis" and given(path)["status"] == "breastfeeding":
            assert "Keep breastfeeding or expressing" in outcome_text(engine, path)


def test_m6_unsure_of_weeks_gets_every_early_and_late_pregnancy_sign(engine, paths) -> None:
    found = 0
    for node, before in screens(engine, paths):
        if before["status"] != "pregnant_unsure":
            continue
        union = set()
        for status in ("t1", "t2", "t3"):
            union |= set(offered(node, {**before, "status": status}))
        assert union <= set(offered(node, before)), node.id
        found += 1
    assert found == 8


def test_m6_after_a_pregnancy_loss_the_after_birth_signs_are_asked_without_baby_words(engine, paths) -> None:
    baby = re.compile(r"\b(baby|babies|breastfeed\w*|birth)\b", re.I)
    for node, before in screens(engine, paths):
        if before["status"] == "pregnancy_ended":
            assert {"heavy_bleeding", "fever_urinary"} <= set(offered(node, before)) or node.id not in (
                "screen_low_back",
                "screen_pelvis",
                "screen_abdomen",
            )
            if node.id in ("screen_low_back", "screen_pelvis", "screen_abdomen"):
                assert {"fever_postpartum", "constant_severe_pain"} <= set(offered(node, before))
            text = engine.render.question(node, "en", before).text
            assert not baby.search(text), (node.id, text)
    for path in paths:
        if given(path)["status"] == "pregnancy_ended":
            text = outcome_text(engine, path)
            assert not re.search(r"\byour baby\b|breastfeeding|had a baby|6 to 8 week", text, re.I), (
                path,
                text,
            )


def test_m7_every_screen_explains_every_button_it_shows_in_every_language(engine, paths) -> None:
    for lang in LANGS:
        for node, before in screens(engine, paths):
            reply = engine.render.question(node, lang, before)
            for option in reply.options:
                if option.id != "none":
                    assert f"• {option.label}" in reply.text, (lang, node.id, before, option.label)


def test_m7_labels_read_as_or_and_avoid_jargon(engine) -> None:
    en = engine.catalog.locales["en"].texts
    for key, text in en.items():
        if key.startswith("option."):
            assert "+" not in text and "/" not in text, (key, text)
        if key.startswith(("option.", "q.screen_")):
            assert not re.search(r"\bgroin\b|\bloss\b|tightenings", text), (key, text)


def test_m8_pre_eclampsia_advice_says_do_not_drive_and_urgent_outcomes_say_how_to_get_there(
    engine, paths
) -> None:
    for path in paths:
        if path.outcome == "out_pre_eclampsia":
            assert "Don't drive" in outcome_text(engine, path)
        if path.outcome in (
            "out_bleeding",
            "out_reduced_movements",
            "out_dvt_pregnancy",
            "out_kidney_pregnancy",
        ):
            text = outcome_text(engine, path)
            assert "go straight in" in text and "drive yourself" in text, path.outcome


def test_m8_the_emergency_card_lists_pre_eclampsia_sepsis_and_after_birth_signs(engine) -> None:
    card = engine.catalog.text("en", "ui.emergency", emergency_number="555-0100")
    for sign in ("headache", "vision", "swelling", "shivering", "6 weeks after birth", "epidural"):
        assert sign in card, sign


def test_m9_chest_pain_is_sudden_and_cauda_equina_wording_spares_common_symptoms(engine) -> None:
    en = engine.catalog.locales["en"].texts
    assert en["option.breathless_chest_pain"].startswith("Sudden")
    screen = en["q.screen_leg_numbness"]
    assert "not just soreness from stitches" in screen and "Leaking a little pee" in screen


def test_m1_m3_minor_texts_fit_the_woman_who_reads_them(engine, paths) -> None:
    for path in paths:
        answers = given(path)
        text = outcome_text(engine, path)
        if answers["status"] != "breastfeeding":
            assert "while breastfeeding" not in text or "While breastfeeding, don't" in text, path  # m1
        if answers["status"] in AFTER:
            assert "doesn't harm your baby" not in text, path  # m1
        if answers.get("since_birth") == "over_6_weeks":
            assert "last 4 weeks" not in text, path  # M6: first-weeks advice only in the first weeks


def test_m6_codeine_and_co_codamol_are_named_for_breastfeeding(engine) -> None:
    assert "co-codamol" in engine.catalog.text("en", "adv.med.bf_avoid")


@pytest.mark.parametrize("lang", LANGS)
def test_every_outcome_lists_its_worse_items_most_urgent_first(engine, lang: str) -> None:
    """The first lines of the 'if it gets worse' list are the emergency ones (the phone shows only the first few)."""
    for node in engine.flow.nodes.values():
        if not node.is_outcome:
            continue
        keys = [i.text for i in node.worse]
        assert keys[-1] == "worse.not_wasting_time", node.id
        emergency = [k for k in keys if "{emergency_number}" in engine.catalog.locales[lang].texts[k]]
        if emergency and node.disposition in ("self_care", "routine"):
            first_other = next(i for i, k in enumerate(keys) if k not in emergency)
            assert all(keys.index(k) < first_other for k in emergency), (node.id, keys)


def test_the_sources_page_lists_every_source_the_flow_cites(engine) -> None:
    page = (ROOT / "docs" / "clinical-sources.md").read_text()
    block = page.split("<!-- sources:start -->")[1].split("<!-- sources:end -->")[0]
    for sid, src in engine.flow.sources.items():
        assert f"| `{sid}` | [{src.name}]({src.url}) |" in block, f"run `make docs` ({sid})"
