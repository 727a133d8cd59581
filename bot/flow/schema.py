"""The JSON Schema of flow files, generated from the format definition in `spec`."""

from __future__ import annotations

import json
from typing import Any

from bot.flow.spec import (
    DISPOSITIONS,
    ID_PATTERN,
    KEY_PATTERN,
    NODE_KINDS,
    SHAPES,
    TARGET_PATTERN,
    Field,
)

_SCALARS: dict[str, dict[str, Any]] = {
    "id": {"type": "string", "pattern": ID_PATTERN},
    "key": {"type": "string", "pattern": KEY_PATTERN},
    "target": {"type": "string", "pattern": TARGET_PATTERN},
    "text": {"type": "string", "minLength": 1},
    "url": {"type": "string", "pattern": "^https?://"},
    "int": {"type": "integer"},
    "disposition": {"enum": list(DISPOSITIONS)},
}


def _ref(shape: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{shape}"}


def _field(field: Field) -> dict[str, Any]:
    t = field.type
    out: dict[str, Any]
    if t in _SCALARS:
        out = dict(_SCALARS[t])
    elif t == "condition":
        out = _ref("condition")
    elif t == "next":
        out = {"oneOf": [_SCALARS["target"], {"type": "array", "minItems": 1, "items": _ref("branch")}]}
    elif t.startswith("["):
        inner = t[1:-1]
        items = _SCALARS[inner] if inner in _SCALARS else _ref(inner)
        out = {"type": "array", "minItems": 1, "items": items}
    else:
        inner = t[1:-1]
        values = _SCALARS[inner] if inner in _SCALARS else _ref(inner)
        out = {"type": "object", "propertyNames": _SCALARS["id"], "additionalProperties": values}
    if field.doc:
        out["description"] = field.doc
    return out


def _object(shape: str) -> dict[str, Any]:
    fields = SHAPES[shape]
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [k for k, f in fields.items() if f.required],
        "properties": {k: _field(f) for k, f in fields.items()},
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every flow file satisfies."""
    defs = {name: _object(name) for name in SHAPES if name != "file"}
    defs["node"] = {"oneOf": [_ref(kind) for kind in NODE_KINDS]}
    defs["condition"] = {
        "type": "object",
        "minProperties": 1,
        "propertyNames": _SCALARS["id"],
        "additionalProperties": {"type": "array", "minItems": 1, "items": _SCALARS["id"]},
    }
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/mamaflow/mamaflow/flows/flow.schema.json",
        "title": "mamaflow flow file",
        "description": "A conversation flow: questions, options and outcomes (see docs/flow-format.md).",
    }
    schema.update(_object("file"))
    schema["$defs"] = defs
    return schema


def schema_text() -> str:
    """The schema as the text committed in flows/flow.schema.json."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
