"""Reading one YAML mapping against the format definition, collecting problems."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.errors import Problem
from bot.flow.model import Condition
from bot.flow.spec import DISPOSITIONS, ID_PATTERN, KEY_PATTERN, SHAPES, TARGET_PATTERN
from bot.yamlsrc import LDict, LList

ID = re.compile(ID_PATTERN)
KEY = re.compile(KEY_PATTERN)
TARGET = re.compile(TARGET_PATTERN)


class Reader:
    """Checks one file's mappings against the format definition, collecting problems."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def mapping(self, value: object, shape: str, where: str, line: int) -> LDict | None:
        """Check keys of `value` against `shape`; None when it is not a mapping."""
        if not isinstance(value, LDict):
            self.error(line, f"{where}: expected a mapping, got {kind_of(value)}")
            return None
        fields = SHAPES[shape]
        for key in value:
            if key not in fields:
                import difflib  # only for a misspelt field

                hint = difflib.get_close_matches(str(key), list(fields), n=1)
                also = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.error(value.line_of(key), f"{where}: unknown key '{key}'{also}")
        for key, field in fields.items():
            if field.required and key not in value:
                self.error(value.line, f"{where}: missing key '{key}'")
        return value

    def scalar(self, data: LDict, key: str, kind: str, where: str) -> Any:
        """Read `data[key]` as a scalar of `kind`; None (and a problem) when mistyped."""
        if key not in data:
            return None
        value, line = data[key], data.line_of(key)
        checks: dict[str, tuple[Callable[[Any], object], str]] = {
            "id": (lambda v: isinstance(v, str) and ID.match(v), "an id of a-z, 0-9 and _"),
            "key": (lambda v: isinstance(v, str) and KEY.match(v), "a locale key like q.status"),
            "target": (lambda v: isinstance(v, str) and TARGET.match(v), "a node id"),
            "text": (lambda v: isinstance(v, str) and v.strip(), "some text"),
            "url": (lambda v: isinstance(v, str) and re.match(r"^https?://\S+$", v), "an http(s) URL"),
            "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
            "disposition": (lambda v: v in DISPOSITIONS, "one of " + ", ".join(DISPOSITIONS)),
        }
        ok, expected = checks[kind]
        if not ok(value):
            self.error(line, f"{where}: '{key}' must be {expected}, got {show(value)}")
            return None
        return value

    def id_list(self, data: LDict, key: str, where: str) -> list[str]:
        """Read a list of ids."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, LList) or not value:
            self.error(data.line_of(key), f"{where}: '{key}' must be a list of ids")
            return []
        out = []
        for item, line in zip(value, value.item_lines, strict=True):
            if isinstance(item, str) and ID.match(item):
                out.append(item)
            else:
                self.error(line, f"{where}: '{key}' must hold ids, got {show(item)}")
        return out

    def condition(self, data: LDict, key: str, where: str) -> Condition | None:
        """Read a condition mapping {node: [option ids]}."""
        value = data.get(key)
        if value is None:
            return None
        line = data.line_of(key)
        if not isinstance(value, LDict) or not value:
            self.error(line, f"{where}: '{key}' must map node ids to lists of option ids")
            return None
        tests = []
        for node, allowed in value.items():
            nline = value.line_of(node)
            if not isinstance(node, str) or not ID.match(node):
                self.error(nline, f"{where}: condition on '{node}': not a node id")
                continue
            if isinstance(allowed, str):
                allowed = [allowed]
            if (
                not isinstance(allowed, list)
                or not allowed
                or not all(isinstance(a, str) and ID.match(a) for a in allowed)
            ):
                self.error(nline, f"{where}: condition on '{node}' must list option ids")
                continue
            tests.append((node, frozenset(allowed)))
        return Condition(tuple(tests)) if tests else None


def kind_of(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {show(value)}"


def show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
