"""Building question and outcome nodes, and expanding sub-flows, from checked mappings."""

from __future__ import annotations

from dataclasses import replace

from bot.flow.model import Branch, Condition, Item, Node, NumberRange, OptionSpec, Variant
from bot.flow.reader import TARGET, Reader, kind_of, show
from bot.flow.spec import NODE_MARKERS, RESERVED_IDS
from bot.yamlsrc import LDict, LList


def node_kind(r: Reader, body: LDict, where: str) -> str | None:
    """Which kind of node a mapping is (question, outcome, use), or None with a problem."""
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


def build_node(
    r: Reader, nid: str, body: object, line: int, params: frozenset[str] | None = None
) -> Node | None:
    """Read a question or outcome node (`use` nodes are expanded by the caller)."""
    where = f"node '{nid}'"
    if not isinstance(body, LDict):
        r.error(line, f"{where}: expected a mapping, got {kind_of(body)}")
        return None
    kind = node_kind(r, body, where)
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
        ask_when=_variants(r, body, where),
        options=tuple(options),
        numbers=tuple(numbers),
        numbers_error=r.scalar(body, "numbers_error", "key", where) or "",
        summary=r.scalar(body, "summary", "key", where) or "",
    )


def _variants(r: Reader, body: LDict, where: str) -> tuple[Variant, ...]:
    value = body.get("ask_when")
    if value is None:
        return ()
    if not isinstance(value, LList) or not value:
        r.error(body.line_of("ask_when"), f"{where}: 'ask_when' must be a non-empty list of {{when, text}}")
        return ()
    out = []
    for item, line in zip(value, value.item_lines, strict=True):
        m = r.mapping(item, "variant", f"{where} ask_when", line)
        if m is None:
            continue
        text, when = r.scalar(m, "text", "key", where), r.condition(m, "when", where)
        if text and when is not None:
            out.append(Variant(text, when, line))
    return tuple(out)


def _items(r: Reader, body: LDict, section: str, where: str) -> tuple[Item, ...]:
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


def _options(r: Reader, body: LDict, where: str, params: frozenset[str] | None) -> list[OptionSpec]:
    value = body.get("options")
    if not isinstance(value, LList) or not value:
        if "options" in body:
            r.error(body.line_of("options"), f"{where}: 'options' must be a non-empty list")
        return []
    out: list[OptionSpec] = []
    seen: dict[str, int] = {}
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


def _next(r: Reader, m: LDict, where: str, params: frozenset[str] | None) -> list[Branch]:
    value, line = m.get("next"), m.line_of("next")
    if value is None:
        return []
    if isinstance(value, str):
        raw: list[tuple[str, Condition | None, int]] = [(value, None, line)]
    elif isinstance(value, LList) and value:
        raw = []
        for item, iline in zip(value, value.item_lines, strict=True):
            b = r.mapping(item, "branch", f"{where} next", iline)
            if b is not None and isinstance(b.get("to"), str):
                raw.append((b["to"], r.condition(b, "when", where), iline))
            elif b is not None and "to" in b:
                r.error(iline, f"{where}: 'to' must be a node id, got {show(b['to'])}")
    else:
        r.error(line, f"{where}: 'next' must be a node id or a list of branches, got {kind_of(value)}")
        return []
    out = []
    for to, cond, bline in raw:
        if not TARGET.match(to):
            r.error(bline, f"{where}: next '{to}' is not a node id")
        elif to.startswith("$") and (params is None or to[1:] not in params):
            known = ", ".join(sorted(params or ())) or "none"
            r.error(bline, f"{where}: '{to}' is not a parameter here (params: {known})")
        else:
            out.append(Branch(to, cond, bline))
    return out


def expand_use(
    r: Reader, nid: str, body: LDict, line: int, subflows: dict[str, tuple[LDict, int, str]]
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
    sr = Reader(spath)
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
        node = build_node(sr, rename[key], inner_body, inner.line_of(key), params)
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


def check_subflows(r: Reader, subflows: dict[str, tuple[LDict, int]]) -> None:
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
