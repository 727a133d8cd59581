"""The engine's typed-text path: what she typed -> an answer (confirmed), a "did you mean", or
the emergency card. Mixed into `bot.engine.Engine`; stores only option ids in the session."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from bot.events import Option, Reply
from bot.flow.model import Node, holds
from bot.session import Session
from bot.typed_texts import STAND_INS

# The matcher (rapidfuzz, number words, many patterns) is imported on the first typed answer:
# a conversation of button presses, and the start-up before the first question, never need it.
if TYPE_CHECKING:
    from bot.flow.model import Flow
    from bot.i18n import Catalog
    from bot.matching import Matcher, Question, Understood
    from bot.render import Renderer

SAVE = "save"
SHOW_ALL = "show_all"  # the "something else: show all answers" button of a "did you mean"
URGENT = ("emergency", "urgent")


class TypedPath:
    """Typed answers at a question or an outcome (see `Engine._turn`)."""

    flow: Flow
    catalog: Catalog
    render: Renderer
    _events: Any

    @cached_property
    def _matcher(self) -> Matcher:
        """What reads typed text, built on the first typed answer."""
        from bot.matching import Matcher

        return Matcher(self.catalog)

    def prepare_typing(self) -> None:
        """Build what reads typed answers now rather than on the first one (about 50 ms)."""
        for lang in self.catalog.languages:
            self._matcher.words(lang)

    if TYPE_CHECKING:  # provided by the engine

        def _offered(self, node: Node, s: Session, option_id: str) -> bool: ...
        def _choose(self, s: Session, node: Node, option: str, out: list[Reply], lang: str) -> str: ...
        def _prompt(self, s: Session, lang: str) -> Reply: ...
        def _reask(self, s: Session, lang: str) -> Reply: ...
        def _full_prompt(self, s: Session, lang: str) -> Reply: ...

    def _tt(self, lang: str, key: str, **values: str) -> str:
        """A typed-path text in `lang`, or its English stand-in."""
        text = self.render.t(lang, key, **values)
        return STAND_INS[key].format(**values) if text == key else text

    def _choices(self, node: Node, s: Session, lang: str) -> list[tuple[str, str]]:
        if node.is_outcome:
            return [(o.id, o.label) for o in self.render.menu(node, lang, s.answered)]
        answers = s.answered
        return [(o.id, self.catalog.text(lang, o.label)) for o in node.options if holds(o.when, answers)]

    def _question(self, node: Node, s: Session, lang: str) -> Question:
        from bot.matching import NONE, Question

        return Question(
            self._choices(node, s, lang),
            numbers=node.numbers,
            numbers_error=node.numbers_error,
            screen=not node.is_outcome and node.option(NONE) is not None,
        )

    def _typed(
        self, s: Session, node: Node, text: str, out: list[Reply], lang: str, pending: dict[str, Any] | None
    ) -> str:
        """One typed line at the current node."""
        found = self._pending(node, text, lang, pending) if pending else None
        if found == SHOW_ALL:
            out.append(self._prompt(s, lang))
            return SAVE
        if found is not None:
            return self._take(s, node, found, out, lang, then=pending.get("t") if pending else None)
        u = self._matcher.understand(text, lang, self._question(node, s, lang))
        if u.kind == "option" and u.option is not None:
            return self._take(s, node, u.option, out, lang, u=u, then=u.then)
        if u.kind == "ask" and u.candidates:
            out.append(self._did_you_mean(s, node, u, lang))
            return SAVE
        if u.kind == "signs":
            out.append(self._emergency_card(s, lang))
        elif u.kind == "thanks":
            options = self.render.menu(node, lang, s.answered) if node.is_outcome else ()
            out.append(Reply("info", node.id, self._tt(lang, "typed.thanks"), options))
            if node.is_outcome:
                return SAVE
        else:
            key = u.error or "ui.unknown"
            text = self._tt(lang, key) if key in STAND_INS else self.render.t(lang, key)
            out.append(Reply("error", node.id, text))
        out.append(self._reask(s, lang))
        return SAVE

    def _pending(self, node: Node, text: str, lang: str, pending: dict[str, Any]) -> str | None:
        """An answer to a "did you mean": yes, a candidate's number or words, or "show all"."""
        options = [o for o in pending.get("o", ()) if isinstance(o, str) and node.option(o)]
        from bot.understand.normalise import fold

        words = self._matcher.words(lang)
        typed = fold(text, lang)
        if typed in words.yes and pending.get("y") in options:
            return str(pending["y"])
        if typed in words.no:
            return SHOW_ALL
        labels = [(o, self._label(node, o, lang)) for o in options]
        labels.append((SHOW_ALL, self._tt(lang, "typed.show_all")))
        return self._matcher.choice(text, labels, lang)

    def _take(
        self,
        s: Session,
        node: Node,
        option: str,
        out: list[Reply],
        lang: str,
        *,
        u: Understood | None = None,
        then: str | None = None,
        pressed: bool = False,
    ) -> str:
        """Take a typed answer: confirm it, move on, and answer the next question too if she did."""
        if node.is_outcome:
            return self._choose(s, node, option, out, lang)
        if not self._offered(node, s, option):
            out.append(self.render.message("error", node.id, lang, "ui.unknown"))
            out.append(self._reask(s, lang))
            return SAVE
        if not pressed:  # a pressed button shows its own choice
            out.append(self._confirmation(s, node, option, lang, u))
        if not self._events[option].trigger(s):
            out.append(self._prompt(s, lang))
            return SAVE
        nxt = self.flow.nodes[s.state]
        if then and not nxt.is_outcome and self._offered(nxt, s, then) and self._events[then].trigger(s):
            out.append(self._confirmation(s, nxt, then, lang, None))
        out.append(self._full_prompt(s, lang))
        return SAVE

    def _label(self, node: Node, option: str, lang: str) -> str:
        opt = node.option(option)
        return self.catalog.text(lang, opt.label) if opt else option

    def _confirmation(self, s: Session, node: Node, option: str, lang: str, u: Understood | None) -> Reply:
        """ "You said: 24 weeks: Pregnant: 13 to 27 weeks" (before the answer is recorded)."""
        asked = self.render.question(node, lang, s.answered).text
        answer = self._label(node, option, lang)
        if u is not None and u.weeks is not None:
            answer = self._tt(lang, "typed.weeks_answer", weeks=str(u.weeks), answer=answer)
        elif u is not None and u.months is not None:
            answer = self._tt(lang, "typed.months_answer", months=str(u.months), answer=answer)
        return Reply("info", node.id, self._tt(lang, "typed.said", answer=answer), answer=answer, asked=asked)

    def _did_you_mean(self, s: Session, node: Node, u: Understood, lang: str) -> Reply:
        """Ask which answer she meant; remember only the candidate ids."""
        t = self._tt
        cands = list(dict.fromkeys(u.candidates))
        options = [Option(o, self._label(node, o, lang)) for o in cands]
        if u.weeks is not None and u.yes is not None and len(cands) == 2:
            text = t(lang, "typed.number_or_button", weeks=str(u.weeks))
            other = self._label(node, cands[1], lang)
            options = [
                Option(cands[0], t(lang, "typed.yes_weeks", weeks=str(u.weeks))),
                Option(cands[1], t(lang, "typed.no_button", answer=other)),
            ]
        elif u.months is not None and u.months in _month_weeks():
            low, high = _month_weeks()[u.months]
            text = t(lang, "typed.months", months=str(u.months), low=str(low), high=str(high))
        elif u.then is not None or set(cands) == {"postpartum", "breastfeeding"}:
            text = t(lang, "typed.after_birth")
        else:
            text = t(lang, "typed.did_you_mean" if len(cands) == 1 else "typed.did_you_mean_many")
        options.append(Option(SHOW_ALL, t(lang, "typed.show_all")))
        s.pending = {"o": cands}
        if u.yes is not None:
            s.pending["y"] = u.yes
        if u.then is not None:
            s.pending["t"] = u.then
        return Reply("question", node.id, text, tuple(options))

    def _emergency_card(self, s: Session, lang: str) -> Reply:
        """The emergency card, for warning signs she typed or pressed on an old screen."""
        t = self._tt
        return Reply(
            "info",
            s.menu or s.state,
            f"{t(lang, 'typed.signs_intro')}\n\n{self.render.t(lang, 'ui.emergency')}",
        )

    def _stale_flag(self, s: Session, inc_node: str | None, option: str) -> bool:
        """True when an old button reports a warning sign that leads to emergency or urgent help."""
        if inc_node == s.state:
            return False
        node = self.flow.nodes.get(inc_node or "")
        opt = node.option(option) if node is not None and not node.is_outcome else None
        if opt is None or option == "none":  # matching.NONE: "None of these" is no answer to confirm
            return False
        targets = (self.flow.nodes.get(b.to) for b in opt.next)
        return any(n is not None and n.is_outcome and n.disposition in URGENT for n in targets)


def _month_weeks() -> dict[int, tuple[int, int]]:
    """Months of pregnancy -> (first, last) week (from the matcher's weeks module)."""
    from bot.understand.weeks import MONTH_WEEKS

    return MONTH_WEEKS
