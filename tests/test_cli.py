"""The CLI: exit codes, JSON shape, JUnit XML, and one-line errors for bad input."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derivekit.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_help_lists_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("list", "show", "verify"):
        assert command in result.output


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.startswith("derivekit ")


def test_list_json_has_the_headline_problems() -> None:
    result = invoke("list", "--json")
    assert result.exit_code == 0
    ids = {p["id"] for p in json.loads(result.output)}
    assert {"gan-gradients", "matrix-gradients"} <= ids


def test_show_prints_statement_and_layout() -> None:
    result = invoke("show", "matrix-gradients")
    assert result.exit_code == 0
    assert "numerator layout" in result.output and "denominator layout" in result.output


def test_verify_json_shape() -> None:
    result = invoke("verify", "matrix-gradients", "--json")
    assert result.exit_code == 0, result.output
    (problem,) = json.loads(result.output)
    assert problem["id"] == "matrix-gradients" and problem["status"] == "verified"
    for part in problem["parts"]:
        assert {"name", "status", "max_error", "tolerance", "witnesses"} <= set(part)
        assert part["status"] == "verified"
        assert {"rtol", "atol"} == set(part["tolerance"])
        assert all({"name", "passed", "max_abs_error", "points"} <= set(w)
                   for w in part["witnesses"])


def test_verify_human_output_names_witnesses() -> None:
    result = invoke("verify", "matrix-gradients")
    assert result.exit_code == 0
    assert "jax-autodiff" in result.output and "verified" in result.output


def test_unknown_id_suggests_and_exits_2() -> None:
    result = invoke("verify", "gan-gradient")
    assert result.exit_code == 2
    assert "did you mean gan-gradients" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_verify_needs_ids_or_all() -> None:
    assert invoke("verify").exit_code == 2
    assert invoke("verify", "--all", "gan-gradients").exit_code == 2


def test_show_unknown_id() -> None:
    result = invoke("show", "nope")
    assert result.exit_code == 2 and "unknown problem id" in result.output


def test_junit_xml(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "derivekit.xml"
    result = invoke("verify", "matrix-gradients", "--junit-xml", str(target), "--json")
    assert result.exit_code == 0
    root = ET.parse(target).getroot()
    assert root.tag == "testsuites" and root.get("failures") == "0"
    cases = root.findall(".//testcase")
    assert len(cases) == 5 and all(c.find("failure") is None for c in cases)


WRONG_PROBLEM = textwrap.dedent('''
    from derivekit.model import Derivative, Given, Problem, Source
    from derivekit.ops import scalar

    PROBLEM = Problem(
        id="wrong-gradient",
        title="A wrong closed form",
        source=Source("none.txt", "1"),
        statement="d(x^T x)/dx",
        givens=(Given("x", ("n", 1)),),
        shapes=({"n": 2}, {"n": 3}, {"n": 4}),
        parts=(Derivative(name="g", asks="gradient", of=lambda x: scalar(x.T @ x), wrt="x",
                          answer=lambda x: x, answer_latex="x"),),
    )
''')


@pytest.fixture
def wrong_pack(tmp_path: Path) -> Path:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "wrong.py").write_text(WRONG_PROBLEM)
    return tmp_path


def test_failed_verification_exits_1_and_junit_records_it(wrong_pack: Path,
                                                          tmp_path: Path) -> None:
    junit = tmp_path / "out.xml"
    result = invoke("verify", "--all", "--problems", str(wrong_pack), "--junit-xml", str(junit))
    assert result.exit_code == 1
    assert "failed" in result.output
    assert ET.parse(junit).getroot().get("failures") == "1"


def test_failed_verification_json(wrong_pack: Path) -> None:
    result = invoke("verify", "wrong-gradient", "--problems", str(wrong_pack), "--json")
    assert result.exit_code == 1
    (problem,) = json.loads(result.output)
    assert problem["status"] == "failed"
    part = problem["parts"][0]
    assert part["status"] == "failed" and "expected" in part["message"]


def test_missing_problems_dir(tmp_path: Path) -> None:
    result = invoke("list", "--problems", str(tmp_path / "absent"))
    assert result.exit_code == 2 and "no problems directory" in result.output


def test_broken_problem_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("PROBLEM = (\n")
    result = invoke("list", "--problems", str(tmp_path))
    assert result.exit_code == 2
    assert "syntax error" in result.output and "Traceback" not in result.output


def test_junit_path_that_is_a_directory(tmp_path: Path) -> None:
    result = invoke("verify", "matrix-gradients", "--junit-xml", str(tmp_path))
    assert result.exit_code == 2 and "directory" in result.output


def test_parallel_run_gives_the_same_bytes() -> None:
    serial = invoke("verify", "--all", "--json", "--jobs", "1")
    parallel = invoke("verify", "--all", "--json", "--jobs", "2")
    assert serial.exit_code == parallel.exit_code == 0
    assert serial.stdout == parallel.stdout  # stderr logs progress, with rates


def test_negative_jobs() -> None:
    assert invoke("verify", "--all", "--jobs", "-1").exit_code == 2
