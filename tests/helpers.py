"""Test helpers: build engines on test content and talk to them like a user."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from bot.engine import Engine
from bot.events import Incoming, Reply
from bot.i18n import Catalog
from bot.lint import check_content, raise_for
from bot.storage import MemoryStore, SessionStore, Stored

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
SHIPPED = ROOT


def make_engine(
    content: Path = MINI, store: SessionStore | None = None, emergency_number: str | None = None
) -> Engine:
    """An engine on `content` (a folder with flows/ and locales/)."""
    found = check_content(content / "flows", content / "locales")
    raise_for(found)
    catalog = Catalog(found.locales, "en")
    return Engine(
        found.flows["triage"],
        catalog,
        store or MemoryStore(),
        emergency_number=emergency_number,
        today=lambda: dt.date(2026, 11, 21),
    )


def copy_content(src: Path, dst: Path) -> Path:
    """A writable copy of a content folder, to change in a test."""
    shutil.copytree(src / "flows", dst / "flows")
    shutil.copytree(src / "locales", dst / "locales")
    return dst


class StoreInFront:
    """A store that hands every call to the real one: subclasses change what they need."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store

    async def get(self, key: str) -> Stored | None:
        return await self.store.get(key)

    async def put(self, key: str, data: dict, *, rev: int) -> bool:
        return await self.store.put(key, data, rev=rev)

    async def delete(self, key: str) -> None:
        await self.store.delete(key)

    async def close(self) -> None:
        await self.store.close()


class Chat:
    """One user talking to an engine: send text or press buttons, then look at the replies."""

    def __init__(self, engine: Engine, key: str = "test:1", lang: str | None = None):
        self.engine = engine
        self.key = key
        self.lang = lang
        self.replies: list[Reply] = []

    async def open(self) -> list[Reply]:
        """Open the chat (what a channel does on first contact)."""
        return await self._do(Incoming(self.key, lang=self.lang))

    async def send(self, text: str) -> list[Reply]:
        """Type a line."""
        return await self._do(Incoming(self.key, text=text, lang=self.lang))

    async def press(self, option: str, node: str | None = None) -> list[Reply]:
        """Press a button of the last question (or of `node`)."""
        where = node if node is not None else self.last.node
        return await self._do(Incoming(self.key, option=option, node=where, lang=self.lang))

    async def walk(self, *answers: str) -> Reply:
        """Press one button after another; return the last message."""
        for answer in answers:
            await self.press(answer)
        return self.last

    async def _do(self, incoming: Incoming) -> list[Reply]:
        self.replies = await self.engine.handle(incoming)
        assert self.replies, "the bot must always answer"
        return self.replies

    @property
    def last(self) -> Reply:
        """The bot's last message."""
        return self.replies[-1]

    @property
    def option_ids(self) -> list[str]:
        """The ids of the options offered in the last message."""
        return [o.id for o in self.last.options]
