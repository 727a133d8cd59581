"""The offline commands: lint, graph and schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from bot.cli import main
from bot.flow.schema import json_schema, schema_text
from tests.helpers import MINI, ROOT

MINI_ARGS = ["--flows", str(MINI / "flows"), "--locales", str(MINI / "locales")]


def test_lint_clean_content_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", *MINI_ARGS]) == 0
    assert capsys.readouterr().out.startswith("ok: 1 flow(s), 15 nodes, 1 language(s)")


def test_lint_errors_exit_1_with_file_and_line(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "t.yaml").write_text(
        "flow: triage\nstart: a\nnodes:\n  a:\n    ask: q.a\n    options:\n      - {id: x, next: nowhere}\n"
    )
    code = main(["lint", "--flows", str(tmp_path / "flows"), "--locales", str(MINI / "locales")])
    err = capsys.readouterr().err
    assert code == 1
    assert "t.yaml:7: node 'a': option 'x': next 'nowhere' does not exist" in err
    assert "Traceback" not in err


def test_lint_missing_directory_is_an_error(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--flows", str(tmp_path / "none"), "--locales", str(MINI / "locales")]) == 1
    assert "no flow files" in capsys.readouterr().err


def test_graph_mermaid_comes_from_the_compiled_machine(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "triage", "--flows", str(MINI / "flows")]) == 0
    out = capsys.readouterr().out
    assert "stateDiagram-v2" in out
    assert "status --> location: t1 | t2 | t3 | postpartum | breastfeeding" in out
    assert "flags_calf --> out_dvt_pregnant: one_leg_swollen [status in [t1, t2, t3]]" in out
    assert "[*] --> disclaimer" in out


def test_graph_dot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--format", "dot", "--flows", str(MINI / "flows")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("digraph")
    assert "sev_back -> out_back_routine" in out


def test_graph_unknown_flow(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "nope", "--flows", str(MINI / "flows")]) == 1
    assert "no flow named 'nope'" in capsys.readouterr().err


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "flows" / "flow.schema.json").read_text()
    assert committed == schema_text(), "run `make schema` to regenerate flows/flow.schema.json"


def test_schema_is_valid_and_accepts_the_flows() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    flow_files = sorted((ROOT / "flows").glob("*.yaml")) + sorted((MINI / "flows").glob("*.yaml"))
    for path in flow_files:
        data = yaml.safe_load(path.read_text())
        jsonschema.validate(data, schema)
        assert path.read_text().startswith("# yaml-language-server: $schema="), path


def test_schema_rejects_what_lint_rejects() -> None:
    schema = json_schema()
    bad = {"flow": "triage", "nodes": {"a": {"ask": "q.a", "options": [{"id": "x", "nxt": "b"}]}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    assert json.loads(schema_text()) == schema
