"""Lint refuses each kind of broken content with `file:line: message`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.lint import check_content
from tests.helpers import MINI

ENGINE_TEXTS = (MINI / "locales" / "en.yaml").read_text().split("# --- content")[0]
LOCALE = (
    ENGINE_TEXTS
    + """\
q:
  a: "Question A?"
  b: "Question B?"
option:
  x: "X"
  y: "Y"
  none: "None"
out:
  done: "Done."
adv:
  tip: "A tip."
"""
)

GOOD = """\
flow: triage
start: a
sources:
  src: {name: "Source", url: "https://example.org/"}
nodes:
  a:
    ask: q.a
    options:
      - {id: x, next: b}
      - {id: y, next: done}
  b:
    ask: q.b
    options:
      - {id: none, next: done}
  done:
    outcome: self_care
    title: out.done
    worse: [{text: adv.tip, source: src}]
    do: [{text: adv.tip, source: src}]
"""


def lint(tmp_path: Path, flows: dict[str, str | bytes], locale: str = LOCALE) -> list[str]:
    """Write flows (and a locale) into tmp_path and return lint's lines, paths made relative."""
    (tmp_path / "flows").mkdir()
    (tmp_path / "locales").mkdir()
    for name, text in flows.items():
        path = tmp_path / "flows" / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text))
    (tmp_path / "locales" / "en.yaml").write_text(locale)
    content = check_content(tmp_path / "flows", tmp_path / "locales")
    return [str(p).replace(str(tmp_path) + "/", "") for p in content.problems]


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def only_errors(lines: list[str]) -> list[str]:
    return [line for line in lines if ": warning: " not in line]


def test_good_content_is_clean(tmp_path: Path) -> None:
    assert lint(tmp_path, {"t.yaml": GOOD}) == []


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("x: [1, 2\n", "flows/t.yaml:2: YAML syntax error"),
        (
            "flow: triage\nnodes:\n  a:\n    ask: q.a\n    ask: q.b\n",
            "flows/t.yaml:5: duplicate key 'ask' (first at line 4)",
        ),
        (
            "flow: triage\nstart: !!python/object/apply:os.system [ls]\n",
            "flows/t.yaml:2: unsupported YAML tag",
        ),
        ("flow: triage\nstart: !!python/name:os.system\n", "flows/t.yaml:2: unsupported YAML tag"),
        ("   \n", "flows/t.yaml:1: empty file"),
        ("# only a comment\n", "flows/t.yaml:1: empty file"),
        ("- just\n- a list\n", "flows/t.yaml:1: file: expected a mapping, got a list"),
    ],
)
def test_unreadable_files(tmp_path: Path, broken: str, expected: str) -> None:
    lines = lint(tmp_path, {"t.yaml": broken})
    assert any(line.startswith(expected) for line in lines), lines


def test_binary_file(tmp_path: Path) -> None:
    lines = lint(tmp_path, {"t.yaml": b"flow: triage\n\x00\x01\x02"})
    assert "flows/t.yaml:1: not a text file" in lines


def test_not_utf8(tmp_path: Path) -> None:
    lines = lint(tmp_path, {"t.yaml": b"flow: triage\nstart: \xff\xfe\n"})
    assert "flows/t.yaml:2: not UTF-8 text" in lines


def _broken(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # unknown key, with a suggestion
        (
            "    ask: q.b\n",
            "    ask: q.b\n    optons: []\n",
            "flows/t.yaml:13: node 'b': unknown key 'optons' (did you mean 'options'?)",
        ),
        # missing key
        (
            "      - {id: none, next: done}\n",
            "      - {id: none}\n",
            "flows/t.yaml:14: node 'b' option: missing key 'next'",
        ),
        # mistyped key
        (
            "    ask: q.b\n",
            "    ask: 5\n",
            "flows/t.yaml:12: node 'b': 'ask' must be a locale key like q.status, got 5",
        ),
        # dangling next
        (
            "{id: y, next: done}",
            "{id: y, next: finish}",
            "flows/t.yaml:10: node 'a': option 'y': next 'finish' does not exist",
        ),
        # duplicate option ids
        (
            "      - {id: y, next: done}\n",
            "      - {id: y, next: done}\n      - {id: x, next: done}\n",
            "flows/t.yaml:11: node 'a' option 'x': duplicate option id (first at line 9)",
        ),
        # outcome without a disposition
        ("    outcome: self_care\n", "", "flows/t.yaml:16: node 'done': an outcome needs a disposition"),
        # a disposition that does not exist
        (
            "outcome: self_care",
            "outcome: relax",
            "flows/t.yaml:16: node 'done': 'outcome' must be one of emergency, urgent, same_day, routine, self_care, got 'relax'",
        ),
        # ids outside [a-z0-9_]
        ("  b:\n", "  B-node:\n", "flows/t.yaml:11: nodes: 'B-node' is not an id (use a-z, 0-9 and _)"),
        (
            "{id: none, next: done}",
            "{id: Nope, next: done}",
            "flows/t.yaml:14: node 'b': 'id' must be an id of a-z, 0-9 and _, got 'Nope'",
        ),
        # unknown source
        (
            "source: src}",
            "source: nhs}",
            "flows/t.yaml:18: node 'done': advice 'adv.tip': unknown source 'nhs'",
        ),
        # reserved id
        (
            "{id: y, next: done}",
            "{id: restart, next: done}",
            "flows/t.yaml:10: node 'a' option 'restart': 'restart' is reserved",
        ),
    ],
)
def test_broken_keys(tmp_path: Path, old: str, new: str, expected: str) -> None:
    lines = lint(tmp_path, {"t.yaml": _broken(old, new)})
    assert any(line.startswith(expected) for line in lines), lines


def test_unreachable_node(tmp_path: Path) -> None:
    text = _broken("{id: x, next: b}", "{id: x, next: done}")
    lines = only_errors(lint(tmp_path, {"t.yaml": text}))
    assert lines == ["flows/t.yaml:11: node 'b': unreachable: no option leads here"]


def test_dead_end_under_conditions(tmp_path: Path) -> None:
    text = _broken("{id: none, next: done}", "{id: none, next: done, when: {a: [y]}}")
    lines = only_errors(lint(tmp_path, {"t.yaml": text}))
    assert "flows/t.yaml:11: node 'b': dead end: no option is offered after a=x" in lines


def test_no_branch_matches(tmp_path: Path) -> None:
    text = _broken("{id: none, next: done}", "{id: none, next: [{when: {a: [y]}, to: done}]}")
    lines = only_errors(lint(tmp_path, {"t.yaml": text}))
    assert "flows/t.yaml:14: node 'b': option 'none': no branch of 'next' matches after a=x" in lines


def test_condition_on_unknown_option(tmp_path: Path) -> None:
    text = _broken("{id: none, next: done}", "{id: none, next: done, when: {a: [z]}}")
    lines = only_errors(lint(tmp_path, {"t.yaml": text}))
    assert "flows/t.yaml:14: node 'b': condition: 'a' has no option 'z'" in lines


def test_loop_with_no_way_out(tmp_path: Path) -> None:
    text = _broken("{id: none, next: done}", "{id: none, next: c}")
    text += "  c:\n    ask: q.a\n    options:\n      - {id: x, next: b}\n"
    lines = only_errors(lint(tmp_path, {"t.yaml": text}))
    assert (
        "flows/t.yaml:11: node 'b': no outcome can be reached from here (a dead end or a loop with no way out)"
        in lines
    )
    assert (
        "flows/t.yaml:20: node 'c': no outcome can be reached from here (a dead end or a loop with no way out)"
        in lines
    )


def test_loop_with_a_way_out_is_fine(tmp_path: Path) -> None:
    text = _broken(
        "      - {id: none, next: done}\n", "      - {id: none, next: done}\n      - {id: x, next: a}\n"
    )
    assert only_errors(lint(tmp_path, {"t.yaml": text})) == []


def test_duplicate_node_across_files(tmp_path: Path) -> None:
    extra = "flow: triage\nnodes:\n  b:\n    ask: q.b\n    options:\n      - {id: none, next: done}\n"
    lines = lint(tmp_path, {"t.yaml": GOOD, "u.yaml": extra})
    assert "flows/u.yaml:3: duplicate node id 'b' (first at flows/t.yaml:11)" in lines


@pytest.mark.parametrize(("length", "fits"), [(62, True), (63, False)])
def test_callback_data_too_long(tmp_path: Path, length: int, fits: bool) -> None:
    option = "a" * length  # callback data is "b|" + option
    text = GOOD.replace("{id: none, next: done}", f"{{id: {option}, next: done, label: option.none}}")
    message = f"flows/t.yaml:14: node 'b': option '{option}': callback data is {length + 2} bytes, Telegram allows 64"
    assert (message in lint(tmp_path, {"t.yaml": text})) is not fits


def test_locale_key_missing(tmp_path: Path) -> None:
    lines = lint(tmp_path, {"t.yaml": GOOD}, LOCALE.replace('  b: "Question B?"\n', ""))
    assert "flows/t.yaml:11: question key 'q.b' is missing in locales/en.yaml" in lines


def test_unused_locale_key_is_a_warning(tmp_path: Path) -> None:
    locale = LOCALE + "extra:\n  unused: Hello\n"
    lines = lint(tmp_path, {"t.yaml": GOOD}, locale)
    line = line_of(locale, "unused: Hello")
    assert lines == [f"locales/en.yaml:{line}: warning: key 'extra.unused' is not used by any flow"]


def test_empty_locale_text(tmp_path: Path) -> None:
    lines = lint(tmp_path, {"t.yaml": GOOD}, LOCALE.replace('"Question B?"', '""'))
    assert f"locales/en.yaml:{line_of(LOCALE, 'Question B?')}: 'q.b' is empty" in lines


def test_unknown_placeholder(tmp_path: Path) -> None:
    lines = lint(tmp_path, {"t.yaml": GOOD}, LOCALE.replace('"Question B?"', '"Call {phone}"'))
    assert f"locales/en.yaml:{line_of(LOCALE, 'Question B?')}: 'q.b': unknown placeholder {{phone}}" in lines
