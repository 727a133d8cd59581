"""The engine fuzzer: a hypothesis state machine of many users doing anything in any order.

Used by tests/test_fuzz.py (a few seconds in `make test`) and tests/soak.py (`make soak`).
Rules: type text (odd Unicode, numbers, weeks, labels in every language, huge strings), send a
command, press a button of any node (valid, stale or forged), press a button the bot just
showed, open the chat, switch language hint, and bursts of concurrent turns. After every
step: a reply came, every reply is well formed, and every stored session replays to its state.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from bot.engine import Engine
from bot.events import DISPOSITIONS, KINDS, Incoming, Reply
from bot.render import LANGUAGE_MENU, OUTCOME_ACTIONS
from bot.session import Session
from bot.storage import MemoryStore, open_store
from tests.helpers import SHIPPED, make_engine

USERS = [f"fuzz:{i}" for i in range(5)]


class Huge:
    """A long input with a short repr, so hypothesis can print the steps that failed."""

    def __init__(self, prefix: str, unit: str, count: int):
        self.prefix, self.unit, self.count = prefix, unit, count

    def __str__(self) -> str:
        return self.prefix + self.unit * self.count

    def __repr__(self) -> str:
        return f"Huge({self.prefix!r}, {self.unit!r}, {self.count})"


def _text(value: str | Huge | None) -> str | None:
    return None if value is None else str(value)


PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


class YieldingStore:
    """A store that yields to the event loop around every call, so concurrent turns interleave."""

    def __init__(self, inner: Any):
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        target = getattr(self.inner, name)
        if not inspect.iscoroutinefunction(target):
            return target

        async def call(*args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(0)
            result = await target(*args, **kwargs)
            await asyncio.sleep(0)
            return result

        return call


# The shipped content, loaded once; node ids, option ids and labels are drawn from it.
_CONTENT = make_engine(SHIPPED)


def _engine(store: Any = None) -> Engine:
    """A fresh engine (and empty store, memory unless given) on the shipped content."""
    return Engine(
        _CONTENT.flow,
        _CONTENT.catalog,
        YieldingStore(store or MemoryStore()),  # type: ignore[arg-type]
        today=lambda: dt.date(2026, 11, 21),
    )


NODE_IDS = sorted(_CONTENT.flow.nodes)
OPTION_IDS = sorted({o.id for n in _CONTENT.flow.nodes.values() for o in n.options})
LANGS = list(_CONTENT.catalog.languages)
LABELS = sorted(
    {
        _CONTENT.catalog.text(lang, o.label)
        for lang in LANGS
        for n in _CONTENT.flow.nodes.values()
        for o in n.options
    }
    | {_CONTENT.catalog.locales[lang].name for lang in LANGS}
)

ODD = [
    "²",
    "³",
    "¹",
    "⁴",
    "①",
    "⑫",
    "٢٤",
    "२४",
    "２４",
    "𝟐𝟒",
    "24.5",
    "1e5",
    "-3",
    "+7",
    "0",
    "00",
    "²⁴ weeks",
    "week ①",
    "24 weeks 3 days",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\u202e24",
    "\x00",
    "\x1b[31m",
    "\x85",
    "\ud800",
    "👩‍🍼",
    "🤰🏽",
    "   ",
    "\t",
    "..",
    "?",
    "help",
    "HELP",
    "yes",
    "no",
    "да",
    "是",
]
HUGE = [
    Huge("", "9", 4301),
    Huge("", "1", 10_000),
    Huge("week ", "9", 5000),
    Huge("", "a", 100_000),
    Huge("/", "x", 100_000),
    Huge("", "👩‍🍼", 2000),
    Huge("", "a\n", 5000),
    Huge("", "²", 5000),
]
WEEK_WORDS = ["", "week", "weeks", "wk", "semanas", "недель", "周", "months", "days ago", "born"]
COMMANDS = [
    "/start",
    "/restart",
    "/back",
    "/help",
    "/emergency",
    "/language",
    "/forget",
    "/more",
    "/sources",
    "/why",
    "/summary",
    "/start@mamaflow_bot",
    "/START",
    "/",
    "//",
    "/ start",
    "/start\x00",
    "/\u200bstart",
    "/back extra words",
    "/unknown",
]
LANG_HINTS = [
    None,
    "",
    "en",
    "EN",
    "en-GB",
    "ru-RU",
    "zh-Hans",
    "zh-Hant",
    "es-419",
    "pt-br",
    "x" * 300,
    "\x00",
]

numbers = st.integers(-100, 10**7).map(str)
weeks = st.builds(
    lambda n, w, before: f"{w} {n}" if before else f"{n} {w}",
    st.integers(0, 100),
    st.sampled_from(WEEK_WORDS),
    st.booleans(),
)
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(ODD),
    st.sampled_from(HUGE),
    numbers,
    weeks,
    st.sampled_from(LABELS),
    st.sampled_from(LABELS).map(lambda s: f"  {s.upper()} "),
    st.sampled_from(OPTION_IDS),
)
nodes = st.one_of(st.sampled_from(NODE_IDS), st.sampled_from([LANGUAGE_MENU, "", "None", "x" * 100]))
options = st.one_of(
    st.sampled_from(OPTION_IDS),
    st.sampled_from([*OUTCOME_ACTIONS, *LANGS, "", "None", "|", "a|b", "x" * 80, "ÄÖ"]),
)


class EngineFuzz(RuleBasedStateMachine):
    """Random users against one engine on a memory store; invariants after every step."""

    inputs: ClassVar[int] = 0  # every Incoming handled, over all runs (the soak reports it)
    sqlite: ClassVar[bool] = False  # the soak's --sqlite: a fresh SQLite file per example

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = tempfile.TemporaryDirectory() if EngineFuzz.sqlite else None
        store = open_store(f"sqlite:///{self.tmp.name}/fuzz.db") if self.tmp else None
        self.engine = _engine(store)
        self.shown: dict[str, Reply] = {}  # each user's last message from the bot
        self.delivered: dict[str, set[str]] = {}  # event ids marked delivered, per user

    def teardown(self) -> None:
        self.loop.run_until_complete(self.engine.store.close())
        self.loop.close()
        if self.tmp is not None:
            self.tmp.cleanup()

    # -- talking ------------------------------------------------------------------------------

    def _do(self, incoming: Incoming) -> list[Reply]:
        EngineFuzz.inputs += 1
        replies = self.loop.run_until_complete(self.engine.handle(incoming))
        self._check(incoming, replies)
        self.shown[incoming.key] = replies[-1]
        return replies

    def _check(self, incoming: Incoming, replies: list[Reply]) -> None:
        assert replies, f"no reply to {incoming!r}"
        for r in replies:
            assert r.kind in KINDS, r
            assert isinstance(r.node, str) and r.node, r
            assert isinstance(r.text, str) and r.text.strip(), r
            assert not PLACEHOLDER.search(r.text), f"unfilled placeholder in {r.text!r}"
            if r.kind == "outcome":
                assert r.disposition in DISPOSITIONS, r
            else:
                assert r.disposition is None, r
            ids = [o.id for o in r.options]
            assert len(ids) == len(set(ids)), f"duplicate options in {r}"
            for o in r.options:
                assert o.id and o.label.strip() and not PLACEHOLDER.search(o.label), r
        assert replies[-1].options, f"the last message must offer a way on: {replies[-1]}"

    @rule(user=st.sampled_from(USERS), lang=st.sampled_from(LANG_HINTS))
    def open_chat(self, user: str, lang: str | None) -> None:
        self._do(Incoming(user, lang=lang))

    @rule(user=st.sampled_from(USERS), text=texts, lang=st.sampled_from(LANG_HINTS))
    def type_text(self, user: str, text: str | Huge, lang: str | None) -> None:
        self._do(Incoming(user, text=_text(text), lang=lang))

    @rule(user=st.sampled_from(USERS), command=st.sampled_from(COMMANDS))
    def send_command(self, user: str, command: str) -> None:
        self._do(Incoming(user, text=command))

    @rule(user=st.sampled_from(USERS), node=nodes, option=options, text=st.none() | texts)
    def press_any(self, user: str, node: str, option: str, text: str | Huge | None) -> None:
        """Any node's button, stale or forged: answered, never applied where it does not belong."""
        self._do(Incoming(user, text=_text(text), option=option, node=node))

    @precondition(lambda self: bool(self.shown))
    @rule(data=st.data())
    def press_shown(self, data: st.DataObject) -> None:
        """A button the bot just showed always works: no error in reply."""
        user = data.draw(st.sampled_from(sorted(self.shown)))
        last = self.shown[user]
        option = data.draw(st.sampled_from([o.id for o in last.options]))
        replies = self._do(Incoming(user, option=option, node=last.node))
        assert replies[0].kind != "error", (
            f"the shown button {option!r} at {last.node} did not work: {replies}"
        )

    @rule(
        turns=st.lists(
            st.tuples(st.sampled_from(USERS[:3]), st.one_of(texts, st.sampled_from(COMMANDS))),
            min_size=2,
            max_size=6,
        )
    )
    def burst(self, turns: list[tuple[str, str | Huge]]) -> None:
        """Several turns at once, some for the same user: each answered, sessions stay whole."""
        incomings = [Incoming(user, text=_text(text)) for user, text in turns]
        EngineFuzz.inputs += len(incomings)

        async def together() -> list[list[Reply]]:
            return await asyncio.gather(*(self.engine.handle(i) for i in incomings))

        for incoming, replies in zip(incomings, self.loop.run_until_complete(together()), strict=True):
            self._check(incoming, replies)
        for user in {user for user, _ in turns}:
            self._do(Incoming(user))  # what the chat shows now

    @rule(
        user=st.sampled_from(USERS),
        event=st.integers(0, 5),
        text=st.none() | texts | st.sampled_from(COMMANDS),
        deliver=st.booleans(),
    )
    def channel_turn(self, user: str, event: int, text: str | Huge | None, deliver: bool) -> None:
        """What Telegram does: numbered events, some sent again, marked delivered after sending."""
        eid = f"{user}#{event}"
        if text is None:  # a press of the button the bot showed last
            last = self.shown.get(user)
            option = last.options[0].id if last is not None else "agree"
            incoming = Incoming(user, option=option, node=last.node if last else None, event_id=eid)
        else:
            incoming = Incoming(user, text=_text(text), event_id=eid)
        EngineFuzz.inputs += 1
        replies = self.loop.run_until_complete(self.engine.handle(incoming))
        if not replies:  # only an event already applied and delivered gets nothing
            assert eid in self.delivered.get(user, set()), f"no reply to {incoming!r}"
            return
        self._check(incoming, replies)
        self.shown[user] = replies[-1]
        if deliver:
            self.loop.run_until_complete(self.engine.sent(user, event_id=eid, channel={"m": event}))
            self.delivered.setdefault(user, set()).add(eid)

    @rule(user=st.sampled_from(USERS))
    def block_then_write(self, user: str) -> None:
        """She blocks the bot, then comes back: the flag never gets in the way."""
        self.loop.run_until_complete(self.engine.mark_blocked(user))
        self._do(Incoming(user))

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def sessions_replay_to_their_state(self) -> None:
        flow, events = self.engine.flow, self.engine.machine.events
        for user in USERS:
            raw = self.loop.run_until_complete(self.engine.store.get(user))
            if raw is None:
                continue
            data = getattr(raw, "data", raw)  # a Stored(data, rev) or the plain dict
            stored = Session.from_dict(data)
            assert stored.state in flow.nodes, stored.state
            assert stored.version == flow.version
            assert stored.lang is None or stored.lang in self.engine.catalog.locales, stored.lang
            assert stored.menu in (None, LANGUAGE_MENU), stored.menu
            assert isinstance(data.get("e", []), list) and isinstance(data.get("c", {}), dict), data
            replay = Session.from_dict({**data, "s": flow.start, "a": []})
            for node_id, option in stored.answers:
                assert replay.state == node_id, (stored.answers, replay.state)
                assert events[option].trigger(replay), (stored.answers, node_id, option)
            assert replay.state == stored.state, (stored.answers, replay.state, stored.state)


# -- the console's --jsonl mode as a real process ----------------------------------------------

JSON_KEYS = ["node", "kind", "text", "options", "disposition"]


def console_lines(count: int, seed: int) -> list[bytes]:
    """Random input lines (bytes, no line breaks inside), some of them not UTF-8 at all."""
    rnd = random.Random(seed)
    pool = [*ODD, *LABELS, *COMMANDS, *OPTION_IDS, "1", "2", "3", "24 weeks", ""]
    out = []
    for _ in range(count):
        pick = rnd.random()
        if pick < 0.5:
            line = rnd.choice(pool).encode("utf-8", "surrogatepass")
        elif pick < 0.7:
            line = "".join(chr(rnd.randrange(0x20, 0x110000)) for _ in range(rnd.randrange(1, 20))).encode(
                "utf-8", "surrogatepass"
            )
        elif pick < 0.8:
            line = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 20)))
        elif pick < 0.85:
            line = str(rnd.choice(HUGE[:4])).encode()
        else:
            line = f"{rnd.choice(WEEK_WORDS)} {rnd.randrange(-5, 60)}".encode()
        out.append(line.replace(b"\n", b" ").replace(b"\r", b" "))
    return out


def run_console_fuzz(lines: list[bytes], workdir: Path) -> list[str]:
    """Feed the lines to `python -m bot console --jsonl`; return what broke the contract."""
    feed = workdir / "console-fuzz.txt"
    feed.write_bytes(b"".join(line + b"\n" for line in lines))
    with feed.open("rb") as stdin:
        proc = subprocess.run(
            [sys.executable, "-m", "bot", "console", "--jsonl", "--store", "memory://"],
            stdin=stdin,
            capture_output=True,
            cwd=SHIPPED,
            env={
                **os.environ,
                "BOT_FLOWS_DIR": str(SHIPPED / "flows"),
                "BOT_LOCALES_DIR": str(SHIPPED / "locales"),
            },
            timeout=300,
        )
    problems = []
    if proc.returncode != 0:
        problems.append(f"exit code {proc.returncode}")
    if proc.stderr.strip():
        problems.append("stderr: " + proc.stderr.decode("utf-8", "replace")[-1500:])
    messages = 0
    for raw in proc.stdout.splitlines():
        try:
            message = json.loads(raw)
        except ValueError:
            problems.append(f"not a JSON line: {raw[:200]!r}")
            continue
        messages += 1
        if not isinstance(message, dict) or list(message) != JSON_KEYS or message["kind"] not in KINDS:
            problems.append(f"not a bot message: {raw[:200]!r}")
    if messages < len(lines) + 1:
        problems.append(f"{messages} messages for {len(lines)} lines (each line must be answered)")
    return problems
