"""One set of conversations, run through the console and the Telegram adapters: same outcomes.

A step is a button press (`P`) or typed text (`T`). The console has no buttons, so a press is
typed as the option's id there (the console accepts the number, id or label).
Every message of every step (text and option labels) must be the same in both channels, except
the confirmation of a typed answer ("You said: ..."): the console prints it, Telegram shows it as
a "✓" line under the answered question (tests/test_typed_chat.py checks that).
"""

from __future__ import annotations

import io
from typing import NamedTuple

import pytest

from bot.adapters.console import ConsoleChat
from tests.fake_telegram.harness import running_bot
from tests.helpers import make_engine


class P(NamedTuple):
    """Press the button of this option id."""

    option: str


class T(NamedTuple):
    """Type this text."""

    text: str


Step = P | T
Seen = list[tuple[str, tuple[str, ...]]]  # (text, option labels) of each message

TRANSCRIPTS: dict[str, tuple[list[Step], str, str | None]] = {
    "calf cramp, self-care": (
        [P("agree"), P("t3"), P("calf_cramp"), P("none"), P("mild")],
        "out_calf_self_care",
        "self_care",
    ),
    "typed answers: number, weeks, label": (
        [T("1"), T("28"), T("calf or LEG cramp"), T("None of these"), T("3")],
        "out_calf_same_day",
        "same_day",
    ),
    "swollen leg after birth": (
        [P("agree"), P("postpartum"), P("calf_cramp"), P("one_leg_swollen")],
        "out_dvt_after_birth",
        "same_day",
    ),
    "swollen leg in pregnancy": (
        [P("agree"), P("t2"), P("calf_cramp"), P("one_leg_swollen")],
        "out_dvt_pregnant",
        "urgent",
    ),
    "back, then /back, then saddle numbness": (
        [P("agree"), P("t1"), P("calf_cramp"), T("/back"), P("low_back"), P("saddle_numbness")],
        "out_cauda",
        "emergency",
    ),
    "labour signs late in pregnancy": (
        [P("agree"), P("t3"), P("low_back"), P("regular_tightenings")],
        "out_labour",
        "urgent",
    ),
    "help, emergency and nonsense on the way": (
        [
            P("agree"),
            T("/help"),
            T("blah blah"),
            T("/emergency"),
            T("99"),
            P("breastfeeding"),
            P("low_back"),
            P("none"),
            P("moderate"),
        ],
        "out_back_routine",
        "routine",
    ),
    "outcome menu, then start again": (
        [
            P("agree"),
            P("t2"),
            P("low_back"),
            P("none"),
            P("mild"),
            P("why"),
            P("sources"),
            P("summary"),
            P("restart"),
            P("agree"),
        ],
        "status",
        None,
    ),
    "forget": ([P("agree"), P("t1"), T("/forget"), P("agree"), T("/unknown")], "status", None),
}


async def through_console(steps: list[Step]) -> tuple[list[Seen], str, str | None]:
    """Run the steps through the console adapter (JSON lines mode)."""
    chat = ConsoleChat(make_engine(), user="transcript", lang=None, jsonl=True, out=io.StringIO())
    seen = []

    def shown(replies: list) -> Seen:
        """Text and options as Telegram shows them: links by name, the Back control as a button."""
        out = []
        for r in replies:
            text = r.text
            for name, url in r.links:
                text = text.replace(f"{name}\n  {url}", name)
            out.append((text, tuple(o.label for o in r.options) + ((f"⬅ {r.back}",) if r.back else ())))
        return out

    replies = await chat.send(None)
    seen.append(shown(replies))
    for step in steps:
        replies = await chat.send(step.option if isinstance(step, P) else step.text)
        seen.append(shown([r for r in replies if r.answer is None or isinstance(step, T)]))
    last = next(r for r in reversed(replies) if r.kind != "error")
    disposition = next((r.disposition for r in replies if r.kind == "outcome"), None)
    return seen, last.node, disposition


async def through_telegram(steps: list[Step], counts: list[int], mode: str) -> list[Seen]:
    """Run the steps through the Telegram adapter, reading as many messages as the console."""
    engine = make_engine()
    async with running_bot(engine, catalog=engine.catalog, mode=mode) as tg:
        user = tg.fake.user()
        seen = []
        await user.send("/start")
        for i, step in enumerate([None, *steps]):
            if isinstance(step, P):
                await user.press(step.option)
            elif isinstance(step, T):
                await user.send(step.text)
            seen.append([(m.text, tuple(m.labels)) for m in [await user.read() for _ in range(counts[i])]])
        await user.quiet(0.05)
        assert tg.fake.errors == []
    return seen


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("name", list(TRANSCRIPTS))
async def test_console_and_telegram_agree(name: str, mode: str) -> None:
    steps, node, disposition = TRANSCRIPTS[name]
    console, last_node, last_disposition = await through_console(steps)
    assert (last_node, last_disposition) == (node, disposition)
    telegram = await through_telegram(steps, [len(s) for s in console], mode)
    for step, (c, t) in enumerate(zip(console, telegram, strict=True)):
        assert c == t, f"step {step}: the channels differ"
