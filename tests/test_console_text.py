"""The console as a terminal shows it: wrapped to the width at spaces, "type" not "tap"."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.adapters.console_text import columns, format_reply, wrap
from bot.events import Option, Reply
from tests.helpers import ROOT


def test_lines_wrap_at_spaces_with_hanging_indents() -> None:
    text = "• Standing up and putting your weight on the leg may also help. Hold on to something steady."
    lines = wrap(text, 30).split("\n")
    assert all(columns(line) <= 30 for line in lines)
    assert lines[0].startswith("• ") and all(line.startswith("  ") for line in lines[1:])
    assert " ".join(line.strip() for line in lines).replace("• ", "", 1) == text[2:]


def test_chinese_wraps_between_characters_counting_two_columns_each() -> None:
    text = "在给出建议之前，先做一个快速的安全检查。您现在或今天有没有以下任何一种情况？"
    lines = wrap(text, 20).split("\n")
    assert all(columns(line) <= 20 for line in lines) and "".join(lines) == text


def test_a_long_address_is_left_whole() -> None:
    url = "https://www.nhs.uk/pregnancy/related-conditions/common-symptoms/leg-cramps/"
    assert url in wrap(f"  {url}", 40).split("\n")


def test_options_are_numbered_and_back_is_shown() -> None:
    reply = Reply(
        "question",
        "status",
        "Which of these fits you?",
        (Option("t1", "Pregnant: up to 12 weeks"),),
        back="Type /back to change your last answer",
    )
    assert format_reply(reply, 80) == (
        "Which of these fits you?\n\n  1. Pregnant: up to 12 weeks\n  ⬅ Type /back to change your last answer"
    )


def test_a_narrow_terminal_gets_whole_words_and_console_wording() -> None:
    env = {**os.environ, "COLUMNS": "42"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--store", "memory://"],
        input="1\nhmm\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert all(columns(line) <= 41 for line in out.splitlines()), out
    assert "numbness or tingling" in " ".join(out.split())  # no word cut in two
    assert "type the number of an option" in " ".join(out.split())
    assert "tap" not in out.lower().replace("tapping", "")
    assert "⬅ Type /back to change your last answer" in out
