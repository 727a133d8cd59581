"""Content releases: who signed off which content fingerprint, and whether it still holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.content import content_version as content_fingerprint
from bot.errors import ConfigError
from bot.yamlsrc import LList, load_yaml

SIGNOFF_FILE = Path("release") / "signoff.yaml"

HEADER = """\
# Content sign-offs (see docs/review.md). Each entry records the fingerprint of all flows and
# locales a reviewer approved. Added by `python -m bot signoff --by NAME --role ROLE`;
# the content counts as signed off only while its fingerprint is unchanged.
"""


@dataclass(frozen=True)
class Signoff:
    """One recorded approval of a content fingerprint."""

    fingerprint: str
    date: str
    by: str
    role: str


@dataclass(frozen=True)
class Release:
    """The current content fingerprint and the sign-offs that match it."""

    fingerprint: str
    signoffs: tuple[Signoff, ...]
    last: Signoff | None

    @property
    def signed(self) -> bool:
        """True when someone signed off exactly this content."""
        return bool(self.signoffs)

    def describe(self) -> str:
        """One line: the fingerprint and its sign-off state."""
        if self.signoffs:
            names = ", ".join(f"{s.by} ({s.role}, {s.date})" for s in self.signoffs)
            return f"content {self.fingerprint}, signed off by {names}"
        if self.last is not None:
            return f"content {self.fingerprint}, NOT signed off (changed since {self.last.fingerprint} of {self.last.date})"
        return f"content {self.fingerprint}, NOT signed off"


def signoff_path(flows_dir: Path) -> Path:
    """The sign-off file kept with the flows."""
    return flows_dir / SIGNOFF_FILE


def read_signoffs(flows_dir: Path) -> list[Signoff]:
    """Every recorded sign-off, oldest first (a broken file reads as none)."""
    path = signoff_path(flows_dir)
    if not path.is_file():
        return []
    data, _ = load_yaml(path, str(path))
    found = []
    if isinstance(data, LList):
        for entry in data:
            if isinstance(entry, dict) and all(k in entry for k in ("fingerprint", "date", "by", "role")):
                found.append(Signoff(*(str(entry[k]) for k in ("fingerprint", "date", "by", "role"))))
    return found


def release(flows_dir: Path, locales_dir: Path) -> Release:
    """The content's fingerprint and who signed it off."""
    fingerprint = content_fingerprint(flows_dir, locales_dir)
    records = read_signoffs(flows_dir)
    matching = tuple(s for s in records if s.fingerprint == fingerprint)
    return Release(fingerprint, matching, records[-1] if records else None)


def sign(flows_dir: Path, locales_dir: Path, *, by: str, role: str, today: dt.date | None = None) -> Signoff:
    """Record that `by` (`role`) approved the current content."""
    by, role = by.strip(), role.strip()
    if not by or not role:
        raise ConfigError("signoff needs a name (--by) and a role (--role)")
    entry = Signoff(
        content_fingerprint(flows_dir, locales_dir), (today or dt.date.today()).isoformat(), by, role
    )
    records = [*read_signoffs(flows_dir), entry]
    path = signoff_path(flows_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = [{"fingerprint": s.fingerprint, "date": s.date, "by": s.by, "role": s.role} for s in records]
    path.write_text(HEADER + yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return entry
