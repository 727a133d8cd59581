"""The session store contract: get, put, delete, close."""

from __future__ import annotations

from typing import Any, Protocol


class SessionStore(Protocol):
    """Keeps one JSON-ready dict per conversation key."""

    async def get(self, key: str) -> dict[str, Any] | None:
        """The stored session for `key`, or None."""

    async def put(self, key: str, data: dict[str, Any]) -> None:
        """Store (replace) the session for `key`."""

    async def delete(self, key: str) -> None:
        """Forget everything stored for `key`."""

    async def close(self) -> None:
        """Release resources."""


class StoreError(Exception):
    """The store cannot be used right now (unreachable, locked, damaged); nothing was written."""
