"""The session store contract: get, put (compare-and-set on a revision), delete, close."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

# One encoder for every store: json.dumps with options builds a new encoder on each call.
encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored session and its revision (>= 1; it goes up by one on every write)."""

    data: dict[str, Any]
    rev: int


class StoreError(Exception):
    """The store cannot be used right now (unreachable, locked, damaged); nothing was written."""


class SessionStore(Protocol):
    """Keeps one JSON-ready dict per conversation key, with a revision for compare-and-set."""

    async def get(self, key: str) -> Stored | None:
        """The stored session for `key` and its revision, or None (never stored, expired, deleted)."""

    async def put(self, key: str, data: dict[str, Any], *, rev: int) -> bool:
        """Write only if the stored revision is still `rev` (0 = the key must not exist).

        True when written (the new revision is rev + 1); False on a conflict (nothing written).
        """

    async def delete(self, key: str) -> None:
        """Forget everything stored for `key`, leaving no trace of it."""

    async def close(self) -> None:
        """Release resources."""

