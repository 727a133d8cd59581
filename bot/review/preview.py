"""The review site: every question and outcome as she will see it, in every language, as static HTML."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from bot.events import DISPOSITIONS, Reply
from bot.flow.model import Flow, holds
from bot.i18n import Catalog
from bot.review.collect import Walked

_URL = re.compile(r"https?://[^\s<>\"')]+")
# Outcome menus are laid out two buttons per row, questions one per row (as in Telegram).
ACTION_IDS = frozenset({"more", "sources", "why", "summary", "restart"})


def as_html(text: str) -> Markup:
    """A message text as Telegram shows it: escaped, line breaks kept, links clickable."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(escape(text[last : m.start()]))
        url = m.group(0)
        out.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out).replace("\n", Markup("<br>\n"))


def button_rows(reply: Reply) -> list[list[str]]:
    """The reply's buttons in rows, as the Telegram adapter lays them out."""
    labels = [o.label for o in reply.options]
    if reply.options and all(o.id in ACTION_IDS for o in reply.options):
        return [labels[i : i + 2] for i in range(0, len(labels), 2)]
    return [[label] for label in labels]


def page_name(node: str) -> str:
    """The file name of a node's page."""
    return f"node-{node}.html"


@dataclass(frozen=True)
class Site:
    """What the preview pages are built from."""

    walked: Walked
    catalog: Catalog
    release: str
    translations: str


class Preview:
    """Renders the review site with Jinja2 templates."""

    def __init__(self, site: Site):
        self.site = site
        self.flow: Flow = site.walked.flow
        self.env = Environment(
            loader=PackageLoader("bot.review", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["msg"] = as_html
        self.env.globals.update(
            rows=button_rows, page=page_name, label=self.label, langs=site.walked.langs, release=site.release
        )

    def label(self, node_id: str, option_id: str, lang: str | None = None) -> str:
        """An option's label in a language (the default when none is given)."""
        node = self.flow.nodes.get(node_id)
        opt = node.option(option_id) if node else None
        return self.site.catalog.text(lang, opt.label) if opt else option_id

    def write(self, out: Path) -> list[Path]:
        """Write every page into `out` whose text changed; return the files written."""
        out.mkdir(parents=True, exist_ok=True)
        written = []
        pages = {"index.html": self._index(), "paths.html": self._paths()}
        for nid in self.flow.nodes:
            pages[page_name(nid)] = self._node(nid)
        pages["style.css"] = self.env.get_template("style.css").render()
        for name, text in pages.items():
            path = out / name
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            path.write_text(text, encoding="utf-8")
            written.append(path)
        return written

    # -- pages ------------------------------------------------------------------------------

    def _locations(self) -> dict[str, list[str]]:
        """Per symptom (location answer): the nodes its paths pass, in order of first visit."""
        found: dict[str, dict[str, None]] = defaultdict(dict)
        for answers, outcome in self.site.walked.paths:
            given = dict(answers)
            loc = given.get("location", "-")
            start = [n for n, _ in answers].index("location") + 1 if "location" in given else 0
            for node, _ in answers[start:]:
                found[loc][node] = None
            found[loc][outcome] = None
        return {loc: list(nodes) for loc, nodes in found.items()}

    def _index(self) -> str:
        flow = self.flow
        by_disposition: dict[str, list[tuple[str, int]]] = {d: [] for d in DISPOSITIONS}
        counts: dict[str, int] = defaultdict(int)
        for _, outcome in self.site.walked.paths:
            counts[outcome] += 1
        for nid, node in flow.nodes.items():
            if node.is_outcome:
                by_disposition.setdefault(node.disposition, []).append((nid, counts[nid]))
        before = [n for n in flow.nodes if not flow.nodes[n].is_outcome and n in self._first_nodes()]
        return self.env.get_template("index.html").render(
            flow=flow,
            translations=self.site.translations,
            start_nodes=before,
            locations=self._locations(),
            by_disposition=by_disposition,
            path_count=len(self.site.walked.paths),
        )

    def _first_nodes(self) -> set[str]:
        """Nodes asked before the symptom question (consent, status, ...)."""
        first: set[str] = set()
        for answers, _ in self.site.walked.paths:
            for node, _ in answers:
                first.add(node)
                if node == "location":
                    break
        return first

    def _paths(self) -> str:
        rows = []
        for number, (answers, outcome) in enumerate(self.site.walked.paths, 1):
            given = dict(answers)
            rows.append(
                {
                    "number": number,
                    "status": given.get("status", "-"),
                    "location": given.get("location", "-"),
                    "answers": [(n, o, self.label(n, o)) for n, o in answers],
                    "outcome": outcome,
                    "disposition": self.flow.nodes[outcome].disposition,
                }
            )
        return self.env.get_template("paths.html").render(rows=rows, flow=self.flow)

    def _node(self, nid: str) -> str:
        node = self.flow.nodes[nid]
        variants = self.site.walked.variants.get(nid, [])
        items = []
        if node.is_outcome:
            for variant in variants:
                shown = []
                for section in ("do", "avoid", "worse"):
                    for item in getattr(node, section):
                        if holds(item.when, variant.answers):
                            src = self.flow.sources.get(item.source)
                            texts = {
                                lang: self.site.catalog.text(lang, item.text)
                                for lang in self.site.walked.langs
                            }
                            shown.append((section, item.text, texts, src))
                items.append(shown)
        return self.env.get_template("node.html").render(
            node=node, variants=variants, items=items, flow=self.flow
        )
