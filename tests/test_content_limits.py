"""Hostile or broken content files: lint and start-up refuse them with `file:line: message` (issue 10, D3, D13).

Each case runs `python -m bot` as a real process with a memory limit, so a YAML bomb that
would eat the machine fails the test instead.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import MINI, ROOT, copy_content

MEMORY_LIMIT = 1 << 30  # 1 GiB of address space for the process under test

BILLION_LAUGHS = """\
flow: triage
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def bot(*args: str, content: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `python -m bot ARGS` on `content` (flows/ and locales/) with a memory cap."""
    env = {
        **os.environ,
        "BOT_FLOWS_DIR": str(content / "flows"),
        "BOT_LOCALES_DIR": str(content / "locales"),
        "BOT_STORE": "memory://",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="",
        capture_output=True,
        text=True,
        cwd=content,
        env=env,
        timeout=timeout,
        preexec_fn=_limit,
    )


def lint(content: Path) -> subprocess.CompletedProcess:
    return bot("lint", content=content)


def assert_refused(proc: subprocess.CompletedProcess, expected: str) -> None:
    """Exit 1, only `file:line: message` lines on stderr, the expected message among them."""
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if not line.endswith("error(s)")]
    assert lines, "lint must say what is wrong"
    for line in lines:
        path, lineno, message = line.split(":", 2)
        assert path and lineno.isdigit() and message.strip(), line
    assert expected in proc.stderr, proc.stderr


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return copy_content(MINI, tmp_path)


# -- D3: aliases, self-reference, deep nesting --------------------------------------------------


def test_billion_laughs_in_a_flow_is_refused(content: Path) -> None:
    (content / "flows" / "bomb.yaml").write_text(BILLION_LAUGHS)
    assert_refused(lint(content), "bomb.yaml:2: YAML anchors and aliases")


def test_billion_laughs_in_a_locale_is_refused(content: Path) -> None:
    en = content / "locales" / "en.yaml"
    en.write_text(en.read_text() + "\n" + BILLION_LAUGHS.replace("flow: triage\n", ""))
    assert_refused(lint(content), "en.yaml:")
    assert "anchors and aliases" in lint(content).stderr


def test_self_referencing_alias_is_refused(content: Path) -> None:
    (content / "flows" / "x.yaml").write_text("flow: triage\nnodes: &n\n  x: *n\n")
    assert_refused(lint(content), "x.yaml:2: YAML anchors and aliases")


def test_a_harmless_looking_alias_is_refused_too(content: Path) -> None:
    main = content / "flows" / "main.yaml"
    text = main.read_text()
    main.write_text(text.replace("flow: triage", "flow: &name triage", 1))
    assert_refused(lint(content), "main.yaml:")


@pytest.mark.parametrize("shape", ["[" * 5000 + "]" * 5000, "{a: " * 5000 + "1" + "}" * 5000])
def test_deep_nesting_is_refused(content: Path, shape: str) -> None:
    (content / "flows" / "deep.yaml").write_text(f"flow: triage\nx: {shape}\n")
    assert_refused(lint(content), "nested more than 32 levels deep")


def test_deep_block_nesting_is_refused(content: Path) -> None:
    body = "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "v\n"
    (content / "flows" / "deep.yaml").write_text(
        "flow: triage\nx:\n" + "".join("  " + ln + "\n" for ln in body.splitlines())
    )
    assert_refused(lint(content), "deep.yaml:33: nested more than 32 levels deep")


def test_start_up_refuses_a_bomb_the_same_way(content: Path) -> None:
    (content / "flows" / "bomb.yaml").write_text(BILLION_LAUGHS)
    proc = bot("console", "--jsonl", content=content)
    assert_refused(proc, "bomb.yaml:2: YAML anchors and aliases")
    assert proc.stdout == ""


# -- D13: huge files, symlink loops, the flow the bot runs ----------------------------------------


def test_a_50_mb_flow_file_is_refused_by_its_size(content: Path) -> None:
    source = '  s{}: {{name: "A source", url: "https://example.org/{}"}}\n'
    chunk = "".join(source.format(i, i) for i in range(1000))
    with (content / "flows" / "huge.yaml").open("w") as f:
        f.write("flow: triage\nsources:\n")
        while f.tell() < 50_000_000:
            f.write(chunk)
    assert_refused(lint(content), "huge.yaml:1: file is larger than 1024 KB")


def test_a_50_mb_locale_of_comments_is_refused_by_its_size(content: Path) -> None:
    en = content / "locales" / "en.yaml"
    with en.open("a") as f:
        line = "# " + "x" * 98 + "\n"
        f.write(line * 500_000)
    assert_refused(lint(content), "en.yaml:1: file is larger than 1024 KB")


def test_symlink_loop_in_flows_is_an_error(content: Path) -> None:
    (content / "flows" / "loop.yaml").symlink_to("loop.yaml")
    assert_refused(lint(content), "loop.yaml:0: cannot read file")


def test_symlink_loop_in_locales_is_an_error(content: Path) -> None:
    (content / "locales" / "zz.yaml").symlink_to("zz.yaml")
    assert_refused(lint(content), "zz.yaml:0: cannot read file")


def test_content_without_the_flow_the_bot_runs_fails_lint(content: Path) -> None:
    main = content / "flows" / "main.yaml"
    main.write_text(main.read_text().replace("flow: triage", "flow: other", 1))
    proc = lint(content)
    assert_refused(proc, "no flow named 'triage', the flow the bot runs (flows: other)")
    # the same content at start-up gives the same reason
    started = bot("console", "--jsonl", content=content)
    assert started.returncode == 1
    assert "no flow named 'triage'" in started.stderr


def test_shipped_content_is_within_the_limits() -> None:
    for path in [*(ROOT / "flows").glob("*.yaml"), *(ROOT / "locales").glob("*.yaml")]:
        assert path.stat().st_size < (1 << 20) // 4, f"{path.name} is close to the 1 MB cap"
