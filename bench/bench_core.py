"""Core speed, measured fairly: engine vs raw transitions, SQLite vs memory, 1M vs 1k sessions,
and the cold start of `lint` and of the console (fresh processes reading compiled bytecode, as an
installed wheel has it; the first run after editing a checkout also compiles the changed modules).

Every rate counts the same unit, one button press (a transitions trigger), and variants are
interleaved in small chunks with a rotating order (bench/harness.py); ratios are per round.

Usage: python bench/bench_core.py [--rounds 5] [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transitions import core as transitions_core  # noqa: E402

from bench.harness import in_processes, interleaved, merge, summary  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.events import Incoming  # noqa: E402
from bot.flow.walk import Path as FlowPath  # noqa: E402
from bot.flow.walk import walk  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from bot.lint import check_content  # noqa: E402
from bot.session import Session  # noqa: E402
from bot.storage import open_store  # noqa: E402

CHUNK = 2000  # presses per chunk


def make_engine(store_url: str) -> Engine:
    """An engine on the shipped content and the store at `store_url`."""
    found = check_content(ROOT / "flows", ROOT / "locales")
    return Engine(found.flows["triage"], Catalog(found.locales), open_store(store_url))


class EngineWalker:
    """Users walking every path through `Engine.handle`, each walk a new conversation."""

    def __init__(self, engine: Engine, prefix: str):
        self.engine = engine
        self.paths = [p.answers for p in walk(engine.flow) if isinstance(p, FlowPath)]
        self.prefix = prefix
        self.walk = 0
        self.step = 0

    async def run(self, presses: int) -> int:
        """Press `presses` buttons; return how many were pressed."""
        handle = self.engine.handle
        done = 0
        while done < presses:
            path = self.paths[self.walk % len(self.paths)]
            key = f"{self.prefix}:{self.walk}"
            node, option = path[self.step]
            await handle(Incoming(key, option=option, node=node))
            done += 1
            self.step += 1
            if self.step == len(path):
                self.step = 0
                self.walk += 1
        return done


class RawWalker:
    """The floor: the same triggers on the same compiled machine, sessions reset after each walk."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.paths = [p.answers for p in walk(engine.flow) if isinstance(p, FlowPath)]
        self.session = Session(engine.flow.start, engine.flow.version)
        self.walk = 0
        self.step = 0

    async def run(self, presses: int) -> int:
        """Trigger `presses` events; return how many were triggered."""
        events, session = self.engine.machine.events, self.session
        done = 0
        while done < presses:
            path = self.paths[self.walk % len(self.paths)]
            events[path[self.step][1]].trigger(session)
            done += 1
            self.step += 1
            if self.step == len(path):
                session.state, session.answers = self.engine.flow.start, []
                self.step = 0
                self.walk += 1
        return done


async def trigger_share(engine: Engine, presses: int) -> dict[str, float]:
    """Of an engine turn (memory store): microseconds inside the transitions trigger, and the rest.

    A diagnostic, not one of the interleaved figures: each trigger is timed by a wrapper.
    """
    original = transitions_core.Event.trigger
    spent = [0.0]

    def timed(event: transitions_core.Event, model: object, *args: object, **kwargs: object) -> bool:
        start = time.perf_counter()
        try:
            return bool(original(event, model, *args, **kwargs))
        finally:
            spent[0] += time.perf_counter() - start

    walker = EngineWalker(engine, "share")
    await walker.run(presses // 4)  # warm
    transitions_core.Event.trigger = timed  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        await walker.run(presses)
        total = time.perf_counter() - start
    finally:
        transitions_core.Event.trigger = original  # type: ignore[method-assign]
    return {"trigger_us": 1e6 * spent[0] / presses, "rest_us": 1e6 * (total - spent[0]) / presses}


def fill_sqlite(path: Path, rows: int) -> None:
    """Copy one stored session `rows` times under other keys, whatever the store's schema is."""
    db = sqlite3.connect(path)
    (table,) = db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name LIMIT 1").fetchone()
    cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
    key = next(r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[5])  # the primary key
    (seed,) = db.execute(f"SELECT {key} FROM {table} LIMIT 1").fetchone()
    others = ", ".join(c for c in cols if c != key)
    db.execute(
        f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        f"INSERT INTO {table} ({key}, {others}) SELECT 'fill:' || i, {others} FROM n, {table} WHERE {key} = ?",
        (rows, seed),
    )
    db.commit()
    db.close()


def cold_seconds(args: list[str], *, stdin: str = "", until: str | None = None) -> float:
    """Wall time of a fresh `python -m bot ARGS` process (to exit, or to the first line containing `until`)."""
    start = time.perf_counter()
    if until is None:
        subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, input=stdin, text=True)
        return time.perf_counter() - start
    with subprocess.Popen(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if until in line:
                break
        elapsed = time.perf_counter() - start
        proc.kill()
    return elapsed


async def measure(rounds: int) -> dict[str, dict[str, float]]:
    """One process's figures: per-round ratios and rates, summarised."""
    with tempfile.TemporaryDirectory() as tmp:
        mem = make_engine("memory://")
        small = make_engine(f"sqlite:///{tmp}/small.db")
        big_path = Path(tmp) / "big.db"
        big = make_engine(f"sqlite:///{big_path}")
        await EngineWalker(big, "seed").run(3)
        await big.store.close()
        fill_sqlite(big_path, 1_000_000)
        big = make_engine(f"sqlite:///{big_path}")
        await EngineWalker(small, "seed").run(3)
        fill_sqlite(Path(tmp) / "small.db", 1_000)
        walkers = {
            "raw": RawWalker(mem).run,
            "memory": EngineWalker(mem, "m").run,
            "sqlite_1k": EngineWalker(small, "s").run,
            "sqlite_1m": EngineWalker(big, "b").run,
        }
        for run in walkers.values():  # warm up caches and the page cache
            await run(CHUNK)
        rates = await interleaved(walkers, rounds=rounds, chunks=5, size=CHUNK)
        for engine in (small, big):
            await engine.store.close()
    share = await trigger_share(make_engine("memory://"), 10 * CHUNK)
    lint = [cold_seconds(["lint"]) for _ in range(rounds)]
    console = [
        cold_seconds(["console", "--jsonl", "--store", "memory://"], until='"kind": "question"') for _ in range(rounds)
    ]
    return {
        "engine_memory_per_s": summary(rates.per_round["memory"]),
        "raw_trigger_per_s": summary(rates.per_round["raw"]),
        "engine_over_raw": summary(rates.ratio("memory", "raw")),
        "sqlite_per_s": summary(rates.per_round["sqlite_1k"]),
        "sqlite_over_memory": summary(rates.ratio("sqlite_1k", "memory")),
        "sqlite_1m_over_1k": summary(rates.ratio("sqlite_1m", "sqlite_1k")),
        "lint_cold_s": summary(lint),
        "console_first_question_s": summary(console),
        "turn_trigger_us": summary([share["trigger_us"]]),
        "turn_rest_us": summary([share["rest_us"]]),
    }


ROWS = [  # (measure, label, format, goal)
    ("engine_over_raw", "engine turn (memory) / raw transitions trigger", "{:.2f}", ">= 0.6"),
    ("sqlite_over_memory", "engine turn, SQLite / engine turn, memory", "{:.2f}", ">= 0.6"),
    ("sqlite_1m_over_1k", "SQLite turn rate, 1M stored sessions / 1k", "{:.2f}", ">= 0.9"),
    ("lint_cold_s", "python -m bot lint, cold, whole process", "{:.2f} s", "<= 0.25 s"),
    ("console_first_question_s", "console start to the first question", "{:.2f} s", "<= 0.25 s"),
    ("engine_memory_per_s", "engine turns/s, memory store", "{:,.0f}", ""),
    ("sqlite_per_s", "engine turns/s, SQLite store", "{:,.0f}", ""),
    ("raw_trigger_per_s", "raw transitions triggers/s", "{:,.0f}", ""),
    ("turn_trigger_us", "engine turn: inside the transitions trigger", "{:.1f} us", ""),
    ("turn_rest_us", "engine turn: the rest (lock, load, checks, render, JSON write)", "{:.1f} us", ""),
]


def table(figures: dict[str, dict[str, float]]) -> str:
    """The figures as a Markdown table: median (min-max) and the goal."""
    lines = ["| measure | median (min-max) | goal |", "|---|---|---|"]
    for name, label, fmt, goal in ROWS:
        f = figures[name]
        lines.append(f"| {label} | {fmt.format(f['median'])} ({fmt.format(f['min'])}-{fmt.format(f['max'])}) | {goal} |")
    return "\n".join(lines)


def main() -> None:
    """Run the bench in fresh processes and print the table (or, with --json, one process's figures)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3, help="fresh processes (the median of their medians)")
    parser.add_argument("--json", action="store_true", help="measure in this process, print JSON")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(asyncio.run(measure(args.rounds))))
        return
    # cold processes read compiled bytecode, as an installed wheel has it (pip compiles on install)
    compileall.compile_dir(ROOT / "bot", quiet=1)
    figures = merge(in_processes(__file__, args.runs, ["--rounds", str(args.rounds)]))
    print(f"{args.runs} processes x {args.rounds} interleaved rounds, {os.cpu_count()} cores")
    print(table(figures))


if __name__ == "__main__":
    main()
