"""Content checks across flows and locales: everything `python -m bot lint` reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.advice_check import check_first_messages
from bot.errors import ContentError, Problem
from bot.flow.check import check_flow
from bot.flow.loader import load_flows
from bot.flow.model import Flow
from bot.i18n import DEFAULT_VALUES, Locale, load_locales, placeholders
from bot.render import UI_KEYS
from bot.typed_texts import TYPED_KEYS

# Placeholders a text may use: the configured ones and those the engine fills in.
KNOWN_PLACEHOLDERS = frozenset({*DEFAULT_VALUES, "level", "date", "answer", "weeks", "months", "low", "high"})
VARIANTS = ("console",)  # channel wording: `console.<key>` replaces `<key>` in the console
TELEGRAM_TEXT_LIMIT = 4096  # UTF-16 code units in one message
BUTTON_LABEL_LIMIT = 64  # UTF-16 code units: longer labels are cut off on a phone


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Content:
    """The loaded flows and locales, with every problem found in them."""

    flows: dict[str, Flow]
    locales: dict[str, Locale]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """Problems that are not warnings."""
        return [p for p in self.problems if not p.warning]


def _uses(flow: Flow) -> dict[str, tuple[str, int, str]]:
    """Every locale key a flow uses -> (file, line, role)."""
    used: dict[str, tuple[str, int, str]] = {}
    for node in flow.nodes.values():
        if node.is_outcome:
            used.setdefault(node.title, (node.file, node.line, "title"))
            for item in node.items():
                used.setdefault(item.text, (node.file, item.line, "advice"))
            continue
        used.setdefault(node.ask, (node.file, node.line, "question"))
        for variant in node.ask_when:
            used.setdefault(variant.text, (node.file, variant.line, "question"))
        for key in (node.numbers_error, node.summary):
            if key:
                used.setdefault(key, (node.file, node.line, "text"))
        for opt in node.options:
            used.setdefault(opt.label, (node.file, opt.line, "label"))
    return used


def check_content(flows_dir: Path, locales_dir: Path, default_lang: str = "en") -> Content:
    """Load and check flows and locales together."""
    flows, problems = load_flows(flows_dir)
    for flow in flows.values():
        problems += check_flow(flow)
    locales, found = load_locales(locales_dir)
    problems += found
    if locales:
        problems += _check_locales(flows, locales, default_lang)
    if locales and not any(not p.warning for p in problems):
        default = default_lang if default_lang in locales else next(iter(locales))
        for flow in flows.values():
            problems += check_first_messages(flow, locales, default)
    return Content(flows, locales, list(dict.fromkeys(problems)))


def _check_locales(flows: dict[str, Flow], locales: dict[str, Locale], default_lang: str) -> list[Problem]:
    out: list[Problem] = []
    base = locales.get(default_lang) or locales.get("en") or next(iter(locales.values()))
    used: dict[str, tuple[str, int, str]] = {}
    for flow in flows.values():
        for key, where in _uses(flow).items():
            used.setdefault(key, where)
    # the typed-answer texts have built-in English stand-ins; once a base locale has them, all must
    typed = TYPED_KEYS if any(k.startswith("typed.") for k in base.texts) else ()
    for key in (*UI_KEYS, *typed):
        used.setdefault(key, (base.path, 1, "engine"))
    for flow in flows.values():  # optional short re-ask texts: `<ask key>_short`
        for node in flow.nodes.values():
            if node.ask and f"{node.ask}_short" in base.texts:
                used.setdefault(f"{node.ask}_short", (node.file, node.line, "question"))
    for loc in locales.values():
        for key, line in loc.lines.items():
            variant, _, plain = key.partition(".")
            if variant in VARIANTS:
                if plain not in loc.texts:
                    out.append(
                        Problem(loc.path, line, f"'{key}' changes '{plain}', which this file does not have")
                    )
                elif placeholders(loc.texts[key]) != placeholders(loc.texts[plain]):
                    out.append(Problem(loc.path, line, f"'{key}': placeholders differ from '{plain}'"))
        for key, (path, line, role) in sorted(used.items()):
            if key not in loc.texts:
                if role == "engine":
                    out.append(Problem(loc.path, 1, f"missing key '{key}' (the engine's own text)"))
                else:
                    out.append(Problem(path, line, f"{role} key '{key}' is missing in {loc.path}"))
        for key, text in loc.texts.items():
            line = loc.lines[key]
            names = placeholders(text)
            for name in sorted(names - KNOWN_PLACEHOLDERS):
                out.append(Problem(loc.path, line, f"'{key}': unknown placeholder {{{name}}}"))
            if loc is not base:
                if key not in base.texts:
                    out.append(Problem(loc.path, line, f"'{key}' is not in {base.path}"))
                elif names != placeholders(base.texts[key]):
                    want = ", ".join(sorted(placeholders(base.texts[key]))) or "none"
                    out.append(
                        Problem(loc.path, line, f"'{key}': placeholders differ from {base.path} ({want})")
                    )
            role = used.get(key, ("", 0, ""))[2]
            if role == "label" and utf16_len(text) > BUTTON_LABEL_LIMIT:
                out.append(
                    Problem(
                        loc.path,
                        line,
                        f"'{key}': a button label of {utf16_len(text)} characters (UTF-16) is cut off on a phone; keep it under {BUTTON_LABEL_LIMIT}",
                    )
                )
            elif utf16_len(text) > TELEGRAM_TEXT_LIMIT:
                out.append(
                    Problem(
                        loc.path,
                        line,
                        f"'{key}': {utf16_len(text)} UTF-16 units, over Telegram's {TELEGRAM_TEXT_LIMIT}",
                    )
                )
    for key in sorted(set(base.texts) - set(used)):
        if not key.startswith(("ui.", "typed.")) and key.partition(".")[0] not in VARIANTS:
            out.append(
                Problem(base.path, base.lines[key], f"key '{key}' is not used by any flow", warning=True)
            )
    return out


def raise_for(content: Content) -> None:
    """Raise ContentError if the content has errors."""
    if content.errors:
        raise ContentError(content.errors)
