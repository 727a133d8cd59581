"""The offline commands: lint and graph."""

from __future__ import annotations

import sys

from bot.errors import ContentError, Problem
from bot.flow.check import check_flow
from bot.flow.loader import load_flows
from bot.flow.model import Flow
from bot.lint import check_content
from bot.report import clinical_table, paths_text
from bot.settings import Settings


def lint(settings: Settings) -> int:
    """Print every problem in flows and locales; 0 when there is no error, else 1."""
    from bot.review.checks import release_line, review_problems

    content = check_content(settings.flows_dir, settings.locales_dir, settings.locale)
    if content.flows and settings.flow not in content.flows:
        # the bot would refuse to start: say so here, not at deployment
        known = ", ".join(sorted(content.flows))
        content.problems.append(
            Problem(
                str(settings.flows_dir),
                0,
                f"no flow named '{settings.flow}', the flow the bot runs (flows: {known})",
            )
        )
    if content.locales and settings.locale not in content.locales:
        languages = ", ".join(sorted(content.locales))
        fallback = "en" if "en" in content.locales else next(iter(content.locales))
        content.problems.append(
            Problem(
                str(settings.locales_dir),
                0,
                f"BOT_LOCALE '{settings.locale[:20]}' is not available ({languages}); the bot would use {fallback}",
                warning=True,
            )
        )
    if not content.errors:
        content.problems += review_problems(settings, content.locales)
    for problem in content.problems:
        print(problem, file=sys.stderr)
    if content.errors:
        print(f"{len(content.errors)} error(s)", file=sys.stderr)
        return 1
    nodes = sum(len(f.nodes) for f in content.flows.values())
    print(
        f"ok: {len(content.flows)} flow(s), {nodes} nodes, {len(content.locales)} language(s); {release_line(settings)}"
    )
    return 0


def checked_flow(settings: Settings, flow_id: str) -> Flow:
    """Load one flow and raise on any structural error in it (locales do not matter here)."""
    flows, problems = load_flows(settings.flows_dir)
    if flow_id not in flows:
        known = ", ".join(sorted(flows)) or "none"
        problems.append(Problem(str(settings.flows_dir), 0, f"no flow named '{flow_id}' (flows: {known})"))
        raise ContentError(problems)
    problems += check_flow(flows[flow_id])
    if any(not p.warning for p in problems):
        raise ContentError(problems)
    return flows[flow_id]


def diagram(flow: Flow, fmt: str = "mermaid") -> str:
    """The flow's diagram (Mermaid or DOT), drawn by transitions from the compiled machine."""
    from transitions.extensions import GraphMachine

    from bot.flow.compiler import compile_flow  # transitions: only the graph needs it here

    engine = "mermaid" if fmt == "mermaid" else "graphviz"
    machine = compile_flow(flow, GraphMachine, graph_engine=engine, title=flow.id, show_conditions=True)
    machine.add_model(type("Diagram", (), {})())
    graph = machine.get_combined_graph()
    text: str = graph.draw(None) if fmt == "mermaid" else graph.source
    return text if text.endswith("\n") else text + "\n"


def graph(settings: Settings, flow_id: str, fmt: str) -> int:
    """Print the flow's diagram."""
    sys.stdout.write(diagram(checked_flow(settings, flow_id), fmt))
    return 0


def paths(settings: Settings, flow_id: str, *, table: bool = False) -> int:
    """Print every root-to-outcome path, or the clinical table."""
    flow = checked_flow(settings, flow_id)
    sys.stdout.write(clinical_table(flow) if table else paths_text(flow))
    return 0
