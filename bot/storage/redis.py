"""The shared store for several workers: one Redis hash per conversation, with expiry.

Keys are `<prefix><conversation key>` (one key per conversation, so it shards cleanly on a
Redis Cluster). A write is a short Lua script: compare the revision, write, set the expiry,
all in one step on the server.
"""

from __future__ import annotations

import json
from typing import Any

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from bot.errors import ConfigError
from bot.storage.base import Stored, StoreError, encode

PREFIX = "mamaflow:session:"

# KEYS[1] the key; ARGV: expected revision, JSON data, expiry in ms (0 = keep)
_CAS = """
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if rev ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'rev', rev + 1, 'data', ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
return 1
"""


class RedisStore:
    """Sessions in Redis, shared by every worker that opens the same URL."""

    def __init__(self, client: aioredis.Redis, *, ttl: float | None = None, prefix: str = PREFIX):
        self._redis = client
        self._ttl_ms = int(ttl * 1000) if ttl else 0
        self._prefix = prefix
        self._cas = client.register_script(_CAS)

    @classmethod
    def from_url(cls, url: str, *, ttl: float | None = None, prefix: str = PREFIX) -> RedisStore:
        """A store on `redis://host:port/db` or `rediss://...` (TLS); connects on first use."""
        try:
            client = aioredis.Redis.from_url(
                url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5
            )
        except ValueError as exc:
            raise ConfigError(f"the Redis store URL is not valid: {exc}") from exc
        return cls(client, ttl=ttl, prefix=prefix)

    async def get(self, key: str) -> Stored | None:
        """The stored session for `key` and its revision, or None (never stored or expired)."""
        try:
            rev, text = await self._redis.hmget(self._prefix + key, ["rev", "data"])
        except RedisError as exc:
            raise StoreError(f"Redis: {type(exc).__name__}: {exc}") from exc
        if rev is None:
            return None
        try:
            data = json.loads(text) if text is not None else None
        except ValueError:
            data = None
        return Stored(data if isinstance(data, dict) else {}, int(rev))

    async def put(self, key: str, data: dict[str, Any], *, rev: int) -> bool:
        """Write if the stored revision is still `rev` (0: the key must not exist); False on conflict."""
        text = encode(data)
        try:
            done = await self._cas(keys=[self._prefix + key], args=[rev, text, self._ttl_ms])
        except RedisError as exc:
            raise StoreError(f"Redis: {type(exc).__name__}: {exc}") from exc
        return bool(done)

    async def delete(self, key: str) -> None:
        """Forget everything stored for `key`."""
        try:
            await self._redis.delete(self._prefix + key)
        except RedisError as exc:
            raise StoreError(f"Redis: {type(exc).__name__}: {exc}") from exc

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()
