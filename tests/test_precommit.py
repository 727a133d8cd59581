"""The pre-commit hooks run the same checks as `make test`, with the tools of the venv."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import yaml

from tests.helpers import ROOT

HOOKS = {h["id"]: h for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"]
         for h in repo["hooks"]}


def command(hook: dict) -> list[str]:
    """The hook's entry, with the venv's Python as this test's Python."""
    words = shlex.split(hook["entry"])
    return [sys.executable, *words[1:]] if words[0].endswith("/bin/python") else words


def test_there_are_hooks_for_ruff_mypy_and_the_content_lint() -> None:
    assert {"ruff", "mypy", "mamaflow-lint"} <= set(HOOKS)
    assert all(h["language"] == "system" for h in HOOKS.values()), "the same tool versions as make test"


def test_the_ruff_and_lint_hooks_pass_on_the_repository() -> None:
    files = [str(p.relative_to(ROOT)) for d in ("bot", "tests", "bench", "docs") for p in (ROOT / d).rglob("*.py")]
    for hook_id, args in (("ruff", [*files, "setup.py"]), ("mamaflow-lint", [])):
        proc = subprocess.run([*command(HOOKS[hook_id]), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, f"{hook_id}: {proc.stdout}{proc.stderr}"


def test_the_mypy_hook_runs_what_make_test_runs() -> None:
    makefile = (ROOT / "Makefile").read_text()
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"-m mypy\b", test_recipe), "make test runs mypy"
    assert command(HOOKS["mypy"])[1:] == ["-m", "mypy"], "both read the [tool.mypy] settings of pyproject.toml"
    assert HOOKS["mypy"]["pass_filenames"] is False
