"""Updates per second through 1, 2 and 3 webhook workers on one Redis (loopback), each as a
ratio to one worker, measured in one run with the rounds interleaved.

Each measurement: a fresh fake Bot API, the round-robin proxy, N `python -m bot telegram`
workers on one Redis database, and USERS users walking whole conversations (at most AT_ONCE at
a time, answering without a pause, updates delivered over 16 connections). Rate = updates / wall time from the first
update to the last reply. The fake, the proxy and the users run in this process, on the same
cores as the workers, so the figures say how the set-up scales on this machine, not what a
bigger one would do. Figures are reported, never tested.

    python bench/bench_workers.py [--users 150] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.cluster import RoundRobin, free_port, start_worker, wait_healthy, walk
from tests.helpers import make_engine

AT_ONCE = 100  # users in a conversation at the same time; they answer at once (no pause)
WORKERS = (1, 2, 3)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A throw-away redis-server on a free loopback port, without persistence; its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("bench_workers: redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        proc = subprocess.Popen([*args, "--dir", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                    break
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(10)


async def measure(redis_url: str, workers: int, users: int, seed: int) -> float:
    """Updates per second of one run with `workers` workers."""
    fake = await FakeTelegram().start()
    fake.webhook_connections = 16
    proxy = RoundRobin([free_port() for _ in range(workers)])
    hook = f"http://127.0.0.1:{await proxy.start()}/tg"
    store = f"{redis_url.rsplit('/', 1)[0]}/{10 + seed % 5}"
    running = [await start_worker(fake, hook, store, port=port) for port in proxy.upstreams]
    model = make_engine()
    slots = asyncio.Semaphore(AT_ONCE)
    rng = random.Random(seed)

    async def one(n: int) -> int:
        async with slots:
            user = fake.user(800_000 + seed * 10_000 + n)
            done = await walk(user, model, random.Random(rng.random()), think=(0.0, 0.0))
            return len(done.updates)

    try:
        await wait_healthy(running)
        start = time.perf_counter()
        counts = await asyncio.gather(*(one(n) for n in range(users)))
        elapsed = time.perf_counter() - start
    finally:
        for w in running:
            await w.stop()
            os.unlink(w.log.name)
        await proxy.stop()
        await fake.stop()
    return sum(counts) / elapsed


async def main(users: int, rounds: int) -> None:
    rates: dict[int, list[float]] = {n: [] for n in WORKERS}
    with redis_server() as url:
        for r in range(rounds):
            order = WORKERS[r % len(WORKERS) :] + WORKERS[: r % len(WORKERS)]
            for n in order:
                rates[n].append(await measure(url, n, users, seed=r * 10 + n))
    print(f"webhook workers on one Redis (loopback), {users} users per run, {rounds} rounds interleaved")
    print(f"  machine: {os.cpu_count()} cores, shared with the fake Bot API, proxy and users")
    base = statistics.median(rates[1])
    for n in WORKERS:
        med = statistics.median(rates[n])
        ratios = [a / b for a, b in zip(rates[n], rates[1], strict=True)]
        print(
            f"  {n} worker{'s' if n > 1 else ' '}: {med:7.1f} updates/s   x{med / base:.2f} of one worker"
            f"   (per round: {', '.join(f'x{q:.2f}' for q in ratios)})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.users, args.rounds))
