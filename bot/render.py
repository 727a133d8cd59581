"""Turn nodes and answers into replies in the user's language."""

from __future__ import annotations

import datetime as dt

from bot.events import Option, Reply
from bot.flow.model import Flow, Node, holds
from bot.i18n import Catalog

OUTCOME_ACTIONS = ("sources", "why", "summary", "restart")
LANGUAGE_MENU = "language"

# Every key the engine itself needs; lint checks that each locale has them.
UI_KEYS = (
    "ui.unknown",
    "ui.unknown_command",
    "ui.stale",
    "ui.back_at_start",
    "ui.restarted",
    "ui.welcome_back",
    "ui.help",
    "ui.emergency",
    "ui.forgotten",
    "ui.flow_changed",
    "ui.language_question",
    "ui.language_set",
    "ui.outcome_only",
    "ui.next_step",
    "ui.emergency_number_default",
    "ui.outcome.do",
    "ui.outcome.avoid",
    "ui.outcome.worse",
    "ui.sources.title",
    "ui.why.title",
    "ui.why.led_to",
    "ui.summary.title",
    "ui.summary.date",
    "ui.summary.advice",
    "ui.summary.note",
    "ui.action.sources",
    "ui.action.why",
    "ui.action.summary",
    "ui.action.restart",
    "ui.cmd.start",
    "ui.cmd.restart",
    "ui.cmd.back",
    "ui.cmd.help",
    "ui.cmd.emergency",
    "ui.cmd.language",
    "ui.cmd.forget",
    "ui.tg.use_buttons",
    "ui.tg.private_only",
    "ui.tg.bad_button",
    "ui.tg.sorry",
    *(f"disposition.{d}" for d in ("emergency", "urgent", "same_day", "routine", "self_care")),
    *(f"disposition_name.{d}" for d in ("emergency", "urgent", "same_day", "routine", "self_care")),
)
COMMANDS = ("start", "restart", "back", "help", "emergency", "language", "forget")


class Renderer:
    """Builds replies; question replies without conditional options are cached."""

    def __init__(self, flow: Flow, catalog: Catalog):
        self.flow = flow
        self.catalog = catalog
        self._cache: dict[tuple, Reply] = {}
        self._unconditional = {
            nid
            for nid, n in flow.nodes.items()
            if not n.is_outcome and not n.ask_when and all(o.when is None for o in n.options)
        }

    def t(self, lang: str, key: str, **values: str) -> str:
        """Shorthand for the catalog lookup."""
        return self.catalog.text(lang, key, **values)

    def message(self, kind: str, node: str, lang: str, key: str, **values: str) -> Reply:
        """A plain message of one locale text."""
        return Reply(kind, node, self.t(lang, key, **values))

    def question(self, node: Node, lang: str, answers: dict[str, str]) -> Reply:
        """The question of `node` with the options offered under these answers (cached)."""
        if node.id in self._unconditional:
            cache_key: tuple = (node.id, lang)
            offered: tuple[int, ...] = tuple(range(len(node.options)))
        else:
            offered = tuple(i for i, o in enumerate(node.options) if o.when is None or o.when.holds(answers))
            cache_key = (node.id, lang, offered, node.ask_key(answers))
        reply = self._cache.get(cache_key)
        if reply is None:
            options = tuple(Option(o.id, self.t(lang, o.label)) for o in (node.options[i] for i in offered))
            reply = self._cache[cache_key] = Reply("question", node.id, self.t(lang, node.ask_key(answers)), options)
        return reply

    def actions(self, lang: str) -> tuple[Option, ...]:
        """The menu offered with an outcome."""
        return tuple(Option(a, self.t(lang, f"ui.action.{a}")) for a in OUTCOME_ACTIONS)

    def outcome(self, node: Node, lang: str, answers: dict[str, str]) -> Reply:
        """The full advice: headline, how urgently, what to do, avoid, and if it gets worse."""
        shown = tuple(
            tuple(i for i, item in enumerate(getattr(node, section)) if holds(item.when, answers))
            for section in ("do", "avoid", "worse")
        )
        cache_key = (node.id, lang, shown)
        reply = self._cache.get(cache_key)
        if reply is not None:
            return reply
        parts = [self.t(lang, node.title), self.t(lang, f"disposition.{node.disposition}")]
        for section, indices in zip(("do", "avoid", "worse"), shown, strict=True):
            items = getattr(node, section)
            if indices:
                lines = [self.t(lang, f"ui.outcome.{section}")]
                lines += [f"• {self.t(lang, items[i].text)}" for i in indices]
                parts.append("\n".join(lines))
        reply = Reply("outcome", node.id, "\n\n".join(parts), self.actions(lang), node.disposition)
        self._cache[cache_key] = reply
        return reply

    def next_step(self, node: Node, lang: str) -> Reply:
        """The short prompt shown again at an outcome: what would you like to do now?"""
        return Reply("question", node.id, self.t(lang, "ui.next_step"), self.actions(lang))

    def sources(self, node: Node, lang: str, answers: dict[str, str]) -> Reply:
        """The references behind the advice shown."""
        seen: dict[str, None] = {}
        for item in node.items():
            if holds(item.when, answers):
                seen[item.source] = None
        lines = [self.t(lang, "ui.sources.title")]
        for sid in seen:
            src = self.flow.sources[sid]
            lines.append(f"• {src.name}: {src.url}")
        return Reply("info", node.id, "\n".join(lines), self.actions(lang))

    def _answer_lines(self, answers: list[tuple[str, str]], lang: str) -> list[str]:
        lines = []
        for nid, oid in answers:
            node = self.flow.nodes.get(nid)
            opt = node.option(oid) if node else None
            if opt is None or nid == self.flow.start:
                continue
            label = self.t(lang, opt.label)
            lines.append(f"• {self.t(lang, node.summary)}: {label}" if node.summary else f"• {label}")
        return lines

    def why(self, node: Node, lang: str, answers: list[tuple[str, str]]) -> Reply:
        """Which answers led to this advice."""
        lines = [self.t(lang, "ui.why.title"), *self._answer_lines(answers, lang)]
        name = self.t(lang, f"disposition_name.{node.disposition}")
        lines += ["", self.t(lang, "ui.why.led_to", level=name)]
        return Reply("info", node.id, "\n".join(lines), self.actions(lang))

    def summary(self, node: Node, lang: str, answers: list[tuple[str, str]], today: dt.date) -> Reply:
        """A short summary she can show or forward to her midwife."""
        lines = [
            self.t(lang, "ui.summary.title"),
            self.t(lang, "ui.summary.date", date=today.isoformat()),
            *self._answer_lines(answers, lang),
            self.t(lang, "ui.summary.advice", level=self.t(lang, f"disposition_name.{node.disposition}")),
            "",
            self.t(lang, "ui.summary.note"),
        ]
        return Reply("info", node.id, "\n".join(lines), self.actions(lang))

    def language_menu(self, lang: str) -> Reply:
        """The language picker, each language labelled in its own script."""
        options = tuple(Option(code, self.catalog.locales[code].name) for code in self.catalog.languages)
        return Reply("question", LANGUAGE_MENU, self.t(lang, "ui.language_question"), options)
