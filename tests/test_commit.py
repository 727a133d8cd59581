"""The committer remembers its own last write: fewer store reads, never a stale answer."""

from __future__ import annotations

from bot.commit import KEEP, SAVE, Committer
from bot.storage import MemoryStore
from bot.storage.base import Stored


class CountingStore(MemoryStore):
    """A memory store that counts reads."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    async def get(self, key: str) -> Stored | None:
        self.reads += 1
        return await super().get(key)


def count_up(stored: Stored | None):
    n = stored.data["n"] if stored else 0
    return SAVE, {"n": n + 1}, n + 1


async def test_a_turn_after_its_own_write_reads_nothing() -> None:
    store = CountingStore()
    commits = Committer(store)
    assert await commits.run("k", count_up) == 1
    assert store.reads == 1
    assert await commits.run("k", count_up) == 2
    assert await commits.run("k", count_up) == 3
    assert store.reads == 1, "the remembered write was used"


async def test_another_writer_in_between_makes_the_turn_run_again_on_fresh_data() -> None:
    store = CountingStore()
    mine, other = Committer(store), Committer(store)
    await mine.run("k", count_up)
    await other.run("k", count_up)  # another worker answered the next message
    assert await mine.run("k", count_up) == 3  # not 2: the stale copy lost the compare-and-set
    assert mine.conflicts == 1
    assert (await store.get("k")).data == {"n": 3}


async def test_a_decision_not_to_write_is_checked_against_the_store() -> None:
    store = CountingStore()
    mine, other = Committer(store), Committer(store)
    await mine.run("k", count_up)
    await other.run("k", count_up)
    seen = await mine.run("k", lambda stored: (KEEP, None, stored.data["n"]))
    assert seen == 2, "a remembered copy that is out of date is never answered from"
