"""Adding a symptom takes only what docs/flow-format.md says ("Adding a symptom, end to end").

Follows those steps in a copy of the repository, then runs lint, `make docs` and the content
tests there: the new symptom must be linted, snapshotted and walked without editing any test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT, make_engine

LANGS = sorted(p.stem for p in (ROOT / "locales").glob("*.yaml"))


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, env=env, timeout=120)


def wrist_flow(stroke_outcome: str, source: str) -> str:
    """Step 1: a small symptom flow with its screen, a reused sub-flow and two outcomes."""
    return f"""# yaml-language-server: $schema=flow.schema.json
flow: triage

nodes:
  screen_wrist:
    ask: q.screen_wrist
    summary: sum.screen
    options:
      - {{id: face_arm_speech, next: {stroke_outcome}}}
      - {{id: none, next: sev_wrist}}

  sev_wrist:
    use: pain_severity
    with: {{mild: out_wrist_self_care, moderate: out_wrist_routine, severe: out_wrist_routine}}

  out_wrist_self_care:
    outcome: self_care
    title: out.wrist_self_care
    do:
      - {{text: adv.wrist.rest, source: {source}}}
    worse:
      - {{text: worse.wrist, source: {source}}}

  out_wrist_routine:
    outcome: routine
    title: out.wrist_routine
    do:
      - {{text: adv.wrist.rest, source: {source}}}
    worse:
      - {{text: worse.wrist, source: {source}}}
"""


def test_a_new_symptom_needs_only_the_documented_steps(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    for folder in ("bot", "flows", "locales", "docs", "tests"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, root / name)
    flow = make_engine(ROOT).flow
    hand = {o.id: o for o in flow.nodes["screen_hand_numbness"].options}
    (root / "flows" / "wrist.yaml").write_text(wrist_flow(hand["face_arm_speech"].next[0].to, next(iter(flow.sources))))

    # Step 2: the location option, after the last one.
    triage = root / "flows" / "triage.yaml"
    lines = triage.read_text().splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if re.match(r"\s+- \{id: \w+, next: screen_\w+", line))
    indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
    lines.insert(last + 1, f"{indent}- {{id: wrist, next: screen_wrist}}\n")
    triage.write_text("".join(lines))

    # Step 3: lint names the missing texts, per language; then add them everywhere.
    lint = run(root, "-m", "bot", "lint")
    assert lint.returncode == 1
    for lang in LANGS:
        assert f"'q.screen_wrist' is missing in locales/{lang}.yaml" in lint.stderr, lint.stderr
    for lang in LANGS:
        with (root / "locales" / f"{lang}.yaml").open("a") as f:
            f.write(f'\noption.wrist: "Wrist pain ({lang})"\nq.screen_wrist: "A safety check first ({lang})."\n'
                    f'out.wrist_self_care: "You can look after this at home ({lang})."\n'
                    f'out.wrist_routine: "Book an appointment ({lang})."\nadv.wrist.rest: "Rest it ({lang})."\n'
                    f'worse.wrist: "If it gets worse, get it checked ({lang})."\n')
    lint = run(root, "-m", "bot", "lint")
    assert lint.returncode == 0, lint.stderr

    # Step 5: make docs names what it changed; the snapshot now has the wrist paths.
    docs = run(root, "docs/update_docs.py")
    assert docs.returncode == 0, docs.stderr
    assert "tests/golden/paths.txt" in docs.stdout and "docs/clinical-table.md" in docs.stdout
    assert "wrist" in (root / "tests" / "golden" / "paths.txt").read_text()

    # Step 6: the content tests pass unchanged, and they did walk the new symptom.
    tests = run(root, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_content.py", "-k",
                "covered or screen_first or reaches_advice or snapshot or clinical_table")
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout
