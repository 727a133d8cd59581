"""Engine speed: turns per second with the memory, SQLite and Redis stores, the raw transitions
floor, and how long `python -m bot lint` takes on the shipped content.

Redis is a real redis-server started on a free loopback port (skipped when it is not installed).

Usage: make bench   (or: python bench/bench_engine.py [--turns N])
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402
from bot.events import Incoming  # noqa: E402
from bot.flow.walk import Path as FlowPath  # noqa: E402
from bot.flow.walk import walk  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from bot.lint import check_content  # noqa: E402
from bot.session import Session  # noqa: E402
from bot.storage import MemoryStore, SQLiteStore  # noqa: E402
from bot.storage.redis import RedisStore  # noqa: E402

USERS = 1000


def content_dir() -> Path:
    """The shipped content if it is clean, else the tests' mini content."""
    found = check_content(ROOT / "flows", ROOT / "locales")
    return ROOT if not found.errors and "triage" in found.flows else ROOT / "tests" / "fixtures" / "mini"


def paths(engine: Engine) -> list[tuple[tuple[str, str], ...]]:
    """Every root-to-outcome path of the flow."""
    return [p.answers for p in walk(engine.flow) if isinstance(p, FlowPath)]


async def engine_rate(engine: Engine, turns: int) -> float:
    """Button presses per second through `Engine.handle`, many users walking every path."""
    all_paths = paths(engine)
    plan = []  # (user, node, option) in order; each user walks paths one after another
    for u in range(USERS):
        path = all_paths[u % len(all_paths)]
        plan.append([(f"bench:{u}", node, option) for node, option in path])
    incoming = []
    i = 0
    while len(incoming) < turns:
        for steps in plan:
            key, node, option = steps[i % len(steps)]
            incoming.append(Incoming(key, option=option, node=node))
            if len(incoming) >= turns:
                break
        i += 1
    # The plan restarts each user's path after its outcome: press /restart there.
    handle = engine.handle
    done = 0
    start = time.perf_counter()
    for inc in incoming:
        replies = await handle(inc)
        done += 1
        if replies[-1].kind == "outcome":
            await handle(Incoming(inc.key, text="/restart"))
            done += 1
    return done / (time.perf_counter() - start)


def raw_rate(engine: Engine, turns: int) -> float:
    """The floor: the same triggers on the same compiled machine, no engine around them."""
    all_paths = paths(engine)
    events = engine.machine.events
    sessions = [Session(engine.flow.start, engine.flow.version) for _ in all_paths]
    done = 0
    start = time.perf_counter()
    while done < turns:
        for session, path in zip(sessions, all_paths, strict=True):
            session.state, session.answers = engine.flow.start, []
            for _node, option in path:
                events[option].trigger(session)
            done += len(path)
    return done / (time.perf_counter() - start)


def lint_seconds() -> float:
    """Wall time of `python -m bot lint` on the shipped content (a fresh process)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", "lint"], cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - start


def start_redis(tmp: str) -> tuple[subprocess.Popen, str] | None:
    """A throwaway redis-server on a free loopback port (no persistence), or None."""
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmp],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    return None


def make_engine(content: Path, store) -> Engine:
    found = check_content(content / "flows", content / "locales")
    return Engine(found.flows["triage"], Catalog(found.locales), store)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100_000)
    args = parser.parse_args()
    content = content_dir()
    with tempfile.TemporaryDirectory() as tmp:
        mem = make_engine(content, MemoryStore())
        sql = make_engine(content, SQLiteStore(Path(tmp) / "bench.db"))
        raw = raw_rate(mem, args.turns)
        memory = await engine_rate(mem, args.turns)
        sqlite = await engine_rate(sql, max(args.turns // 2, 1000))
        await sql.store.close()
        redis = None
        server = start_redis(tmp)
        if server is not None:
            red = make_engine(content, RedisStore.from_url(server[1], ttl=30 * 86400))
            redis = await engine_rate(red, max(args.turns // 10, 1000))
            await red.store.close()
            server[0].terminate()
            server[0].wait()
    lint = lint_seconds()
    cpu = platform.processor() or platform.machine()
    print(
        f"content: {content.relative_to(ROOT) if content != ROOT else 'shipped flows/'}, "
        f"{len(mem.flow.nodes)} nodes, {len(paths(mem))} paths"
    )
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print()
    print(f"{'measure':<38}{'result':>14}{'target':>16}")
    print(f"{'raw transitions trigger':<38}{raw:>10,.0f} /s{'(floor)':>16}")
    print(f"{'engine turn, memory store':<38}{memory:>10,.0f} /s{'>= 50,000 /s':>16}")
    print(f"{'engine turn / raw trigger':<38}{memory / raw:>12.0%}{'>= 50%':>16}")
    print(f"{'engine turn, SQLite store':<38}{sqlite:>10,.0f} /s{'>= 15,000 /s':>16}")
    if redis is None:
        print(f"{'engine turn, Redis store':<38}{'skipped':>12}  (redis-server is not installed)")
    else:
        print(f"{'engine turn, Redis store (loopback)':<38}{redis:>10,.0f} /s{'':>16}")
    print(f"{'python -m bot lint (whole process)':<38}{lint:>12.2f} s{'< 1 s':>16}")


if __name__ == "__main__":
    asyncio.run(main())
