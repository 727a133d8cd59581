"""The wheel carries the shipped content: installed in a fresh venv, `mamaflow` works from any folder."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.installed import ROOT, build_wheel, clean_env, copy_sources, fresh_venv, pip

DISPOSITIONS = {"emergency", "urgent", "same_day", "routine", "self_care"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(wheel, bin/ of a fresh venv with only that wheel installed from this project)."""
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(copy_sources(tmp / "src"), tmp / "dist")
    bindir = fresh_venv(tmp / "venv")
    pip("install", "--no-deps", str(wheel), python=bindir / "python")
    return wheel, bindir


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder that is not the checkout, as a user's home would be."""
    folder = tmp_path / "somewhere-else"
    folder.mkdir()
    return folder


def test_the_wheel_contains_every_flow_and_locale_file(installed) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [*sorted((ROOT / "flows").glob("*.yaml")), *sorted((ROOT / "locales").glob("*.yaml"))]
    assert shipped
    for path in shipped:
        assert f"bot/_content/{path.parent.name}/{path.name}" in names, path


def test_installed_bot_reads_its_content_from_the_package(installed, elsewhere) -> None:
    _, bindir = installed
    code = "import bot.settings as s; print(s.FLOWS_DIR); print(s.LOCALES_DIR)"
    out = subprocess.run([bindir / "python", "-c", code], cwd=elsewhere, env=clean_env(),
                         capture_output=True, text=True, check=True).stdout.split()
    site = bindir.parent
    assert [Path(p).relative_to(site).parts[-3:] for p in out] == [
        ("bot", "_content", "flows"), ("bot", "_content", "locales")]


def test_lint_passes_from_another_folder(installed, elsewhere) -> None:
    _, bindir = installed
    proc = subprocess.run([bindir / "mamaflow", "lint"], cwd=elsewhere, env=clean_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok: "), proc.stdout
    assert "no flow files" not in proc.stderr


def test_console_chat_reaches_advice_from_another_folder(installed, elsewhere) -> None:
    _, bindir = installed
    # Answer the first option of every question: some outcome must come within 15 answers.
    proc = subprocess.run([bindir / "mamaflow", "console", "--jsonl"], cwd=elsewhere, env=clean_env(),
                          input="1\n" * 15, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    messages = [json.loads(line) for line in proc.stdout.splitlines()]
    assert messages[0]["kind"] == "question" and messages[0]["options"], messages[0]
    outcomes = [m for m in messages if m["kind"] == "outcome"]
    assert outcomes and outcomes[0]["disposition"] in DISPOSITIONS, messages
    assert "Traceback" not in proc.stderr
    assert (elsewhere / "data" / "mamaflow.db").is_file(), "the default store lives under ./data/"


def test_installed_version_names_the_packaged_content(installed, elsewhere) -> None:
    _, bindir = installed
    out = subprocess.run([bindir / "mamaflow", "--version"], cwd=elsewhere, env=clean_env(),
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("mamaflow ") and ", content " in out, out
    assert str(bindir.parent) in out and "_content" in out, out


def test_the_wheel_declares_and_carries_the_mit_license(installed) -> None:
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as z:
        (metadata,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        assert "License-Expression: MIT" in z.read(metadata).decode()
        (license_file,) = [n for n in z.namelist() if n.endswith("licenses/LICENSE")]
        assert z.read(license_file) == (ROOT / "LICENSE").read_bytes()


def test_the_wheel_marks_the_package_as_typed(installed) -> None:
    wheel, _ = installed
    assert "bot/py.typed" in zipfile.ZipFile(wheel).namelist()
