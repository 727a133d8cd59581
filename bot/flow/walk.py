"""Every way through a flow: root-to-outcome paths under the flow's own conditions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.flow.model import Flow, Node, OptionSpec, holds

MAX_PATHS = 200_000


@dataclass(frozen=True, slots=True)
class Path:
    """The answers given, in order, and the outcome node they lead to."""

    answers: tuple[tuple[str, str], ...]
    outcome: str


@dataclass(frozen=True, slots=True)
class Stuck:
    """A place where a walk cannot go on: no option left, or no branch matches."""

    node: str
    answers: tuple[tuple[str, str], ...]
    option: str | None = None


def visible_options(node: Node, answers: dict[str, str]) -> list[OptionSpec]:
    """The options of `node` offered under these answers."""
    return [o for o in node.options if holds(o.when, answers)]


def destination(option: OptionSpec, answers: dict[str, str]) -> str | None:
    """Where `option` leads under these answers: the first branch whose condition holds."""
    for branch in option.next:
        if holds(branch.when, answers):
            return branch.to
    return None


def walk(flow: Flow) -> Iterator[Path | Stuck]:
    """Yield every path to an outcome, and every place a walk gets stuck.

    A branch that returns to a node already on the current path is not followed again:
    loops are allowed as long as some other way leads on.
    """
    count = 0
    stack: list[tuple[str, tuple[tuple[str, str], ...]]] = [(flow.start, ())]
    while stack:
        nid, answers = stack.pop()
        node = flow.nodes.get(nid)
        if node is None:
            continue
        if node.is_outcome:
            count += 1
            if count > MAX_PATHS:
                return
            yield Path(answers, nid)
            continue
        current = dict(answers)
        on_path = {n for n, _ in answers}
        options = visible_options(node, current)
        if not options:
            yield Stuck(nid, answers)
            continue
        for option in reversed(options):
            dest = destination(option, current)
            if dest is None:
                yield Stuck(nid, answers, option.id)
            elif dest not in on_path and dest != nid:
                stack.append((dest, (*answers, (nid, option.id))))
