"""Build the wheel and install it into a fresh venv, as a user or a container would.

Offline and fast: the wheel is built without build isolation (setuptools comes from the test
venv), and the fresh venv sees this venv's packages (the dependencies) through a .pth file, but
not the checkout: `bot` can only come from the installed wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCES = (".git", ".venv", "data", "build", "dist", "tests", "bench", "*.egg-info", "__pycache__",
               ".pytest_cache", ".ruff_cache", ".mypy_cache", "*.db", "*.db-*")


def copy_sources(dst: Path) -> Path:
    """A clean copy of the checkout to build from (the build must not write into the checkout)."""
    shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    return dst


def pip(*args: str, python: Path | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run this venv's pip offline (optionally installing into another interpreter's venv)."""
    target = ["--python", str(python)] if python else []
    return subprocess.run(
        [sys.executable, "-m", "pip", *target, *args, "--no-index", "--disable-pip-version-check", "-q"],
        capture_output=True, text=True, cwd=cwd, timeout=120, check=True,
    )


def build_wheel(src: Path, out: Path) -> Path:
    """`pip wheel . --no-deps` in `src`; the path of the wheel."""
    pip("wheel", ".", "--no-deps", "--no-build-isolation", "-w", str(out), cwd=src)
    (wheel,) = out.glob("mamaflow-*.whl")
    return wheel


def fresh_venv(path: Path) -> Path:
    """A new venv that reuses this venv's installed dependencies; its bin/ directory."""
    venv.EnvBuilder(with_pip=False).create(path)
    bindir = path / "bin"
    site = subprocess.run(
        [str(bindir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "_mamaflow_test_deps.pth").write_text("".join(f"{p}\n" for p in sorted(ours)))
    return bindir


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would point the installed bot at the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "PYTHON"))}
    env.pop("VIRTUAL_ENV", None)
    return {**env, **extra}
