"""What a newcomer or an operator meets first: make help, the Python check, --version."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import bot
from tests.helpers import ROOT, SHIPPED, copy_content


def make(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run make in the checkout; never touches the real .venv when VENV is given."""
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def old_python(tmp_path: Path) -> str:
    """A Python older than 3.11: a real one if this machine has one, else a stand-in that reports 3.10."""
    names = ("python3.10", "python3.9", "python3.8")
    candidates = [shutil.which(n) for n in names] + [str(p) for n in names for p in Path.home().glob(f".pyenv/versions/*/bin/{n}")]
    for exe in filter(None, candidates):
        check = subprocess.run([exe, "-c", "import sys; print(sys.version_info < (3, 11))"], capture_output=True, text=True)
        if check.stdout.strip() == "True":
            return exe
    shim = tmp_path / "python3.10"  # answers make's two questions as Python 3.10 would
    shim.write_text('#!/bin/sh\ncase "$2" in *"%d"*) echo 3.10 ;; *) echo False ;; esac\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    return str(shim)


def test_make_help_lists_every_documented_target() -> None:
    documented = re.findall(r"^([a-z][a-z-]*):[^#\n]*## (.+)$", (ROOT / "Makefile").read_text(), re.M)
    out = make("help").stdout
    assert [line.split()[1] for line in out.splitlines()] == [name for name, _ in documented]
    for name, text in documented:
        assert re.search(rf"make {name}\s+{re.escape(text)}", out), name
    assert {"chat", "test", "help"} <= {name for name, _ in documented}
    assert make().stdout == out, "plain `make` shows the help"


def test_old_python_gets_one_clear_line_and_no_venv(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    proc = make("chat", f"PYTHON={old_python(tmp_path)}", f"VENV={venv}")
    assert proc.returncode != 0
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "mamaflow needs Python 3.11 or newer" in proc.stderr
    assert "try: make chat PYTHON=python3.11" in proc.stderr
    assert not venv.exists()


def test_missing_python_gets_one_clear_line(tmp_path: Path) -> None:
    proc = make("test", "PYTHON=no-such-python3", f"VENV={tmp_path / 'venv'}")
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0
    assert "'no-such-python3' was not found" in proc.stderr


def test_chat_installs_only_the_runtime_and_test_adds_the_tools(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    chat = make("-n", "chat", f"VENV={venv}").stdout
    assert re.search(r"pip install .* -e \.$", chat, re.M), chat
    assert "[test]" not in chat
    assert "first run: creating" in chat and "installing mamaflow and what the chat needs" in chat
    test = make("-n", "test", f"VENV={venv}").stdout
    assert "-e '.[test]'" in test


def version(env: dict[str, str] | None = None) -> str:
    """What `python -m bot --version` prints."""
    proc = subprocess.run([sys.executable, "-m", "bot", "--version"], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_version_shows_program_and_content_versions() -> None:
    line = version()
    assert re.fullmatch(rf"mamaflow {re.escape(bot.__version__)}, content [0-9a-f]{{12}}, (NOT signed off|signed off by .+) \(.+flows, .+locales\)",
                        line), line


def test_content_version_changes_when_a_content_file_changes(tmp_path: Path) -> None:
    content = copy_content(SHIPPED, tmp_path / "content")
    env = {"BOT_FLOWS_DIR": str(content / "flows"), "BOT_LOCALES_DIR": str(content / "locales")}
    before = version(env)
    assert before.split(" (")[0] == version().split(" (")[0], "a copy has the same fingerprint"
    en = content / "locales" / "en.yaml"
    en.write_text(en.read_text() + "\n# a reviewer's note\n")
    assert version(env).split(" (")[0] != before.split(" (")[0]


def docs_copy(dst: Path) -> Path:
    """A copy of what `make docs` reads and writes."""
    for folder in ("bot", "flows", "locales", "docs", "tests/golden"):
        shutil.copytree(ROOT / folder, dst / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "README.md", dst / "README.md")
    return dst


def update_docs(root: Path) -> str:
    """Run the copy's docs/update_docs.py (what `make docs` runs); its report line."""
    proc = subprocess.run([sys.executable, "docs/update_docs.py"], cwd=root, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if not k.startswith("BOT_")}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_make_docs_reports_only_the_files_it_changed(tmp_path: Path) -> None:
    root = docs_copy(tmp_path / "repo")
    assert update_docs(root) == "up to date: nothing changed"
    table = root / "docs" / "clinical-table.md"
    table.write_text(table.read_text() + "\nstale line\n")
    before = {p: p.stat().st_mtime_ns for p in (root / "README.md", root / "tests/golden/paths.txt")}
    assert update_docs(root) == "updated: docs/clinical-table.md"
    assert "stale line" not in table.read_text()
    assert {p: p.stat().st_mtime_ns for p in before} == before, "unchanged files are not rewritten"


def test_the_preview_step_of_make_docs_reports_only_changed_pages(tmp_path: Path, capsys) -> None:
    from bot.cli import main

    out = tmp_path / "preview"

    def preview() -> str:
        assert main(["preview", "--out", str(out), "--lang", "en"]) == 0
        return capsys.readouterr().err.strip()

    assert preview().startswith("updated ")
    (out / "index.html").write_text("stale")
    assert preview().startswith(f"updated 1 files in {out} (")
    assert preview().startswith(f"{out} is up to date (")


OUTSIDE = re.compile(r"\.\./shared|/work/|\bDESIGN\.md\b|clinical-reference\.md|seeds/")


def test_docs_and_code_cite_nothing_outside_the_repository() -> None:
    files = [ROOT / n for n in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md", "Makefile", "Dockerfile",
                                "compose.yaml")]
    files += sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / "bot").rglob("*.py"))
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}" for path in files
             for n, line in enumerate(path.read_text().splitlines(), 1) if OUTSIDE.search(line)]
    assert not found, "the repository must stand on its own:\n" + "\n".join(found)
