"""Fair timing on a shared, noisy machine: variants interleaved in small chunks, rotating order.

A burst of load from elsewhere then hits every variant of a round alike, so the ratio of two
variants is computed per round and reported as the median (with min-max) over all rounds.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

# A chunk runs `count` units of work and returns how many it did.
Chunk = Callable[[int], Awaitable[int]]


@dataclass
class Rates:
    """Units per second of each variant, one value per round."""

    per_round: dict[str, list[float]] = field(default_factory=dict)

    def median(self, name: str) -> float:
        """The median rate of a variant."""
        return statistics.median(self.per_round[name])

    def ratio(self, top: str, bottom: str) -> list[float]:
        """`top / bottom` in each round."""
        return [a / b for a, b in zip(self.per_round[top], self.per_round[bottom], strict=True)]


async def interleaved(variants: dict[str, Chunk], *, rounds: int, chunks: int, size: int) -> Rates:
    """Run every variant `chunks` times per round in rotating order; rate = units / time per round."""
    names = list(variants)
    rates = Rates({n: [] for n in names})
    for r in range(rounds):
        done = dict.fromkeys(names, 0)
        spent = dict.fromkeys(names, 0.0)
        for c in range(chunks):
            shift = (r + c) % len(names)
            for name in names[shift:] + names[:shift]:
                start = time.perf_counter()
                done[name] += await variants[name](size)
                spent[name] += time.perf_counter() - start
        for name in names:
            rates.per_round[name].append(done[name] / spent[name])
    return rates


def summary(values: list[float]) -> dict[str, float]:
    """Median, min and max of a list of figures."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def in_processes(script: str, runs: int, args: list[str]) -> list[dict]:
    """Run `script --json ARGS` in `runs` fresh processes; each prints one JSON object."""
    found = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, script, "--json", *args], capture_output=True, text=True, check=True
        ).stdout
        found.append(json.loads(out.strip().splitlines()[-1]))
    return found


def merge(results: list[dict]) -> dict[str, dict[str, float]]:
    """Per measure: the median of the processes' medians, and the overall min-max of rounds."""
    merged: dict[str, dict[str, float]] = {}
    for name in results[0]:
        medians = [r[name]["median"] for r in results]
        merged[name] = {
            "median": statistics.median(medians),
            "min": min(r[name]["min"] for r in results),
            "max": max(r[name]["max"] for r in results),
        }
    return merged
