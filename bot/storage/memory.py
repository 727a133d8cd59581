"""An in-process store: fast, and gone when the process ends."""

from __future__ import annotations

from typing import Any


class MemoryStore:
    """Sessions in a dict; each put stores a copy so callers cannot change it later."""

    def __init__(self) -> None:
        self._data: dict[str, dict[str, Any]] = {}

    async def get(self, key: str) -> dict[str, Any] | None:
        """The stored session for `key`, or None."""
        data = self._data.get(key)
        return None if data is None else {**data, "a": list(data["a"])} if "a" in data else dict(data)

    async def put(self, key: str, data: dict[str, Any]) -> None:
        """Store (replace) the session for `key`."""
        self._data[key] = {**data, "a": list(data["a"])} if "a" in data else dict(data)

    async def delete(self, key: str) -> None:
        """Forget everything stored for `key`."""
        self._data.pop(key, None)

    async def close(self) -> None:
        """Nothing to release."""
