"""Crash test, long polling: `python -m bot telegram` on SQLite is killed with SIGKILL in the
middle of a burst, twice, and restarted. Every update it was sent must be applied exactly once
and answered.

A reference run of the same burst without kills gives each user's messages and final session.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
from difflib import SequenceMatcher
from pathlib import Path

from tests.fake_telegram import FakeTelegram, FakeUser
from tests.test_telegram_process import bot_process

USERS = 16
PATTERN = ["/start", "1", "1", "/back", "1", "1", "/back", "/back", "1", "2", "/back", "1"]
KILL_AT = (0.3, 0.65)
MAX_TURN = 3  # messages one turn can send (outcome, sources, next question)  # kill once this share of the reference run's messages has arrived


def inputs(n: int) -> list[str]:
    """User n's burst: the pattern rotated, so that users end in different places."""
    k = n % (len(PATTERN) - 1) + 1
    return ["/start", *PATTERN[k:], *PATTERN[1:k]]


def received(user: FakeUser) -> list[str]:
    """The texts of the bot's messages to `user`, in the order sent (without the "✓ answer" mark
    an answered question gets, which a question sent again after a kill may not have yet)."""
    return [m.text.split("\n\n✓ ")[0] for _, m in sorted(user.messages.items())]


def sessions(db: Path) -> dict[str, dict]:
    """Each stored conversation, without the delivery marks and channel state."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT key, data FROM sessions").fetchall()
    keep = ("v", "s", "a", "l", "m")
    return {key: {k: v for k, v in json.loads(data).items() if k in keep} for key, data in rows}


async def burst(fake: FakeTelegram) -> list[FakeUser]:
    """Every user sends her whole burst at once (updates interleaved across users)."""
    users = [fake.user(7000 + n) for n in range(USERS)]
    plans = [inputs(n) for n in range(USERS)]
    for step in range(max(len(p) for p in plans)):
        for user, plan in zip(users, plans, strict=True):
            if step < len(plan):
                await user.send(plan[step])
    return users


def total(users: list[FakeUser]) -> int:
    return sum(len(u.messages) for u in users)


async def settled(fake: FakeTelegram, users: list[FakeUser], *, timeout: float = 60) -> None:
    """Until every update is confirmed and no message arrives for half a second."""
    last, quiet = -1, 0
    for _ in range(int(timeout / 0.1)):
        await asyncio.sleep(0.1)
        now = total(users)
        quiet = quiet + 1 if now == last and not fake._updates else 0
        last = now
        if quiet >= 5:
            return
    raise AssertionError(f"the bot did not finish: {len(fake._updates)} updates still pending")


async def until(users: list[FakeUser], count: int, *, timeout: float = 60) -> None:
    for _ in range(int(timeout / 0.02)):
        if total(users) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"only {total(users)} of {count} messages arrived")


async def reference(tmp: Path) -> tuple[dict[int, list[str]], dict[str, dict]]:
    fake = await FakeTelegram().start()
    store = tmp / "reference.db"
    try:
        async with bot_process(fake, BOT_STORE=f"sqlite:///{store}") as bot:
            users = await burst(fake)
            await settled(fake, users)
            assert (await bot.stop())[0] == 0
    finally:
        await fake.stop()
    return {u.chat["id"]: received(u) for u in users}, sessions(store)


async def test_polling_bot_killed_mid_burst_applies_and_answers_every_update_once(tmp_path: Path) -> None:
    expected, expected_sessions = await reference(tmp_path)
    messages = sum(len(t) for t in expected.values())
    fake = await FakeTelegram().start()
    store = tmp_path / "crash.db"
    env = {"BOT_STORE": f"sqlite:///{store}"}
    kills = 0
    try:
        async with bot_process(fake, **env) as bot:
            users = await burst(fake)
            await until(users, int(messages * KILL_AT[0]))
            bot.proc.send_signal(signal.SIGKILL)
            kills += 1
        async with bot_process(fake, **env) as bot:
            await until(users, int(messages * KILL_AT[1]))
            bot.proc.send_signal(signal.SIGKILL)
            kills += 1
        async with bot_process(fake, **env) as bot:
            await settled(fake, users)
            code, err = await bot.stop()
        assert code == 0 and "Traceback" not in err, err
    finally:
        await fake.stop()

    # applied exactly once: every conversation ends where the run without kills ended
    assert sessions(store) == expected_sessions
    changed = 0
    for user in users:
        got, want = received(user), expected[user.chat["id"]]
        assert got[-1] == want[-1], f"user {user.chat['id']} did not end at her last answer"
        # answered: the messages of the run without kills arrived, in order, except that a
        # kill can hit one turn of each chat between its commit and the mark that its replies
        # were delivered; after the restart that turn is answered with the current question
        diff = SequenceMatcher(a=want, b=got, autojunk=False).get_opcodes()
        changes = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in diff if tag != "equal"]
        assert len(changes) <= kills, (user.chat["id"], changes)
        for i1, i2, j1, j2 in changes:
            assert i2 - i1 <= MAX_TURN and j2 - j1 <= MAX_TURN, (user.chat["id"], want[i1:i2], got[j1:j2])
            assert all(text in want for text in got[j1:j2])  # nothing foreign, only her questions
        changed += len(changes)
    print(f"\n{USERS} users, {messages} messages, {kills} kills, {changed} turns answered anew")
