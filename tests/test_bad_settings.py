"""Bad settings and odd stored rows as an operator meets them (issue 10, D15, D16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.errors import ConfigError
from bot.settings import Settings
from bot.storage import MemoryStore
from tests.helpers import MINI, ROOT, Chat, make_engine


def bot(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    """Run `python -m bot ARGS` on the mini content with extra environment variables."""
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))
    } | {"BOT_FLOWS_DIR": str(MINI / "flows"), "BOT_LOCALES_DIR": str(MINI / "locales"), **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environ,
        timeout=60,
    )


# -- D15: a bad Telegram setting does not stop console or lint ---------------------------------


@pytest.mark.parametrize("port", ["abc", "70000", "-1"])
def test_bad_webhook_port_does_not_stop_the_console(port: str) -> None:
    proc = bot("console", "--jsonl", "--store", "memory://", env={"TELEGRAM_WEBHOOK_PORT": port}, stdin="agree\n")
    assert proc.returncode == 0, proc.stderr
    messages = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [m["node"] for m in messages if m["kind"] != "info"] == ["disclaimer", "status"]


def test_bad_webhook_port_does_not_stop_lint() -> None:
    proc = bot("lint", env={"TELEGRAM_WEBHOOK_PORT": "abc"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok:")


def test_bad_webhook_port_still_stops_the_telegram_bot() -> None:
    proc = bot("telegram", env={"TELEGRAM_WEBHOOK_PORT": "abc", "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35})
    assert proc.returncode == 2
    assert "webhook port must be a number from 1 to 65535, got 'abc'" in proc.stderr


def test_settings_without_telegram_ignore_telegram_variables() -> None:
    env = {"TELEGRAM_WEBHOOK_PORT": "abc", "BOT_STORE": "memory://"}
    with pytest.raises(ConfigError):
        Settings.load(env=env)
    assert Settings.load(env=env, telegram=False).store == "memory://"


# -- D15: an unknown BOT_LOCALE is said, not silently replaced -----------------------------------


def test_unknown_bot_locale_gets_a_note_in_the_console() -> None:
    proc = bot("console", "--jsonl", "--store", "memory://", env={"BOT_LOCALE": "xx"})
    assert proc.returncode == 0, proc.stderr
    assert "BOT_LOCALE 'xx' is not available (en); using en" in proc.stderr
    assert json.loads(proc.stdout.splitlines()[0])["node"] == "disclaimer"


def test_unknown_bot_locale_is_a_lint_warning() -> None:
    proc = bot("lint", env={"BOT_LOCALE": "xx"})
    assert proc.returncode == 0
    assert "locales:0: warning: BOT_LOCALE 'xx' is not available (en); the bot would use en" in proc.stderr


# -- D15: stored rows edited by hand ------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        {"l": ["en"]},
        {"l": {"x": 1}},
        {"l": 7},
        {"m": ["language"]},
        {"a": [[["disclaimer"], "agree"]]},
        {"a": [["disclaimer", {"x": 1}]]},
        {"a": [[1, 2]]},
        {"s": ["status"]},
        {"v": None},
    ],
    ids=repr,
)
async def test_a_stored_row_of_the_wrong_types_does_not_raise(row: dict) -> None:
    store = MemoryStore()
    engine = make_engine(store=store)
    chat = Chat(engine, "test:edited")
    await chat.open()
    await chat.send("agree")
    stored = await store.get("test:edited")
    data = getattr(stored, "data", stored)
    rev = getattr(stored, "rev", None)
    edited = {**data, **row}
    if rev is None:
        await store.put("test:edited", edited)  # type: ignore[call-arg]
    else:
        assert await store.put("test:edited", edited, rev=rev)
    replies = await chat.send("1")
    assert replies and replies[-1].kind == "question"
    await chat.send("/restart")
    assert chat.last.node == "disclaimer"


# -- D16: log verbosity --------------------------------------------------------------------------


def test_bot_log_level_debug_shows_debug_lines_without_secrets() -> None:
    quiet = bot("console", "--jsonl", "--store", "memory://", env={})
    loud = bot("console", "--jsonl", "--store", "memory://", env={"BOT_LOG_LEVEL": "debug"}, stdin="my secret words\n")
    assert quiet.stderr == ""
    assert loud.returncode == 0, loud.stderr
    assert "DEBUG bot.app: flow triage version" in loud.stderr
    assert "memory store" in loud.stderr
    assert "secret" not in loud.stderr


def test_bot_log_level_error_hides_warnings() -> None:
    proc = bot("console", "--jsonl", "--store", "memory://", env={"BOT_LOCALE": "xx", "BOT_LOG_LEVEL": "ERROR"})
    assert proc.returncode == 0
    assert proc.stderr == ""


def test_a_bad_bot_log_level_is_a_setting_error() -> None:
    proc = bot("lint", env={"BOT_LOG_LEVEL": "loud"})
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: BOT_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'"
    )


@pytest.mark.parametrize("port", ["²", "①", "٨٠", "9" * 5000, "80 80", ""])
def test_odd_webhook_port_is_a_setting_error_not_a_traceback(port: str) -> None:
    if not port:
        assert Settings.load(env={"TELEGRAM_WEBHOOK_PORT": port}).webhook_port == 8443  # unset: default
        return
    with pytest.raises(ConfigError, match="webhook port must be a number from 1 to 65535"):
        Settings.load(env={"TELEGRAM_WEBHOOK_PORT": port})
