"""Read a Dockerfile and replay its build and start commands outside Docker, in a fresh venv.

No Docker here: each stage's COPY, WORKDIR, ENV and RUN are replayed under one folder standing in
for the image's root (absolute paths in RUN are moved under it), with `pip` installing into a
fresh venv offline. System set-up commands (useradd, chown, apt-get) need root and are left out.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

SYSTEM = {"useradd", "groupadd", "adduser", "chown", "chmod", "apt-get"}


@dataclass
class Stage:
    """One FROM ... section: its base image and its instructions in order."""

    image: str
    name: str | None
    steps: list[tuple[str, str]] = field(default_factory=list)

    def all(self, instruction: str) -> list[str]:
        """The arguments of every `instruction` in this stage."""
        return [args for ins, args in self.steps if ins == instruction]

    def env(self) -> dict[str, str]:
        """Every ENV of this stage, merged."""
        found: dict[str, str] = {}
        for args in self.all("ENV"):
            found.update(part.split("=", 1) for part in shlex.split(args))
        return found


def parse(path: Path) -> list[Stage]:
    """The stages of a Dockerfile (comments dropped, continuation lines joined)."""
    text = re.sub(r"\\\n", " ", path.read_text())
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, args = line.partition(" ")
        instruction, args = instruction.upper(), " ".join(args.split())
        if instruction == "FROM":
            image, _, name = args.partition(" AS ")
            stages.append(Stage(image.strip(), name.strip() or None))
        else:
            stages[-1].steps.append((instruction, args))
    return stages


def exec_form(args: str) -> list[str]:
    """`["a", "b"]` (the JSON form of CMD and HEALTHCHECK CMD) as a list."""
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), args
    return value


def healthcheck(stage: Stage) -> tuple[dict[str, str], list[str]]:
    """The HEALTHCHECK's options and its command."""
    (args,) = stage.all("HEALTHCHECK")
    options, _, command = args.partition(" CMD ")
    return dict(o.lstrip("-").split("=", 1) for o in options.split()), exec_form(command)


class Replay:
    """Replays the stages under `root`, with `bindir` (a fresh venv's bin/) as the image's Python."""

    def __init__(self, root: Path, bindir: Path, context: Path) -> None:
        self.root, self.bindir, self.context = root, bindir, context
        self.shims = root / ".shims"
        self.shims.mkdir(parents=True)
        # `pip wheel` builds without fetching setuptools; `pip install` leaves the dependencies to
        # the .pth of the fresh venv. Everything else is the Dockerfile's own arguments.
        pip = self.shims / "pip"
        pip.write_text(
            "#!/bin/sh\n"
            f'if [ "$1" = wheel ]; then exec "{sys.executable}" -m pip "$@" --no-index --no-build-isolation; fi\n'
            f'exec "{sys.executable}" -m pip --python "{bindir / "python"}" "$@" --no-index --no-deps\n'
        )
        pip.chmod(0o755)

    def inside(self, path: str) -> Path:
        """A path of the image, under the stand-in root."""
        return self.root / path.lstrip("/")

    def path_env(self) -> str:
        """PATH with the image's pip and Python first."""
        return f"{self.shims}:{self.bindir}:/usr/bin:/bin"

    def run_stage(self, stage: Stage, base_env: dict[str, str]) -> tuple[Path, dict[str, str]]:
        """Replay one stage; its final working directory and environment."""
        workdir, env = self.root, {**base_env, "PATH": self.path_env()}
        for instruction, args in stage.steps:
            if instruction == "WORKDIR":
                workdir = self.inside(args)
                workdir.mkdir(parents=True, exist_ok=True)
            elif instruction == "ENV":
                env.update(part.split("=", 1) for part in shlex.split(args))
            elif instruction == "COPY" and not args.startswith("--from="):
                *sources, dest = args.split()
                target = workdir / dest if not dest.startswith("/") else self.inside(dest)
                for source in sources:
                    src = self.context / source
                    if src.is_dir():
                        shutil.copytree(src, target if dest != "./" else workdir / source,
                                        ignore=shutil.ignore_patterns("__pycache__"))
                    else:
                        target.mkdir(parents=True, exist_ok=True)
                        shutil.copy(src, target / src.name if dest.endswith("/") else target)
            elif instruction == "RUN":
                self.run(args, workdir, env)
        return workdir, env

    def run(self, command: str, cwd: Path, env: dict[str, str]) -> None:
        """One RUN line: each `&&` part, with the image's absolute paths moved under the root."""
        for part in command.split("&&"):
            words = shlex.split(part)
            if words[0] in SYSTEM:
                continue
            moved = [str(self.inside(w)) if w.startswith("/") else w for w in words]
            line = " ".join(w if "*" in w else shlex.quote(w) for w in moved)
            subprocess.run(["bash", "-c", line], cwd=cwd, env=env, check=True, capture_output=True,
                           text=True, timeout=120)
