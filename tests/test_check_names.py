"""Names in typed answers resolve per part: among the givens the part is about first (from
its functions' arguments, or declared with ``about``), and a name that fits several of them
is ``invalid`` with the choices, never a silent pick."""

from __future__ import annotations

import pytest

from derivekit import registry
from derivekit.grade import check, part_givens
from derivekit.model import Equation, Given, Problem, Source

CATALOG = registry.catalog()


def test_part_givens_come_from_the_functions_arguments() -> None:
    problem = CATALOG["instance-noise-ridge"]
    assert part_givens(problem, problem.part("limit")) == {"x1", "y1", "sigma", "eta"}
    assert part_givens(problem, problem.part("expected-loss")) == {"X", "w", "y", "sigma"}


@pytest.mark.parametrize("text", [
    r"\frac{xy}{x^2+\sigma^2}", r"\frac{xy}{x^2+\sigma^2}=\frac{y}{x}\cdot\frac{1}{1+\sigma^2/x^2}",
    "x1*y1/(x1^2 + sigma^2)"])
def test_a_scalar_written_y_is_the_parts_y(text: str) -> None:
    problem = CATALOG["instance-noise-ridge"]
    feedback = check(problem, problem.part("limit"), text)
    assert feedback.verdict == "equivalent", feedback.message
    assert "y1" in feedback.interpreted


def test_the_problem_wide_name_still_resolves_in_its_own_part() -> None:
    problem = CATALOG["instance-noise-ridge"]
    feedback = check(problem, problem.part("expected-loss"), r"\|Xw-y\|^2+m\sigma^2\|w\|^2")
    assert feedback.verdict == "equivalent", feedback.message
    assert "y1" not in feedback.interpreted


def _two_ys(**part_fields) -> Problem:
    """A part about both the vector y and a scalar also written y."""
    return Problem(
        id="two-ys", title="two ys", source=Source("test", "0"), statement="",
        givens=(Given("y", (3, 1)), Given("y1", (), latex="y"), Given("c", ())),
        parts=(Equation(name="both", asks="", answer_latex="", lhs=lambda y, y1: y1 * y,
                        rhs=lambda y, y1: y1 * y, **part_fields),))


def test_an_ambiguous_name_is_invalid_with_the_choices() -> None:
    problem = _two_ys()
    feedback = check(problem, problem.parts[0], "y^T y")
    assert feedback.verdict == "invalid"
    assert "ambiguous" in feedback.message and "y (3×1" in feedback.message
    assert "y1 (scalar, written y)" in feedback.message
    assert check(problem, problem.parts[0], "y1").interpreted == "y1"  # a name picks


def test_declared_about_overrides_the_functions() -> None:
    problem = _two_ys(about=("y1", "c"))
    assert part_givens(problem, problem.parts[0]) == {"y1", "c"}
    feedback = check(problem, problem.parts[0], "y")  # the scalar: not the answer's value
    assert feedback.verdict == "not-equivalent" and feedback.interpreted == "y1"


def test_about_must_name_givens() -> None:
    from derivekit.errors import ProblemDefinitionError

    with pytest.raises(ProblemDefinitionError, match="about"):
        _two_ys(about=("nope",))


def _defined() -> Problem:
    """ô is defined by the statement (softmax of z), not drawn."""
    return Problem(
        id="defined-ohat", title="defined", source=Source("test", "0"), statement="",
        givens=(Given("z", ("n", 1)), Given("o", ("n", 1)),
                Given("ohat", ("n", 1), latex=r"\hat{\mathbf o}", definition="softmax(z)")),
        shapes=({"n": 2}, {"n": 3}, {"n": 4}),
        parts=(Equation(name="delta", asks="", answer_latex=r"\hat{\mathbf o}-\mathbf o",
                        lhs=lambda ohat, o: ohat - o, rhs=lambda ohat, o: ohat - o),))


@pytest.mark.parametrize("text", [r"\hat{\mathbf o}-\mathbf o", r"\operatorname{softmax}(z) - o",
                                  r"\hat o - o \text{ where } \hat o = \operatorname{softmax}(z)",
                                  "ohat - o where ohat = exp(z)/sum(exp(z))"])
def test_a_defined_name_means_its_definition(text: str) -> None:
    problem = _defined()
    feedback = check(problem, problem.parts[0], text)
    assert feedback.verdict == "equivalent", feedback.message


def test_a_restated_definition_must_agree_with_the_statement() -> None:
    problem = _defined()
    feedback = check(problem, problem.parts[0], r"\hat o - o \text{ where } \hat o = \sigma(z)")
    assert feedback.verdict == "not-equivalent" and feedback.diagnosis == "wrong definition"
    assert "statement's ohat = softmax(z)" in feedback.message and feedback.counterexample
    shape = check(problem, problem.parts[0], "ohat - o where ohat = sum(z)")
    assert shape.verdict == "invalid" or shape.diagnosis == "wrong definition"


def test_a_drawn_given_still_cannot_be_redefined() -> None:
    problem = _defined()
    feedback = check(problem, problem.parts[0], "ohat - o where o = z")
    assert feedback.verdict == "invalid" and "is a given" in feedback.message
