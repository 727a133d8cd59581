"""YAML loading: libyaml and the pure-Python loader give the same data, lines and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import yamlsrc
from tests.helpers import SHIPPED

SHIPPED_FILES = sorted([*(SHIPPED / "flows").glob("*.yaml"), *(SHIPPED / "locales").glob("*.yaml")])


def lines(value: object) -> object:
    """The loaded value with the line of every key and item, to compare two loaders."""
    if isinstance(value, yamlsrc.LDict):
        return ("map", value.line, {k: (value.key_lines[k], lines(v)) for k, v in value.items()})
    if isinstance(value, yamlsrc.LList):
        return ("seq", value.line, [(n, lines(v)) for n, v in zip(value.item_lines, value, strict=True)])
    return value


def load_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    fast = yamlsrc.load_yaml(path, "f.yaml")
    with monkeypatch.context() as m:
        m.setattr(yamlsrc, "_CLoader", None)
        slow = yamlsrc.load_yaml(path, "f.yaml")
    return (lines(fast[0]), fast[1]), (lines(slow[0]), slow[1])


@pytest.mark.skipif(yamlsrc._CLoader is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_libyaml_loads_the_shipped_content_exactly_as_the_python_loader(path: Path, monkeypatch) -> None:
    fast, slow = load_both(path, monkeypatch)
    assert fast == slow


@pytest.mark.skipif(yamlsrc._CLoader is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize(
    "text, line, message",
    [
        ("a: &x 1\nb: *x\n", 1, "anchors and aliases"),
        ("a: 1\nb: *x\n", 2, ""),  # an unknown alias: a syntax error in both
        # anchors wherever YAML allows one: after a flow indicator, a colon, a tag, a `-` or `?`
        ('{"a":&x 1}\n', 1, "anchors and aliases"),
        ("a: [1,&x 2]\n", 1, "anchors and aliases"),
        ("- &x a\n", 1, "anchors and aliases"),
        ("a: !!str &x b\n", 1, "anchors and aliases"),
        ("? &x k\n: v\n", 1, "anchors and aliases"),
        ("a:\n\t&x b\n", 0, ""),
        ("a:\n" + "".join("  " * i + f"- k{i}:\n" for i in range(1, 40)) + "    x\n", 0, "levels deep"),
        ("a: [1, 2\nb: 3\n", 0, "YAML syntax error"),
        ("a: !!python/object:os.system ls\n", 1, "unsupported YAML tag"),
    ],
)
def test_both_loaders_refuse_the_same_files(tmp_path: Path, monkeypatch, text: str, line: int, message: str) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    fast, slow = load_both(path, monkeypatch)
    assert fast[0] is None and slow[0] is None
    assert [p.message.split(":")[0] for p in fast[1]] == [p.message.split(":")[0] for p in slow[1]]
    assert message in fast[1][0].message
    if line:
        assert fast[1][0].line == slow[1][0].line == line


@pytest.mark.parametrize("text", ["a: A&E or 999\n", "a: '1 * 2 = 2'\n", "a: x*y&z\n", "a: \"*&\"\n"])
def test_ampersands_and_stars_inside_text_are_text(tmp_path: Path, monkeypatch, text: str) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    fast, slow = load_both(path, monkeypatch)
    assert fast == slow
    assert fast[1] == [] and "a" in fast[0][2]
