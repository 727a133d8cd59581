"""Fingerprints of content: one text, and the whole shipped content (flows and locales)."""

from __future__ import annotations

import hashlib
from pathlib import Path

# Review metadata kept beside the content; not part of what a user reads.
REVIEW_DIRS = ("fingerprints", "release")


def text_fingerprint(text: str) -> str:
    """A short, stable fingerprint of one text (8 hex digits)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:8]


def content_files(flows_dir: Path, locales_dir: Path) -> list[tuple[str, Path]]:
    """The files a user's conversation is built from, as (label, path), in a stable order."""
    found = []
    for label, directory in (("flows", flows_dir), ("locales", locales_dir)):
        for path in sorted(directory.glob("*.yaml")):
            if path.is_file():
                found.append((f"{label}/{path.name}", path))
    return found


def content_fingerprint(flows_dir: Path, locales_dir: Path) -> str:
    """The fingerprint of all flows and locales (12 hex digits); review metadata is left out."""
    h = hashlib.sha256()
    for label, path in content_files(flows_dir, locales_dir):
        h.update(label.encode())
        h.update(b"\0")
        h.update(path.read_bytes().replace(b"\r\n", b"\n"))
        h.update(b"\0")
    return h.hexdigest()[:12]
