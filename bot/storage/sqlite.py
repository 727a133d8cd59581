"""The embedded default store: one SQLite row of JSON per conversation, in WAL mode.

The event loop never waits for SQLite. Reads and writes are first tried on a connection that
gives up at once when the database is locked (busy_timeout 0, no checkpoints: a WAL write is
a buffered write(), without fsync); if another process (a backup, an admin shell) holds the
lock, the call moves to the store's worker thread and waits there, so other chats keep being
answered. Deletes, purges and checkpoints always run on the worker thread.
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
from bot.storage.base import Stored, StoreError, encode

T = TypeVar("T")

_COLUMNS = frozenset({"key", "rev", "data", "expires"})
_OLD_COLUMNS = frozenset({"key", "data"})  # the schema before revisions and expiry: migrated in place
_SCHEMA = (
    "CREATE TABLE sessions (key TEXT PRIMARY KEY, rev INTEGER NOT NULL, data TEXT NOT NULL, expires REAL)"
    " WITHOUT ROWID"
)
PURGE_EVERY = 3600.0  # seconds between sweeps for expired sessions
CHECKPOINT_EVERY = 500  # writes between WAL checkpoints (on the worker thread)
_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


class SQLiteStore:
    """Sessions in a SQLite file; a put is committed before it returns."""

    def __init__(self, path: Path, *, ttl: float | None = None, clock: Callable[[], float] = time.time):
        self.path = path
        self._ttl = ttl or None
        self._clock = clock
        self._db = _open(path, self._ttl, clock())  # the worker thread's connection
        self._fast = _fast_connection(path)  # the event loop's connection: never waits
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        self._writes = 0
        self._next_purge = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False
        self._purge(clock())

    async def get(self, key: str) -> Stored | None:
        """The stored session for `key` and its revision, or None (also once it has expired)."""
        row = await self._try(self._get, key)
        if row is None:
            return None
        try:
            data = json.loads(row[1])
        except ValueError:
            data = None
        return Stored(data if isinstance(data, dict) else {}, row[0])

    async def put(self, key: str, data: dict[str, Any], *, rev: int) -> bool:
        """Write if the stored revision is still `rev` (0: no live session); False on conflict."""
        text = encode(data)
        written = await self._try(self._put, key, text, rev)
        self._writes += 1
        if self._writes % CHECKPOINT_EVERY == 0:
            self._thread.submit(self._checkpoint, "PASSIVE")
        now = self._clock()
        if now >= self._next_purge:
            self._next_purge = now + PURGE_EVERY
            await self._call(self._purge, now)
        return written

    async def delete(self, key: str) -> None:
        """Delete the row, overwrite its bytes (secure_delete) and checkpoint the WAL."""
        await self._call(self._delete, self._db, key)

    async def close(self) -> None:
        """Close the database and stop the worker thread."""
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        self._fast.close()
        await self._call(self._db.close)
        self._thread.shutdown(wait=True)

    # -- where the calls run -----------------------------------------------------------------

    async def _try(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(connection, *args)` at once if the database is free, else on the worker thread."""
        if self._timer is None and self._ttl is not None:
            self._sweep_later()
        try:
            return fn(self._fast, *args)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in _BUSY:
                raise StoreError(f"session database {self.path.name}: {exc}") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"session database {self.path.name}: {exc}") from exc
        return await self._call(fn, self._db, *args)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._thread, fn, *args)
        except sqlite3.Error as exc:
            raise StoreError(f"session database {self.path.name}: {exc}") from exc

    def _sweep_later(self) -> None:
        """Purge expired sessions every PURGE_EVERY seconds, also while nobody writes."""
        self._timer = asyncio.get_running_loop().call_later(PURGE_EVERY, self._sweep)

    def _sweep(self) -> None:
        if self._closed:
            return
        if self._clock() >= self._next_purge - 1:
            self._thread.submit(self._purge, self._clock())
        self._sweep_later()

    def _get(self, db: sqlite3.Connection, key: str) -> tuple[int, str] | None:
        row: tuple[int, str] | None = db.execute(
            "SELECT rev, data FROM sessions WHERE key = ? AND (expires IS NULL OR expires > ?)",
            (key, self._clock()),
        ).fetchone()
        return row

    def _put(self, db: sqlite3.Connection, key: str, text: str, rev: int) -> bool:
        now = self._clock()
        expires = now + self._ttl if self._ttl else None
        if rev == 0:  # new, or in place of an expired row that was not purged yet
            cur = db.execute(
                "INSERT INTO sessions (key, rev, data, expires) VALUES (?, 1, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET rev = 1, data = excluded.data, expires = excluded.expires"
                " WHERE sessions.expires IS NOT NULL AND sessions.expires <= ?",
                (key, text, expires, now),
            )
        else:
            cur = db.execute(
                "UPDATE sessions SET rev = rev + 1, data = ?, expires = ?"
                " WHERE key = ? AND rev = ? AND (expires IS NULL OR expires > ?)",
                (text, expires, key, rev, now),
            )
        return cur.rowcount == 1

    def _delete(self, db: sqlite3.Connection, key: str) -> None:
        if db.execute("DELETE FROM sessions WHERE key = ?", (key,)).rowcount:
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

    def _checkpoint(self, mode: str = "TRUNCATE") -> None:
        """Copy the WAL into the database; TRUNCATE empties it, so deleted rows leave no copy there."""
        try:
            self._db.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()
        except sqlite3.Error:
            if mode == "TRUNCATE":
                raise


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
        problems = [row[0] for row in db.execute("PRAGMA quick_check(1)").fetchall()]
        if problems != ["ok"]:
            lines = [ln for ln in "\n".join(problems).splitlines() if ln and not ln.startswith("***")]
            raise sqlite3.DatabaseError(lines[0] if lines else "quick_check failed")
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


def _fast_connection(path: Path) -> sqlite3.Connection:
    """A second connection for the event loop: fails at once when locked, never checkpoints."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA busy_timeout=0")
    db.execute("PRAGMA secure_delete=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    return db


def _migrate(db: sqlite3.Connection, ttl: float | None, now: float) -> None:
    """Add the revision and expiry columns to a database from before they existed."""
    db.execute("BEGIN IMMEDIATE")
    db.execute("ALTER TABLE sessions ADD COLUMN rev INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE sessions ADD COLUMN expires REAL")
    if ttl:
        db.execute("UPDATE sessions SET expires = ?", (now + ttl,))
    db.execute("COMMIT")
