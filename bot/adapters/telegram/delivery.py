"""What the webhook needs to know of one update's handling: did the store fail?

The webhook server sets a `Delivery` for each update it passes to PTB; the handler notes a store
failure on it instead of apologising, and the server then answers with an error status, so
Telegram delivers the update again later and nothing is lost.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from bot.storage.base import StoreError

__all__ = ["DELIVERY", "Delivery", "StoreError", "note_store_down"]


@dataclass
class Delivery:
    """The fate of one webhook update: `failed` is the store error that stopped it, if any."""

    failed: BaseException | None = None


DELIVERY: contextvars.ContextVar[Delivery | None] = contextvars.ContextVar("mamaflow_delivery", default=None)


def note_store_down(exc: BaseException) -> bool:
    """Record a store failure on the current webhook delivery; False outside a delivery."""
    delivery = DELIVERY.get()
    if delivery is None:
        return False
    delivery.failed = exc
    return True
