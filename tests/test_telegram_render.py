"""Replies become Telegram messages: escaped, split to fit, with one button per option."""

from __future__ import annotations

import pytest

from bot.adapters.telegram.render import (
    MAX_TEXT,
    escape,
    parse_callback,
    render,
    size,
    with_choice,
)
from bot.events import Incoming, Option, Reply
from tests.fake_telegram import parse_html
from tests.fake_telegram.harness import running_bot

PARAGRAPH = "• Stretch your calf & flex your foot <gently> — 🤰 " * 20  # ~1000 characters


def test_escape_is_what_telegram_html_needs() -> None:
    text = "a < b > c & \"d\" 'e'"
    assert escape(text) == "a &lt; b &gt; c &amp; \"d\" 'e'"
    assert parse_html(escape(text))[0] == text


def test_strong_lines_are_bold_and_actions_sit_two_per_row() -> None:
    reply = Reply(
        "outcome",
        "out_calf",
        "🟢 Self-care\nLeg <cramps>\n\nStretch.",
        (Option("more", "More"), Option("sources", "Sources"), Option("why", "Why")),
        "self_care",
        strong=("🟢 Self-care", "Leg <cramps>"),
        actions=True,
    )
    (out,) = render(reply)
    assert out.html == "<b>🟢 Self-care</b>\n<b>Leg &lt;cramps&gt;</b>\n\nStretch."
    rows = [[(b.text, b.callback_data) for b in row] for row in out.keyboard.inline_keyboard]
    assert rows == [[("More", "out_calf|more"), ("Sources", "out_calf|sources")], [("Why", "out_calf|why")]]


def test_answers_one_per_row_then_back() -> None:
    reply = Reply("question", "status", "Which?", (Option("t1", "Early"), Option("t2", "Later")), back="Back")
    (out,) = render(reply)
    rows = [[(b.text, b.callback_data) for b in row] for row in out.keyboard.inline_keyboard]
    assert rows == [[("Early", "status|t1")], [("Later", "status|t2")], [("⬅ Back", "status|back")]]


def test_sources_are_named_links() -> None:
    url = "https://www.nhs.uk/a?b=1&c=2"
    reply = Reply("info", "out_x", "Based on:\n• NHS: A & B\n  " + url, links=(("NHS: A & B", url),))
    (out,) = render(reply)
    assert out.html == 'Based on:\n• <a href="https://www.nhs.uk/a?b=1&amp;c=2">NHS: A &amp; B</a>'
    text, entities = parse_html(out.html)
    assert text == "Based on:\n• NHS: A & B"
    assert entities[0]["type"] == "text_link" and entities[0]["url"] == url


def test_long_text_splits_at_paragraphs_with_the_keyboard_last() -> None:
    paragraphs = [f"{n}. {PARAGRAPH}".strip() for n in range(12)]
    reply = Reply("question", "q", "\n\n".join(paragraphs), (Option("ok", "OK"),))
    outs = render(reply)
    assert len(outs) > 1
    texts = [parse_html(o.html)[0] for o in outs]
    assert all(size(o.html) <= MAX_TEXT for o in outs)
    assert "\n\n".join(texts) == reply.text, "cut only between paragraphs"
    assert [o.keyboard is not None for o in outs] == [False] * (len(outs) - 1) + [True]


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(["& line with ampersands &&&&"] * 400),  # no paragraphs: cut at lines
        " ".join(["word&"] * 3000),  # one line: cut at spaces
        "🤰" * 5000 + "&" * 3000,  # one huge word: cut anywhere
    ],
)
def test_any_text_fits(text: str) -> None:
    outs = render(Reply("outcome", "o", text))
    plain = [parse_html(o.html)[0] for o in outs]
    assert all(size(o.html) <= MAX_TEXT for o in outs)
    assert all(p.strip() for p in plain)
    assert sum(len(p.replace("\n", "").replace(" ", "")) for p in plain) == len(
        text.replace("\n", "").replace(" ", "")
    )


@pytest.mark.parametrize(
    "data, parsed",
    [
        ("status|t1", ("status", "t1")),
        ("sev_calf__ask|mild", ("sev_calf__ask", "mild")),
        ("garbage", None),
        ("status|", None),
        ("|t1", None),
        ("a|b|c", None),
        ("Status|t1", None),
        ("status|t1 ", None),
        ("", None),
        (None, None),
        ("s|" + "x" * 63, None),
    ],
)
def test_callback_data_is_parsed_strictly(data: str | None, parsed: tuple | None) -> None:
    assert parse_callback(data) == parsed


def test_choice_is_shown_under_the_question() -> None:
    assert (
        with_choice("How bad is it?", "Mild & <short>")
        == "How bad is it?\n\n✓ <i>Mild &amp; &lt;short&gt;</i>"
    )
    assert with_choice("x" * 4090, "Mild") is None


class Fixed:
    """An engine that always answers with the same replies."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """The fixed replies."""
        return self.replies


async def test_long_and_special_text_reaches_the_user_intact() -> None:
    text = "\n\n".join(f"{n}. {PARAGRAPH}".strip() for n in range(12))
    reply = Reply("question", "q", text, (Option("ok", 'Yes & "no" <maybe>'),))
    async with running_bot(Fixed(Reply("info", "q", "<b>not bold</b> & 1 < 2"), reply)) as tg:
        ana = tg.fake.user()
        await ana.send("hi")
        first = await ana.read()
        assert first.text == "<b>not bold</b> & 1 < 2" and first.entities == []
        got = await ana.read_until_keyboard()
        assert "\n\n".join(m.text for m in got) == text
        assert got[-1].labels == ['Yes & "no" <maybe>']
        assert tg.fake.errors == []
