"""Problems found in content, and the error that carries them to the command line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a file: where it is and what is wrong."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        tag = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {tag}{self.message}"


class ContentError(Exception):
    """Flows or locales that cannot be used; `problems` lists every error found."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if not p.warning]
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(Exception):
    """A setting that cannot be used (a bad store URL, a missing token, ...)."""
