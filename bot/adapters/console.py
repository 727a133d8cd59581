"""The console adapter: chat in a terminal, or JSON lines in and out for scripts."""

from __future__ import annotations

import asyncio
import codecs
import json
import os
import sys
from typing import TextIO

from bot.adapters.console_text import format_reply
from bot.app import build_engine
from bot.engine import Engine
from bot.events import Incoming, Reply
from bot.settings import Settings

PROMPT = "> "
BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader went away


def _speaks_unicode(stream: TextIO) -> bool:
    """True when the stream's encoding can write any text (a UTF encoding)."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name.startswith("utf")
    except LookupError:
        return False


def _tolerant_streams(jsonl: bool) -> bool:
    """Bytes that are not text become U+FFFD on input; return True if output must be ASCII."""
    for stream in (sys.stdin, sys.stdout):
        if not hasattr(stream, "reconfigure"):
            return False
    sys.stdin.reconfigure(errors="replace")  # type: ignore[union-attr]
    if _speaks_unicode(sys.stdout):
        return False
    if not jsonl:
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
    return True  # JSON lines then escape non-ASCII: still valid JSON, nothing lost




class ConsoleChat:
    """Feeds lines to the engine and writes its replies to an output stream."""

    def __init__(
        self,
        engine: Engine,
        *,
        user: str,
        lang: str | None,
        jsonl: bool,
        out: TextIO,
        ascii_only: bool = False,
    ):
        self.engine = engine
        self.ascii_only = ascii_only
        self.key = f"console:{user}"
        self.lang = lang
        self.jsonl = jsonl
        self.out = out

    async def send(self, text: str | None) -> list[Reply]:
        """Send one line (None = open the chat) and print the replies."""
        replies = await self.engine.handle(Incoming(self.key, text=text, lang=self.lang))
        for reply in replies:
            if self.jsonl:
                self.out.write(json.dumps(reply.to_json(), ensure_ascii=self.ascii_only) + "\n")
            else:
                self.out.write("\n" + format_reply(reply) + "\n")
        self.out.flush()
        return replies


def run_console(settings: Settings, *, user: str, lang: str | None, jsonl: bool) -> int:
    """Run the console chat until end of input; Ctrl-C or a closed output ends it quietly."""
    from bot.review.signoff import release

    footer = release(settings.flows_dir, settings.locales_dir).describe()
    engine = build_engine(settings, help_footer=footer, channel="console")
    if lang and engine.catalog.supported(lang) is None:
        languages = ", ".join(engine.catalog.languages)
        print(
            f"note: language '{lang}' is not available ({languages}); using {engine.catalog.default}",
            file=sys.stderr,
        )
    ascii_only = _tolerant_streams(jsonl)
    chat = ConsoleChat(engine, user=user, lang=lang, jsonl=jsonl, out=sys.stdout, ascii_only=ascii_only)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(chat.send(None))
        while True:
            if not jsonl and sys.stdin.isatty():
                sys.stdout.write(PROMPT)
                sys.stdout.flush()
            line = sys.stdin.readline()
            if not line:
                if not jsonl and sys.stdin.isatty():
                    sys.stdout.write("\n")
                break
            loop.run_until_complete(chat.send(line.rstrip("\r\n")))
    except KeyboardInterrupt:
        if not jsonl:
            sys.stdout.write("\n")
        return 130
    except BrokenPipeError:
        # the reader is gone (`| head -1`): stop quietly; the buffered rest goes nowhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE
    finally:
        loop.run_until_complete(engine.store.close())
        loop.close()
    return 0
