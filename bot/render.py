"""Turn nodes and answers into replies in the user's language."""

from __future__ import annotations

import datetime as dt
from functools import partial

from bot.advice import Shown, first_message, has_more, more_message
from bot.events import Option, Reply
from bot.flow.model import Flow, Node, holds
from bot.i18n import Catalog

OUTCOME_ACTIONS = ("more", "sources", "why", "summary", "restart")
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
    "ui.expired",
    "ui.flow_changed",
    "ui.language_question",
    "ui.language_set",
    "ui.outcome_only",
    "ui.next_step",
    "ui.emergency_number_default",
    "ui.emergency_number_short",
    "ui.outcome.do",
    "ui.outcome.more_do",
    "ui.outcome.avoid",
    "ui.outcome.worse",
    "ui.outcome.dont_drive",
    "ui.sources.title",
    "ui.why.title",
    "ui.why.led_to",
    "ui.summary.title",
    "ui.summary.date",
    "ui.summary.advice",
    "ui.summary.note",
    "ui.action.more",
    "ui.action.back",
    "ui.action.sources",
    "ui.action.why",
    "ui.action.summary",
    "ui.action.restart",
    "ui.cmd.start",
    "ui.cmd.restart",
    "ui.cmd.back",
    "ui.cmd.help",
    "ui.cmd.more",
    "ui.cmd.emergency",
    "ui.cmd.language",
    "ui.cmd.forget",
    "ui.tg.use_buttons",
    "ui.tg.private_only",
    "ui.tg.bad_button",
    "ui.tg.sorry",
    "ui.tg.description",
    "ui.tg.short_description",
    *(f"disposition.{d}" for d in ("emergency", "urgent", "same_day", "routine", "self_care")),
    *(f"disposition_name.{d}" for d in ("emergency", "urgent", "same_day", "routine", "self_care")),
)
COMMANDS = ("start", "restart", "back", "more", "help", "emergency", "language", "forget")


class Renderer:
    """Builds replies; question replies without conditional options are cached.

    `channel` (for example ``console``) picks channel-specific wording: a locale key
    ``<channel>.<key>`` is used instead of ``<key>`` where the language has it.
    """

    def __init__(self, flow: Flow, catalog: Catalog, *, channel: str | None = None):
        self.flow = flow
        self.catalog = catalog
        self.channel = channel
        self._cache: dict[tuple[object, ...], Reply] = {}
        self._layouts: dict[tuple[object, ...], tuple[Shown, int, Reply]] = {}
        self._unconditional = {
            nid
            for nid, n in flow.nodes.items()
            if not n.is_outcome and not n.ask_when and all(o.when is None for o in n.options)
        }
        # per outcome: the nodes whose answers its advice items test (what its advice varies by)
        self._tested = {
            nid: tuple(sorted({t for i in n.items() if i.when is not None for t, _ in i.when.tests}))
            for nid, n in flow.nodes.items()
            if n.is_outcome
        }

    def t(self, lang: str, key: str, **values: str) -> str:
        """Shorthand for the catalog lookup."""
        return self.catalog.text(lang, key, variant=self.channel, **values)

    def message(self, kind: str, node: str, lang: str, key: str, **values: str) -> Reply:
        """A plain message of one locale text."""
        return Reply(kind, node, self.t(lang, key, **values))

    def help(self, node: str, lang: str, footer: str | None = None) -> Reply:
        """How this works (and the content's release, when given)."""
        text = self.t(lang, "ui.help")
        return Reply("info", node, f"{text}\n\n{footer}" if footer else text)

    def question(self, node: Node, lang: str, answers: dict[str, str], *, back: bool = False) -> Reply:
        """The question of `node` with the options offered under these answers (cached)."""
        return self._question(node, lang, answers, back, short=False)

    def reask(self, node: Node, lang: str, answers: dict[str, str], *, back: bool = False) -> Reply:
        """The question again in short: its `<ask>_short` text, else its first paragraph."""
        return self._question(node, lang, answers, back, short=True)

    def _question(self, node: Node, lang: str, answers: dict[str, str], back: bool, short: bool) -> Reply:
        if node.id in self._unconditional:
            offered: tuple[int, ...] = tuple(range(len(node.options)))
            cache_key: tuple[object, ...] = (node.id, lang, back, short)
        else:
            offered = tuple(i for i, o in enumerate(node.options) if o.when is None or o.when.holds(answers))
            cache_key = (node.id, lang, back, short, offered, node.ask_key(answers))
        reply = self._cache.get(cache_key)
        if reply is None:
            options = tuple(Option(o.id, self.t(lang, o.label)) for o in (node.options[i] for i in offered))
            ask = node.ask_key(answers)
            text = self.t(lang, ask)
            if short:
                brief = self.t(lang, f"{ask}_short")
                text = brief if brief != f"{ask}_short" else text.split("\n\n", 1)[0]
            label = self.t(lang, "ui.action.back") if back else ""
            reply = self._cache[cache_key] = Reply("question", node.id, text, options, back=label)
        return reply

    def actions(self, lang: str, more: bool = True) -> tuple[Option, ...]:
        """The menu offered with an outcome ("More advice" only when there is more)."""
        return tuple(
            Option(a, self.t(lang, f"ui.action.{a}")) for a in OUTCOME_ACTIONS if more or a != "more"
        )

    def _short_number(self, lang: str) -> str | None:
        if self.catalog.configured("emergency_number"):
            return None
        return self.t(lang, "ui.emergency_number_short")

    def variant(self, node: Node, answers: dict[str, str]) -> tuple[str | None, ...]:
        """The answers an outcome's advice varies by: answers alike here show the same advice."""
        return tuple([answers.get(n) for n in self._tested[node.id]])

    def _layout(self, node: Node, lang: str, answers: dict[str, str]) -> tuple[Shown, int, Reply]:
        cache_key = (node.id, lang, self.variant(node, answers))
        found = self._layouts.get(cache_key)
        if found is None:
            shown = Shown.of(node, answers)
            message, count = first_message(node, shown, partial(self.t, lang), self._short_number(lang))
            reply = Reply(
                "outcome",
                node.id,
                message.text,
                self.actions(lang, has_more(shown, count)),
                node.disposition,
                strong=message.strong,
                actions=True,
            )
            found = self._layouts[cache_key] = (shown, count, reply)
        return found

    def menu(self, node: Node, lang: str, answers: dict[str, str]) -> tuple[Option, ...]:
        """The outcome menu under these answers."""
        return self._layout(node, lang, answers)[2].options

    def outcome(self, node: Node, lang: str, answers: dict[str, str]) -> Reply:
        """The first message of the advice: how urgently, the headline, what to do first."""
        return self._layout(node, lang, answers)[2]

    def more(self, node: Node, lang: str, answers: dict[str, str]) -> Reply:
        """The rest of the advice: more to do, what to avoid, every "if it gets worse" line."""
        shown, count, _ = self._layout(node, lang, answers)
        message = more_message(node, shown, count, partial(self.t, lang), self._short_number(lang))
        return Reply(
            "info", node.id, message.text, self.actions(lang, False), strong=message.strong, actions=True
        )

    def next_step(self, node: Node, lang: str, answers: dict[str, str] | None = None) -> Reply:
        """The short prompt shown again at an outcome: what would you like to do now?"""
        options = self.actions(lang) if answers is None else self.menu(node, lang, answers)
        return Reply("question", node.id, self.t(lang, "ui.next_step"), options, actions=True)

    def sources(self, node: Node, lang: str, answers: dict[str, str]) -> Reply:
        """The references behind the advice shown, as named links."""
        seen: dict[str, None] = {}
        for item in node.items():
            if holds(item.when, answers):
                seen[item.source] = None
        title = self.t(lang, "ui.sources.title")
        lines = [title]
        links = []
        for sid in seen:
            src = self.flow.sources[sid]
            links.append((src.name, src.url))
            lines.append(f"• {src.name}\n  {src.url}")
        return Reply(
            "info",
            node.id,
            "\n".join(lines),
            self.menu(node, lang, answers),
            strong=(title,),
            links=tuple(links),
            actions=True,
        )

    def _answer_lines(self, answers: list[tuple[str, str]], lang: str) -> list[str]:
        lines = []
        for nid, oid in answers:
            node = self.flow.nodes.get(nid)
            opt = node.option(oid) if node else None
            if opt is None or nid == self.flow.start:
                continue
            label = self.t(lang, opt.label)
            lines.append(f"• {self.t(lang, node.summary)}: {label}" if node.summary else f"• {label}")  # type: ignore[union-attr]  # opt implies node
        return lines

    def why(self, node: Node, lang: str, answers: list[tuple[str, str]]) -> Reply:
        """Which answers led to this advice."""
        lines = [self.t(lang, "ui.why.title"), *self._answer_lines(answers, lang)]
        name = self.t(lang, f"disposition_name.{node.disposition}")
        lines += ["", self.t(lang, "ui.why.led_to", level=name)]
        return self._listing(node, lang, lines, answers)

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
        return self._listing(node, lang, lines, answers)

    def _listing(self, node: Node, lang: str, lines: list[str], answers: list[tuple[str, str]]) -> Reply:
        """Lines under a title (the first line), with the outcome menu."""
        return Reply(
            "info", node.id, "\n".join(lines), self.menu(node, lang, dict(answers)), strong=(lines[0],), actions=True
        )

    def language_menu(self, lang: str) -> Reply:
        """The language picker, each language labelled in its own script."""
        options = tuple(Option(code, self.catalog.locales[code].name) for code in self.catalog.languages)
        return Reply("question", LANGUAGE_MENU, self.t(lang, "ui.language_question"), options)
