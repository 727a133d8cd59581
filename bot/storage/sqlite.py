"""The embedded default store: one SQLite row of JSON per conversation, in WAL mode."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from bot.errors import ConfigError

_SCHEMA = "CREATE TABLE IF NOT EXISTS sessions (key TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID"


class SQLiteStore:
    """Sessions in a SQLite file; every put is committed before the reply goes out."""

    def __init__(self, path: Path):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"{path}: cannot open the session database: {exc}") from exc

    async def get(self, key: str) -> dict[str, Any] | None:
        """The stored session for `key`, or None (also when the row is not valid JSON)."""
        row = self._db.execute("SELECT data FROM sessions WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            data = json.loads(row[0])
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    async def put(self, key: str, data: dict[str, Any]) -> None:
        """Store (replace) the session for `key`."""
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        self._db.execute("INSERT OR REPLACE INTO sessions (key, data) VALUES (?, ?)", (key, text))

    async def delete(self, key: str) -> None:
        """Forget everything stored for `key`."""
        self._db.execute("DELETE FROM sessions WHERE key = ?", (key,))

    async def close(self) -> None:
        """Close the database."""
        self._db.close()
