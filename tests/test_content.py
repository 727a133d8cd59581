"""Properties of the shipped triage tree, over every path enumerated from the compiled flow."""

from __future__ import annotations

import re

import pytest

from bot.flow.model import holds
from bot.flow.walk import Path, walk
from bot.report import clinical_table, paths_text
from bot.session import Session
from tests.helpers import ROOT, Chat, make_engine

RANK = {"emergency": 0, "urgent": 1, "same_day": 2, "routine": 3, "self_care": 4}
PREGNANT = {"t1", "t2", "t3", "pregnant_unsure"}
AFTER = {"postpartum", "breastfeeding", "pregnancy_ended"}
# The statuses and symptoms come from the flow itself (the `status` and `location` questions), so
# a new symptom flow is covered here without editing this file.
SHIPPED_FLOW = make_engine(ROOT).flow
STATUSES = [o.id for o in SHIPPED_FLOW.nodes["status"].options]
LOCATIONS = [o.id for o in SHIPPED_FLOW.nodes["location"].options]

# The least urgent disposition the clinical reference allows for each flag (safer wins), by
# status where it differs. From the clinical reference (docs/clinical-sources.md), section 2.
REQUIRED = {
    "bleeding": "urgent",  # call the maternity unit or midwife immediately
    "heavy_bleeding": "emergency",  # heavy bleeding, clots, faint: 999 (UHB); PPH: 999 (NICE)
    "fluid_leak": "urgent",
    "regular_tightenings": "urgent",
    "reduced_movements": "urgent",  # straight away, never wait until the next day
    "severe_headache_vision": "urgent",  # pre-eclampsia: get advice immediately
    "one_leg_swollen": "same_day",  # DVT: same day at the latest (in pregnancy, maternity unit)
    "breathless_chest_pain": "emergency",  # PE: 999
    "fever_urinary": "same_day",  # kidney infection: urgent GP or 111
    "saddle_numbness": "emergency",  # cauda equina: 999 or A&E now
    "face_arm_speech": "emergency",  # FAST: 999
    "constant_severe_pain": "emergency",  # abruption: 999
    "fever_postpartum": "same_day",
    "one_sided_pain_shoulder": "urgent",  # ectopic: straight away
    "epidural_site": "urgent",  # abscess, haematoma, post-dural-puncture headache: birth unit now
    "breast_red_hot": "same_day",  # mastitis: GP or urgent advice line today
}
REQUIRED_IN_PREGNANCY = {"one_leg_swollen": "urgent"}  # in pregnancy: the maternity unit
# In the first 6 weeks after birth or a loss, infection and clots are potentially
# life-threatening (NICE CG37 Table 5-1, NG194): urgent.
REQUIRED_EARLY = {"one_leg_swollen": "urgent", "fever_urinary": "urgent", "fever_postpartum": "urgent"}


@pytest.fixture(scope="module")
def engine():
    return make_engine(ROOT, emergency_number="555-0100")


@pytest.fixture(scope="module")
def paths(engine) -> list[Path]:
    found = list(walk(engine.flow))
    assert all(isinstance(p, Path) for p in found), "the shipped flow has dead ends"
    return found


def render(engine, path: Path, lang: str = "en") -> str:
    """The outcome text the user can read at the end of this path: first message and More."""
    session = Session(engine.flow.start, engine.flow.version)
    for _node, option in path.answers:
        assert engine.machine.events[option].trigger(session)
    assert session.state == path.outcome
    node = engine.flow.nodes[path.outcome]
    first = engine.render.outcome(node, lang, session.answered).text
    return first + "\n\n" + engine.render.more(node, lang, session.answered).text


def test_every_status_and_location_is_covered(paths) -> None:
    pairs = {(dict(p.answers)["status"], dict(p.answers)["location"]) for p in paths}
    location = SHIPPED_FLOW.nodes["location"]
    offered = {(s, o.id) for s in STATUSES for o in location.options if holds(o.when, {"status": s})}
    assert len(STATUSES) >= 5 and len(LOCATIONS) >= 7
    assert pairs == offered


def test_every_path_passes_its_red_flag_screen_first(paths) -> None:
    for path in paths:
        nodes = [n for n, _ in path.answers]
        loc = dict(path.answers)["location"]
        assert nodes[nodes.index("location") + 1] == f"screen_{loc}", path


def test_every_outcome_has_disposition_worsening_advice_and_sources(engine, paths) -> None:
    for outcome in {p.outcome for p in paths}:
        node = engine.flow.nodes[outcome]
        assert node.disposition in RANK, outcome
        assert node.worse, f"{outcome} says nothing about what to do if it gets worse"
        for item in node.items():
            source = engine.flow.sources[item.source]
            assert source.url.startswith("https://"), source


def test_every_path_shows_worsening_advice(engine, paths) -> None:
    for path in paths:
        text = render(engine, path)
        assert "If it gets worse or you are worried:" in text, path


def test_flag_outcomes_are_at_least_as_urgent_as_the_reference(engine, paths) -> None:
    for path in paths:
        given = dict(path.answers)
        flag = given[f"screen_{given['location']}"]
        if flag == "none":
            continue
        required = REQUIRED[flag]
        if given["status"] in PREGNANT:
            required = REQUIRED_IN_PREGNANCY.get(flag, required)
        if given.get("since_birth") == "under_6_weeks":
            required = REQUIRED_EARLY.get(flag, required)
        got = engine.flow.nodes[path.outcome].disposition
        assert RANK[got] <= RANK[required], f"{flag} ({given['status']}) -> {got}, needs {required}"


def test_severe_without_flags_is_never_plain_self_care(engine, paths) -> None:
    for path in paths:
        if "severe" in [o for _, o in path.answers]:
            assert engine.flow.nodes[path.outcome].disposition != "self_care", path


NSAID = re.compile(r"ibuprofen|naproxen|diclofenac|aspirin|nsaid|anti-inflammator", re.I)
CAUTION = re.compile(r"\b(don't|do not|not|avoid|unless|never|ask|check)\b", re.I)


def test_no_pregnancy_outcome_presents_nsaids_as_fine(engine, paths) -> None:
    checked = 0
    for path in paths:
        if dict(path.answers)["status"] not in PREGNANT:
            continue
        for line in render(engine, path).splitlines():
            if NSAID.search(line):
                checked += 1
                assert CAUTION.search(line), line
                assert not re.search(r"ibuprofen (is|are) (usually )?(fine|safe|ok)", line, re.I), line
    assert checked > 0  # the pregnancy outcomes do warn about NSAIDs


def test_breastfeeding_may_use_ibuprofen_with_a_check(engine, paths) -> None:
    texts = [render(engine, p) for p in paths if dict(p.answers)["status"] == "breastfeeding"]
    assert any("ibuprofen" in t.lower() for t in texts)


def test_emergency_outcomes_show_the_configured_number(engine, paths) -> None:
    emergencies = [p for p in paths if engine.flow.nodes[p.outcome].disposition == "emergency"]
    assert emergencies
    for path in emergencies:
        text = render(engine, path)
        assert "555-0100" in text, path.outcome
        assert "drive yourself" in text, path.outcome


def test_no_seed_errors_in_the_english_content(engine) -> None:
    texts = {k: v for k, v in engine.catalog.locales["en"].texts.items() if not k.startswith("ui.")}
    joined = "\n".join(texts.values())
    assert not re.search(r"left side", joined, re.I)  # either side from 28 weeks, not only the left
    assert re.search(r"either side|your side", joined, re.I)
    assert not re.search(r"(?<!not a proven )\bcures?\b|will (stop|prevent) (your )?cramps", joined, re.I)
    assert not re.search(r"(point|pressure).{0,40}(miscarriage|abortion)", joined, re.I)
    assert not re.search(r"soak (your )?(legs|feet) in hot", joined, re.I)
    assert not re.search(r"cervical spondylosis|disc herniation", joined, re.I)
    assert not re.search(r"\b(999|111|A&E|GP)\b", joined)  # the configured number and neutral names


def test_paths_snapshot_is_current(engine) -> None:
    golden = (ROOT / "tests" / "golden" / "paths.txt").read_text()
    assert paths_text(engine.flow) == golden, "the tree changed: review and run `make docs`"


def test_clinical_table_is_current(engine) -> None:
    committed = (ROOT / "docs" / "clinical-table.md").read_text()
    assert clinical_table(engine.flow) == committed, "run `make docs` to regenerate docs/clinical-table.md"


@pytest.mark.parametrize("status", STATUSES)
async def test_each_location_reaches_advice_through_its_screen(engine, status: str) -> None:
    for location in LOCATIONS:
        chat = Chat(engine, key=f"{status}:{location}")
        await chat.open()
        await chat.walk("agree", status)
        if status in AFTER:
            assert chat.last.node == "since_birth"
            await chat.press("under_6_weeks")
        await chat.press(location)
        assert chat.last.node == f"screen_{location}"
        assert chat.option_ids[-1] == "none"
        await chat.press("none")
        while chat.last.kind != "outcome":
            await chat.press(chat.option_ids[0])  # the mildest answer at each follow-up
        assert chat.last.disposition in RANK
        assert "sources" in chat.option_ids


async def test_week_number_then_summary_in_a_real_chat(engine) -> None:
    chat = Chat(engine)
    await chat.open()
    await chat.send("i understand, let's start")
    await chat.send("34 weeks")
    assert chat.last.node == "location"
    await chat.send("calf_cramp")
    await chat.send("none")
    await chat.walk("mild", "eases_10min")
    assert chat.last.disposition == "self_care"
    summary = (await chat.send("/summary"))[-1].text
    assert "Date: 2026-11-21" in summary
    assert "Stage: Pregnant: 28 weeks or more" in summary
    assert "Warning signs: None of these" in summary
    assert "Advice given: self-care at home" in summary


def test_readme_diagram_is_current(engine) -> None:
    from bot.commands import diagram

    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- diagram:start -->")[1].split("<!-- diagram:end -->")[0]
    assert block.strip() == f"```mermaid\n{diagram(engine.flow).rstrip()}\n```", "run `make docs`"


def test_readme_lists_every_locale_with_its_review_status() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_docs", ROOT / "docs" / "update_docs.py")
    update_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(update_docs)
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- locales:start -->")[1].split("<!-- locales:end -->")[0]
    assert block.strip() == update_docs.locale_table(ROOT / "locales"), "run `make docs`"


async def test_every_path_as_a_chat_reaches_its_outcome(engine, paths) -> None:
    for i, path in enumerate(paths):
        chat = Chat(engine, key=f"path:{i}")
        await chat.open()
        for node, option in path.answers:
            assert chat.last.node == node
            assert option in chat.option_ids  # offered as a button at that point
            await chat.press(option)
        assert chat.last.kind == "outcome"
        assert chat.last.node == path.outcome
        assert chat.last.disposition == engine.flow.nodes[path.outcome].disposition
