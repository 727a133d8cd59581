"""Per-conversation locks: one turn at a time per key, in arrival order, never stuck."""

from __future__ import annotations

import asyncio

import pytest

from bot.locks import KeyedLocks


async def turn(locks: KeyedLocks, key: str, log: list[str], name: str, hold: float = 0.01) -> None:
    async with locks.hold(key):
        log.append(f"{name} in")
        await asyncio.sleep(hold)
        log.append(f"{name} out")


async def test_turns_of_one_conversation_run_one_at_a_time_in_arrival_order() -> None:
    locks, log = KeyedLocks(), []
    await asyncio.gather(*(turn(locks, "k", log, n) for n in "abc"))
    assert log == ["a in", "a out", "b in", "b out", "c in", "c out"]
    assert len(locks) == 0  # nothing kept once nobody holds the key


async def test_other_conversations_do_not_wait() -> None:
    locks, log = KeyedLocks(), []
    await asyncio.gather(turn(locks, "k1", log, "a"), turn(locks, "k2", log, "b"))
    assert log[:2] == ["a in", "b in"]


async def test_an_uncontended_key_is_taken_without_waiting() -> None:
    locks = KeyedLocks()
    assert locks.acquire("k") is None
    waiting = locks.acquire("k")
    assert waiting is not None
    task = asyncio.ensure_future(waiting)
    await asyncio.sleep(0)
    assert not task.done()
    locks.release("k")
    await task
    locks.release("k")
    assert len(locks) == 0


async def test_a_cancelled_waiter_neither_blocks_nor_takes_the_key() -> None:
    locks, log = KeyedLocks(), []
    first = asyncio.create_task(turn(locks, "k", log, "a", hold=0.05))
    await asyncio.sleep(0.01)
    gone = asyncio.create_task(turn(locks, "k", log, "gone"))
    last = asyncio.create_task(turn(locks, "k", log, "c"))
    await asyncio.sleep(0.01)
    gone.cancel()
    await asyncio.gather(first, last)
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert log == ["a in", "a out", "c in", "c out"]
    assert len(locks) == 0


async def test_a_waiter_cancelled_just_as_it_is_handed_the_key_passes_it_on() -> None:
    locks, log = KeyedLocks(), []
    assert locks.acquire("k") is None
    handed = asyncio.create_task(turn(locks, "k", log, "handed"))
    after = asyncio.create_task(turn(locks, "k", log, "after"))
    await asyncio.sleep(0)  # both wait
    locks.release("k")  # the key goes to `handed`...
    handed.cancel()  # ...which is cancelled before it runs again
    await asyncio.gather(handed, after, return_exceptions=True)
    assert log == ["after in", "after out"]
    assert len(locks) == 0
