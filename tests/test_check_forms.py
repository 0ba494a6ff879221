"""Form-aware grading: where a part asks for a form, an answer equal in value but written
otherwise is ``equivalent-wrong-form`` (with the form asked), never plain ``equivalent``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from derivekit import registry
from derivekit.cli import app
from derivekit.expr.forms import violation
from derivekit.expr.parse import parse
from derivekit.expr.resolve import resolve, scope_from
from derivekit.grade import check

SCOPE = scope_from({"a": (3, 1), "b": (3, 1), "X": (3, 3), "eta": (), "n": ()})


def _why(form: str, text: str) -> str:
    return violation(form, [resolve(parse(text), SCOPE)])


@pytest.mark.parametrize(("text", "expanded"), [
    ("a.T a - 2 eta a.T X a + eta^2 a.T X X a", True),
    ("(a.T a - 2 eta a.T X a + eta^2 a.T X X a)/n", True),  # a factor free of eta: fine
    ("1/n * (a.T a - 2 eta a.T X a)", True),
    ("(a - eta X a).T (a - eta X a)", False),  # a product of two sums in eta
    ("sqnorm(a - eta X a)", False),
    ("(1 - eta)^2", False),
    ("(a.T a + b.T b)^2 + eta", True),  # the sum has no eta in it
])
def test_expanded_in_a_name(text: str, expanded: bool) -> None:
    assert (_why("expanded in eta", text) == "") == expanded


def test_wrong_form_is_graded_with_the_form_asked() -> None:
    problem = registry.lookup("xor-of-ors-network")
    part = problem.part("sum-of-products")
    feedback = check(problem, part, r"(A\vee\bar B)\oplus(\bar C\vee\bar D)")
    assert feedback.verdict == "equivalent-wrong-form" and feedback.form == "sum of products"
    assert feedback.evidence  # the value was established as usual
    assert check(problem, part, "A*C*D or (1-B)*C*D or (1-A)*B*(1-C) or (1-A)*B*(1-D)"
                 ).verdict == "equivalent"  # 1 - A is a negated input
    wrong = check(problem, part, r"ACD\vee\bar BCD\vee\bar AB\bar C")
    assert wrong.verdict == "not-equivalent" and wrong.diagnosis == "missing term"


def test_a_part_without_a_form_takes_any_form() -> None:
    problem = registry.lookup("matrix-gradients")
    assert check(problem, problem.part("trace-ATA"), "A + A").form == ""


def test_cli_wrong_form_exit_code_and_json() -> None:
    runner = CliRunner()
    args = ["check", "xor-of-ors-network", "sum-of-products", "-a",
            r"(A\vee\bar B)\oplus(\bar C\vee\bar D)"]
    human = runner.invoke(app, args)
    assert human.exit_code == 1 and "equivalent-wrong-form" in human.output
    assert "form asked: sum of products" in human.output
    payload = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert payload["verdict"] == "equivalent-wrong-form" and payload["form"] == "sum of products"


def test_form_must_be_known() -> None:
    from dataclasses import replace

    from derivekit.errors import ProblemDefinitionError

    problem = registry.lookup("xor-of-ors-network")
    part = replace(problem.parts[0], form="as short as possible")
    with pytest.raises(ProblemDefinitionError, match="form="):
        replace(problem, parts=(part, *problem.parts[1:]))
    part = replace(problem.parts[0], form="expanded in nothing")
    with pytest.raises(ProblemDefinitionError, match="form="):
        replace(problem, parts=(part, *problem.parts[1:]))
