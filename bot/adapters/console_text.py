"""Console text layout: messages wrapped to the terminal's width, at spaces (and between
CJK characters), with hanging indents for bullets and numbered options."""

from __future__ import annotations

import re
import shutil
import unicodedata

from bot.events import Reply

MIN_WIDTH = 20
# compiled on first use (by `re`'s cache): the JSON-lines console never wraps
_TOKEN = r"\s+|[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+"
_HANG = r"^(\s*(?:[•*-]|\d+\.)\s+|\s+)"


def terminal_width() -> int:
    """The terminal's width in columns (COLUMNS, or 80 when it cannot be told), less one."""
    return max(MIN_WIDTH, shutil.get_terminal_size((80, 24)).columns - 1)


def columns(text: str) -> int:
    """How many columns `text` takes: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_line(line: str, width: int) -> list[str]:
    """One line wrapped to `width` columns; continuation lines line up under the text of a
    bullet or a numbered option. A word longer than the line is left whole (a web address)."""
    if columns(line) <= width:
        return [line]
    hang = re.match(_HANG, line)
    indent = " " * columns(hang.group(1)) if hang else ""
    out: list[str] = []
    current, space = "", False
    for token in re.findall(_TOKEN, line):
        if token.isspace():
            space = bool(current.strip())
            continue
        candidate = f"{current}{' ' if space else ''}{token}"
        if columns(candidate) > width and current.strip():
            out.append(current)
            current, space = indent + token, False
        else:
            current, space = candidate, False
    if current.strip():
        out.append(current)
    return out


def wrap(text: str, width: int) -> str:
    """Every line of `text` wrapped to `width` columns."""
    return "\n".join(
        piece for line in text.split("\n") for piece in (wrap_line(line, width) if line else [""])
    )


def format_reply(reply: Reply, width: int | None = None) -> str:
    """A message as the interactive console shows it: text, numbered options, and how to go
    back; wrapped to `width` (default: the terminal's)."""
    lines = [reply.text]
    if reply.options:
        lines.append("")
        lines += [f"  {i}. {o.label}" for i, o in enumerate(reply.options, 1)]
    if reply.back:
        lines.append(f"  ⬅ {reply.back}")
    return wrap("\n".join(lines), width or terminal_width())
