"""Telegram's HTML parse mode, as strictly as the real server: HTML text -> plain text + entities.

The Bot API accepts a small set of tags and only the entities ``&lt; &gt; &amp; &quot;`` and
numeric ones; anything else is "Bad Request: can't parse entities". Offsets and lengths of
entities are counted in UTF-16 code units, as Telegram does.
"""

from __future__ import annotations

import re

TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
    "span": "spoiler",
}
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_START = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*>")
_END = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_ATTR = re.compile(r"([a-zA-Z-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_PREFIX = "Bad Request: can't parse entities: "


class ParseError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's description."""

    def __init__(self, html: str, index: int, what: str) -> None:
        offset = len(html[:index].encode("utf-8"))
        super().__init__(f"{_PREFIX}{what} at byte offset {offset}")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le")) // 2


def _unescape(match: re.Match[str], html: str) -> str:
    name = match.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    if name in NAMED:
        return NAMED[name]
    raise ParseError(html, match.start(), f'Unsupported HTML entity "&{name};"')


def parse_html(html: str) -> tuple[str, list[dict]]:
    """Parse `html` like Telegram: return the plain text and its entities, or raise ParseError."""
    out: list[str] = []
    length = 0  # UTF-16 length of the text so far
    stack: list[tuple[str, int, dict]] = []
    entities: list[dict] = []
    i = 0
    while i < len(html):
        ch = html[i]
        if ch == "<":
            end = _END.match(html, i)
            if end:
                name = end.group(1).lower()
                if not stack:
                    raise ParseError(html, i, f'Unexpected end tag "</{name}>"')
                if stack[-1][0] != name:
                    raise ParseError(html, i, f'Unmatched end tag "</{name}>", expected "</{stack[-1][0]}>"')
                _, start, entity = stack.pop()
                if length > start:
                    entity.update(offset=start, length=length - start)
                    entities.append(entity)
                i = end.end()
                continue
            start_tag = _START.match(html, i)
            if not start_tag:
                raise ParseError(html, i, 'Unsupported start tag or unescaped "<"')
            name = start_tag.group(1).lower()
            attrs = {m.group(1): m.group(2) or m.group(3) or "" for m in _ATTR.finditer(start_tag.group(2))}
            if name not in TAGS or (name == "span" and attrs.get("class") != "tg-spoiler"):
                raise ParseError(html, i, f'Unsupported start tag "{name}"')
            entity: dict = {"type": TAGS[name]}
            if name == "a":
                href = attrs.get("href", "")  # entities in the attribute are decoded, as in text
                entity["url"] = _ENTITY.sub(lambda m, h=href: _unescape(m, h), href)
            stack.append((name, length, entity))
            i = start_tag.end()
            continue
        if ch == ">":
            raise ParseError(html, i, 'Unescaped ">"')
        if ch == "&":
            match = _ENTITY.match(html, i)
            if not match:
                raise ParseError(html, i, 'Unescaped "&"')
            piece = _unescape(match, html)
            i = match.end()
        else:
            piece = ch
            i += 1
        out.append(piece)
        length += utf16_len(piece)
    if stack:
        raise ParseError(html, len(html), f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities
