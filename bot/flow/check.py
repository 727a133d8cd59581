"""Whole-flow checks: targets, reachability, dead ends, loops, sources, callback size."""

from __future__ import annotations

from bot.errors import Problem
from bot.flow.model import Condition, Flow, Node
from bot.flow.walk import MAX_PATHS, Path, Stuck, walk

CALLBACK_LIMIT = 64  # bytes of Telegram callback data: "<node>|<option>"


def callback_data(node: str, option: str) -> str:
    """The callback data a button carries: the node it belongs to and the option id."""
    return f"{node}|{option}"


def check_flow(flow: Flow) -> list[Problem]:
    """Every structural problem of a loaded flow."""
    problems: list[Problem] = []
    if flow.start and flow.start not in flow.nodes:
        path, line = flow.start_at
        problems.append(Problem(path, line, f"start node '{flow.start}' does not exist"))
        return problems
    for node in flow.nodes.values():
        problems += _check_node(flow, node)
    if any(not p.warning for p in problems) or not flow.start:
        return problems
    problems += _check_reach(flow)
    return problems


def _err(node: Node, line: int, message: str) -> Problem:
    return Problem(node.file, line or node.line, f"node '{node.id}': {message}")


def _check_condition(flow: Flow, node: Node, cond: Condition | None, line: int) -> list[Problem]:
    out = []
    for ref, allowed in cond.tests if cond else ():
        target = flow.nodes.get(ref)
        if target is None or target.is_outcome:
            out.append(_err(node, line, f"condition on '{ref}', which is not a question"))
            continue
        known = {o.id for o in target.options}
        for bad in sorted(allowed - known):
            out.append(_err(node, line, f"condition: '{ref}' has no option '{bad}'"))
    return out


def _check_node(flow: Flow, node: Node) -> list[Problem]:
    out: list[Problem] = []
    for opt in node.options:
        size = len(callback_data(node.id, opt.id).encode())
        if size > CALLBACK_LIMIT:
            out.append(
                _err(
                    node,
                    opt.line,
                    f"option '{opt.id}': callback data is {size} bytes, Telegram allows {CALLBACK_LIMIT}",
                )
            )
        out += _check_condition(flow, node, opt.when, opt.line)
        if not opt.next:
            out.append(_err(node, opt.line, f"option '{opt.id}' has no 'next'"))
        for b in opt.next:
            if b.to.startswith("$"):
                continue
            if b.to not in flow.nodes:
                out.append(_err(node, b.line, f"option '{opt.id}': next '{b.to}' does not exist"))
            out += _check_condition(flow, node, b.when, b.line)
    ids = {o.id for o in node.options}
    for rng in node.numbers:
        if rng.option not in ids:
            out.append(_err(node, rng.line, f"numbers: '{rng.option}' is not an option here"))
    for one in node.numbers:
        for other in node.numbers:
            if one.line < other.line and one.min <= other.max and other.min <= one.max:
                out.append(
                    _err(node, other.line, f"numbers: {other.min}-{other.max} overlaps {one.min}-{one.max}")
                )
    for variant in node.ask_when:
        out += _check_condition(flow, node, variant.when, variant.line)
    for item in node.items():
        if item.source not in flow.sources:
            out.append(_err(node, item.line, f"advice '{item.text}': unknown source '{item.source}'"))
        out += _check_condition(flow, node, item.when, item.line)
    return out


def _static_edges(flow: Flow) -> dict[str, set[str]]:
    return {nid: {b.to for o in n.options for b in o.next} for nid, n in flow.nodes.items()}


def _check_reach(flow: Flow) -> list[Problem]:
    out: list[Problem] = []
    edges = _static_edges(flow)
    seen, todo = {flow.start}, [flow.start]
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    for nid, node in flow.nodes.items():
        if nid not in seen:
            out.append(_err(node, 0, "unreachable: no option leads here"))
    reverse: dict[str, set[str]] = {nid: set() for nid in flow.nodes}
    for src, dests in edges.items():
        for d in dests:
            reverse[d].add(src)
    can_finish = {nid for nid, n in flow.nodes.items() if n.is_outcome}
    todo = list(can_finish)
    while todo:
        for prev in reverse[todo.pop()]:
            if prev not in can_finish:
                can_finish.add(prev)
                todo.append(prev)
    for nid in sorted(seen - can_finish):
        node = flow.nodes[nid]
        out.append(
            _err(node, 0, "no outcome can be reached from here (a dead end or a loop with no way out)")
        )
    if out:
        return out
    reached: set[str] = set()
    paths = 0
    for found in walk(flow):
        if isinstance(found, Stuck):
            node = flow.nodes[found.node]
            given = ", ".join(f"{n}={o}" for n, o in found.answers) or "no answers"
            if found.option is None:
                out.append(_err(node, 0, f"dead end: no option is offered after {given}"))
            else:
                opt = node.option(found.option)
                out.append(
                    _err(
                        node,
                        opt.line if opt else 0,
                        f"option '{found.option}': no branch of 'next' matches after {given}",
                    )
                )
        elif isinstance(found, Path):
            paths += 1
            reached.update(n for n, _ in found.answers)
            reached.add(found.outcome)
    if paths >= MAX_PATHS:
        out.append(
            Problem(
                flow.start_at[0],
                flow.start_at[1],
                f"more than {MAX_PATHS} paths: the flow is too large to check",
            )
        )
    for nid in sorted(seen - reached):
        if not any(p.message.startswith(f"node '{nid}'") for p in out):
            out.append(
                _err(flow.nodes[nid], 0, "never reached: the conditions on the way here never all hold")
            )
    return list(dict.fromkeys(out))
