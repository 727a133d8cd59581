"""Any typed input gets a reply, never a traceback: odd digits, huge numbers (issue 10, D1)."""

from __future__ import annotations

import pytest

from tests.helpers import Chat

# str.isdigit() is true for these, but int() refuses them
ODD_DIGITS = ["²", "³", "¹", "⁴", "①", "⑫", "2²", "²⁴ weeks", "week ①"]
HUGE = ["9" * 4301, "1" * 10_000, "week " + "9" * 5000, "9" * 5000 + " weeks", "0" * 4400 + "1"]


@pytest.mark.parametrize("typed", ODD_DIGITS + HUGE, ids=lambda t: repr(t[:12]))
async def test_odd_or_huge_number_is_asked_again(chat: Chat, typed: str) -> None:
    await chat.open()
    await chat.send("agree")
    assert chat.last.node == "status"  # a question that also reads typed weeks
    replies = await chat.send(typed)
    assert replies[0].kind == "error"
    assert chat.last.kind == "question"
    assert chat.last.node == "status"


@pytest.mark.parametrize("typed", ["²", "①", "9" * 4301])
async def test_odd_number_at_a_question_without_weeks(chat: Chat, typed: str) -> None:
    await chat.open()
    replies = await chat.send(typed)
    assert [r.kind for r in replies] == ["error", "question"]
    assert chat.last.node == "disclaimer"


async def test_the_conversation_goes_on_after_an_odd_number(chat: Chat) -> None:
    await chat.open()
    await chat.send("agree")
    await chat.send("²")
    await chat.send("9" * 4301)
    await chat.send("24 weeks")
    assert chat.last.node == "location"


def test_console_answers_every_odd_number_and_exits_0() -> None:
    from tests.test_console import run

    messages, proc = run(["agree", "²", "①", "9" * 4301, "week " + "9" * 5000, "24"])
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert [m["kind"] for m in messages].count("error") == 4
    assert messages[-1]["node"] == "location"
