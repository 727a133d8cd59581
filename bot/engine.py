"""The channel-agnostic core: `handle(incoming) -> replies`, one conversation turn at a time."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from bot.commit import DELETE, KEEP, SAVE, Committer, Decision
from bot.events import BACK, Incoming, Reply
from bot.flow.compiler import compile_flow
from bot.flow.model import Flow, Node, holds
from bot.i18n import Catalog
from bot.locks import KeyedLocks
from bot.records import Records
from bot.render import COMMANDS, LANGUAGE_MENU, OUTCOME_ACTIONS, Renderer
from bot.restore import restore
from bot.session import Session
from bot.storage.base import SessionStore, Stored
from bot.typed import SHOW_ALL, TypedPath

log = logging.getLogger(__name__)



class Engine(Records, TypedPath):
    """Runs one flow for many conversations; sessions are plain data in a store."""

    def __init__(
        self,
        flow: Flow,
        catalog: Catalog,
        store: SessionStore,
        *,
        emergency_number: str | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        help_footer: str | None = None,
        channel: str | None = None,
    ):
        self.flow = flow
        self.catalog = catalog
        self.commits = Committer(store)
        self.machine = compile_flow(flow)
        self._events = self.machine.events
        self._locks = KeyedLocks()
        self._today = today
        self._help_footer = help_footer
        self.render = Renderer(flow, catalog, channel=channel)
        if emergency_number:
            catalog.set_values(emergency_number=emergency_number)

    # -- public -----------------------------------------------------------------------------

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Apply one user action to its conversation; the replies come once the write committed.

        An event (`incoming.event_id`) is applied at most once: a redelivered one gets the
        current question again if its replies were not marked delivered, and nothing if they were.
        """
        key = incoming.key
        waiting = self._locks.acquire(key)  # None: nobody else is in this conversation
        if waiting is not None:
            await waiting
        try:
            return await self.commits.run(key, lambda stored: self._apply(stored, incoming))
        finally:
            self._locks.release(key)

    async def language(self, key: str, hint: str | None = None) -> str:
        """The language a conversation uses: its stored choice, else the hint, else the default."""
        stored = await self.store.get(key)
        code = stored.data.get("l") if stored is not None else None
        if isinstance(code, str) and code in self.catalog.locales:
            return code
        return self.catalog.supported(hint) or self.catalog.default

    def commands(self, lang: str | None) -> list[tuple[str, str]]:
        """The command menu (name, description) in a language, for a channel's menu."""
        code = self.catalog.supported(lang) or self.catalog.default
        return [(c, self.catalog.text(code, f"ui.cmd.{c}")) for c in COMMANDS]

    # -- restoring --------------------------------------------------------------------------

    def _apply(self, stored: Stored | None, inc: Incoming) -> Decision[list[Reply]]:
        """One turn on the stored data: what to write and what to answer (may run again)."""
        replies: list[Reply] = []
        hint = self.catalog.supported(inc.lang)
        session, is_new, changed = restore(self.flow, self._events, stored.data if stored else None, hint)
        if changed:
            replies.append(self.render.message("info", session.state, self._lang(session), "ui.flow_changed"))
        if inc.event_id is not None:
            delivered = session.seen(inc.event_id)
            if delivered is not None:  # a redelivery of an event already applied
                return KEEP, None, [] if delivered else [self._full_prompt(session, self._lang(session))]
        session.channel.pop("blocked", None)  # she wrote, so she has not blocked the bot
        if stored is None and inc.option is not None and inc.node != self.flow.start:
            action = self._gone(session, replies)  # a button of a conversation no longer stored
        else:
            action = self._turn(session, inc, replies, is_new)
        if action == SAVE and inc.event_id is not None:
            session.applied(inc.event_id)
        return action, session.to_dict() if action == SAVE else None, replies

    def _gone(self, s: Session, out: list[Reply]) -> str:
        lang = self._lang(s)
        out.append(self.render.message("info", s.state, lang, "ui.expired"))
        out.append(self._full_prompt(s, lang))
        return SAVE

    def _new(self, lang: str | None) -> Session:
        return Session(self.flow.start, self.flow.version, lang=lang)

    # -- one turn ---------------------------------------------------------------------------

    def _lang(self, session: Session) -> str:
        return session.lang if session.lang in self.catalog.locales else self.catalog.default

    def _turn(self, s: Session, inc: Incoming, out: list[Reply], is_new: bool) -> str:
        lang = self._lang(s)
        pending, s.pending = s.pending, None  # a "did you mean" is answered by the next turn
        if inc.option is not None:
            return self._press(s, inc, out, lang, pending)
        text = inc.text.strip() if inc.text else ""
        if not text:
            out.append(self._full_prompt(s, lang))
            return KEEP if is_new else SAVE
        if text.startswith("/"):
            return self._command(s, text, out, lang)
        if s.menu == LANGUAGE_MENU:
            code = self._match_language(text, lang)
            if code is None:
                out.append(self.render.message("error", LANGUAGE_MENU, lang, "ui.unknown"))
                out.append(self.render.language_menu(lang))
                return SAVE
            return self._set_language(s, code, out)
        return self._typed(s, self.flow.nodes[s.state], text, out, lang, pending)

    def _press(self, s: Session, inc: Incoming, out: list[Reply], lang: str, pending: dict[str, Any] | None) -> str:
        if s.menu == LANGUAGE_MENU and inc.node == LANGUAGE_MENU and inc.option in self.catalog.locales:
            return self._set_language(s, inc.option, out)
        node = self.flow.nodes[s.state]
        if inc.option == BACK and inc.node == (s.menu or s.state):
            return self._back(s, out, lang)
        if s.menu is None and inc.node == s.state:
            if inc.option == SHOW_ALL and not node.is_outcome:
                out.append(self._prompt(s, lang))
                return SAVE
            option = inc.option or ""  # _press runs only for a button press, so it is set
            ok = (option in OUTCOME_ACTIONS) if node.is_outcome else self._offered(node, s, option)
            if ok and pending and option in pending.get("o", ()):  # a "did you mean" button
                return self._take(s, node, option, out, lang, then=pending.get("t"), pressed=True)
            if ok:
                return self._choose(s, node, option, out, lang)
        if self._stale_flag(s, inc.node, inc.option or ""):  # an old warning-sign button: never lost
            out.append(self._emergency_card(s, lang))
            out.append(self._reask(s, lang))
            return SAVE
        out.append(self.render.message("error", s.menu or s.state, lang, "ui.stale"))
        out.append(self._reask(s, lang))
        return SAVE

    def _offered(self, node: Node, s: Session, option_id: str) -> bool:
        opt = node.option(option_id)
        return opt is not None and (opt.when is None or holds(opt.when, s.answered))

    def _choose(self, s: Session, node: Node, option: str, out: list[Reply], lang: str) -> str:
        if node.is_outcome:
            return self._action(s, node, option, out, lang)
        if not self._events[option].trigger(s):
            out.append(self.render.message("error", node.id, lang, "ui.unknown"))
            out.append(self._prompt(s, lang))
            return SAVE
        out.append(self._full_prompt(s, lang))
        return SAVE

    def _action(self, s: Session, node: Node, action: str, out: list[Reply], lang: str) -> str:
        if action == "restart":
            return self._restart(s, out, lang)
        if action == "more":
            out.append(self.render.more(node, lang, s.answered))
        elif action == "sources":
            out.append(self.render.sources(node, lang, s.answered))
        elif action == "why":
            out.append(self.render.why(node, lang, s.answers))
        else:
            out.append(self.render.summary(node, lang, s.answers, self._today()))
        return SAVE

    # -- commands ---------------------------------------------------------------------------

    def _command(self, s: Session, text: str, out: list[Reply], lang: str) -> str:
        word = text[1:].split(maxsplit=1)[0].split("@", 1)[0].casefold() if len(text) > 1 else ""
        node = self.flow.nodes[s.state]
        if word in OUTCOME_ACTIONS and word != "restart":
            if node.is_outcome and s.menu is None:
                return self._action(s, node, word, out, lang)
            out.append(self.render.message("error", s.state, lang, "ui.outcome_only"))
        elif word == "restart" or (word == "start" and (node.is_outcome or not s.answers)):
            if word == "start" and not s.answers:
                s.menu = None
                out.append(self._full_prompt(s, lang))
                return SAVE
            return self._restart(s, out, lang)
        elif word == "start":
            s.menu = None
            out.append(self.render.message("info", s.state, lang, "ui.welcome_back"))
        elif word == "back":
            return self._back(s, out, lang)
        elif word == "help":
            out.append(self.render.help(s.menu or s.state, lang, self._help_footer))
        elif word == "emergency":
            out.append(self.render.message("info", s.menu or s.state, lang, "ui.emergency"))
        elif word == "language":
            s.menu = LANGUAGE_MENU
            out.append(self.render.language_menu(lang))
            return SAVE
        elif word == "forget":
            out.append(self.render.message("info", self.flow.start, lang, "ui.forgotten"))
            fresh = self._new(None)
            out.append(self._full_prompt(fresh, lang))  # she keeps her language until she leaves
            return DELETE
        else:
            out.append(self.render.message("error", s.menu or s.state, lang, "ui.unknown_command"))
            out.append(self._reask(s, lang))
            return SAVE
        out.append(self._prompt(s, lang))
        return SAVE

    def _restart(self, s: Session, out: list[Reply], lang: str) -> str:
        s.answers.clear()
        s.state, s.menu, s.version = self.flow.start, None, self.flow.version
        out.append(self.render.message("info", s.state, lang, "ui.restarted"))
        out.append(self._full_prompt(s, lang))
        return SAVE

    def _back(self, s: Session, out: list[Reply], lang: str) -> str:
        if s.menu is not None:
            s.menu = None
        elif not s.answers:
            out.append(self.render.message("error", s.state, lang, "ui.back_at_start"))
            out.append(self._reask(s, lang))
            return SAVE
        else:
            s.state = s.answers.pop()[0]
        out.append(self._prompt(s, lang))
        return SAVE

    # -- language ---------------------------------------------------------------------------

    def _match_language(self, text: str, lang: str) -> str | None:
        choices = [(c, self.catalog.locales[c].name) for c in self.catalog.languages]
        for code in dict.fromkeys([lang, *self.catalog.languages]):  # "russian", "русский", "俄语"
            found = self._matcher.choice(text, choices, code)
            if found is not None:
                return found
        return None

    def _set_language(self, s: Session, code: str, out: list[Reply]) -> str:
        s.lang, s.menu = code, None
        out.append(self.render.message("info", s.state, code, "ui.language_set"))
        out.append(self._full_prompt(s, code))  # at the advice: the advice again, in her language
        return SAVE

    def _prompt(self, s: Session, lang: str) -> Reply:
        """What the user is being asked now (short form at an outcome)."""
        if s.menu == LANGUAGE_MENU:
            return self.render.language_menu(lang)
        node = self.flow.nodes[s.state]
        if node.is_outcome:
            return self.render.next_step(node, lang, s.answered)
        return self.render.question(node, lang, s.answered, back=bool(s.answers))

    def _reask(self, s: Session, lang: str) -> Reply:
        """The question again in short, after an answer that was not understood."""
        node = self.flow.nodes[s.state]
        if s.menu is not None or node.is_outcome:
            return self._prompt(s, lang)
        return self.render.reask(node, lang, s.answered, back=bool(s.answers))

    def _full_prompt(self, s: Session, lang: str) -> Reply:
        """Like `_prompt`, but an outcome is shown in full."""
        node = self.flow.nodes[s.state]
        if s.menu is None and node.is_outcome:
            return self.render.outcome(node, lang, s.answered)
        return self._prompt(s, lang)
