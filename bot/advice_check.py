"""Lint checks of the phone-sized first message of every outcome, over every path."""

from __future__ import annotations

from bot.advice import FIRST_LIMIT, MAX_FIRST_DO, SAFETY_LEVELS, Shown, size
from bot.errors import Problem
from bot.flow.model import Flow
from bot.flow.walk import Path, walk
from bot.i18n import Catalog, Locale
from bot.render import Renderer  # the renderer decides the layout: check what it builds

NUMBER = "\x00number\x00"  # stands in for the emergency number to see where it is said


def _variants(flow: Flow, renderer: Renderer) -> dict[tuple[object, ...], tuple[Path, list[str]]]:
    """Per (outcome, items its first message can show): one path there, and the statuses leading there."""
    found: dict[tuple[object, ...], tuple[Path, list[str]]] = {}
    shown_by: dict[tuple[object, ...], tuple[object, ...]] = {}  # (outcome, what its advice varies by) -> key
    for path in walk(flow):
        if isinstance(path, Path):
            answers = dict(path.answers)
            node = flow.nodes[path.outcome]
            varies = (path.outcome, renderer.variant(node, answers))
            key = shown_by.get(varies)
            if key is None:
                shown = Shown.of(node, answers)
                key = shown_by[varies] = (path.outcome, shown.do[:MAX_FIRST_DO], shown.worse[:1])
            _, statuses = found.setdefault(key, (path, []))
            status = answers.get("status", "?")
            if status not in statuses:
                statuses.append(status)
    return found


def check_first_messages(flow: Flow, locales: dict[str, Locale], default: str) -> list[Problem]:
    """Every outcome's first message has a `do` and a `worse` item and fits `FIRST_LIMIT`
    characters in every language; emergency and urgent ones carry the emergency number and
    "do not drive yourself"."""
    plain = Renderer(flow, Catalog(locales, default))
    marked_catalog = Catalog(locales, default)
    marked_catalog.set_values(emergency_number=NUMBER)
    marked = Renderer(flow, marked_catalog)
    found: dict[tuple[str, str], list[str]] = {}  # (outcome, problem) -> statuses
    for path, path_statuses in sorted(_variants(flow, plain).values(), key=lambda found: found[0].answers):
        outcome = path.outcome
        node = flow.nodes[outcome]
        answers = dict(path.answers)
        problems = []
        if not any(i.when is None or i.when.holds(answers) for i in node.do):
            problems.append("no 'do' item for the first message")
        for lang in locales:
            length = size(plain.outcome(node, lang, answers).text)
            if length > FIRST_LIMIT:
                problems.append(
                    f"the first message is over {FIRST_LIMIT} characters in {lang}; shorten its first texts"
                )
            if node.disposition in SAFETY_LEVELS:
                first = marked.outcome(node, lang, answers).text
                if NUMBER not in first or marked_catalog.text(lang, "ui.outcome.dont_drive") not in first:
                    problems.append(
                        f"the first message in {lang} must give the emergency number and say 'do not drive "
                        f"yourself' (disposition.{node.disposition}, ui.outcome.dont_drive)"
                    )
        for problem in problems:
            statuses = found.setdefault((outcome, problem), [])
            statuses.extend(s for s in path_statuses if s not in statuses)
    out = []
    for (outcome, problem), statuses in found.items():
        node = flow.nodes[outcome]
        out.append(
            Problem(node.file, node.line, f"outcome '{outcome}' (status {', '.join(statuses)}): {problem}")
        )
    return out
