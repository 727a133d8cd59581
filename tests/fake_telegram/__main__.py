"""`python -m tests.fake_telegram`: try the real Telegram adapter offline, as the user.

Starts the fake Bot API on 127.0.0.1, runs `python -m bot telegram` against it (logs to a file),
and lets you chat in this terminal. With --serve-only it prints the settings to start the bot
yourself (for example under a debugger) and waits for it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
from pathlib import Path

from .server import TOKEN, FakeTelegram
from .terminal import chat


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tests.fake_telegram", description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0, help="port of the fake Bot API (default: a free one)")
    p.add_argument("--lang", default="en", help="the user's Telegram language code (default en)")
    p.add_argument("--store", default="memory://", help="the bot's session store (default memory://)")
    p.add_argument("--log", type=Path, help="file for the bot's logs (default: a temporary file)")
    p.add_argument("--serve-only", action="store_true", help="do not start the bot; print how to start it")
    return p.parse_args(argv)


async def wait_for_bot(fake: FakeTelegram, bot: asyncio.subprocess.Process | None, seconds: float) -> bool:
    """True once the bot polls or sets its webhook; False if it exits or takes too long."""
    for _ in range(int(seconds / 0.05)):
        if fake.calls_of("getUpdates") or fake.webhook.url:
            return True
        if bot is not None and bot.returncode is not None:
            return False
        await asyncio.sleep(0.05)
    return False


async def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    fake = await FakeTelegram().start(args.port)
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url, "BOT_STORE": args.store}
    bot = None
    try:
        if args.serve_only:
            print("fake Bot API at", fake.url, "- start the bot in another terminal:")
            print(" ".join(f"{k}={v}" for k, v in env.items()), "python -m bot telegram", flush=True)
            up = await wait_for_bot(fake, None, 600)
        else:
            log = args.log or Path(tempfile.mkstemp(prefix="mamaflow-tg-try-", suffix=".log")[1])
            with log.open("w") as log_file:
                bot = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "telegram", env={**os.environ, **env}, stderr=log_file
                )
            print(f"fake Bot API at {fake.url}; the bot is starting (its logs: {log})", flush=True)
            up = await wait_for_bot(fake, bot, 30)
            if not up:
                print("the bot did not start:\n" + log.read_text()[-2000:], file=sys.stderr)
                return 1
        if not up:
            print("no bot connected", file=sys.stderr)
            return 1
        print(f"connected: you are chatting with @{fake.me['username']} (say /start)\n", flush=True)
        await chat(fake, lang=args.lang or None)
        return 0
    finally:
        if bot is not None and bot.returncode is None:
            bot.terminate()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(bot.wait(), 10)
        await fake.stop()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        raise SystemExit(asyncio.run(main()))
    raise SystemExit(130)
