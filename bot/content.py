"""Where the shipped flows and locales are: inside the installed package, else the checkout."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
PACKAGED = "_content"  # the wheel carries flows/ and locales/ as bot/_content/flows, bot/_content/locales


def content_dir(name: str) -> Path:
    """The directory of shipped content `name` ("flows" or "locales") for this installation."""
    packaged = files("bot") / PACKAGED / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return CHECKOUT / name
