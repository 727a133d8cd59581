"""`python -m tests.fake_telegram`: anyone can chat with the real Telegram adapter offline."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.fake_telegram import TOKEN
from tests.helpers import ROOT


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}


def test_a_terminal_chat_with_the_real_bot(tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    typed = ["/start", "1", "my words 7731", "!sticker", "99", "!help"]
    proc = subprocess.run(
        [sys.executable, "-m", "tests.fake_telegram", "--log", str(log)], cwd=ROOT, env=clean_env(),
        input="\n".join(typed) + "\n", capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "connected: you are chatting with @mamaflow_test_bot" in out
    welcome, after = out.split("  [1] I understand, let's start\n", 1)
    assert "Hello, I'm mamaflow" in welcome
    assert after.lstrip().startswith("✓ I understand, let's start"), "the pressed question shows the choice"
    assert re.search(r"Which of these fits you\?.*\n  \[1\] Pregnant: up to 12 weeks", after)
    assert "I can only read text" in out, "a sticker gets the adapter's own note"
    assert "The last question has buttons 1 to " in out
    assert "!sticker  !photo" in out.split("I can only read text")[-1], "!help at the end"
    logged = log.read_text()
    assert "running as @mamaflow_test_bot (long polling)" in logged and "stopped" in logged
    assert TOKEN not in logged and "7731" not in logged


async def test_serve_only_prints_how_to_start_the_bot_and_waits_for_it() -> None:
    env = clean_env()
    fake = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fake_telegram", "--serve-only", cwd=ROOT, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert fake.stdout is not None and fake.stdin is not None
    try:
        await asyncio.wait_for(fake.stdout.readline(), 30)  # fake Bot API at ...
        command = (await asyncio.wait_for(fake.stdout.readline(), 30)).decode().split()
        assert command[-4:] == ["python", "-m", "bot", "telegram"]
        settings = dict(word.split("=", 1) for word in command if "=" in word)
        assert settings["TELEGRAM_BOT_TOKEN"] == TOKEN and settings["TELEGRAM_API_URL"].startswith("http://127.0.0.1:")
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "telegram", cwd=ROOT, env={**env, **settings},
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            fake.stdin.write(b"/start\n")
            fake.stdin.close()
            out, _ = await asyncio.wait_for(fake.communicate(), 60)
        finally:
            bot.terminate()
            await bot.wait()
    finally:
        if fake.returncode is None:
            fake.kill()
            await fake.communicate()
    assert fake.returncode == 0
    assert "connected: you are chatting with" in out.decode() and "Hello, I'm mamaflow" in out.decode()
