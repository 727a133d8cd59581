"""The engine and the console under random input (issue 10; STYLE.md point 15).

A bounded budget here (a few seconds); `make soak` runs the same fuzzers for minutes.
"""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

from tests.fuzzing import EngineFuzz, console_lines, run_console_fuzz

# No shrinking here, so a failure fails fast and prints its steps; `make soak` shrinks.
EngineFuzz.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TestEngineFuzz = EngineFuzz.TestCase


def test_console_jsonl_answers_random_lines_with_json(tmp_path: Path) -> None:
    seed = random.randrange(1 << 32)
    problems = run_console_fuzz(console_lines(300, seed), tmp_path)
    assert not problems, f"seed {seed}: " + "\n".join(problems[:10])
