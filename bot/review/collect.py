"""Walk every path of the flow through the real engine and keep what each node shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.engine import Engine
from bot.events import Incoming, Reply
from bot.flow.model import Flow
from bot.report import all_paths

# Outcome buttons left out of the preview: restarting, and the per-path "why" and "summary".
SKIPPED_ACTIONS = frozenset({"restart", "why", "summary"})


@dataclass
class Variant:
    """One way a node looks (per language), and which statuses and paths see it."""

    shown: dict[str, tuple[Reply, ...]]
    extras: dict[str, list[tuple[str, tuple[Reply, ...]]]] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    statuses: list[str] = field(default_factory=list)
    paths: list[int] = field(default_factory=list)


@dataclass
class Walked:
    """Every path and, per node, its distinct variants."""

    flow: Flow
    langs: list[str]
    paths: list[tuple[tuple[tuple[str, str], ...], str]]
    variants: dict[str, list[Variant]]


def _signature(shown: dict[str, tuple[Reply, ...]], extras: dict[str, list[Any]]) -> tuple[object, ...]:
    return tuple(
        (
            lang,
            tuple((r.text, tuple(o.label for o in r.options)) for r in shown[lang]),
            repr(extras.get(lang)),
        )
        for lang in sorted(shown)
    )


async def walk_engine(
    make_engine: Callable[[], Engine], langs: list[str], status_node: str = "status"
) -> Walked:
    """Press every path's buttons in every language and collect the replies at each node."""
    engine = make_engine()
    flow = engine.flow
    paths = [(p.answers, p.outcome) for p in all_paths(flow)]
    variants: dict[str, list[Variant]] = {}
    index: dict[tuple[str, tuple[object, ...]], Variant] = {}
    for number, (answers, outcome) in enumerate(paths, 1):
        per_node: dict[str, dict[str, tuple[Reply, ...]]] = {}
        extras: dict[str, list[tuple[str, tuple[Reply, ...]]]] = {}
        for lang in langs:
            key = f"preview:{number}:{lang}"
            shown = await engine.handle(Incoming(key, lang=lang))
            for node, option in answers:
                per_node.setdefault(node, {})[lang] = tuple(shown)
                shown = await engine.handle(Incoming(key, option=option, node=node, lang=lang))
            per_node.setdefault(outcome, {})[lang] = tuple(shown)
            extras[lang] = await _outcome_actions(engine, key, lang, shown)
            await engine.handle(Incoming(key, text="/forget", lang=lang))
        status = dict(answers).get(status_node, "-")
        for node, shown_by_lang in per_node.items():
            node_extras = extras if node == outcome else {}
            sig = (node, _signature(shown_by_lang, node_extras))
            variant = index.get(sig)
            if variant is None:
                variant = index[sig] = Variant(shown_by_lang, node_extras, dict(answers))
                variants.setdefault(node, []).append(variant)
            if status not in variant.statuses:
                variant.statuses.append(status)
            variant.paths.append(number)
    order = {o.id: i for i, o in enumerate(flow.nodes[status_node].options)} if status_node in flow.nodes else {}
    for found in variants.values():
        for variant in found:
            variant.statuses.sort(key=lambda s: (order.get(s, len(order)), s))
    return Walked(flow, langs, paths, variants)


async def _outcome_actions(
    engine: Engine, key: str, lang: str, shown: list[Reply]
) -> list[tuple[str, tuple[Reply, ...]]]:
    """Press each button offered with the outcome (More advice, Sources, ...) and keep the replies."""
    if not shown:
        return []
    last = shown[-1]
    found = []
    for option in last.options:
        if option.id in SKIPPED_ACTIONS:
            continue
        replies = await engine.handle(Incoming(key, option=option.id, node=last.node, lang=lang))
        found.append((option.label, tuple(replies)))
    return found
