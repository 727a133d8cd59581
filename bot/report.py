"""Reports for clinical review, generated from the flow: every path, and the status x location table."""

from __future__ import annotations

from collections import defaultdict

from bot.flow.model import Flow
from bot.flow.walk import Path, walk


def all_paths(flow: Flow) -> list[Path]:
    """Every root-to-outcome path, in a stable order."""
    found = [p for p in walk(flow) if isinstance(p, Path)]
    return sorted(found, key=lambda p: (p.answers, p.outcome))


def paths_text(flow: Flow) -> str:
    """One line per path: the answers given, then the outcome and its disposition."""
    lines = []
    for path in all_paths(flow):
        answers = " ".join(f"{node}={option}" for node, option in path.answers)
        node = flow.nodes[path.outcome]
        lines.append(f"{answers} -> {path.outcome} [{node.disposition}]")
    lines.sort()
    return "\n".join(lines) + "\n"


def clinical_table(
    flow: Flow, status_node: str = "status", location_node: str = "location", since_node: str = "since_birth"
) -> str:
    """Markdown: per status (and time since birth) x location, each way on and where it leads."""
    groups: dict[tuple[str, str], list[Path]] = defaultdict(list)
    for path in all_paths(flow):
        given = dict(path.answers)
        status = given.get(status_node, "-")
        if since_node in given:
            status = f"{status} {given[since_node]}"
        groups[(status, given.get(location_node, "-"))].append(path)
    status_order = [o.id for o in flow.nodes[status_node].options] if status_node in flow.nodes else []
    since_order = [o.id for o in flow.nodes[since_node].options] if since_node in flow.nodes else []
    location_order = [o.id for o in flow.nodes[location_node].options] if location_node in flow.nodes else []

    def order(key: tuple[str, str]) -> tuple[int, int, int, tuple[str, str]]:
        status, _, since = key[0].partition(" ")
        s = status_order.index(status) if status in status_order else 99
        t = since_order.index(since) if since in since_order else -1
        loc = location_order.index(key[1]) if key[1] in location_order else 99
        return (s, t, loc, key)

    out = [
        "# Clinical table",
        "",
        "Generated from `flows/` by `python -m bot paths --table`; do not edit by hand.",
        "For each status (after birth: and the time since) and symptom: the answers after the symptom question, in order",
        "(the warning-sign screen first), and the outcome and disposition they lead to.",
        f"{len(groups)} status x symptom pairs, {sum(len(v) for v in groups.values())} paths.",
        "",
    ]
    for status, location in sorted(groups, key=order):
        rows: list[tuple[tuple[tuple[str, str], ...], str]] = []
        screened: dict[str, dict[str, None]] = {}
        for path in groups[(status, location)]:
            ids = [n for n, _ in path.answers]
            start = ids.index(location_node) + 1 if location_node in ids else 0
            after = path.answers[start:]
            if after:
                screened.setdefault(after[0][0], {})[after[0][1]] = None
            rows.append((after, path.outcome))
        out += [f"## {status} x {location}", ""]
        for node, options in screened.items():
            offered = [o.id for o in flow.nodes[node].options if o.id in options]
            out += [f"Asked first (`{node}`): " + ", ".join(f"`{o}`" for o in offered), ""]
        out += ["| answers | outcome | disposition |", "|---|---|---|"]
        for after_answers, outcome in rows:
            shown = " → ".join(f"{n}: `{o}`" for n, o in after_answers)
            disposition = flow.nodes[outcome].disposition
            out.append(f"| {shown} | `{outcome}` | **{disposition}** |")
        out.append("")
    return "\n".join(out)
