"""Advice that fits a phone screen: every outcome's first message, over every path and language."""

from __future__ import annotations

import re

import pytest

from bot.advice import FIRST_LIMIT, size
from bot.flow.walk import Path, walk
from bot.session import Session
from tests.helpers import ROOT, Chat, make_engine

NUMBER = "555-0100"
ENGINE = make_engine(ROOT, emergency_number=NUMBER)
DEFAULT = make_engine(ROOT)  # no number configured: the locale's neutral text
LANGS = ["en", "es", "ru", "zh"]
PATHS = [p for p in walk(ENGINE.flow) if isinstance(p, Path)]
REPORT: dict[str, tuple[int, str, str]] = {}  # lang -> (length, outcome, status), printed at the end
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n+")


def answers(engine, path: Path) -> dict[str, str]:
    session = Session(engine.flow.start, engine.flow.version)
    for _node, option in path.answers:
        assert engine.machine.events[option].trigger(session)
    return session.answered


def sentences(text: str) -> list[str]:
    """The sentences of a message, without bullets, badges and headings' punctuation."""
    out = []
    for part in SENTENCE_END.split(text):
        words = re.sub(r"^[^\w{]+", "", part).strip().casefold()
        if len(words) > 3:
            out.append(words)
    return out


def test_the_shipped_languages_are_the_ones_measured() -> None:
    assert sorted(ENGINE.catalog.languages) == sorted(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_first_message_fits_a_phone_screen(lang: str) -> None:
    longest = (0, "", "")
    for engine in (ENGINE, DEFAULT):
        for path in PATHS:
            given = answers(engine, path)
            text = engine.render.outcome(engine.flow.nodes[path.outcome], lang, given).text
            assert size(text) <= FIRST_LIMIT, (lang, path.outcome, given["status"], size(text), text)
            longest = max(longest, (size(text), path.outcome, given["status"]))
    REPORT[lang] = longest


@pytest.mark.parametrize("lang", LANGS)
def test_emergency_and_urgent_first_messages_give_the_number_and_say_do_not_drive(lang: str) -> None:
    dont_drive = ENGINE.catalog.text(lang, "ui.outcome.dont_drive")
    default_number = DEFAULT.catalog.text(lang, "ui.emergency_number_default")
    short_number = DEFAULT.catalog.text(lang, "ui.emergency_number_short")
    checked = set()
    for path in PATHS:
        node = ENGINE.flow.nodes[path.outcome]
        if node.disposition not in ("emergency", "urgent"):
            continue
        text = ENGINE.render.outcome(node, lang, answers(ENGINE, path)).text
        first_line = text.splitlines()[0]
        assert NUMBER in first_line and dont_drive in first_line, (lang, path.outcome, text)
        unset = DEFAULT.render.outcome(node, lang, answers(DEFAULT, path)).text
        expected = default_number if node.disposition == "emergency" else short_number
        assert expected in unset.splitlines()[0], (lang, path.outcome, unset)
        checked.add(node.disposition)
    assert checked == {"emergency", "urgent"}


@pytest.mark.parametrize("lang", LANGS)
def test_no_sentence_is_said_twice_in_one_message(lang: str) -> None:
    for engine in (ENGINE, DEFAULT):
        for path in PATHS:
            node = engine.flow.nodes[path.outcome]
            given = answers(engine, path)
            for reply in (engine.render.outcome(node, lang, given), engine.render.more(node, lang, given)):
                said = sentences(reply.text)
                twice = {s for s in said if said.count(s) > 1}
                assert not twice, (lang, path.outcome, reply.kind, twice)


@pytest.mark.parametrize("lang", LANGS)
def test_first_message_leads_with_the_disposition_and_keeps_three_actions(lang: str) -> None:
    t = ENGINE.catalog.text
    badges = {"emergency": "🔴", "urgent": "🟠", "same_day": "🟡", "routine": "🔵", "self_care": "🟢"}
    for path in PATHS:
        node = ENGINE.flow.nodes[path.outcome]
        reply = ENGINE.render.outcome(node, lang, answers(ENGINE, path))
        level, headline = reply.text.split("\n")[:2]
        assert level.startswith(f"{badges[node.disposition]} {t(lang, f'disposition.{node.disposition}')}")
        assert headline == t(lang, node.title)
        assert reply.strong == (level, headline)
        assert 1 <= reply.text.count("\n• ") <= 3
        assert reply.text.count("⚠️") == 1


async def test_more_advice_holds_the_rest_and_sources_are_named_links() -> None:
    chat = Chat(ENGINE, key="phone:more")
    await chat.open()
    first = await chat.walk("agree", "t3", "calf_cramp", "none", "mild", "eases_10min")
    assert first.node == "out_calf_self_care"
    more = (await chat.press("more"))[-1]
    node = ENGINE.flow.nodes["out_calf_self_care"]
    for item in node.avoid + node.worse:
        assert ENGINE.catalog.text("en", item.text, emergency_number=NUMBER) in more.text
    shown = [i for i in node.do if ENGINE.catalog.text("en", i.text) in first.text]
    assert len(shown) == 3 and shown == list(node.do[:3])  # the first ones, in flow order
    assert not any(ENGINE.catalog.text("en", i.text) in more.text for i in shown)
    sources = (await chat.press("sources"))[-1]
    for name, url in sources.links:
        assert f"• {name}\n  {url}" in sources.text
        assert url.startswith("https://")


async def test_a_misunderstood_reply_gets_a_short_re_ask() -> None:
    chat = Chat(ENGINE, key="phone:reask")
    welcome = (await chat.open())[-1]
    replies = await chat.send("what??")
    assert [r.kind for r in replies] == ["error", "question"]
    assert replies[1].text == "When you are ready, choose “I understand, let's start”."
    assert len(replies[1].text) < len(welcome.text) / 4
    assert chat.option_ids == ["agree"]
    await chat.walk("agree", "t2", "calf_cramp")
    screen = chat.last
    replies = await chat.send("hmm not sure")
    assert replies[1].text == screen.text.split("\n\n")[0]  # the question, not its explanations
    assert replies[1].options == screen.options
    replies = await chat.send("/foo")
    assert replies[1].text == screen.text.split("\n\n")[0]


async def test_console_wording_says_type() -> None:
    from bot.engine import Engine

    console = Engine(ENGINE.flow, ENGINE.catalog, ENGINE.store, channel="console")
    chat = Chat(console, key="phone:console")
    await chat.open()
    replies = await chat.send("hmm")
    assert "type the number" in replies[0].text and "tap" not in replies[0].text.lower()
    await chat.send("1")
    assert "Type an option's number" in chat.last.text
    help_text = (await chat.send("/help"))[0].text
    assert "typing" in help_text and "tapping" not in help_text
