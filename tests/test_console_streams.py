"""The console on awkward terminals and pipes: no traceback, a clear exit code (issue 10, D14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import MINI, ROOT

CONTENT_ENV = {"BOT_FLOWS_DIR": str(MINI / "flows"), "BOT_LOCALES_DIR": str(MINI / "locales")}


def console(stdin: bytes, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the console on raw bytes; return raw stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", "--store", "memory://", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **CONTENT_ENV, **(env or {})},
        timeout=60,
    )


def test_bytes_that_are_not_utf8_are_not_understood_under_a_strict_locale() -> None:
    proc = console(b"agree\n\xff\xfe\n1\n", "--jsonl", env={"PYTHONIOENCODING": "utf-8:strict"})
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    messages = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    messages = [m for m in messages if not m["text"].startswith("You said: ")]  # confirmations
    assert [(m["node"], m["kind"]) for m in messages[-3:]] == [
        ("status", "error"),
        ("status", "question"),
        ("location", "question"),
    ]


SHIPPED_ENV = {"BOT_FLOWS_DIR": str(ROOT / "flows"), "BOT_LOCALES_DIR": str(ROOT / "locales")}


def test_jsonl_on_a_latin1_terminal_escapes_what_it_cannot_write() -> None:
    """A non-UTF-8 stdout still gets every message, as valid JSON with nothing lost."""
    proc = console(b"/help\n", "--jsonl", "--lang", "zh", env={"PYTHONIOENCODING": "latin-1", **SHIPPED_ENV})
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert lines and all(line.isascii() for line in lines)
    messages = [json.loads(line) for line in lines]
    assert messages[0]["node"] == "disclaimer"
    assert "mamaflow" in messages[0]["text"] and not messages[0]["text"].isascii()  # Chinese, unescaped
    assert [m["kind"] for m in messages][-2:] == ["info", "question"]


def test_interactive_console_on_an_ascii_terminal_does_not_crash_on_russian() -> None:
    proc = console(b"/help\n", "--lang", "ru", env={"PYTHONIOENCODING": "ascii", **SHIPPED_ENV})
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    assert proc.stdout.isascii()
    assert b"/restart" in proc.stdout or b"/start" in proc.stdout


def test_a_closed_stdout_ends_the_console_quietly(tmp_path: Path) -> None:
    """`... | head -1`: the reader goes away; the console stops with 141, no traceback."""
    feed = tmp_path / "in.txt"
    feed.write_text("1\n" * 20000)
    with feed.open("rb") as stdin:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", "--jsonl", "--store", "memory://"],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, **CONTENT_ENV},
        )
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read()
        proc.stderr.close()
        code = proc.wait(timeout=60)
    assert json.loads(first)["node"] == "disclaimer"
    assert b"Traceback" not in err, err.decode()
    assert b"BrokenPipe" not in err
    assert code == 141
