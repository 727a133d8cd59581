"""The offline commands: lint and graph."""

from __future__ import annotations

import sys

from bot.errors import ContentError, Problem
from bot.flow.compiler import compile_flow
from bot.lint import check_content
from bot.settings import Settings


def lint(settings: Settings) -> int:
    """Print every problem in flows and locales; 0 when there is no error, else 1."""
    content = check_content(settings.flows_dir, settings.locales_dir, settings.locale)
    for problem in content.problems:
        print(problem, file=sys.stderr)
    if content.errors:
        print(f"{len(content.errors)} error(s)", file=sys.stderr)
        return 1
    nodes = sum(len(f.nodes) for f in content.flows.values())
    print(f"ok: {len(content.flows)} flow(s), {nodes} nodes, {len(content.locales)} language(s)")
    return 0


def graph(settings: Settings, flow_id: str, fmt: str) -> int:
    """Print the flow's diagram, drawn by transitions from the compiled machine."""
    from transitions.extensions import GraphMachine

    content = check_content(settings.flows_dir, settings.locales_dir, settings.locale)
    flow = content.flows.get(flow_id)
    if flow is None:
        known = ", ".join(sorted(content.flows)) or "none"
        raise ContentError(
            [Problem(str(settings.flows_dir), 0, f"no flow named '{flow_id}' (flows: {known})")]
        )
    errors = [p for p in content.errors if p.path.startswith(str(settings.flows_dir.name))]
    if errors:
        raise ContentError(errors)
    engine = "mermaid" if fmt == "mermaid" else "graphviz"
    machine = compile_flow(flow, GraphMachine, graph_engine=engine, title=flow_id, show_conditions=True)
    machine.add_model(type("Diagram", (), {})())
    graph = machine.get_combined_graph()
    text = graph.draw(None) if fmt == "mermaid" else graph.source
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
