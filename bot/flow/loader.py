"""Flow files -> typed `Flow` objects; every problem is reported with file and line."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.errors import Problem
from bot.flow.model import Flow, Source
from bot.flow.nodes import build_node, check_subflows, expand_use, node_kind
from bot.flow.reader import ID, Reader
from bot.flow.spec import RESERVED_IDS
from bot.yamlsrc import LDict, display_name, load_yaml


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
    r = Reader(display)
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
            if not isinstance(key, str) or not ID.match(key):
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
            if not isinstance(sid, str) or not ID.match(sid):
                r.error(line, f"{where}: not an id (use a-z, 0-9 and _)")
                continue
            m = r.mapping(body, "source", where, line)
            if m is None:
                continue
            name, url = r.scalar(m, "name", "text", where), r.scalar(m, "url", "url", where)
            if name and url:
                content.sources[sid] = Source(sid, name.strip(), url, display, line)
    return content, r.problems


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
    # every *.yaml entry counts: one that cannot be read (a symlink loop, a directory) is an error
    files = sorted(directory.glob("*.yaml"))
    if not files:
        return {}, [Problem(str(directory), 0, "no flow files (*.yaml) found")]
    base = root or Path.cwd()
    by_flow: dict[str, list[_FileContent]] = {}
    for path in files:
        display = display_name(path, base)
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
        r = Reader(c.path)
        check_subflows(r, c.subflows)
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
        r = Reader(c.path)
        for nid, (body, line) in c.nodes.items():
            if nid in RESERVED_IDS:
                r.error(line, f"node '{nid}': '{nid}' is reserved for the engine's own menus")
            if isinstance(body, LDict) and "use" in body and node_kind(Reader(c.path), body, "") == "use":
                if r.mapping(body, "use", f"node '{nid}'", line) is None:
                    continue
                built = expand_use(r, nid, body, line, subflows)
            else:
                node = build_node(r, nid, body, line)
                built = [node] if node else []
            for node in built:
                if node.id in flow.nodes:
                    earlier = flow.nodes[node.id]
                    r.error(line, f"duplicate node id '{node.id}' (first at {earlier.file}:{earlier.line})")
                else:
                    flow.nodes[node.id] = node
        problems.extend(r.problems)
    flow.version = _version(flow)
    return flow, problems

