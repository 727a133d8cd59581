"""Logs: timestamped text or one JSON object per line; never the token, never what a user typed."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys

import pytest

from bot.adapters.telegram.io import RedactToken
from bot.logs import JsonFormatter, TextFormatter
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.helpers import ROOT
from tests.test_telegram_process import bot_process, child_env

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def capture(formatter: logging.Formatter, token: str = "") -> tuple[logging.Logger, io.StringIO]:
    """A logger writing through `formatter` (and the token filter) into a buffer."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    handler.addFilter(RedactToken(token))
    logger = logging.getLogger(f"test.logs.{id(out)}")
    logger.propagate, logger.handlers = False, [handler]
    logger.setLevel(logging.INFO)
    return logger, out


def test_text_lines_start_with_a_utc_timestamp() -> None:
    logger, out = capture(TextFormatter())
    logger.info("running as @%s", "mamaflow_bot")
    assert re.fullmatch(rf"{STAMP} INFO test\.logs\.\d+: running as @mamaflow_bot\n", out.getvalue())


def test_json_is_one_object_per_line_even_with_a_stack() -> None:
    logger, out = capture(JsonFormatter())
    logger.warning("update %s: %s", 41, "retry", extra={"update_id": 41})
    try:
        raise RuntimeError("store down")
    except RuntimeError:
        logger.exception("update %s failed\nsecond line", 42)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert re.fullmatch(STAMP, first["time"])
    assert first | {"time": "-"} == {"time": "-", "level": "WARNING", "logger": first["logger"],
                                     "message": "update 41: retry", "update_id": 41}
    assert second["level"] == "ERROR" and second["message"] == "update 42 failed\nsecond line"
    assert "RuntimeError: store down" in second["exception"] and "Traceback" in second["exception"]


def test_json_never_carries_the_token() -> None:
    logger, out = capture(JsonFormatter(), token=TOKEN)
    logger.error("POST https://api.telegram.org/bot%s/getMe failed", TOKEN)
    try:
        raise ConnectionError(f"cannot reach /bot{TOKEN}/getUpdates")
    except ConnectionError:
        logger.exception("polling failed")
    text = out.getvalue()
    assert TOKEN not in text and text.count("<token>") == 2
    assert all(json.loads(line) for line in text.splitlines())


def test_an_unknown_log_format_is_one_line_and_exit_2() -> None:
    env = {**child_env(), "BOT_LOG_FORMAT": "xml"}
    proc = subprocess.run([sys.executable, "-m", "bot", "lint"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 2
    assert proc.stderr == "error: BOT_LOG_FORMAT must be 'text' or 'json', got 'xml'\n"


@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_the_running_bot_logs_in_the_chosen_format_without_token_or_user_text(fmt: str) -> None:
    typed = "my private words 8841"
    fake = await FakeTelegram().start()
    try:
        async with bot_process(fake, BOT_LOG_FORMAT=fmt) as bot:
            ana = fake.user()
            await ana.send("/start")
            await ana.read(timeout=10)
            await ana.send(typed)  # not an answer: the bot asks again
            await ana.read(timeout=10)
            code, err = await bot.stop()
    finally:
        await fake.stop()
    assert code == 0, err
    lines = err.splitlines()
    assert any("running as @mamaflow_test_bot" in line for line in lines), err
    if fmt == "json":
        entries = [json.loads(line) for line in lines]
        assert all(re.fullmatch(STAMP, e["time"]) and e["level"] and e["logger"] for e in entries)
    else:
        assert all(re.match(rf"{STAMP} [A-Z]+ \S+: ", line) for line in lines if not line.startswith(" ")), err
    assert TOKEN not in err and typed not in err and "8841" not in err
