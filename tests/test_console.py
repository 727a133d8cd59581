"""The console adapter as a real subprocess: JSON lines in and out, the contract in the README."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import MINI, ROOT

KEYS = ["node", "kind", "text", "options", "disposition"]


def run(
    lines: list[str], *args: str, store: str = "memory://", content: Path = MINI, env: dict | None = None
) -> tuple[list[dict], subprocess.CompletedProcess]:
    """Run `python -m bot console --jsonl` with these input lines; return the messages."""
    environ = {
        **os.environ,
        "BOT_FLOWS_DIR": str(content / "flows"),
        "BOT_LOCALES_DIR": str(content / "locales"),
        **(env or {}),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--jsonl", "--store", store, *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environ,
        timeout=60,
    )
    messages = [json.loads(line) for line in proc.stdout.splitlines()]
    return messages, proc


def test_jsonl_walk_to_an_outcome_follows_the_contract() -> None:
    messages, proc = run(["agree", "30 weeks", "calf_cramp", "None of these", "mild"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    for m in messages:
        assert list(m) == KEYS
        assert m["kind"] in ("info", "question", "outcome", "error")
        assert all(list(o) == ["id", "label"] for o in m["options"])
    assert [m["node"] for m in messages if m["kind"] != "info"] == [
        "disclaimer",
        "status",
        "location",
        "flags_calf",
        "sev_calf",
        "out_calf_self_care",
    ]
    said = [m["text"] for m in messages if m["kind"] == "info"]
    assert said[1] == "You said: 30 weeks: Pregnant, 28 weeks or more"  # every typed answer confirmed
    assert len(said) == 5
    assert messages[0]["disposition"] is None
    assert messages[-1]["kind"] == "outcome"
    assert messages[-1]["disposition"] == "self_care"


def test_jsonl_prints_the_first_message_without_input() -> None:
    messages, proc = run([])
    assert proc.returncode == 0
    assert [m["node"] for m in messages] == ["disclaimer"]


def test_jsonl_bad_input_back_and_emergency() -> None:
    messages, proc = run(["agree", "blah", "/back", "/emergency", "/nope"])
    assert proc.returncode == 0
    kinds = [(m["kind"], m["node"]) for m in messages]
    assert kinds == [
        ("question", "disclaimer"),
        ("info", "disclaimer"),
        ("question", "status"),
        ("error", "status"),
        ("question", "status"),
        ("question", "disclaimer"),
        ("info", "disclaimer"),
        ("question", "disclaimer"),
        ("error", "disclaimer"),
        ("question", "disclaimer"),
    ]


def test_resume_after_a_restart_with_sqlite(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/s.db"
    first, proc = run(["agree", "t2", "low_back"], "--user", "ana", store=store)
    assert proc.returncode == 0
    assert first[-1]["node"] == "flags_back"
    again, proc = run([], "--user", "ana", store=store)
    assert [m["node"] for m in again] == ["flags_back"]
    assert again[0]["options"] == first[-1]["options"]
    other, _ = run([], "--user", "bea", store=store)
    assert other[0]["node"] == "disclaimer"
    done, _ = run(["none", "severe"], "--user", "ana", store=store)
    assert done[-1]["disposition"] == "routine"


def test_forget_then_restart_process_starts_fresh(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/s.db"
    run(["agree", "t2"], "--user", "ana", store=store)
    forgot, _ = run(["/forget"], "--user", "ana", store=store)
    assert forgot[-1]["node"] == "disclaimer"
    again, _ = run([], "--user", "ana", store=store)
    assert again[0]["node"] == "disclaimer"


def test_emergency_number_setting() -> None:
    messages, _ = run(["/emergency"], env={"BOT_EMERGENCY_NUMBER": "112"})
    assert "call 112 now" in messages[1]["text"]


def test_broken_content_is_reported_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "bad.yaml").write_text("flow: triage\nstart: [\n")
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "en.yaml").write_text((MINI / "locales" / "en.yaml").read_text())
    messages, proc = run(["agree"], content=tmp_path)
    assert proc.returncode == 1
    assert messages == []
    assert "Traceback" not in proc.stderr
    assert "flows/bad.yaml:3: YAML syntax error" in proc.stderr


def test_bad_store_url_is_a_one_line_error() -> None:
    _, proc = run([], store="ftp://user:secret@x")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: unknown store URL 'ftp://...': use sqlite:///path.db, memory:// or redis://host:port/db"
    )


def test_interactive_mode_numbers_options() -> None:
    env = {**os.environ, "BOT_FLOWS_DIR": str(MINI / "flows"), "BOT_LOCALES_DIR": str(MINI / "locales")}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--store", "memory://"],
        input="agree\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0
    assert "  1. Pregnant, up to 12 weeks" in proc.stdout
    assert "  5. Breastfeeding" in proc.stdout
    assert "{" not in proc.stdout.splitlines()[1]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_exits_without_a_traceback() -> None:
    import signal
    import time

    env = {**os.environ, "BOT_FLOWS_DIR": str(MINI / "flows"), "BOT_LOCALES_DIR": str(MINI / "locales")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--store", "memory://"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # the disclaimer has been printed: the chat is waiting for input
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err
