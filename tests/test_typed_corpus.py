"""The typed-answer corpus (tests/typed_corpus.yaml): every line through the engine, a sample
through the console and Telegram adapters. `python -m tests.test_typed_corpus` prints the shares."""

from __future__ import annotations

import asyncio
import io
import itertools
from collections import Counter
from typing import NamedTuple

import pytest
import yaml

from bot.adapters.console import ConsoleChat
from bot.engine import Engine
from bot.events import Reply
from bot.session import Session
from tests.fake_telegram.harness import running_bot
from tests.helpers import ROOT, SHIPPED, Chat, make_engine

CORPUS = yaml.safe_load((ROOT / "tests" / "typed_corpus.yaml").read_text(encoding="utf-8"))
LANGS = ("en", "zh", "es", "ru")
ACTIONS = {"sources": "ui.sources.title", "why": "ui.why.title", "summary": "ui.summary.title", "restart": "ui.restarted"}
_KEYS = itertools.count()


class Case(NamedTuple):
    """One line of the corpus."""

    lang: str
    at: str
    typed: str
    expected: str


class Got(NamedTuple):
    """What the bot made of a line: a kind (an option id, ask, again, card, thanks) and candidates."""

    kind: str
    candidates: tuple[str, ...] = ()


CASES = [
    Case(lang, at, str(typed), str(expected))
    for lang in LANGS
    for at, lines in CORPUS[lang].items()
    for typed, expected in lines.items()
]


def classify(engine: Engine, lang: str, node: str, before: Session, after: Session, replies: list[Reply]) -> Got:
    """Read the bot's replies (and the stored session) the way the user would."""
    t = engine.catalog.text
    first = replies[0]
    if first.kind == "info" and t(lang, "ui.emergency").split("{")[0] in first.text:
        return Got("card")
    if first.text == t(lang, "typed.thanks"):
        return Got("thanks")
    new = after.answers[len(before.answers) :]
    if new and new[0][0] == node and after.answers[: len(before.answers)] == before.answers:
        return Got(new[0][1])
    if engine.flow.nodes[node].is_outcome:
        for action, key in ACTIONS.items():
            if first.text.startswith(t(lang, key).split("{")[0]):
                return Got(action)
    last = replies[-1]
    if last.node == node and last.options and last.options[-1].id == "show_all":
        return Got("ask", tuple(o.id for o in last.options[:-1]))
    return Got("again")


def passes(case: Case, got: Got) -> bool:
    """A wrong option is a failure; a clarifying question is not (unless a card was due)."""
    if got.kind == case.expected:
        return True
    if got.kind == "ask":
        return case.expected == "again" or case.expected in got.candidates
    return False


async def stored_session(engine: Engine, key: str) -> Session:
    """The stored session (a new conversation is not stored until its first answer)."""
    stored = await engine.store.get(key)
    return Session.from_dict(stored.data) if stored is not None else Session(engine.flow.start, engine.flow.version)


async def run_case(engine: Engine, case: Case) -> Got:
    """Type one corpus line at its question, in a new conversation."""
    chat = Chat(engine, key=f"corpus:{next(_KEYS)}", lang=case.lang)
    await chat.open()
    await chat.walk(*CORPUS["at"][case.at])
    node = chat.last.node
    before = await stored_session(engine, chat.key)
    replies = await chat.send(case.typed)
    stored = await engine.store.get(chat.key)
    after = Session.from_dict(stored.data) if stored is not None else before
    return classify(engine, case.lang, node, before, after, replies)


ENGINE = make_engine(SHIPPED)


def test_the_corpus_is_big_enough_and_covers_every_language() -> None:
    counts = Counter(c.lang for c in CASES)
    assert sum(counts.values()) >= 300
    assert all(counts[lang] >= 60 for lang in LANGS), counts
    assert {c.expected for c in CASES} >= {"ask", "again", "card", "thanks"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.lang}-{c.at}-{c.typed}")
async def test_corpus_line_through_the_engine(case: Case) -> None:
    got = await run_case(ENGINE, case)
    assert passes(case, got), f"{case.typed!r} at {case.at} ({case.lang}): expected {case.expected}, got {got}"


SAMPLE = CASES[::9]


async def test_a_sample_through_the_console() -> None:
    engine = make_engine(SHIPPED)
    for case in SAMPLE:
        chat = ConsoleChat(engine, user=f"corpus{next(_KEYS)}", lang=case.lang, jsonl=True, out=io.StringIO())
        await chat.send(None)
        replies: list[Reply] = []
        for option in CORPUS["at"][case.at]:
            replies = await chat.send(option)
        node = replies[-1].node if replies else engine.flow.start
        before = await stored_session(engine, chat.key)
        replies = await chat.send(case.typed)
        stored = await engine.store.get(chat.key)
        after = Session.from_dict(stored.data) if stored is not None else before
        got = classify(engine, case.lang, node, before, after, replies)
        assert passes(case, got), (case, got)


async def test_a_sample_through_telegram() -> None:
    engine = make_engine(SHIPPED)
    card = {lang: engine.catalog.text(lang, "ui.emergency").split("{")[0] for lang in LANGS}
    async with running_bot(engine, catalog=engine.catalog, mode="polling") as tg:
        for n, case in enumerate(SAMPLE[::3]):
            user = tg.fake.user(9000 + n, language_code=case.lang)
            await user.send("/start")
            question = await user.read()
            for option in CORPUS["at"][case.at]:
                await user.press(option)
                question = (await user.read_until_keyboard())[-1]
            await user.send(case.typed)
            seen = await user.read_until_keyboard()
            texts = [m.text for m in seen]
            if case.expected == "card":
                assert any(card[case.lang] in t for t in texts), case
            elif case.expected == "thanks":
                assert texts[0] == engine.catalog.text(case.lang, "typed.thanks"), case
            elif case.expected not in ("ask", "again") and case.expected not in ACTIONS:
                # understood: the question shows her answer as a ✓ line, or a "did you mean" asks
                assert question.text.split("\n")[-1].startswith("✓") or seen[-1].labels[-1:] != [], case
        await tg.fake.user(1).quiet(0.05)
        assert tg.fake.errors == []


async def shares() -> Counter:
    """How each corpus line was read: understood, clarified, asked again, missed."""
    out: Counter = Counter()
    for case in CASES:
        got = await run_case(make_engine(SHIPPED), case)
        if got.kind == case.expected:
            out["understood" if case.expected not in ("again",) else "rightly not understood"] += 1
        elif passes(case, got):
            out["clarifying question"] += 1
        else:
            out["wrong"] += 1
    return out


if __name__ == "__main__":
    result = asyncio.run(shares())
    total = sum(result.values())
    for name, count in result.most_common():
        print(f"{name}: {count} of {total} ({100 * count / total:.0f}%)")
