"""How near the raw trigger an engine turn could get if it stored nothing: a bound, not a mode.

The engine is run with its session kept as a live object between turns (no restore from stored
data, no session dict, no JSON) and a store that keeps nothing, interleaved with the raw
`transitions` trigger as in bench_core.py. What is left is the turn itself: the conversation's
lock, the checks that the button belongs to her current question, the trigger, the cached reply
and the calls between them. It shows how much of the gap to the raw trigger the stored,
compare-and-set write accounts for.

Usage: python bench/bench_bound.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_core import CHUNK, EngineWalker, RawWalker, make_engine  # noqa: E402
from bench.harness import interleaved  # noqa: E402
from bot import engine as engine_module  # noqa: E402
from bot.session import Session  # noqa: E402
from bot.storage.base import Stored  # noqa: E402


class KeepsNothing:
    """A store that writes nothing: every put succeeds, every get finds nothing."""

    async def get(self, key: str) -> Stored | None:
        """Nothing is ever stored."""
        return None

    async def put(self, key: str, data: dict[str, Any], *, rev: int) -> bool:
        """Accept the write and drop it."""
        return True

    async def delete(self, key: str) -> None:
        """Nothing to delete."""

    async def close(self) -> None:
        """Nothing to close."""


def live_restore(flow: Any, events: Any, raw: dict[str, Any] | None, lang: str | None) -> tuple[Session, bool, bool]:
    """The session object itself, as the previous turn left it (the committer remembers it)."""
    if raw is None:
        return Session(flow.start, flow.version, lang=lang), True, False
    return raw["live"], False, False


async def measure(rounds: int) -> list[float]:
    """Per round: turns/s of the bound engine over raw triggers/s."""
    engine = make_engine("memory://")
    engine.store = KeepsNothing()  # type: ignore[assignment]
    engine_module.restore = live_restore  # type: ignore[assignment]
    Session.to_dict = lambda self: {"live": self}  # type: ignore[method-assign]
    variants = {"raw": RawWalker(engine).run, "bound": EngineWalker(engine, "b").run}
    for run in variants.values():
        await run(CHUNK)
    rates = await interleaved(variants, rounds=rounds, chunks=5, size=CHUNK)
    return rates.ratio("bound", "raw")


def main() -> None:
    """Print the bound's ratio to the raw trigger: median (min-max) over the rounds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    ratios = asyncio.run(measure(parser.parse_args().rounds))
    print(
        f"engine turn storing nothing / raw transitions trigger: {statistics.median(ratios):.2f} "
        f"({min(ratios):.2f}-{max(ratios):.2f}) over {len(ratios)} interleaved rounds"
    )


if __name__ == "__main__":
    main()
