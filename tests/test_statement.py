"""Problems stated by text: defined names computed at every point, parts derived from their
expressions, claims in the notation, and a user's pack held to the catalog's standard."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from derivekit import registry
from derivekit.cli import app
from derivekit.derivation.statement import Derived, derived_of
from derivekit.errors import ProblemDefinitionError
from derivekit.points import shape_sets
from derivekit.verify import verify_part

runner = CliRunner()

PACK = '''
from derivekit.model import Claim, Derivative, Given, Problem, Source, Wrong

PROBLEM = Problem(
    id="tiny-net",
    title="A one-layer network",
    source=Source("my-course-sheet-3", "2(a)"),
    statement="z = W x, p = sigmoid(z), L = -sum(y log p + (1 - y) log(1 - p)).",
    givens=(Given("W", ("k", "n")), Given("x", ("n", 1)), Given("y", ("k", 1)),
            Given("z", ("k", 1), definition="W @ x"),
            Given("p", ("k", 1), definition="sigmoid(z)")),
    shapes=({{"k": 2, "n": 3}}, {{"k": 3, "n": 1}}, {{"k": 1, "n": 2}}),
    parts=(
        Derivative(name="grad-W", asks="dL/dW",
                   expression="-sum(y .* log(p) + (1 - y) .* log(1 - p))", wrt="W",
                   answer_latex=r"(p - y)x^T",
                   wrong=(Wrong("{label}", "{wrong}"),)),
    ),
)
'''


def _pack(tmp_path: Path, label: str = "transposed", wrong: str = "x @ (p - y).T") -> Path:
    folder = tmp_path / "pack" / "nets"
    folder.mkdir(parents=True)
    (folder / "tiny.py").write_text(PACK.format(label=label, wrong=wrong))
    return tmp_path / "pack"


def test_defined_givens_are_computed_from_their_definitions() -> None:
    problem = registry.lookup("two-layer-softmax-gradients")
    part = problem.part("grad-z2")
    _, points, _, _ = shape_sets(problem, part, seed=0)[0]
    p = points[0]
    z2 = p["W2"] @ np.maximum(p["W1"] @ p["x"] + p["b1"], 0) + p["b2"]
    assert np.allclose(p["z2"], z2)
    assert np.allclose(p["ohat"], np.exp(z2) / np.exp(z2).sum())


def test_a_part_stated_by_expression_is_derived() -> None:
    part = registry.lookup("two-layer-softmax-gradients").part("grad-W2")
    assert isinstance(part.answer, Derived)
    from derivekit.expr.render import ascii_

    assert ascii_(derived_of(part).textbook()) == "(ohat - o) @ h.T"


def test_differentiating_by_a_defined_name_holds_it_as_the_variable() -> None:
    """∂E/∂z₂ is the backprop δ₂: ô read through z₂, z₂ itself a variable."""
    problem = registry.lookup("two-layer-softmax-gradients")
    assert verify_part(problem, problem.part("grad-z2")).status == "verified"


def test_every_derivative_part_with_an_expression_has_a_passing_deriver_witness() -> None:
    problem = registry.lookup("rnn-bptt-stability")
    verdict = verify_part(problem, problem.part("bptt-W_h"))
    deriver = [w for w in verdict.witnesses if w.name == "matrix-deriver"]
    assert deriver and deriver[0].passed


def test_a_broken_expression_in_a_pack_is_one_line(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    source = (pack / "nets" / "tiny.py").read_text().replace("log(1 - p))", "log(1 - q))")
    (pack / "nets" / "tiny.py").write_text(source)
    problem = registry.load_file(pack / "nets" / "tiny.py")
    verdict = verify_part(problem, problem.parts[0])
    assert verdict.status == "error"
    assert "unknown symbol 'q'" in verdict.message and "\n" not in verdict.message


def test_a_definition_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    source = (pack / "nets" / "tiny.py").read_text().replace('definition="W @ x"',
                                                             'definition="x"')
    (pack / "nets" / "tiny.py").write_text(source)
    problem = registry.load_file(pack / "nets" / "tiny.py")
    with pytest.raises(ProblemDefinitionError, match="declared"):
        shape_sets(problem, problem.parts[0], 0)


def test_verify_a_pack_runs_its_wrong_answers_and_mutants(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    result = runner.invoke(app, ["verify", "tiny-net", "--problems", str(pack), "--json"])
    assert result.exit_code == 0, result.output
    part = json.loads(result.output)[0]["parts"][0]
    rejects = [w for w in part["witnesses"] if w["name"] == "rejects-wrong-answers"]
    assert rejects and rejects[0]["passed"] and "transposed" in rejects[0]["detail"]


def test_a_pack_whose_checks_accept_a_wrong_answer_fails(tmp_path: Path) -> None:
    """The 'wrong' answer here is right: checks that accept it cannot tell."""
    pack = _pack(tmp_path, label="not actually wrong", wrong="(p - y) @ x.T")
    result = runner.invoke(app, ["verify", "tiny-net", "--problems", str(pack)])
    assert result.exit_code == 1
    assert "not actually wrong" in result.output


def test_list_underivable_counts_the_derived_parts() -> None:
    result = runner.invoke(app, ["list", "--underivable", "--json"])
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["derived"] + len(report["underivable"]) == report["derivative_parts"]
    assert all(item["why"] for item in report["underivable"])


def test_the_catalog_derives_its_derivative_parts() -> None:
    """Each derivative part states its function in the notation (the engine derives the closed
    form) or says why it cannot (``underivable``); at least 90 % are derived."""
    from derivekit.model import Derivative

    parts = [(p.id, part) for p in registry.catalog().values() for part in p.parts
             if isinstance(part, Derivative)]
    assert all(part.expression or part.underivable for _, part in parts)
    derived = [part for _, part in parts if part.expression]
    assert len(derived) >= 0.9 * len(parts)
