"""Regenerate everything derived from the flows: run by `make docs`.

Usage: python docs/update_docs.py
Writes flows/flow.schema.json, tests/golden/paths.txt, docs/clinical-table.md and the diagram
and locale table in README.md (between their markers), only where they changed, and names the
files it changed. Tests fail when any of them is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.commands import checked_flow, diagram  # noqa: E402
from bot.flow.schema import schema_text  # noqa: E402
from bot.i18n import load_locale  # noqa: E402
from bot.report import clinical_table, paths_text  # noqa: E402
from bot.review.commands import states  # noqa: E402
from bot.settings import Settings  # noqa: E402


def replace_block(readme: str, name: str, body: str) -> str:
    """README text with the block between `<!-- name:start -->` and `<!-- name:end -->` replaced."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    head, rest = readme.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body.rstrip()}\n{end}{tail}"


def locale_table(locales_dir: Path) -> str:
    """A Markdown table of the shipped locales, their metadata and translation state."""
    locales = {}
    for path in sorted(locales_dir.glob("*.yaml")):
        loc, _ = load_locale(path)
        if loc is not None:
            locales[loc.lang] = loc
    by_lang = {s.lang: s for s in states(locales_dir, locales)}
    rows = [
        "| file | language | translated by | review status | done | stale | untranslated | reviewed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for lang, loc in locales.items():
        meta, st = loc.meta, by_lang.get(lang)
        counts = (
            f"{len(st.done)} of {st.total} | {len(st.stale)} | {len(st.untranslated)} | {len(st.reviewed)}"
            if st
            else "source | - | - | -"
        )
        rows.append(
            f"| `locales/{lang}.yaml` | {meta.get('name', '')} | {meta.get('translator', '')} | {meta.get('review', '')} | {counts} |"
        )
    return "\n".join(rows)


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` to `path` unless it already holds exactly that; True when it was written."""
    if path.exists() and path.read_text() == text:
        return False
    path.write_text(text)
    return True


def sources_table(flow) -> str:
    """A Markdown table of the sources the flow's advice cites (id, name, link)."""
    rows = ["| id | source |", "|---|---|"]
    for sid, src in sorted(flow.sources.items()):
        rows.append(f"| `{sid}` | [{src.name}]({src.url}) |")
    return "\n".join(rows)


def main() -> None:
    flow = checked_flow(Settings.load(), "triage")
    readme = (ROOT / "README.md").read_text()
    readme = replace_block(readme, "diagram", f"```mermaid\n{diagram(flow, 'mermaid').rstrip()}\n```")
    readme = replace_block(readme, "locales", locale_table(ROOT / "locales"))
    outputs = {
        "flows/flow.schema.json": schema_text(),
        "tests/golden/paths.txt": paths_text(flow),
        "docs/clinical-table.md": clinical_table(flow),
        "docs/clinical-sources.md": replace_block(
            (ROOT / "docs" / "clinical-sources.md").read_text(), "sources", sources_table(flow)
        ),
        "README.md": readme,
    }
    changed = [name for name, text in outputs.items() if write_if_changed(ROOT / name, text)]
    print(f"updated: {' '.join(changed)}" if changed else "up to date: nothing changed")


if __name__ == "__main__":
    main()
