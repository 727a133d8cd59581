"""Webhook delivery as Telegram does it under load: several connections at once, failed updates
delivered again, and now and then a delivered update sent a second time (Telegram's answer to
a 200 it did not receive)."""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING

import aiohttp

if TYPE_CHECKING:
    from .server import FakeTelegram

RETRY_DELAY = 0.05  # seconds before a failed update is offered again


class ParallelDelivery:
    """POSTs queued updates over up to `connections` connections; see the module docstring."""

    def __init__(self, server: FakeTelegram, connections: int, duplicates: float, seed: int = 0) -> None:
        self.server = server
        self.connections = connections
        self.duplicates = duplicates
        self.rng = random.Random(seed)
        self.in_flight: set[int] = set()  # positions (ids) of queued update dicts being posted
        self.duplicated: list[int] = []  # update ids sent a second time after a 200
        self.posts = 0
        self._tasks: set[asyncio.Task] = set()

    async def run(self) -> None:
        """Deliver until the webhook is removed or the server closes."""
        server = self.server
        free = asyncio.Semaphore(self.connections)
        try:
            while True:
                await free.acquire()
                async with server._changed:
                    while (update := self._next()) is None and server.webhook.url and not server._closing:
                        await server._changed.wait()
                if update is None:
                    free.release()
                    return
                self.in_flight.add(id(update))
                task = asyncio.create_task(self._post(update, free))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        finally:
            for task in list(self._tasks):
                task.cancel()

    def _next(self) -> dict | None:
        return next((u for u in self.server._updates if id(u) not in self.in_flight), None)

    async def _post(self, update: dict, free: asyncio.Semaphore) -> None:
        server, hook = self.server, self.server.webhook
        assert server._session is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret} if hook.secret else {}
        self.posts += 1
        body = {k: v for k, v in update.items() if k != "_again"}
        try:
            async with server._session.post(hook.url, json=body, headers=headers) as resp:
                status: int | str = resp.status
        except aiohttp.ClientError as exc:
            status = type(exc).__name__
        free.release()
        if status == 200:
            server._updates[:] = [u for u in server._updates if u is not update]
            if not update.get("_again") and self.rng.random() < self.duplicates:
                self.duplicated.append(update["update_id"])
                server._updates.append({**update, "_again": True})  # the same update, once more
        else:
            hook.failures.append(status)
            await asyncio.sleep(RETRY_DELAY)
        self.in_flight.discard(id(update))
        async with server._changed:
            server._changed.notify_all()
