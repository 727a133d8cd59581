"""Where the shipped flows and locales are: inside the installed package, else the checkout."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
PACKAGED = "_content"  # the wheel carries flows/ and locales/ as bot/_content/flows, bot/_content/locales


def content_dir(name: str) -> Path:
    """The directory of shipped content `name` ("flows" or "locales") for this installation."""
    packaged = Path(__file__).resolve().parent / PACKAGED / name  # a wheel install unpacks the package
    if packaged.is_dir():
        return packaged
    return CHECKOUT / name


def content_version(flows_dir: Path, locales_dir: Path) -> str:
    """A short fingerprint of the content files: changes whenever a flow or a text changes."""
    h = hashlib.sha256()
    for folder in (flows_dir, locales_dir):
        for path in sorted(folder.glob("*.yaml")):
            h.update(f"{folder.name}/{path.name}\0".encode())
            h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()[:12]
