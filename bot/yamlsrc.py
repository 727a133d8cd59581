"""Safe YAML loading that remembers the line of every mapping key and list item."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, cast

import yaml

from bot.errors import Problem


class LDict(dict[Any, Any]):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: object) -> int:
        """The line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LList(list[Any]):
    """A sequence from YAML that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]


def line_of(value: object, default: int = 0) -> int:
    """The line where a loaded value starts, if it was a mapping or a list."""
    return getattr(value, "line", default) or default


MAX_BYTES = 1 << 20  # 1 MiB: the largest shipped file is under 100 KB
MAX_DEPTH = 32  # nesting levels: flows and locales use fewer than 10


class _Refused(Exception):
    """A YAML feature or size this project does not accept, with the line it starts at."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases and caps the nesting depth."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                line, "YAML anchors and aliases (&name, *name) are not supported; write the value out"
            )
        if self._depth >= MAX_DEPTH:
            raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# libyaml (PyYAML's C parser) when PyYAML was built with it: the same nodes, about 10x faster.
_CLoader: Any = getattr(yaml, "CSafeLoader", None)
_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)
_OPEN, _CLOSE = (
    (yaml.MappingStartEvent, yaml.SequenceStartEvent),
    (yaml.MappingEndEvent, yaml.SequenceEndEvent),
)


def _check_events(text: str) -> None:
    """The `_Loader` rules (no anchors or aliases, nesting capped) on libyaml's event stream."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_CLoader):
            if isinstance(event, _NODE_EVENTS):
                line = event.start_mark.line + 1  # type: ignore[union-attr]  # node events have marks
                if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
                    raise _Refused(
                        line, "YAML anchors and aliases (&name, *name) are not supported; write the value out"
                    )
                if depth >= MAX_DEPTH:
                    raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
            if isinstance(event, _OPEN):
                depth += 1
            elif isinstance(event, _CLOSE):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" not in str(exc.problem):  # libyaml's own cap, reached while scanning ahead
            raise
        mark = exc.problem_mark or exc.context_mark
        raise _Refused(mark.line + 1 if mark else 1, f"nested more than {MAX_DEPTH} levels deep") from None


# Where an anchor (&name) or an alias (*name) could start: after a line start, a space, a flow
# indicator or a colon. Text without such a spot has neither, and skips the event check.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[\]{},:])[&*][^\s]", re.MULTILINE)


def _refused_before(text: str) -> _Refused | None:
    """The event check's refusal of a file libyaml could not compose, if it comes first."""
    try:
        _check_events(text)
    except _Refused as exc:
        return exc
    except yaml.YAMLError:
        pass
    return None


def _loader(text: str) -> yaml.SafeLoader:
    """A composer for `text`: libyaml (after an event check where `&` or `*` could mean an anchor
    or alias), else the pure-Python `_Loader`."""
    if _CLoader is None:
        return _Loader(text)
    if _MAYBE_ANCHOR.search(text):
        _check_events(text)
    return cast(yaml.SafeLoader, _CLoader(text))  # libyaml's loader has the same interface


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_STR = "tag:yaml.org,2002:str"


def _convert(
    node: yaml.Node, loader: yaml.SafeLoader, path: str, problems: list[Problem], depth: int = 0
) -> Any:
    line = node.start_mark.line + 1
    if depth >= MAX_DEPTH:
        raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
    if node.tag == _STR and isinstance(node, yaml.ScalarNode):
        return node.value  # what SafeConstructor makes of a plain string, without its dispatch
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
        problems.append(Problem(path, line, f"unsupported YAML tag {node.tag}"))
        return None
    if isinstance(node, yaml.MappingNode):
        out = LDict()
        out.line, out.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, path, problems, depth + 1)
            key_line = key_node.start_mark.line + 1
            if isinstance(key, (dict, list)):
                problems.append(Problem(path, key_line, "a key must be a plain name"))
                continue
            if key in out:
                problems.append(
                    Problem(path, key_line, f"duplicate key '{key}' (first at line {out.key_lines[key]})")
                )
                continue
            out[key] = _convert(value_node, loader, path, problems, depth + 1)
            out.key_lines[key] = key_line
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = LList()
        seq.line, seq.item_lines = line, []
        for item in node.value:
            seq.append(_convert(item, loader, path, problems, depth + 1))
            seq.item_lines.append(item.start_mark.line + 1)
        return seq
    return loader.construct_object(node, deep=True)


def display_name(path: Path, root: Path | None = None) -> str:
    """How a content file is named in messages: relative to `root` (the working directory) if inside it.

    Uses the absolute path, not the resolved one, so a symlink loop is named, not followed.
    """
    full = os.path.abspath(path)
    base = os.path.abspath(root or Path.cwd())
    rel = os.path.relpath(full, base)
    return str(path) if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel


def load_yaml(path: Path, display: str | None = None) -> tuple[object, list[Problem]]:
    """Load one YAML file safely; return (data, problems), data None when unusable."""
    name = display or str(path)
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [Problem(name, 0, f"cannot read file: {exc.strerror or exc}")]
    if len(raw) > MAX_BYTES:
        return None, [
            Problem(name, 1, f"file is larger than {MAX_BYTES // 1024} KB; split it into smaller files")
        ]
    if b"\0" in raw:
        return None, [Problem(name, 1, "not a text file")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, "not UTF-8 text")]
    if not text.strip():
        return None, [Problem(name, 1, "empty file")]
    loader = None
    try:
        loader = _loader(text)
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(name, 1, "empty file (only comments)")]
        problems: list[Problem] = []
        data = _convert(node, loader, name, problems)
        return data, problems
    except _Refused as exc:
        return None, [Problem(name, exc.line, exc.message)]
    except (RecursionError, MemoryError):
        return None, [Problem(name, 1, "too deeply nested or too large to load")]
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, [Problem(name, line, f"unsupported YAML tag: {exc.problem}")]
    except yaml.MarkedYAMLError as exc:
        refused = _refused_before(text) if _CLoader is not None else None
        if refused is not None:  # an anchor or deep nesting before the error: say that, like `_Loader`
            return None, [Problem(name, refused.line, refused.message)]
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or str(exc)
        return None, [Problem(name, line, f"YAML syntax error: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, 1, f"YAML error: {exc}")]
    finally:
        if loader is not None:
            loader.dispose()
