"""Flow files -> typed `Flow` objects; every problem is reported with file and line."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import replace
from pathlib import Path

from bot.errors import ContentError, Problem
from bot.flow.model import Branch, Condition, Flow, Item, Node, NumberRange, OptionSpec, Source
from bot.flow.spec import (
    DISPOSITIONS,
    ID_PATTERN,
    KEY_PATTERN,
    NODE_MARKERS,
    RESERVED_IDS,
    SHAPES,
    TARGET_PATTERN,
)
from bot.yamlsrc import LDict, LList, load_yaml

_ID = re.compile(ID_PATTERN)
_KEY = re.compile(KEY_PATTERN)
_TARGET = re.compile(TARGET_PATTERN)


class _Reader:
    """Checks one file's mappings against the format definition, collecting problems."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def mapping(self, value: object, shape: str, where: str, line: int) -> LDict | None:
        """Check keys of `value` against `shape`; None when it is not a mapping."""
        if not isinstance(value, LDict):
            self.error(line, f"{where}: expected a mapping, got {_kind(value)}")
            return None
        fields = SHAPES[shape]
        for key in value:
            if key not in fields:
                hint = difflib.get_close_matches(str(key), list(fields), n=1)
                also = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.error(value.line_of(key), f"{where}: unknown key '{key}'{also}")
        for key, field in fields.items():
            if field.required and key not in value:
                self.error(value.line, f"{where}: missing key '{key}'")
        return value

    def scalar(self, data: LDict, key: str, kind: str, where: str) -> object:
        """Read `data[key]` as a scalar of `kind`; None (and a problem) when mistyped."""
        if key not in data:
            return None
        value, line = data[key], data.line_of(key)
        checks = {
            "id": (lambda v: isinstance(v, str) and _ID.match(v), "an id of a-z, 0-9 and _"),
            "key": (lambda v: isinstance(v, str) and _KEY.match(v), "a locale key like q.status"),
            "target": (lambda v: isinstance(v, str) and _TARGET.match(v), "a node id"),
            "text": (lambda v: isinstance(v, str) and v.strip(), "some text"),
            "url": (lambda v: isinstance(v, str) and re.match(r"^https?://\S+$", v), "an http(s) URL"),
            "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
            "disposition": (lambda v: v in DISPOSITIONS, "one of " + ", ".join(DISPOSITIONS)),
        }
        ok, expected = checks[kind]
        if not ok(value):
            self.error(line, f"{where}: '{key}' must be {expected}, got {_show(value)}")
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
            if isinstance(item, str) and _ID.match(item):
                out.append(item)
            else:
                self.error(line, f"{where}: '{key}' must hold ids, got {_show(item)}")
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
            if not isinstance(node, str) or not _ID.match(node):
                self.error(nline, f"{where}: condition on '{node}': not a node id")
                continue
            if isinstance(allowed, str):
                allowed = [allowed]
            if (
                not isinstance(allowed, list)
                or not allowed
                or not all(isinstance(a, str) and _ID.match(a) for a in allowed)
            ):
                self.error(nline, f"{where}: condition on '{node}' must list option ids")
                continue
            tests.append((node, frozenset(allowed)))
        return Condition(tuple(tests)) if tests else None


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {_show(value)}"


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class _FileContent:
    """What one flow file contributes to its flow."""

    def __init__(self, path: str):
        self.path = path
        self.flow = ""
        self.start: tuple[str, int] | None = None
        self.sources: dict[str, Source] = {}
        self.subflows: dict[str, tuple[LDict, int]] = {}
        self.nodes: dict[str, tuple[LDict, int]] = {}


def _read_file(path: Path, display: str) -> tuple[_FileContent | None, list[Problem]]:
    data, problems = load_yaml(path, display)
    if data is None:
        return None, problems
    r = _Reader(display)
    r.problems.extend(problems)
    top = r.mapping(data, "file", "file", 1)
    if top is None:
        return None, r.problems
    content = _FileContent(display)
    content.flow = r.scalar(top, "flow", "id", "file") or ""
    start = r.scalar(top, "start", "id", "file")
    if start:
        content.start = (start, top.line_of("start"))
    for section, target in (("subflows", content.subflows), ("nodes", content.nodes)):
        value = top.get(section)
        if value is None:
            continue
        if not isinstance(value, LDict):
            r.error(top.line_of(section), f"'{section}' must map ids to definitions")
            continue
        for key, body in value.items():
            line = value.line_of(key)
            if not isinstance(key, str) or not _ID.match(key):
                r.error(line, f"{section}: '{key}' is not an id (use a-z, 0-9 and _)")
                continue
            target[key] = (body, line)
    sources = top.get("sources")
    if sources is not None and not isinstance(sources, LDict):
        r.error(top.line_of("sources"), "'sources' must map ids to {name, url}")
    elif sources:
        for sid, body in sources.items():
            line = sources.line_of(sid)
            where = f"source '{sid}'"
            if not isinstance(sid, str) or not _ID.match(sid):
                r.error(line, f"{where}: not an id (use a-z, 0-9 and _)")
                continue
            m = r.mapping(body, "source", where, line)
            if m is None:
                continue
            name, url = r.scalar(m, "name", "text", where), r.scalar(m, "url", "url", where)
            if name and url:
                content.sources[sid] = Source(sid, name.strip(), url, display, line)
    return content, r.problems


def _node_kind(r: _Reader, body: LDict, where: str) -> str | None:
    kinds = [k for k, marks in NODE_MARKERS.items() if any(m in body for m in marks)]
    if len(kinds) == 1:
        return kinds[0]
    if not kinds and any(k in body for k in ("title", "do", "avoid", "worse")):
        r.error(body.line, f"{where}: an outcome needs a disposition ('outcome: self_care', ...)")
    elif not kinds:
        r.error(body.line, f"{where}: a node needs 'ask' and 'options', 'outcome', or 'use'")
    else:
        r.error(body.line, f"{where}: a node is one of question, outcome or use, not {' and '.join(kinds)}")
    return None


def _build_node(
    r: _Reader, nid: str, body: object, line: int, params: frozenset[str] | None = None
) -> Node | None:
    """Read a question or outcome node (`use` nodes are expanded by the caller)."""
    where = f"node '{nid}'"
    if not isinstance(body, LDict):
        r.error(line, f"{where}: expected a mapping, got {_kind(body)}")
        return None
    kind = _node_kind(r, body, where)
    if kind is None or r.mapping(body, kind, where, line) is None:
        return None
    if kind == "outcome":
        items = {sec: _items(r, body, sec, where) for sec in ("do", "avoid", "worse")}
        return Node(
            nid,
            "outcome",
            r.path,
            line,
            disposition=r.scalar(body, "outcome", "disposition", where) or "",
            title=r.scalar(body, "title", "key", where) or "",
            do=items["do"],
            avoid=items["avoid"],
            worse=items["worse"],
        )
    options = _options(r, body, where, params)
    numbers = []
    raw_numbers = body.get("numbers")
    if raw_numbers is not None:
        if not isinstance(raw_numbers, LList) or not raw_numbers:
            r.error(body.line_of("numbers"), f"{where}: 'numbers' must be a list of ranges")
        else:
            for item, iline in zip(raw_numbers, raw_numbers.item_lines, strict=True):
                m = r.mapping(item, "range", f"{where} numbers", iline)
                if m is None:
                    continue
                lo, hi = r.scalar(m, "min", "int", where), r.scalar(m, "max", "int", where)
                opt = r.scalar(m, "option", "id", where)
                if lo is not None and hi is not None and opt:
                    if lo > hi:
                        r.error(iline, f"{where}: range min {lo} is above max {hi}")
                    numbers.append(NumberRange(lo, hi, opt, iline))
    return Node(
        nid,
        "question",
        r.path,
        line,
        ask=r.scalar(body, "ask", "key", where) or "",
        options=tuple(options),
        numbers=tuple(numbers),
        numbers_error=r.scalar(body, "numbers_error", "key", where) or "",
        summary=r.scalar(body, "summary", "key", where) or "",
    )


def _items(r: _Reader, body: LDict, section: str, where: str) -> tuple[Item, ...]:
    value = body.get(section)
    if value is None:
        return ()
    if not isinstance(value, LList) or not value:
        r.error(body.line_of(section), f"{where}: '{section}' must be a non-empty list of advice items")
        return ()
    out = []
    for item, line in zip(value, value.item_lines, strict=True):
        m = r.mapping(item, "item", f"{where} {section}", line)
        if m is None:
            continue
        text, source = r.scalar(m, "text", "key", where), r.scalar(m, "source", "id", where)
        if text and source:
            out.append(Item(text, source, r.condition(m, "when", where), line))
    return tuple(out)


def _options(r: _Reader, body: LDict, where: str, params: frozenset[str] | None) -> list[OptionSpec]:
    value = body.get("options")
    if not isinstance(value, LList) or not value:
        if "options" in body:
            r.error(body.line_of("options"), f"{where}: 'options' must be a non-empty list")
        return []
    out, seen = [], {}
    for item, line in zip(value, value.item_lines, strict=True):
        m = r.mapping(item, "option", f"{where} option", line)
        if m is None:
            continue
        oid = r.scalar(m, "id", "id", where)
        if not oid:
            continue
        owhere = f"{where} option '{oid}'"
        if oid in RESERVED_IDS:
            r.error(line, f"{owhere}: '{oid}' is reserved for the engine's own menus")
        if oid in seen:
            r.error(line, f"{owhere}: duplicate option id (first at line {seen[oid]})")
            continue
        seen[oid] = line
        label = r.scalar(m, "label", "key", owhere) or f"option.{oid}"
        branches = _next(r, m, owhere, params)
        out.append(OptionSpec(oid, label, tuple(branches), r.condition(m, "when", owhere), line))
    return out


def _next(r: _Reader, m: LDict, where: str, params: frozenset[str] | None) -> list[Branch]:
    value, line = m.get("next"), m.line_of("next")
    if value is None:
        return []
    if isinstance(value, str):
        raw = [(value, None, line)]
    elif isinstance(value, LList) and value:
        raw = []
        for item, iline in zip(value, value.item_lines, strict=True):
            b = r.mapping(item, "branch", f"{where} next", iline)
            if b is not None and isinstance(b.get("to"), str):
                raw.append((b["to"], r.condition(b, "when", where), iline))
            elif b is not None and "to" in b:
                r.error(iline, f"{where}: 'to' must be a node id, got {_show(b['to'])}")
    else:
        r.error(line, f"{where}: 'next' must be a node id or a list of branches, got {_kind(value)}")
        return []
    out = []
    for to, cond, bline in raw:
        if not _TARGET.match(to):
            r.error(bline, f"{where}: next '{to}' is not a node id")
        elif to.startswith("$") and (params is None or to[1:] not in params):
            known = ", ".join(sorted(params or ())) or "none"
            r.error(bline, f"{where}: '{to}' is not a parameter here (params: {known})")
        else:
            out.append(Branch(to, cond, bline))
    return out


def _expand_use(
    r: _Reader, nid: str, body: LDict, line: int, subflows: dict[str, tuple[LDict, int, str]]
) -> list[Node]:
    """Instantiate a sub-flow: its start node becomes `nid`, the others `nid__name`."""
    where = f"node '{nid}'"
    name = r.scalar(body, "use", "id", where)
    if not name:
        return []
    if name not in subflows:
        r.error(body.line_of("use"), f"{where}: unknown sub-flow '{name}'")
        return []
    sub, _sline, spath = subflows[name]
    sr = _Reader(spath)
    params = frozenset(sr.id_list(sub, "params", f"sub-flow '{name}'"))
    given = body.get("with") or LDict()
    if not isinstance(given, LDict):
        r.error(body.line_of("with"), f"{where}: 'with' must map params to node ids")
        return []
    for p in sorted(params - set(given)):
        r.error(line, f"{where}: sub-flow '{name}' needs '{p}' in 'with'")
    for p in sorted(set(given) - params):
        r.error(given.line_of(p), f"{where}: sub-flow '{name}' has no param '{p}'")
    inner = sub.get("nodes")
    start = sub.get("start")
    if not isinstance(inner, LDict) or not isinstance(start, str) or start not in inner:
        return []
    rename = {k: (nid if k == start else f"{nid}__{k}") for k in inner}
    out = []
    for key, inner_body in inner.items():
        node = _build_node(sr, rename[key], inner_body, inner.line_of(key), params)
        if node is None:
            continue
        opts = []
        for opt in node.options:
            branches = []
            for b in opt.next:
                if b.to.startswith("$"):
                    to = given.get(b.to[1:], b.to)
                elif b.to in rename:
                    to = rename[b.to]
                else:
                    to = b.to
                branches.append(Branch(str(to), b.when, b.line))
            opts.append(OptionSpec(opt.id, opt.label, tuple(branches), opt.when, opt.line))
        out.append(_replace_options(node, opts))
    r.problems.extend(sr.problems)
    return out


def _replace_options(node: Node, options: list[OptionSpec]) -> Node:
    return replace(node, options=tuple(options))


def _check_subflows(r: _Reader, subflows: dict[str, tuple[LDict, int]]) -> None:
    for name, (body, line) in subflows.items():
        sub = r.mapping(body, "subflow", f"sub-flow '{name}'", line)
        if sub is None:
            continue
        nodes, start = sub.get("nodes"), sub.get("start")
        if isinstance(nodes, LDict) and isinstance(start, str) and start not in nodes:
            r.error(sub.line_of("start"), f"sub-flow '{name}': start '{start}' is not one of its nodes")
        if isinstance(nodes, LDict):
            for key, nbody in nodes.items():
                if isinstance(nbody, LDict) and "use" in nbody:
                    r.error(nodes.line_of(key), f"sub-flow '{name}': a sub-flow cannot use another")


def _version(flow: Flow) -> str:
    h = hashlib.sha256()
    for nid in sorted(flow.nodes):
        n = flow.nodes[nid]
        h.update(f"{nid}|{n.kind}|{n.disposition}|".encode())
        for o in n.options:
            h.update(f"{o.id}>{[(b.to, str(b.when)) for b in o.next]}?{o.when};".encode())
        for rng in n.numbers:
            h.update(f"#{rng.min}-{rng.max}={rng.option}".encode())
    return h.hexdigest()[:12]


def load_flows(directory: Path, root: Path | None = None) -> tuple[dict[str, Flow], list[Problem]]:
    """Load every `*.yaml` flow file below `directory`; return flows by id and problems."""
    problems: list[Problem] = []
    files = sorted(p for p in directory.glob("*.yaml") if p.is_file())
    if not files:
        return {}, [Problem(str(directory), 0, "no flow files (*.yaml) found")]
    base = root or Path.cwd()
    by_flow: dict[str, list[_FileContent]] = {}
    for path in files:
        try:
            display = str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            display = str(path)
        content, found = _read_file(path, display)
        problems.extend(found)
        if content is not None and content.flow:
            by_flow.setdefault(content.flow, []).append(content)
    flows = {}
    for fid, contents in by_flow.items():
        flow, found = _assemble(fid, contents)
        problems.extend(found)
        flows[fid] = flow
    return flows, list(dict.fromkeys(problems))


def _assemble(fid: str, contents: list[_FileContent]) -> tuple[Flow, list[Problem]]:
    problems: list[Problem] = []
    starts = [(c.path, c.start) for c in contents if c.start]
    flow = Flow(fid, "", {}, {}, [c.path for c in contents])
    if not starts:
        problems.append(Problem(contents[0].path, 1, f"flow '{fid}': no file sets 'start'"))
    else:
        path, (start, line) = starts[0]
        flow.start, flow.start_at = start, (path, line)
        for p2, (_, l2) in starts[1:]:
            problems.append(Problem(p2, l2, f"flow '{fid}': 'start' is already set at {path}:{line}"))
    subflows: dict[str, tuple[LDict, int, str]] = {}
    for c in contents:
        r = _Reader(c.path)
        _check_subflows(r, c.subflows)
        problems.extend(r.problems)
        for name, (body, line) in c.subflows.items():
            if name in subflows:
                problems.append(
                    Problem(
                        c.path,
                        line,
                        f"duplicate sub-flow '{name}' (first at {subflows[name][2]}:{subflows[name][1]})",
                    )
                )
            elif isinstance(body, LDict):
                subflows[name] = (body, line, c.path)
        for sid, src in c.sources.items():
            if sid in flow.sources:
                first = flow.sources[sid]
                problems.append(
                    Problem(
                        c.path, src.line, f"duplicate source '{sid}' (first at {first.file}:{first.line})"
                    )
                )
            else:
                flow.sources[sid] = src
    for c in contents:
        r = _Reader(c.path)
        for nid, (body, line) in c.nodes.items():
            if nid in RESERVED_IDS:
                r.error(line, f"node '{nid}': '{nid}' is reserved for the engine's own menus")
            if isinstance(body, LDict) and "use" in body and _node_kind(_Reader(c.path), body, "") == "use":
                if r.mapping(body, "use", f"node '{nid}'", line) is None:
                    continue
                built = _expand_use(r, nid, body, line, subflows)
            else:
                node = _build_node(r, nid, body, line)
                built = [node] if node else []
            for node in built:
                if node.id in flow.nodes:
                    first = flow.nodes[node.id]
                    r.error(line, f"duplicate node id '{node.id}' (first at {first.file}:{first.line})")
                else:
                    flow.nodes[node.id] = node
        problems.extend(r.problems)
    flow.version = _version(flow)
    return flow, problems


def load_flow(directory: Path, flow_id: str = "triage") -> Flow:
    """Load and fully check one flow; raise ContentError listing every error."""
    from bot.flow.check import check_flow

    flows, problems = load_flows(directory)
    if flow_id not in flows:
        problems.append(Problem(str(directory), 0, f"no flow named '{flow_id}'"))
        raise ContentError(problems)
    problems += check_flow(flows[flow_id])
    errors = [p for p in problems if not p.warning]
    if errors:
        raise ContentError(errors)
    return flows[flow_id]
