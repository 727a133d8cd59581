"""Every shipped language, in both adapters: a whole conversation, week numbers, switching."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.flow.walk import Path, walk
from bot.review.translations import VOCABULARY
from tests.fake_telegram.harness import running_bot
from tests.helpers import ROOT, Chat, make_engine

ENGINE = make_engine(ROOT, emergency_number="555-0100")
LANGS = ENGINE.catalog.languages
TELEGRAM_TAGS = {"en": "en-GB", "zh": "zh-hans", "es": "es-MX", "ru": "ru"}
WEEKS = {"en": "24 weeks", "zh": "24周", "es": "24 semanas", "ru": "24 недели"}
PATH = ["agree", "t3", "calf_cramp", "none", "mild", "eases_10min"]


def t(lang: str, key: str, **values: str) -> str:
    return ENGINE.catalog.text(lang, key, **values)


def test_every_language_is_complete_and_described() -> None:
    base = ENGINE.catalog.locales["en"]
    for lang in LANGS:
        loc = ENGINE.catalog.locales[lang]
        # word lists for typed answers are each language's own; a missing one falls back to English
        assert set(loc.texts) - set(base.texts) == set(), lang
        assert {k for k in set(base.texts) - set(loc.texts) if not k.startswith(VOCABULARY)} == set(), lang
        assert {"name", "translator", "review"} <= set(loc.meta), lang
        if lang != "en":
            assert "review" in loc.meta["review"], lang  # the review status is stated


@pytest.mark.parametrize("lang", LANGS)
def test_every_path_renders_in_every_language(lang: str) -> None:
    from bot.session import Session

    for path in (p for p in walk(ENGINE.flow) if isinstance(p, Path)):
        session = Session(ENGINE.flow.start, ENGINE.flow.version)
        for _node, option in path.answers:
            ENGINE.machine.events[option].trigger(session)
        node = ENGINE.flow.nodes[path.outcome]
        text = ENGINE.render.outcome(node, lang, session.answered).text
        assert "\n⚠️ " in text  # the first "if it gets worse" line
        assert "{" not in text and "}" not in text
        if node.disposition == "emergency":
            assert "555-0100" in text, (lang, path.outcome)


@pytest.mark.parametrize("lang", LANGS)
def test_console_whole_conversation(lang: str) -> None:
    env = {**os.environ, "BOT_EMERGENCY_NUMBER": "555-0100"}
    lines = [*PATH, "sources", "summary"]
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--jsonl", "--store", "memory://", "--lang", lang],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    messages = [json.loads(line) for line in proc.stdout.splitlines()]
    said = t(lang, "typed.said", answer="")
    assert sum(m["text"].startswith(said) for m in messages) == len(PATH)  # each typed answer confirmed
    messages = [m for m in messages if not m["text"].startswith(said)]
    assert messages[0]["text"] == t(lang, "q.disclaimer")
    assert messages[1]["text"] == ENGINE.catalog.text(lang, "q.status", variant="console")  # "type", not "tap"
    assert messages[1]["options"][0]["label"] == t(lang, "option.t1")
    outcome = next(m for m in messages if m["kind"] == "outcome")
    assert outcome["disposition"] == "self_care"
    assert outcome["text"].startswith(f"🟢 {t(lang, 'disposition.self_care')}\n{t(lang, 'out.calf_self_care')}")
    assert messages[-2]["text"].startswith(t(lang, "ui.sources.title"))
    assert messages[-1]["text"].startswith(t(lang, "ui.summary.title"))
    assert t(lang, "sum.status") in messages[-1]["text"]


@pytest.mark.parametrize("lang", LANGS)
async def test_telegram_whole_conversation(lang: str) -> None:
    engine = make_engine(ROOT, emergency_number="555-0100")
    async with running_bot(engine, catalog=engine.catalog, mode="polling") as tg:
        user = tg.fake.user(7001, language_code=TELEGRAM_TAGS.get(lang, lang))
        await user.send("/start")
        first = await user.read()
        assert first.text == t(lang, "q.disclaimer")
        assert first.labels == [t(lang, "option.agree")]
        for option in PATH:
            await user.press(option)
            message = await user.read()
        assert t(lang, "out.calf_self_care") in message.text
        actions = ("more", "sources", "why", "summary", "restart")
        assert message.labels == [t(lang, f"ui.action.{a}") for a in actions]
        await user.quiet(0.05)
        assert tg.fake.errors == []


@pytest.mark.parametrize("lang", LANGS)
async def test_week_number_in_each_language(lang: str) -> None:
    chat = Chat(ENGINE, key=f"weeks:{lang}", lang=lang)
    await chat.open()
    await chat.send("agree")
    await chat.send(WEEKS.get(lang, "24"))
    assert chat.last.node == "location"
    await chat.send("/back")
    await chat.send(t(lang, "option.t2"))  # the label in her language
    assert chat.last.node == "location"


@pytest.mark.skipif(len(LANGS) < 2, reason="needs a second language")
async def test_switching_language_keeps_the_answers() -> None:
    other = LANGS[1]
    chat = Chat(ENGINE, key="switch", lang="en")
    await chat.open()
    await chat.walk("agree", "t2", "low_back")
    menu = (await chat.send("/language"))[-1]
    assert [o.label for o in menu.options] == [ENGINE.catalog.locales[c].name for c in LANGS]
    replies = await chat.press(other)
    assert replies[0].text == t(other, "ui.language_set")
    assert chat.last.node == "screen_low_back"
    assert chat.last.text == t(other, "q.screen_low_back_t23")  # the text for 13 to 27 weeks
    out = await chat.walk("none", "mild", "under_2_weeks")
    assert t(other, "out.lowback_self_care") in out.text
    why = (await chat.press("why"))[-1].text
    assert t(other, "option.t2") in why  # the earlier answers were kept
    assert await ENGINE.language(chat.key, "en") == other
