"""Telegram under a burst: many users at once against the fake Bot API, the real bot process.

`python -m bot telegram` (long polling, SQLite store, shipped content) runs as its own process
against the tests' fake Bot API in this one. All users send /start at once, then each presses
the first button of every question as soon as it arrives, for --turns presses. Reported: CPU
time of the bot process per update, updates per second, how long a press waited for its
answerCallbackQuery (the spinner on her phone) and for the next question. Each --pool size of
the HTTP connection pool is one run (the default is the one the bot uses).

Usage: python bench/bench_telegram_load.py [--users 1000] [--turns 5] [--pool 32 256] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_telegram import TOKEN, FakeTelegram, FakeUser  # noqa: E402

SERVE = """
import sys
from bot.adapters.telegram import main
from bot.adapters.telegram.config import from_settings
pool = int(sys.argv[1])
if pool:  # 0: the bot exactly as shipped
    main.from_settings = lambda settings: from_settings(settings, pool_size=pool)
from bot.cli import main as cli
sys.exit(cli(["telegram"]))
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def user_walk(user: FakeUser, turns: int, press_waits: list[float], reply_waits: list[float]) -> None:
    """Press the first button of each question as it comes, `turns` times."""
    question = (await user.read_until_keyboard(timeout=300))[-1]
    for _ in range(turns):
        started = time.monotonic()
        await user.press(question.buttons[0]["text"], message=question, timeout=300)
        press_waits.append(time.monotonic() - started)
        question = (await user.read_until_keyboard(timeout=300))[-1]
        reply_waits.append(time.monotonic() - started)


async def one_run(users: int, turns: int, pool: int) -> dict:
    """One burst on a fresh bot process and store; the figures of that run."""
    fake = await FakeTelegram().start()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=fake.url, BOT_STORE=f"sqlite:///{tmp}/b.db")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SERVE, str(pool), cwd=ROOT, env=env, stderr=asyncio.subprocess.DEVNULL
        )
        try:
            while not fake.calls_of("getUpdates"):
                await asyncio.sleep(0.05)
            people = [fake.user(100_000 + n) for n in range(users)]
            cpu0, wall0 = cpu_seconds(proc.pid), time.monotonic()
            for person in people:
                await person.send("/start")
            press_waits: list[float] = []
            reply_waits: list[float] = []
            await asyncio.gather(*(user_walk(p, turns, press_waits, reply_waits) for p in people))
            cpu, wall = cpu_seconds(proc.pid) - cpu0, time.monotonic() - wall0
        finally:
            proc.terminate()
            await proc.wait()
            await fake.stop()
    updates = users * (1 + turns)
    return {
        "pool": pool,
        "users": users,
        "updates": updates,
        "api_calls": len(fake.calls),
        "api_calls_per_update": round(len(fake.calls) / updates, 2),
        "calls_by_method": dict(collections.Counter(c.method for c in fake.calls).most_common()),
        "wall_s": round(wall, 1),
        "updates_per_s": round(updates / wall, 1),
        "cpu_ms_per_update": round(1000 * cpu / updates, 2),
        "press_answer_s": {p: round(pct(press_waits, p), 2) for p in (50, 90, 99)},
        "next_question_s": {p: round(pct(reply_waits, p), 2) for p in (50, 90, 99)},
        "press_answer_mean_s": round(statistics.mean(press_waits), 2),
    }


async def main(args: argparse.Namespace) -> None:
    results = []
    for pool in args.pool:
        result = await one_run(args.users, args.turns, pool)
        results.append(result)
        if not args.json:
            print(
                f"pool {pool:4d}: {result['updates']} updates from {args.users} users in {result['wall_s']} s "
                f"({result['updates_per_s']}/s), {result['cpu_ms_per_update']} ms CPU per update, "
                f"{result['api_calls']} API calls ({result['api_calls_per_update']} per update: "
                + ", ".join(f"{m} {n}" for m, n in result["calls_by_method"].items())
                + "); press answered p50/p90/p99 "
                f"{result['press_answer_s'][50]}/{result['press_answer_s'][90]}/{result['press_answer_s'][99]} s, "
                f"next question {result['next_question_s'][50]}/{result['next_question_s'][90]}/"
                f"{result['next_question_s'][99]} s",
                flush=True,
            )
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--pool", type=int, nargs="+", default=[32])
    parser.add_argument("--json", action="store_true")
    asyncio.run(main(parser.parse_args()))
