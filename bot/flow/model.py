"""Typed flow objects: what a loaded, expanded flow is made of."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Condition:
    """Data-only test on earlier answers: every node's answer must be among its ids."""

    tests: tuple[tuple[str, frozenset[str]], ...]

    def holds(self, answers: Mapping[str, str]) -> bool:
        """True when each tested node's latest answer is one of the allowed ids."""
        return all(answers.get(node) in allowed for node, allowed in self.tests)

    def __str__(self) -> str:
        return " and ".join(f"{n} in [{', '.join(sorted(a))}]" for n, a in self.tests)


def holds(condition: Condition | None, answers: Mapping[str, str]) -> bool:
    """A missing condition always holds."""
    return condition is None or condition.holds(answers)


@dataclass(frozen=True, slots=True)
class Branch:
    """One possible destination of an option."""

    to: str
    when: Condition | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """An answer offered at a question."""

    id: str
    label: str
    next: tuple[Branch, ...]
    when: Condition | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Item:
    """One advice item: a locale key, the source it comes from, an optional condition."""

    text: str
    source: str
    when: Condition | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Variant:
    """A question text used instead of `ask` when its condition holds."""

    text: str
    when: Condition
    line: int = 0


@dataclass(frozen=True, slots=True)
class NumberRange:
    """Typed numbers from `min` to `max` pick `option`."""

    min: int
    max: int
    option: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Node:
    """A question (ask + options) or an outcome (disposition + advice)."""

    id: str
    kind: str
    file: str
    line: int
    ask: str = ""
    ask_when: tuple[Variant, ...] = ()
    options: tuple[OptionSpec, ...] = ()
    numbers: tuple[NumberRange, ...] = ()
    numbers_error: str = ""
    summary: str = ""
    disposition: str = ""
    title: str = ""
    do: tuple[Item, ...] = ()
    avoid: tuple[Item, ...] = ()
    worse: tuple[Item, ...] = ()

    @property
    def is_outcome(self) -> bool:
        """True for outcome nodes."""
        return self.kind == "outcome"

    def option(self, option_id: str) -> OptionSpec | None:
        """The option with this id, if the node has one."""
        for opt in self.options:
            if opt.id == option_id:
                return opt
        return None

    def ask_key(self, answers: Mapping[str, str]) -> str:
        """The locale key of the question text under these answers."""
        for variant in self.ask_when:
            if variant.when.holds(answers):
                return variant.text
        return self.ask

    def items(self) -> tuple[Item, ...]:
        """All advice items of an outcome, in display order."""
        return self.do + self.avoid + self.worse


@dataclass(frozen=True, slots=True)
class Source:
    """A reference that advice cites."""

    id: str
    name: str
    url: str
    file: str = ""
    line: int = 0


@dataclass(slots=True)
class Flow:
    """A whole flow: its nodes by id, its sources, where it starts."""

    id: str
    start: str
    nodes: dict[str, Node]
    sources: dict[str, Source]
    files: list[str] = field(default_factory=list)
    start_at: tuple[str, int] = ("", 0)
    version: str = ""
