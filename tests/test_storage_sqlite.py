"""What only the SQLite store promises: a file that survives, checks at open, no trace after /forget."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.session import Session
from bot.storage import SQLiteStore
from tests.helpers import Chat, make_engine


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
