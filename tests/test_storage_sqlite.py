"""What only the SQLite store promises: a file that survives, checks at open, no trace after /forget."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.session import Session
from bot.storage import SQLiteStore
from tests.helpers import ROOT, Chat, make_engine


def data(state: str = "status") -> dict:
    return Session(state, "v", [("disclaimer", "agree")]).to_dict()


async def test_sqlite_survives_reopening_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "data" / "s.db"
    first = SQLiteStore(path)
    await first.put("k", data(), rev=0)
    await first.close()
    second = SQLiteStore(path)
    assert (await second.get("k")).data["s"] == "status"
    assert second._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert second._db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    await second.close()


async def test_one_row_per_conversation(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    for rev, state in enumerate(("a", "b", "c")):
        assert await store.put("k", data(state), rev=rev)
    await store.close()
    rows = sqlite3.connect(tmp_path / "s.db").execute("SELECT key, rev, data FROM sessions").fetchall()
    assert [(k, r) for k, r, _ in rows] == [("k", 3)]
    assert json.loads(rows[0][2])["s"] == "c"


async def test_an_unreadable_row_starts_that_conversation_afresh(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store._db.execute("INSERT INTO sessions VALUES ('test:1', 4, 'not json', NULL)")
    got = await store.get("test:1")
    assert (got.data, got.rev) == ({}, 4)  # still there, so it can be overwritten by revision
    chat = Chat(make_engine(store=store))
    replies = await chat.send("hello")
    assert replies[0].kind == "info" and chat.last.node == "disclaimer"
    assert (await store.get("test:1")).rev == 5
    await store.close()


def test_an_unopenable_path_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="cannot open the session database"):
        SQLiteStore(blocker / "sub" / "s.db")


async def test_a_database_from_before_revisions_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE sessions (key TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID")
    db.execute("INSERT INTO sessions VALUES ('console:local', ?)", (json.dumps(data("location")),))
    db.commit()
    db.close()
    store = SQLiteStore(path, ttl=3600)
    got = await store.get("console:local")
    assert (got.rev, got.data["s"]) == (1, "location")
    assert await store.put("console:local", data("x"), rev=1)
    await store.close()


def files_containing(db: Path, needle: bytes) -> list[str]:
    """Which of the database's files (db, -wal, -shm) hold `needle` anywhere."""
    found = []
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if path.exists() and needle in path.read_bytes():
            found.append(path.name)
    return found


async def test_forget_leaves_no_trace_in_any_database_file(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store = SQLiteStore(db)
    engine = make_engine(store=store)
    for i in range(300):  # other users, so the table spans many pages
        other = Chat(engine, key=f"tg:{100000 + i}")
        await other.open()
        await other.walk("agree", "t2")
    her = Chat(engine, key="tg:555666777")
    await her.open()
    await her.walk("agree", "t3", "low_back", "none", "severe")
    assert files_containing(db, b"tg:555666777")  # the check can see her
    replies = await her.send("/forget")
    assert "deleted" in replies[0].text
    assert files_containing(db, b"tg:555666777") == []  # while the bot is still running
    for i in range(20):  # and it does not come back with later turns of others
        await Chat(engine, key=f"tg:{100000 + i}").send("/help")
    await store.close()
    assert files_containing(db, b"tg:555666777") == []


async def test_expired_sessions_are_purged_at_start_and_as_the_bot_runs(tmp_path: Path) -> None:
    clock = [1_000_000.0]
    db = tmp_path / "s.db"
    store = SQLiteStore(db, ttl=3600, clock=lambda: clock[0])
    await store.put("tg:111222333", data(), rev=0)
    await store.close()
    clock[0] += 7200
    reopened = SQLiteStore(db, ttl=3600, clock=lambda: clock[0])  # purged at start
    assert files_containing(db, b"tg:111222333") == []
    await reopened.put("tg:444555666", data(), rev=0)
    clock[0] += 7200  # an hour later, the next write sweeps the expired rows
    await reopened.put("tg:777888999", data(), rev=0)
    assert files_containing(db, b"tg:444555666") == []
    assert (await reopened.get("tg:777888999")).rev == 1
    await reopened.close()


def corrupt(db: Path) -> None:
    """A database whose header survives but whose pages are random (the reliability test's recipe)."""
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE sessions (key TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID")
    con.executemany("INSERT INTO sessions VALUES (?, ?)", [(f"console:u{i}", "x" * 300) for i in range(2000)])
    con.commit()
    con.close()
    size = db.stat().st_size
    with db.open("r+b") as f:
        f.seek(4096)
        f.write(bytes((i * 7919 + 13) % 256 for i in range(size - 4096)))


def test_a_damaged_database_is_refused_at_open(tmp_path: Path) -> None:
    db = tmp_path / "bad.db"
    corrupt(db)
    with pytest.raises(ConfigError, match=r"bad\.db: the session database is damaged .*restore a backup"):
        SQLiteStore(db)


def test_a_file_that_is_not_a_database_is_refused_at_open(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_bytes(b"these are my notes, not a database" * 200)
    with pytest.raises(ConfigError, match=r"notes\.db: the session database is damaged"):
        SQLiteStore(db)


def test_someone_elses_sessions_table_is_refused_at_open(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, user TEXT, started TEXT)")
    con.execute("INSERT INTO sessions (user) VALUES ('someone')")
    con.commit()
    con.close()
    with pytest.raises(ConfigError, match=r"'sessions' table that mamaflow did not make \(columns: id, user"):
        SQLiteStore(db)
    assert sqlite3.connect(db).execute("SELECT user FROM sessions").fetchall() == [("someone",)]


@pytest.mark.parametrize("kind", ["damaged", "foreign"])
def test_the_console_says_so_in_one_line_and_exits_2(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "s.db"
    if kind == "damaged":
        corrupt(db)
    else:
        con = sqlite3.connect(db)
        con.execute("CREATE TABLE sessions (k TEXT, v BLOB)")
        con.close()
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--jsonl", "--store", f"sqlite:///{db}"],
        input="1\n", capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {db}: ")
    assert "Traceback" not in proc.stderr


async def test_a_write_lock_held_elsewhere_never_blocks_the_event_loop(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    sqlite_chat = Chat(make_engine(store=SQLiteStore(db)), key="tg:1")
    await sqlite_chat.open()
    await sqlite_chat.walk("agree")
    other = Chat(make_engine(), key="tg:2")  # a conversation on another store, same event loop
    admin = sqlite3.connect(db, isolation_level=None)  # a backup or an admin shell
    admin.execute("BEGIN IMMEDIATE")
    admin.execute("UPDATE sessions SET rev = rev WHERE key = 'nobody'")
    waiting = asyncio.ensure_future(sqlite_chat.send("t2"))  # must wait for the lock
    started = time.monotonic()
    await other.open()
    for answer in ("agree", "t1", "calf_cramp", "none", "mild"):
        await other.send(answer)
    answered_in = time.monotonic() - started
    assert other.last.kind == "outcome"
    assert not waiting.done()  # still waiting for the lock, without holding up anyone else
    assert answered_in < 1.0, f"the other chat waited {answered_in:.2f}s"
    await asyncio.sleep(0.3)
    admin.execute("COMMIT")  # the lock is released: her turn goes through, nothing lost
    replies = await asyncio.wait_for(waiting, 10)
    assert replies[-1].node == "location"
    admin.close()
    await sqlite_chat.engine.store.close()


async def test_expired_sessions_are_purged_while_nobody_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.storage.sqlite as module

    monkeypatch.setattr(module, "PURGE_EVERY", 0.05)
    clock = [1_000_000.0]
    db = tmp_path / "s.db"
    store = SQLiteStore(db, ttl=3600, clock=lambda: clock[0])
    await store.put("tg:121212121", data(), rev=0)
    clock[0] += 7200  # two hours later, with no message from anyone
    for _ in range(100):
        await asyncio.sleep(0.05)
        if not files_containing(db, b"tg:121212121"):
            break
    assert files_containing(db, b"tg:121212121") == []
    await store.close()
