"""Compare-and-set turns: a lost race re-runs the turn on the fresh session, a hopeless one says so."""

from __future__ import annotations

import pytest

from bot.commit import MAX_ATTEMPTS
from bot.events import Incoming
from bot.storage import MemoryStore, StoreError
from tests.helpers import Chat, StoreInFront, make_engine


class Busy(StoreInFront):
    """A real memory store where another worker writes the session `times` times, each time
    right after this worker has read it (so this worker's write then conflicts)."""

    def __init__(self, times: int) -> None:
        super().__init__(MemoryStore())
        self.times = times
        self.reads = 0

    async def get(self, key: str):
        stored = await self.store.get(key)
        self.reads += 1
        if stored is not None and self.times > 0:
            self.times -= 1
            other = {**stored.data, "l": "en"}  # the other worker's write: same place, new revision
            assert await self.store.put(key, other, rev=stored.rev)
        return stored


async def test_a_turn_that_lost_the_race_runs_again_and_is_applied_once() -> None:
    busy = Busy(times=0)
    chat = Chat(make_engine(store=busy))
    await chat.open()
    await chat.walk("agree")
    busy.times, busy.reads = 3, 0
    chat.engine.commits.forget(chat.key)  # as a worker that did not write this session last
    replies = await chat.press("t2", node="status")
    assert [r.node for r in replies] == ["location"]  # one answer, as if nothing had happened
    assert busy.reads == 4 and chat.engine.commits.conflicts == 3
    stored = await busy.store.get(chat.key)
    assert [tuple(a) for a in stored.data["a"]] == [("disclaimer", "agree"), ("status", "t2")]


async def test_a_conversation_that_never_stops_changing_is_a_store_error() -> None:
    busy = Busy(times=0)
    engine = make_engine(store=busy)
    chat = Chat(engine)
    await chat.open()
    await chat.walk("agree")
    busy.times = MAX_ATTEMPTS
    engine.commits.forget(chat.key)
    with pytest.raises(StoreError, match=f"changed by others {MAX_ATTEMPTS} times"):
        await engine.handle(Incoming(chat.key, option="t2", node="status"))
    stored = await busy.store.get(chat.key)
    assert [tuple(a) for a in stored.data["a"]] == [("disclaimer", "agree")]  # nothing half-applied
