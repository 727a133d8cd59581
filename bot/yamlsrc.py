"""Safe YAML loading that remembers the line of every mapping key and list item."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.errors import Problem


class LDict(dict):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: object) -> int:
        """The line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LList(list):
    """A sequence from YAML that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list


def line_of(value: object, default: int = 0) -> int:
    """The line where a loaded value starts, if it was a mapping or a list."""
    return getattr(value, "line", default) or default


_constructor = yaml.SafeLoader


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _convert(node: yaml.Node, loader: yaml.SafeLoader, path: str, problems: list[Problem]):
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
        problems.append(Problem(path, line, f"unsupported YAML tag {node.tag}"))
        return None
    if isinstance(node, yaml.MappingNode):
        out = LDict()
        out.line, out.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, path, problems)
            key_line = key_node.start_mark.line + 1
            if isinstance(key, (dict, list)):
                problems.append(Problem(path, key_line, "a key must be a plain name"))
                continue
            if key in out:
                problems.append(
                    Problem(path, key_line, f"duplicate key '{key}' (first at line {out.key_lines[key]})")
                )
                continue
            out[key] = _convert(value_node, loader, path, problems)
            out.key_lines[key] = key_line
        return out
    if isinstance(node, yaml.SequenceNode):
        out = LList()
        out.line, out.item_lines = line, []
        for item in node.value:
            out.append(_convert(item, loader, path, problems))
            out.item_lines.append(item.start_mark.line + 1)
        return out
    return loader.construct_object(node, deep=True)


def load_yaml(path: Path, display: str | None = None) -> tuple[object, list[Problem]]:
    """Load one YAML file safely; return (data, problems), data None when unusable."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, 0, f"cannot read file: {exc.strerror}")]
    if b"\0" in raw:
        return None, [Problem(name, 1, "not a text file")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, "not UTF-8 text")]
    if not text.strip():
        return None, [Problem(name, 1, "empty file")]
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(name, 1, "empty file (only comments)")]
        problems: list[Problem] = []
        data = _convert(node, loader, name, problems)
        return data, problems
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, [Problem(name, line, f"unsupported YAML tag: {exc.problem}")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or str(exc)
        return None, [Problem(name, line, f"YAML syntax error: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, 1, f"YAML error: {exc}")]
    finally:
        loader.dispose()
