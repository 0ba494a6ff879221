"""Every part of every problem, present and future, is held to the same standard:
verified by independent witnesses, and every wrong variant of it rejected."""

from __future__ import annotations

from pathlib import Path

import pytest

from derivekit import registry
from derivekit.mutants import mutants
from derivekit.verify import verify_part

from .conftest import catalog_parts

PARTS = catalog_parts()
MIN_MUTANTS = 3


@pytest.mark.parametrize(("problem_id", "part_name"), PARTS)
def test_part_is_verified(problem_id: str, part_name: str) -> None:
    problem = registry.lookup(problem_id)
    verdict = verify_part(problem, problem.part(part_name))
    assert verdict.status == "verified", verdict.message
    counted = [w for w in verdict.witnesses if w.passed is not None]
    assert counted, "no witness applied"
    assert all(w.passed for w in counted)


@pytest.mark.parametrize(("problem_id", "part_name"), PARTS)
def test_wrong_variants_are_rejected(problem_id: str, part_name: str) -> None:
    problem = registry.lookup(problem_id)
    variants = mutants(problem, problem.part(part_name))
    assert len(variants) >= MIN_MUTANTS
    accepted = [label for label, wrong in variants
                if verify_part(problem, wrong).status == "verified"]
    assert not accepted, f"wrong variants accepted: {accepted}"


@pytest.mark.parametrize(("problem_id", "part_name"), PARTS)
def test_part_states_what_it_asks(problem_id: str, part_name: str) -> None:
    part = registry.lookup(problem_id).part(part_name)
    assert part.asks and part.answer_latex
    if hasattr(part, "layout"):
        assert part.layout in ("numerator", "denominator")


own_catalog = pytest.mark.skipif(
    registry.default_root().resolve() != (Path(__file__).resolve().parents[1] / "problems"),
    reason="a problem pack of the user's ($DERIVEKIT_PROBLEMS): the project's own catalog "
           "facts do not apply to it")


@own_catalog
def test_headline_problems_are_present(catalog) -> None:
    headline = {"matrix-gradients", "bce-derivation", "gan-gradients", "instance-noise-ridge",
                "lstm-jacobian", "quadratic-gd-eigen"}
    assert headline <= set(catalog)


@own_catalog
def test_problems_cite_a_seed_file(catalog) -> None:
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    for problem in catalog.values():
        assert problem.source.seed.endswith(".txt") and problem.source.section
        if seeds.is_dir():
            assert (seeds / problem.source.seed).is_file(), problem.source.seed


def test_numeric_only_operations_leave_the_symbolic_witness_out() -> None:
    """eigh has no symbolic form: the part is verified by the numeric witnesses alone."""
    from derivekit.model import SPD, Derivative, Given, Problem, Source
    from derivekit.ops import eigh, max_entry, sqnorm

    problem = Problem(
        id="eigen-scaled-norm", title="t", source=Source("none.txt", "1"), statement="s",
        givens=(Given("H", ("n", "n"), SPD), Given("w", ("n", 1))),
        shapes=({"n": 2}, {"n": 3}, {"n": 4}),
        parts=(Derivative(name="g", asks="a", answer_latex="2 lambda_max w",
                          of=lambda H, w: max_entry(eigh(H)[0]) * sqnorm(w), wrt="w",
                          answer=lambda H, w: 2 * max_entry(eigh(H)[0]) * w),),
    )
    verdict = verify_part(problem, problem.parts[0])
    assert verdict.status == "verified"
    symbolic = verdict.witnesses[0]
    assert symbolic.passed is None and "eigendecomposition" in symbolic.detail
    for _, wrong in mutants(problem, problem.parts[0]):
        assert verify_part(problem, wrong).status == "failed"
