"""Several `python -m bot telegram` webhook workers behind a round-robin proxy, for tests and
the benchmark: the proxy, the worker processes, and users who walk whole conversations."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import aiohttp
from aiohttp import web

from bot.adapters.telegram.render import render
from bot.events import Incoming, Reply

from .harness import free_port
from .html import parse_html
from .server import TOKEN, FakeTelegram
from .user import FakeUser

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"
GRACE = 3.0  # seconds she waits for a reply when another message came instead
THINK = (0.05, 0.15)  # seconds she takes to read and answer (a person, not a script)
EXTRAS = ("why", "sources")  # what a user asks for at the advice (not the dated summary)


class RoundRobin:
    """A reverse proxy like an nginx upstream: each request to the next live worker; a worker
    that refuses the connection is skipped; a request it took and then dropped gets 502."""

    def __init__(self, upstreams: list[int]) -> None:
        self.upstreams = upstreams
        self.in_flight: dict[int, set[int]] = {port: set() for port in upstreams}
        self.served: dict[int, int] = dict.fromkeys(upstreams, 0)
        self.dropped: list[int] = []  # update ids a worker took and never answered
        self._next = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    async def start(self) -> int:
        """Listen on a free port; return it."""
        app = web.Application(client_max_size=1 << 20)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=60)
        )
        return self.port

    async def stop(self) -> None:
        """Close the proxy."""
        if self._session:
            await self._session.close()
        if self._runner:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        try:
            uid = int(json.loads(body).get("update_id", -1)) if body else -1
        except (ValueError, AttributeError):
            uid = -1
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-telegram")}
        headers["Content-Type"] = request.headers.get("Content-Type", "application/json")
        for _ in range(len(self.upstreams)):
            port = self.upstreams[self._next % len(self.upstreams)]
            self._next += 1
            url = f"http://127.0.0.1:{port}{request.path_qs}"
            self.in_flight[port].add(uid)
            try:
                async with self._session.request(request.method, url, data=body, headers=headers) as resp:
                    data = await resp.read()
                    self.served[port] += 1
                    return web.Response(status=resp.status, body=data)
            except aiohttp.ClientConnectorError:
                continue  # nothing was sent: the next worker gets it
            except (aiohttp.ClientError, TimeoutError):
                self.dropped.append(uid)  # sent, then the worker went away: not retried (POST)
                return web.Response(status=502)
            finally:
                self.in_flight[port].discard(uid)
        return web.Response(status=502)


@dataclass
class Worker:
    """One `python -m bot telegram` process in webhook mode."""

    port: int
    proc: asyncio.subprocess.Process
    log: IO[bytes]

    def output(self) -> str:
        """Everything the worker wrote to stderr so far."""
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no clean-up at all."""
        self.proc.send_signal(signal.SIGKILL)

    async def stop(self) -> int:
        """SIGTERM, then wait; the exit code."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.proc.wait(), 20)
        except TimeoutError:
            self.proc.kill()
            return await self.proc.wait()


async def start_worker(fake: FakeTelegram, hook: str, store: str, *, port: int | None = None) -> Worker:
    """Start a worker posting to `hook` (the proxy) and listening on `port` (default: free)."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.url,
        TELEGRAM_WEBHOOK_URL=hook,
        TELEGRAM_WEBHOOK_PORT=str(port),
        BOT_STORE=store,
        BOT_FLOWS_DIR=str(MINI / "flows"),
        BOT_LOCALES_DIR=str(MINI / "locales"),
    )
    log = tempfile.NamedTemporaryFile(prefix="mamaflow-worker-", suffix=".log", delete=False)  # noqa: SIM115
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", cwd=ROOT, env=env, stdout=log, stderr=log
    )
    return Worker(port, proc, log)


async def wait_healthy(workers: list[Worker], timeout: float = 30.0) -> None:
    """Wait until every worker answers GET /healthz with 200 (raises on timeout or exit)."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with aiohttp.ClientSession() as http:
        for worker in workers:
            while True:
                if worker.proc.returncode is not None:
                    raise AssertionError(f"worker exited {worker.proc.returncode}: {worker.output()}")
                try:
                    async with http.get(f"http://127.0.0.1:{worker.port}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"worker on {worker.port} never got healthy: {worker.output()}")
                await asyncio.sleep(0.05)


def texts(replies: list[Reply]) -> list[str]:
    """What Telegram shows for replies: the plain text of every message the adapter sends."""
    return [parse_html(out.html)[0] for reply in replies for out in render(reply)]


@dataclass
class Walk:
    """One user's whole conversation: what she did and what she should have seen."""

    user: FakeUser
    expected: list[list[str]] = field(default_factory=list)  # message texts per action
    updates: list[int] = field(default_factory=list)  # update id per action
    presses: list[asyncio.Future] = field(default_factory=list)  # answerCallbackQuery of each press

    @property
    def unanswered(self) -> int:
        """Button presses whose spinner never stopped."""
        return sum(not f.done() for f in self.presses)


async def walk(
    user: FakeUser,
    model: object,
    rng: random.Random,
    *,
    timeout: float = 30.0,
    think: tuple[float, float] = THINK,
) -> Walk:
    """Start, answer every question (a press, or the typed number) up to the advice, then ask
    for one of the advice's extras; the model engine says what she should see."""
    key, out = f"tg:{user.chat['id']}", Walk(user)
    loop = asyncio.get_running_loop()

    async def act(incoming: Incoming, do: object) -> list[Reply]:
        await asyncio.sleep(rng.uniform(*think))
        replies = await model.handle(incoming)  # type: ignore[attr-defined]
        out.expected.append(texts(replies))
        uid = await do  # type: ignore[misc]
        out.updates.append(uid)
        await see(out.expected[-1])
        return replies

    seen = 0  # how many of her messages she has read

    async def see(block: list[str]) -> None:
        """Wait until the block's messages are on her screen, in order, after what she read;
        a message shown twice is read past. After a kill the reply may never come (the current
        question comes instead): then she carries on after a grace period."""
        nonlocal seen
        deadline = loop.time() + timeout
        want, grace = list(block), None
        while want:
            shown = [m.history[0] if m.history else m.text for m in _in_order(user)]
            while want and (i := _find(shown, want[0], seen)) is not None:
                seen, want = i + 1, want[1:]
            if not want:
                break
            if grace is None and len(shown) > seen:
                grace = loop.time() + GRACE  # something else came: maybe the reply is lost
            now = loop.time()
            if now > deadline or (grace is not None and now > grace):
                assert grace is not None, f"the bot never sent {want[0][:40]!r}"
                seen = len(shown)
                return
            await asyncio.sleep(0.01)

    replies = await act(Incoming(key, text="/start", lang="en"), user.send("/start"))
    while True:
        last = next((r for r in reversed(replies) if r.options), None)
        assert last is not None, f"nothing to answer after {[r.node for r in replies]}"
        final = last.kind == "outcome"
        choices = [o for o in last.options if not final or o.id in EXTRAS] or list(last.options)
        option = rng.choice(choices)
        if rng.random() < 0.7:
            press = Incoming(key, option=option.id, node=last.node, lang="en")
            replies = await act(press, _press(user, f"{last.node}|{option.id}", out))
        else:
            number = last.options.index(option) + 1
            # at the weeks question a bare number is asked about ("5 weeks?"); these users mean the button
            text = f"option {number}" if last.node == "status" else str(number)
            replies = await act(Incoming(key, text=text, lang="en"), user.send(text))
        if final:
            return out


def _in_order(user: FakeUser) -> list:
    return sorted(user.messages.values(), key=lambda m: m.message_id)


def _find(shown: list[str], text: str, start: int) -> int | None:
    return next((i for i in range(start, len(shown)) if shown[i] == text), None)


async def _press(user: FakeUser, data: str, out: Walk) -> int:
    """Press the button `data` on her newest message that has it (the answer is awaited later)."""
    for _ in range(250):  # a message may still be on its way (after a kill): she waits for it
        message = next(
            (
                m
                for m in sorted(user.messages.values(), key=lambda m: -m.message_id)
                if any(b.get("callback_data") == data for b in m.buttons)
            ),
            None,
        )
        if message is not None:
            break
        await asyncio.sleep(0.02)
    assert message is not None, f"no live button {data!r} on her screen"
    qid, answered = user.server.new_query()
    out.presses.append(answered)
    uid = await user.server.push_update(
        "callback_query",
        {
            "id": qid,
            "from": user.sender,
            "chat_instance": f"ci{user.chat['id']}",
            "data": data,
            "message": message.to_api(user.server.me, user.chat),
        },
    )
    return uid
