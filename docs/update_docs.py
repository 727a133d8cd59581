"""Regenerate everything derived from the flows: run by `make docs`.

Usage: python docs/update_docs.py
Writes flows/flow.schema.json, tests/golden/paths.txt, docs/clinical-table.md and the diagram
in README.md (between the diagram markers). Tests fail when any of them is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.commands import checked_flow, diagram  # noqa: E402
from bot.flow.schema import schema_text  # noqa: E402
from bot.report import clinical_table, paths_text  # noqa: E402
from bot.settings import Settings  # noqa: E402

START, END = "<!-- diagram:start -->", "<!-- diagram:end -->"


def readme_with_diagram(readme: str, mermaid: str) -> str:
    """README text with the diagram block replaced."""
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n```mermaid\n{mermaid.rstrip()}\n```\n{END}{tail}"


def main() -> None:
    flow = checked_flow(Settings.load(), "triage")
    (ROOT / "flows" / "flow.schema.json").write_text(schema_text())
    (ROOT / "tests" / "golden" / "paths.txt").write_text(paths_text(flow))
    (ROOT / "docs" / "clinical-table.md").write_text(clinical_table(flow))
    readme = ROOT / "README.md"
    readme.write_text(readme_with_diagram(readme.read_text(), diagram(flow, "mermaid")))
    print("updated: flows/flow.schema.json tests/golden/paths.txt docs/clinical-table.md README.md")


if __name__ == "__main__":
    main()
