"""Session stores: where conversations live between turns and restarts."""

from __future__ import annotations

from pathlib import Path

from bot.errors import ConfigError
from bot.storage.base import SessionStore
from bot.storage.memory import MemoryStore
from bot.storage.sqlite import SQLiteStore

__all__ = ["MemoryStore", "SQLiteStore", "SessionStore", "open_store"]


def open_store(url: str) -> SessionStore:
    """Open the store a URL names: memory://, sqlite:///relative.db, sqlite:////abs.db."""
    if url.startswith("memory://"):
        return MemoryStore()
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if not path:
            raise ConfigError(f"store URL '{url}' names no file")
        return SQLiteStore(Path(path))
    if url.startswith("redis://"):
        raise ConfigError("the Redis store is not available yet; use sqlite:///path.db or memory://")
    raise ConfigError(f"unknown store URL '{url}': use sqlite:///path.db or memory://")
