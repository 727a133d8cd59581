"""Three webhook workers on one Redis behind a round-robin proxy, one of them killed mid-run;
and one worker on SQLite killed mid-burst and restarted. Users walk whole conversations; every
one must see exactly the messages of her own path."""

from __future__ import annotations

import asyncio
import functools
import random
import signal

from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_telegram.cluster import RoundRobin, Walk, free_port, start_worker, wait_healthy, walk
from tests.helpers import make_engine

USERS = 200
AT_ONCE = 60  # users in the middle of a conversation at the same time


def check_transcript(w: Walk, may_repeat: set[int]) -> tuple[list[str], int]:
    """What is wrong with what she saw (missing, extra or out-of-order messages), and how many
    of her messages were affected by the kill.

    Only an update that was in flight at the killed worker (`may_repeat`) may differ, in one of
    two ways: its worker died after sending the reply and before noting the delivery, so the
    redelivery sends the current question once more; or it died after saving the turn and before
    sending, so the redelivery answers with the current question instead of the lost reply (for
    a question that is the same message; for an extra such as Sources she sees the advice again).
    Each such update allows one of these; everything else must match exactly."""
    got = [m.history[0] if m.history else m.text for m in sorted(w.user.messages.values(), key=lambda m: m.message_id)]
    blocks = list(zip(w.updates, w.expected, strict=True))
    budget = len(may_repeat & set(w.updates))

    @functools.cache
    def fits(i: int, b: int, k: int, left: int) -> bool:
        """got[i:] matches blocks[b:] from message k of block b, with `left` deviations to spend."""
        if b == len(blocks):
            return i == len(got) or (left > 0 and got[i] in seen(b, 0) and fits(i + 1, b, 0, left - 1))
        uid, block = blocks[b]
        if k == len(block):
            return fits(i, b + 1, 0, left)
        if i < len(got) and got[i] == block[k] and fits(i + 1, b, k + 1, left):
            return True
        if left and i < len(got) and got[i] in seen(b, k) and fits(i + 1, b, k, left - 1):
            return True  # a question shown once more
        if not (left and k == 0 and uid in may_repeat):
            return False
        if i < len(got) and got[i] in seen(b, 0) and fits(i + 1, b + 1, 0, left - 1):
            return True  # the reply replaced by the current question
        if i < len(got) and got[i] == block[-1] and fits(i + 1, b + 1, 0, left - 1):
            return True  # the reply replaced by the question it led to (without its "You said" line)
        return fits(i, b + 1, 0, left - 1)  # the reply lost, the question is already on screen

    def seen(b: int, k: int) -> set[str]:
        return {t for _, block in blocks[:b] for t in block} | set(blocks[b][1][:k] if b < len(blocks) else ())

    for left in range(budget + 1):
        if fits(0, 0, 0, left):
            return [], left
    expected = [t[:40] for _, block in blocks for t in block]
    return [f"expected {expected}, got {[t[:40] for t in got]}"], budget


async def run_users(
    fake: FakeTelegram, count: int, seed: int, *, first_chat: int = 700_000
) -> list[Walk | BaseException]:
    """`count` users walking whole conversations, at most AT_ONCE at a time."""
    model = make_engine()
    slots = asyncio.Semaphore(AT_ONCE)
    rng = random.Random(seed)

    async def one(n: int) -> Walk:
        async with slots:
            return await walk(fake.user(first_chat + n), model, random.Random(rng.random()))

    return await asyncio.gather(*(one(n) for n in range(count)), return_exceptions=True)


async def scenario(
    store: str, *, workers: int, users: int, restart: bool, duplicates: float, seed: int
) -> None:
    """Run `users` conversations through `workers` workers behind the proxy; SIGKILL one worker
    well into the run (and start it again when `restart`); check what every user saw."""
    fake = await FakeTelegram().start()
    fake.webhook_connections, fake.webhook_duplicates = 16, duplicates
    proxy = RoundRobin([free_port() for _ in range(workers)])
    hook = f"http://127.0.0.1:{await proxy.start()}/tg"
    running = [await start_worker(fake, hook, store, port=port) for port in proxy.upstreams]
    may_repeat: set[int] = set()
    try:
        await wait_healthy(running)
        walking = asyncio.ensure_future(run_users(fake, users, seed))
        while len(fake.called("sendMessage")) < users * 2 and not walking.done():  # well into the run
            await asyncio.sleep(0.01)
        victim = running[-1]
        may_repeat |= proxy.in_flight[victim.port]
        victim.kill()
        killed = await victim.proc.wait()
        if restart:
            running[-1] = await start_worker(fake, hook, store, port=victim.port)
        else:
            running.pop()  # the proxy keeps it as an upstream that refuses connections
        walks = await asyncio.wait_for(walking, 90)
    finally:
        codes = [await w.stop() for w in running]
        await proxy.stop()
        await fake.stop()
    assert killed == -signal.SIGKILL and codes == [0] * len(running), [w.output()[-800:] for w in running]
    failed = [w for w in walks if isinstance(w, BaseException)]
    assert not failed, f"{len(failed)} of {users} users got stuck, first: {failed[0]!r}"
    checked = {w.user.chat["id"]: check_transcript(w, may_repeat) for w in walks}
    problems = {k: v for k, (v, _) in checked.items() if v}
    assert not problems, f"{len(problems)} users saw wrong messages: {list(problems.items())[:3]}"
    assert sum(w.unanswered for w in walks) == 0, "every button press is answered"
    assert fake.parallel is not None and (fake.parallel.duplicated or not duplicates)
    assert 403 not in fake.webhook.failures, "no worker refused another's secret (none was configured)"
    assert all(proxy.served[port] > 0 for port in proxy.upstreams)
    for w in walks:
        live = [m.text[:30] for m in w.user.messages.values() if m.keyboard]
        assert len(live) <= 1 or may_repeat & set(w.updates), f"answered questions kept buttons: {live}"
    for w in running:
        assert "Traceback" not in w.output() and TOKEN not in w.output()
    affected = sum(n for _, n in checked.values())
    print(
        f"{len(walks)} users, {sum(len(w.updates) for w in walks)} updates, "
        f"{len(fake.parallel.duplicated)} delivered twice, {len(may_repeat)} in flight at the kill, "
        f"{affected} users' messages differed because of it, {len(proxy.dropped)} dropped by the killed worker"
    )


async def test_three_workers_on_redis_one_killed(redis_url: str) -> None:
    """200 users, three workers on one Redis, updates in parallel and sometimes twice, one
    worker killed with SIGKILL mid-run."""
    store = redis_url.rsplit("/", 1)[0] + "/7"
    await scenario(store, workers=3, users=USERS, restart=False, duplicates=0.05, seed=11)


async def test_a_webhook_worker_killed_mid_burst_on_sqlite_loses_nothing(tmp_path) -> None:
    """One worker on SQLite, SIGKILL mid-burst, started again: every update answered, none
    applied twice."""
    store = f"sqlite:///{tmp_path / 'crash.db'}"
    await scenario(store, workers=1, users=80, restart=True, duplicates=0.0, seed=5)
