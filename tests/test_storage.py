"""One suite for every session store; plus what only SQLite promises."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.session import Session
from bot.storage import MemoryStore, SQLiteStore, open_store


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path):
    s = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.db")
    yield s
    await s.close()


async def test_get_missing_is_none(store) -> None:
    assert await store.get("nobody") is None


async def test_put_then_get_round_trips_through_json(store) -> None:
    session = Session("status", "abc", [("disclaimer", "agree")], lang="en")
    await store.put("k", session.to_dict())
    data = await store.get("k")
    assert json.loads(json.dumps(data)) == data
    back = Session.from_dict(data)
    assert (back.state, back.version, back.answers, back.lang) == (
        "status",
        "abc",
        [("disclaimer", "agree")],
        "en",
    )


async def test_put_replaces(store) -> None:
    await store.put("k", Session("a", "v").to_dict())
    await store.put("k", Session("b", "v").to_dict())
    assert (await store.get("k"))["s"] == "b"


async def test_stored_data_is_not_shared_with_the_caller(store) -> None:
    data = Session("a", "v", [("x", "y")]).to_dict()
    await store.put("k", data)
    data["a"].append(["p", "q"])
    got = await store.get("k")
    got["a"].append(["r", "s"])
    assert (await store.get("k"))["a"] == [["x", "y"]]


async def test_delete(store) -> None:
    await store.put("k", Session("a", "v").to_dict())
    await store.put("other", Session("a", "v").to_dict())
    await store.delete("k")
    await store.delete("never-there")
    assert await store.get("k") is None
    assert await store.get("other") is not None


async def test_sessions_are_small(store) -> None:
    answers = [
        ("disclaimer", "agree"),
        ("status", "breastfeeding"),
        ("location", "hand_numbness"),
        ("flags_hand_numbness", "none"),
        ("sev_hand_numbness", "moderate"),
        ("sev_hand_numbness__lasting", "yes"),
    ]
    session = Session("out_hand_numbness_routine", "0123456789ab", answers, lang="zh")
    size = len(json.dumps(session.to_dict(), separators=(",", ":")))
    assert size < 400


async def test_sqlite_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "data" / "s.db"
    first = SQLiteStore(path)
    await first.put("k", Session("status", "v", [("disclaimer", "agree")]).to_dict())
    await first.close()
    second = SQLiteStore(path)
    assert (await second.get("k"))["s"] == "status"
    mode = second._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    await second.close()


async def test_sqlite_one_row_per_conversation(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    for state in ("a", "b", "c"):
        await store.put("k", Session(state, "v").to_dict())
    await store.close()
    rows = sqlite3.connect(tmp_path / "s.db").execute("SELECT key, data FROM sessions").fetchall()
    assert len(rows) == 1
    assert json.loads(rows[0][1])["s"] == "c"


async def test_sqlite_unreadable_row_is_none(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store._db.execute("INSERT INTO sessions VALUES ('k', 'not json')")
    assert await store.get("k") is None
    await store.close()


def test_open_store_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(open_store("memory://"), MemoryStore)
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///data/x.db")
    assert isinstance(relative, SQLiteStore)
    assert (tmp_path / "data" / "x.db").exists()
    absolute = open_store(f"sqlite:///{tmp_path}/abs.db")
    assert absolute.path == tmp_path / "abs.db"
    with pytest.raises(ConfigError, match="unknown store URL"):
        open_store("postgres://x")
    with pytest.raises(ConfigError, match="Redis store is not available"):
        open_store("redis://localhost:6379/0")


def test_sqlite_unopenable_path_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="cannot open the session database"):
        SQLiteStore(blocker / "sub" / "s.db")
