"""The long fuzz run behind `make soak`: the engine state machine and the console, for minutes.

    python -m tests.soak [--seconds 300] [--console-lines 5000] [--sqlite]

Runs the hypothesis state machine of tests/fuzzing.py again and again (a fresh random seed
each round, failures shrunk), then feeds random lines to the console's --jsonl mode, and
reports how many inputs it tried and what failed. Exit 0 when nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.fuzzing import EngineFuzz, console_lines, run_console_fuzz

ROUND = settings(
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    database=None,
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
)


def soak_engine(seconds: float) -> tuple[int, int, dict[str, str]]:
    """Rounds of the state machine until `seconds` pass: (rounds, inputs, failures by kind)."""
    failures: dict[str, str] = {}
    rounds, start = 0, time.monotonic()
    while time.monotonic() - start < seconds:
        rounds += 1
        try:
            run_state_machine_as_test(EngineFuzz, settings=ROUND)
        except Exception as exc:  # a failing example: note it, shrunk, and go on
            kind = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
            failures.setdefault(kind, str(exc)[:4000])
            print(f"round {rounds}: FAILED {kind}", file=sys.stderr)
    return rounds, EngineFuzz.inputs, failures


def main(argv: list[str] | None = None) -> int:
    """Run both soaks and print the figures."""
    p = argparse.ArgumentParser(prog="python -m tests.soak", description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=300, help="time for the engine state machine")
    p.add_argument("--console-lines", type=int, default=5000, help="random lines fed to the console")
    p.add_argument("--seed", type=int, default=None, help="seed of the console lines")
    p.add_argument("--sqlite", action="store_true", help="run the engine on SQLite files, not in memory")
    args = p.parse_args(argv)
    EngineFuzz.sqlite = args.sqlite

    began = time.monotonic()
    rounds, inputs, failures = soak_engine(args.seconds)
    engine_time = time.monotonic() - began
    store = "SQLite" if args.sqlite else "memory"
    print(f"engine ({store} store): {inputs} inputs in {rounds} rounds ({engine_time:.0f} s), {len(failures)} kind(s) of failure")
    for kind, detail in failures.items():
        print(f"  FAILED {kind}\n{detail}\n")

    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        problems = run_console_fuzz(console_lines(args.console_lines, seed), Path(tmp))
    console_time = time.monotonic() - began
    print(
        f"console --jsonl: {args.console_lines} lines (seed {seed}, {console_time:.0f} s), "
        f"{len(problems)} problem(s)"
    )
    for problem in problems[:20]:
        print(f"  FAILED {problem}")
    return 1 if failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
