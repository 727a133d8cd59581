"""The embedded default store: one SQLite row of JSON per conversation, in WAL mode.

Every call runs on the store's own worker thread, so a database locked by another process
(a backup, an admin shell) never blocks the event loop: other chats keep being answered.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import ConfigError
from bot.storage.base import Stored, StoreError

T = TypeVar("T")

_COLUMNS = frozenset({"key", "rev", "data", "expires"})
_OLD_COLUMNS = frozenset({"key", "data"})  # the schema before revisions and expiry: migrated in place
_SCHEMA = (
    "CREATE TABLE sessions (key TEXT PRIMARY KEY, rev INTEGER NOT NULL, data TEXT NOT NULL, expires REAL)"
    " WITHOUT ROWID"
)
PURGE_EVERY = 3600.0  # seconds between sweeps for expired sessions


class SQLiteStore:
    """Sessions in a SQLite file; a put is committed before it returns."""

    def __init__(self, path: Path, *, ttl: float | None = None, clock: Callable[[], float] = time.time):
        self.path = path
        self._ttl = ttl or None
        self._clock = clock
        self._db = _open(path, self._ttl, clock())
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        self._next_purge = 0.0
        self._purge(clock())

    async def get(self, key: str) -> Stored | None:
        """The stored session for `key` and its revision, or None (also once it has expired)."""
        row = await self._call(self._get, key)
        if row is None:
            return None
        try:
            data = json.loads(row[1])
        except ValueError:
            data = None
        return Stored(data if isinstance(data, dict) else {}, row[0])

    async def put(self, key: str, data: dict[str, Any], *, rev: int) -> bool:
        """Write if the stored revision is still `rev` (0: no live session); False on conflict."""
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        return await self._call(self._put, key, text, rev)

    async def delete(self, key: str) -> None:
        """Delete the row, overwrite its bytes (secure_delete) and checkpoint the WAL."""
        await self._call(self._delete, key)

    async def close(self) -> None:
        """Close the database and stop the worker thread."""
        await self._call(self._db.close)
        self._thread.shutdown(wait=True)

    def purge(self) -> int:
        """Delete every expired session now (blocking); return how many were deleted."""
        return self._purge(self._clock())

    # -- on the worker thread ----------------------------------------------------------------

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._thread, fn, *args)
        except sqlite3.Error as exc:
            raise StoreError(f"session database {self.path.name}: {exc}") from exc

    def _get(self, key: str) -> tuple[int, str] | None:
        return self._db.execute(
            "SELECT rev, data FROM sessions WHERE key = ? AND (expires IS NULL OR expires > ?)",
            (key, self._clock()),
        ).fetchone()

    def _put(self, key: str, text: str, rev: int) -> bool:
        now = self._clock()
        expires = now + self._ttl if self._ttl else None
        if rev == 0:  # new, or in place of an expired row that was not purged yet
            cur = self._db.execute(
                "INSERT INTO sessions (key, rev, data, expires) VALUES (?, 1, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET rev = 1, data = excluded.data, expires = excluded.expires"
                " WHERE sessions.expires IS NOT NULL AND sessions.expires <= ?",
                (key, text, expires, now),
            )
        else:
            cur = self._db.execute(
                "UPDATE sessions SET rev = rev + 1, data = ?, expires = ?"
                " WHERE key = ? AND rev = ? AND (expires IS NULL OR expires > ?)",
                (text, expires, key, rev, now),
            )
        if now >= self._next_purge:
            self._purge(now)
        return cur.rowcount == 1

    def _delete(self, key: str) -> None:
        if self._db.execute("DELETE FROM sessions WHERE key = ?", (key,)).rowcount:
            self._checkpoint()

    def _purge(self, now: float) -> int:
        self._next_purge = now + PURGE_EVERY
        try:
            n = self._db.execute(
                "DELETE FROM sessions WHERE expires IS NOT NULL AND expires <= ?", (now,)
            ).rowcount
        except sqlite3.OperationalError:  # locked by someone else: try again at the next sweep
            return 0
        if n:
            self._checkpoint()
        return n

    def _checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it, so deleted rows leave no copy there."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def _open(path: Path, ttl: float | None, now: float) -> sqlite3.Connection:
    """Open (or create) the database and check that it is sound and ours; raise ConfigError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(f"{path}: cannot open the session database: {exc}") from exc
    try:
        db.execute("PRAGMA busy_timeout=5000")
        db.execute("PRAGMA secure_delete=ON")
        db.execute("PRAGMA journal_mode=WAL").fetchall()
        db.execute("PRAGMA synchronous=NORMAL")
        problems = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError(problems[0])
        columns = tuple(row[1] for row in db.execute("PRAGMA table_info(sessions)").fetchall())
        if not columns:
            db.execute(_SCHEMA)
        elif set(columns) == _OLD_COLUMNS:
            _migrate(db, ttl, now)
        elif set(columns) != _COLUMNS:
            raise ConfigError(
                f"{path}: this database has a 'sessions' table that mamaflow did not make "
                f"(columns: {', '.join(columns)}); use another file for BOT_STORE"
            )
    except sqlite3.OperationalError as exc:
        db.close()
        raise ConfigError(f"{path}: cannot open the session database: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        db.close()
        raise ConfigError(
            f"{path}: the session database is damaged ({exc}); move it away or restore a backup"
        ) from exc
    except ConfigError:
        db.close()
        raise
    return db


def _migrate(db: sqlite3.Connection, ttl: float | None, now: float) -> None:
    """Add the revision and expiry columns to a database from before they existed."""
    db.execute("BEGIN IMMEDIATE")
    db.execute("ALTER TABLE sessions ADD COLUMN rev INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE sessions ADD COLUMN expires REAL")
    if ttl:
        db.execute("UPDATE sessions SET expires = ?", (now + ttl,))
    db.execute("COMMIT")
