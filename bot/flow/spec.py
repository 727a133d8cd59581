"""The flow format as data: one definition drives the loader's checks and the JSON Schema."""

from __future__ import annotations

from dataclasses import dataclass

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
KEY_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
TARGET_PATTERN = r"^\$?[a-z][a-z0-9_]*$"
DISPOSITIONS = ("emergency", "urgent", "same_day", "routine", "self_care")
RESERVED_IDS = frozenset({"language", "more", "back", "sources", "why", "summary", "restart"})


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a mapping: its type, whether it is required, what it means.

    Types: ``id``, ``key`` (a locale key), ``target`` (a node id, or ``$param`` in a
    sub-flow), ``text``, ``url``, ``int``, ``disposition``, ``condition``, ``next``,
    ``[shape]`` (a list of that shape or of ids for ``[id]``), ``{shape}`` (a mapping
    from ids to that shape, or to ids/targets for ``{target}``).
    """

    type: str
    required: bool = False
    doc: str = ""


ITEM = {
    "text": Field("key", True, "locale key of the advice text"),
    "source": Field("id", True, "id of the source in `sources`"),
    "when": Field("condition", False, "show this item only when the condition holds"),
}

SHAPES: dict[str, dict[str, Field]] = {
    "file": {
        "flow": Field("id", True, "the flow this file belongs to"),
        "start": Field("id", False, "the first node (exactly one file of a flow sets it)"),
        "sources": Field("{source}", False, "references that advice items cite"),
        "subflows": Field("{subflow}", False, "reusable groups of nodes, used with `use`"),
        "nodes": Field("{node}", False, "questions and outcomes"),
    },
    "source": {
        "name": Field("text", True, "publisher and title"),
        "url": Field("url", True, "where to read it"),
    },
    "subflow": {
        "params": Field("[id]", False, "exits that each use must supply in `with`"),
        "start": Field("id", True, "the sub-flow's first node"),
        "nodes": Field("{node}", True, "the sub-flow's nodes"),
    },
    "question": {
        "ask": Field("key", True, "locale key of the question"),
        "ask_when": Field("[variant]", False, "other question texts by earlier answers; the first that holds wins"),
        "options": Field("[option]", True, "the answers offered"),
        "numbers": Field("[range]", False, "typed numbers that pick an option"),
        "numbers_error": Field("key", False, "locale key said when a typed number fits no range"),
        "summary": Field("key", False, "locale key of the heading for this answer in the summary"),
    },
    "outcome": {
        "outcome": Field("disposition", True, "how urgently to get help"),
        "title": Field("key", True, "locale key of the headline"),
        "do": Field("[item]", False, "what to do now"),
        "avoid": Field("[item]", False, "what to avoid"),
        "worse": Field("[item]", True, "when to get help and what to do if it gets worse"),
    },
    "use": {
        "use": Field("id", True, "the sub-flow to insert here"),
        "with": Field("{target}", False, "node ids for the sub-flow's params"),
    },
    "option": {
        "id": Field("id", True, "stable, language-independent option id"),
        "next": Field("next", True, "a node id, or branches tried in order"),
        "label": Field("key", False, "locale key of the label (default option.<id>)"),
        "when": Field("condition", False, "offer this option only when the condition holds"),
    },
    "branch": {
        "when": Field("condition", False, "take this branch when the condition holds"),
        "to": Field("target", True, "the node to go to"),
    },
    "range": {
        "min": Field("int", True, "smallest number (inclusive)"),
        "max": Field("int", True, "largest number (inclusive)"),
        "option": Field("id", True, "the option it picks"),
    },
    "item": ITEM,
    "variant": {
        "when": Field("condition", True, "ask this text when the condition holds"),
        "text": Field("key", True, "locale key of the question text"),
    },
}

NODE_KINDS = ("question", "outcome", "use")
NODE_MARKERS = {"question": ("ask", "options"), "outcome": ("outcome",), "use": ("use",)}
