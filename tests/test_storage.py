"""One contract suite for every session store (memory, SQLite, a real Redis)."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import ConfigError
from bot.session import Session
from bot.storage import MemoryStore, SQLiteStore, StoreError, open_store
from bot.storage.base import encode
from bot.storage.redis import RedisStore

KINDS = ["memory", "sqlite", "redis"]


def opener(kind: str, request: pytest.FixtureRequest, tmp_path: Path):
    """A function that opens (another connection to) the same store, with a given TTL."""
    if kind == "memory":
        shared: dict = {}

        def memory(ttl: float | None = None) -> MemoryStore:
            store = MemoryStore(ttl=ttl)
            store._data = shared.setdefault("data", store._data)
            return store

        return memory
    if kind == "sqlite":
        return lambda ttl=None: SQLiteStore(tmp_path / "s.db", ttl=ttl)
    url = request.getfixturevalue("redis_url")
    prefix = f"test:{uuid.uuid4().hex}:"
    return lambda ttl=None: RedisStore.from_url(url, ttl=ttl, prefix=prefix)


@pytest.fixture(params=KINDS)
def reopen(request: pytest.FixtureRequest, tmp_path: Path):
    return opener(request.param, request, tmp_path)


@pytest.fixture
async def store(reopen):
    s = reopen()
    yield s
    await s.close()


def sample(state: str = "status") -> dict:
    return Session(state, "abc", [("disclaimer", "agree")], lang="zh").to_dict()


async def test_get_missing_is_none(store) -> None:
    assert await store.get("nobody") is None


async def test_first_put_creates_revision_one_and_round_trips_through_json(store) -> None:
    data = {**sample(), "c": {"kb": 1234, "blocked": 1}, "e": [["100", 0]], "x": "ünïcode 中文"}
    assert await store.put("tg:1", data, rev=0) is True
    got = await store.get("tg:1")
    assert got.rev == 1
    assert got.data == data
    assert json.loads(json.dumps(got.data)) == got.data
    back = Session.from_dict(got.data)
    assert (back.state, back.answers, back.lang) == ("status", [("disclaimer", "agree")], "zh")


async def test_put_with_the_current_revision_writes_and_bumps_it(store) -> None:
    await store.put("k", sample("a"), rev=0)
    assert await store.put("k", sample("b"), rev=1) is True
    assert await store.put("k", sample("c"), rev=2) is True
    got = await store.get("k")
    assert (got.rev, got.data["s"]) == (3, "c")


async def test_conflicting_puts_write_nothing(store) -> None:
    await store.put("k", sample("a"), rev=0)
    await store.put("k", sample("b"), rev=1)
    assert await store.put("k", sample("stale"), rev=1) is False  # someone wrote since rev 1
    assert await store.put("k", sample("again"), rev=0) is False  # it exists already
    assert await store.put("k", sample("future"), rev=7) is False
    assert await store.put("missing", sample(), rev=1) is False  # nothing there to update
    got = await store.get("k")
    assert (got.rev, got.data["s"]) == (2, "b")
    assert await store.get("missing") is None


async def test_of_many_simultaneous_writers_of_one_revision_exactly_one_wins(reopen) -> None:
    stores = [reopen() for _ in range(5)]
    await stores[0].put("k", sample("start"), rev=0)
    results = await asyncio.gather(*(s.put("k", sample(f"w{i}"), rev=1) for i, s in enumerate(stores)))
    assert sorted(results) == [False] * 4 + [True]
    got = await stores[0].get("k")
    assert got.rev == 2 and got.data["s"] == f"w{results.index(True)}"
    for s in stores:
        await s.close()


async def test_stored_data_is_not_shared_with_the_caller(store) -> None:
    data = sample()
    await store.put("k", data, rev=0)
    data["a"].append(["p", "q"])
    got = await store.get("k")
    got.data["a"].append(["r", "s"])
    assert (await store.get("k")).data["a"] == [["disclaimer", "agree"]]


async def test_delete_forgets_one_conversation(store) -> None:
    await store.put("k", sample(), rev=0)
    await store.put("other", sample(), rev=0)
    await store.delete("k")
    await store.delete("never-there")
    assert await store.get("k") is None
    assert (await store.get("other")).rev == 1
    assert await store.put("k", sample(), rev=0) is True  # starts again at revision 1
    assert (await store.get("k")).rev == 1


async def test_sessions_expire_after_the_ttl_and_each_write_renews_it(reopen) -> None:
    store = reopen(ttl=0.6)
    await store.put("idle", sample(), rev=0)
    await store.put("busy", sample(), rev=0)
    await asyncio.sleep(0.35)
    assert await store.put("busy", sample("b"), rev=1)  # renews busy's expiry
    await asyncio.sleep(0.35)
    assert await store.get("idle") is None
    assert (await store.get("busy")).data["s"] == "b"
    assert await store.put("idle", sample("fresh"), rev=1) is False  # expired: nothing to update
    assert await store.put("idle", sample("fresh"), rev=0) is True  # a new conversation
    assert (await store.get("idle")).rev == 1
    await store.close()


async def test_without_a_ttl_nothing_expires(reopen) -> None:
    store = reopen(ttl=None)
    await store.put("k", sample(), rev=0)
    await asyncio.sleep(0.1)
    assert (await store.get("k")).rev == 1
    await store.close()


async def test_another_connection_sees_the_writes(reopen) -> None:
    first, second = reopen(), reopen()
    await first.put("k", sample("a"), rev=0)
    assert (await second.get("k")).data["s"] == "a"
    assert await second.put("k", sample("b"), rev=1)
    assert await first.put("k", sample("c"), rev=1) is False
    await first.close()
    third = reopen()
    assert (await third.get("k")).data["s"] == "b"
    await second.close()
    await third.close()


def test_sessions_are_small() -> None:
    answers = [
        ("disclaimer", "agree"),
        ("status", "breastfeeding"),
        ("location", "hand_numbness"),
        ("flags_hand_numbness", "none"),
        ("sev_hand_numbness", "moderate"),
        ("sev_hand_numbness__lasting", "yes"),
    ]
    session = Session("out_hand_numbness_routine", "0123456789ab", answers, lang="zh")
    assert len(json.dumps(session.to_dict(), separators=(",", ":"))) < 400
    for i in range(100):  # only the latest event ids are kept
        session.applied(str(100_000_000 + i))
    session.channel = {"kb": 123456, "blocked": 1}
    assert len(json.dumps(session.to_dict(), separators=(",", ":"))) < 1000


def test_open_store_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(open_store("memory://"), MemoryStore)
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///data/x.db")
    assert isinstance(relative, SQLiteStore)
    assert (tmp_path / "data" / "x.db").exists()
    absolute = open_store(f"sqlite:///{tmp_path}/abs.db", ttl=60)
    assert absolute.path == tmp_path / "abs.db"
    assert isinstance(open_store("redis://localhost:6379/2"), RedisStore)
    tls = open_store("rediss://user:pw@localhost:6380/0")
    assert tls._redis.connection_pool.connection_class.__name__ == "SSLConnection"
    with pytest.raises(ConfigError, match=r"unknown store URL 'postgres://\.\.\.'") as info:
        open_store("postgres://user:secret@x")
    assert "secret" not in str(info.value)
    with pytest.raises(ConfigError, match="Redis store URL is not valid"):
        open_store("redis://localhost:notaport/0")


async def test_an_unreachable_redis_is_a_store_error() -> None:
    from tests.redis_server import free_port

    store = RedisStore.from_url(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(StoreError, match="Redis: ConnectionError"):
        await store.get("k")
    with pytest.raises(StoreError):
        await store.put("k", sample(), rev=0)
    await store.close()


async def test_redis_keeps_one_key_per_conversation_with_its_expiry(redis_url: str) -> None:
    store = RedisStore.from_url(redis_url, ttl=3600, prefix="one:")
    await store.put("tg:42", sample(), rev=0)
    await store.put("tg:42", sample("b"), rev=1)
    raw = store._redis
    assert await raw.keys("one:*") == ["one:tg:42"]
    assert 3590_000 < await raw.pttl("one:tg:42") <= 3600_000
    forever = RedisStore.from_url(redis_url, ttl=None, prefix="one:")
    await forever.put("tg:42", sample("c"), rev=2)
    assert await raw.pttl("one:tg:42") == -1  # BOT_SESSION_TTL=0: kept
    await store.delete("tg:42")
    assert await raw.keys("one:*") == []
    await store.close()
    await forever.close()


def test_the_console_on_an_unreachable_redis_says_so_in_one_line() -> None:
    import subprocess
    import sys

    from tests.helpers import ROOT
    from tests.redis_server import free_port

    proc = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--jsonl", "--store", f"redis://127.0.0.1:{free_port()}/0"],
        input="1\n", capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the session store failed: Redis: ConnectionError")


async def test_rediss_talks_tls_and_checks_the_certificate() -> None:
    from tests.redis_server import redis_server

    with redis_server(tls=True) as url:
        store = open_store(url, ttl=60)
        assert await store.put("tg:1", sample(), rev=0)
        assert (await store.get("tg:1")).rev == 1
        await store.close()
        unverified = open_store(url.split("?", 1)[0])  # the server's certificate is not trusted
        with pytest.raises(StoreError, match="Redis: ConnectionError"):
            await unverified.get("tg:1")
        await unverified.close()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_JSON)
def test_the_shared_encoder_writes_what_json_dumps_writes(value: object) -> None:
    assert encode(value) == json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    assert json.loads(encode(value)) == value


def test_the_shared_encoder_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        encode({"when": object()})
