"""The session store contract: get, put (compare-and-set on a revision), delete, close."""

from __future__ import annotations

import json
import json.encoder
from typing import Any, NamedTuple, Protocol


def _not_json(value: object) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# One encoder for every store, made once: compact, UTF-8 as is. `JSONEncoder.encode` builds the C
# encoder anew on each call; session data is small and never refers to itself, so this one is
# made once, without the circular-reference check.
_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
_C_STRING: Any = getattr(json.encoder, "c_encode_basestring", None)
_PLAIN = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_ITERENCODE: Any = (
    _C_ENCODER(None, _not_json, _C_STRING, None, ":", ",", False, False, True) if _C_ENCODER and _C_STRING else None
)


def encode(data: Any) -> str:
    """`data` as compact JSON text (TypeError for a value JSON cannot hold)."""
    if _ITERENCODE is None:  # a Python without the C encoder
        return _PLAIN.encode(data)
    return "".join(_ITERENCODE(data, 0))


class Stored(NamedTuple):
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

