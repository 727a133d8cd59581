"""Session stores: where conversations live between turns, restarts and workers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import ConfigError
from bot.storage.base import SessionStore, Stored, StoreError

if TYPE_CHECKING:
    from bot.storage.memory import MemoryStore
    from bot.storage.sqlite import SQLiteStore

__all__ = ["MemoryStore", "SQLiteStore", "SessionStore", "StoreError", "Stored", "open_store"]

URLS = "sqlite:///path.db, memory:// or redis://host:port/db"


def __getattr__(name: str) -> Any:
    """The store classes, imported when first used (lint and the CLI's start need none of them)."""
    if name == "MemoryStore":
        from bot.storage.memory import MemoryStore

        return MemoryStore
    if name == "SQLiteStore":
        from bot.storage.sqlite import SQLiteStore

        return SQLiteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(url: str, *, ttl: float | None = None) -> SessionStore:
    """Open the store a URL names; `ttl` (seconds, None = keep) applies to every write."""
    if url.startswith("memory://"):
        from bot.storage.memory import MemoryStore

        return MemoryStore(ttl=ttl)
    if url.startswith("sqlite:///"):
        from bot.storage.sqlite import SQLiteStore

        path = url[len("sqlite:///") :]
        if not path:
            raise ConfigError(f"store URL '{url}' names no file")
        return SQLiteStore(Path(path), ttl=ttl)
    if url.startswith(("redis://", "rediss://")):
        from bot.storage.redis import RedisStore

        return RedisStore.from_url(url, ttl=ttl)
    shown = url.split("://", 1)[0] + "://..." if "://" in url else url
    raise ConfigError(f"unknown store URL '{shown}': use {URLS}")
