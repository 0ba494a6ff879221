"""Derivatives derivekit's authors did not write (SymPy's test_derivatives.py, the Matrix
Cookbook; tests/external/derivatives.py), each judged against JAX float64 autodiff of the
case's own expression at 3 shape sets × 3 random points drawn from the givens' domains.

Two checks per case: the source's printed closed form agrees with JAX (an audit of the
source; a form the source prints wrong is marked ``holds=False`` in the table, and must keep
failing), and ``derive`` returns a verified result that agrees with JAX. What derivekit does
not get right today is listed in :data:`NOT_RIGHT_TODAY` with the exact outcome: the test is
an ``xfail(strict=True)`` that passes only while that outcome is unchanged, so a new rule
turns it into XPASS (remove the line) and any other change fails loudly.

Refresh the lists with ``python -m tests.external.report --expected``.
"""

from __future__ import annotations

import numpy as np
import pytest

from derivekit.derivation import verified
from tests.external import judge
from tests.external.derivatives import CASES, Case, Claim
from tests.external.judge import claim_outcome, derivekit_outcome

SLOW = {"sympy-084", "sympy-085", "sympy-086", "sympy-087", "mc-125", "mc-126", "mc-127"}
"""Cases whose ``derive`` takes more than ~5 s of CPU (the symbolic witness on inverses of
XᵀCX products, and SymPy's long expression): run with ``-m slow``. Their claims run by
default."""

NOT_RIGHT_TODAY = {
    'sympy-029': (
        'refused: not verified (error: ConcretizationTypeError: Abstract tracer value '
        'encountered where concrete value is expected: traced array with shape '
        'float64[]); the printed result agrees with JAX'),
    'sympy-041': (
        'refused: not expressible in the notation: x[i, 0].diff(x[m, 0]): a '
        "derivative with respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-044': (
        'refused: not expressible in the notation: expr[0, 0].diff(x[m, 0]): a '
        "derivative with respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-055': (
        'refused: not expressible in the notation: expr[0, 0].diff(X[m, n]) compared '
        'as a printed Sum string: a derivative with respect to one entry (X[m, n]); '
        "--wrt takes a given's name"),
    'sympy-058': (
        'refused: not expressible in the notation: expr[i, j].diff(A[m, n]): a '
        "derivative with respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-060': (
        'refused: not expressible in the notation: expr.rewrite(Sum).diff(X[m, n]): a '
        "derivative with respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-094': (
        'refused: not expressible in the notation: expr[0, 0].diff(x[m, 0]): a '
        "derivative with respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-103': (
        'refused: not expressible in the notation: expr[i, 0].diff(x[m, 0]): a '
        "derivative with respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-105': (
        "refused: not expressible in the notation: expr[i, 0].diff(i): the entry's "
        'index i is also the variable'),
    'sympy-137': (
        'refused: not expressible in the notation: M.diff(M[1, 1]): a derivative with '
        "respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-138': (
        'refused: not expressible in the notation: M.as_explicit().diff(M[1, 2]): a '
        "derivative with respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-145': 'refused: cannot derive: Jacobian of a matrix power with a variable exponent',
    'sympy-146': (
        'refused: not expressible in the notation: (X + Y).diff(Y[0, 0]): a '
        "derivative with respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-147': (
        'refused: not expressible in the notation: (X + a*Y).diff(X[a, 0]): a '
        "derivative with respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-148': (
        'refused: not expressible in the notation: (X + a*Y).diff(Y[a, 0]): a '
        "derivative with respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-149': (
        'refused: not expressible in the notation: (X + a*Y).diff(Z[a, 0]): a '
        "derivative with respect to one entry (X[m, n]); --wrt takes a given's name"),
    'sympy-151': (
        'refused: not expressible in the notation: A.diff(Y[a, a]) with A an a×a '
        'MatrixSymbol: a derivative with respect to one entry (X[m, n]); --wrt takes '
        "a given's name"),
    'mc-098': (
        'refused: not expressible in the notation: ∂Tr(F(X))/∂X = f(X)ᵀ is about a '
        "matrix function F (a power series in X); the notation's functions act entry "
        'by entry'),
    'mc-128': (
        'refused: not expressible in the notation: sin(X) there is the matrix sine (a '
        "power series in X), whose derivative is cos(X)ᵀ; the notation's sin is "
        'element-wise'),
}
"""Case id -> derivekit's outcome today, for every case it does not get right."""

CLAIMS_REFUSED = {
}
"""(case id, claim index) -> why the claim cannot be checked today."""


class KnownOutcome(Exception):
    """The recorded outcome, unchanged: what an expected failure raises."""


def _case_param(case: Case) -> pytest.param:
    marks = [pytest.mark.slow] if case.id in SLOW else []
    if case.id in NOT_RIGHT_TODAY:
        marks.append(pytest.mark.xfail(strict=True, raises=KnownOutcome,
                                       reason=NOT_RIGHT_TODAY[case.id]))
    return pytest.param(case, id=case.id, marks=marks)


def _claim_param(case: Case, index: int, claim: Claim) -> pytest.param:
    key = (case.id, index)
    marks = [pytest.mark.xfail(strict=True, raises=KnownOutcome, reason=CLAIMS_REFUSED[key])
             ] if key in CLAIMS_REFUSED else []
    return pytest.param(case, claim, id=f"{case.id}#{index}", marks=marks)


CLAIMS = [_claim_param(c, i, claim) for c in CASES for i, claim in enumerate(c.claims)]


def _expect(outcome: str, recorded: str | None, what: str) -> None:
    if recorded is not None and outcome == recorded:
        raise KnownOutcome(outcome)
    pytest.fail(f"{what}: {outcome} (recorded: {recorded or 'right'})")


# --------------------------------------------------------------------------- the table
def test_the_table_is_large_and_says_where_each_case_comes_from() -> None:
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)
    for case in CASES:
        assert case.sources, case.id
        assert all(claim.source in case.sources for claim in case.claims), case.id
        assert case.wrt in case.shapes, case.id
        assert case.layout in ("denominator", "numerator"), case.id
    assert {c.id for c in CASES} >= set(NOT_RIGHT_TODAY) | SLOW
    assert sum(any(s.startswith("SymPy") for s in c.sources) for c in CASES) >= 100
    assert sum(any(s.startswith("Matrix Cookbook") for s in c.sources) for c in CASES) >= 60


# --------------------------------------------------------------------------- the sources
@pytest.mark.parametrize("case, claim", CLAIMS)
def test_source_claim_against_jax(case: Case, claim: Claim) -> None:
    """A printed closed form agrees with JAX, or (``holds=False``) is shown wrong."""
    outcome = claim_outcome(case, claim)
    if outcome.status == "refused":
        _expect(str(outcome), CLAIMS_REFUSED.get((case.id, case.claims.index(claim))),
                f"{case.id} claim {claim.form!r}")
    expected = "holds" if claim.holds else "fails"
    assert outcome.status == expected, (
        f"{case.id} d/d{case.wrt} {case.expression}: {claim.source} prints {claim.form!r}, "
        f"expected to {expected[:-1]}: {outcome}")


def _mutants(case: Case, claim: Claim) -> list[str]:
    """Wrong variants of a claim that holds: doubled (where the truth is not 0), and
    transposed (where the truth is square and not symmetric)."""
    truths = [t for _, _, ts in judge.points_and_truths(case, claim.layout) for t in ts]
    out = []
    if any(np.abs(t).max(initial=0) > 1e-6 for t in truths):
        out.append(f"2*({claim.form})")
    if all(t.ndim == 2 and t.shape[0] == t.shape[1] for t in truths) and any(
            not np.allclose(t, t.T) for t in truths):
        out.append(f"({claim.form}).T")
    return out


MUTATED = [pytest.param(case, claim, id=f"{case.id}#{i}") for case in CASES
           for i, claim in enumerate(case.claims)
           if claim.holds and (case.id, i) not in CLAIMS_REFUSED]


@pytest.mark.parametrize("case, claim", MUTATED)
def test_a_wrong_variant_of_a_claim_is_caught(case: Case, claim: Claim) -> None:
    for form in _mutants(case, claim):
        outcome = claim_outcome(case, Claim(claim.source, form, claim.layout))
        assert outcome.status == "fails", f"{case.id}: {form!r} passed as {outcome}"


# --------------------------------------------------------------------------- derivekit
@pytest.mark.parametrize("case", [_case_param(c) for c in CASES])
def test_derive_agrees_with_jax(case: Case) -> None:
    """``derive`` verifies a result (every witness passes) that agrees with JAX."""
    outcome = derivekit_outcome(case)
    if outcome.status != "right":
        _expect(str(outcome), NOT_RIGHT_TODAY.get(case.id),
                f"{case.id} d/d{case.wrt} {case.expression}")


def test_a_wrong_verified_result_is_classified_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    """The judge does not trust ``derive``'s own verdict: a result doubled after verifying is
    wrong."""
    from derivekit.expr import build
    from derivekit.expr.tree import const

    case = next(c for c in CASES if c.expression == "trace(X@A)" and not c.unexpressible)
    real = verified.derive

    def doubled(*args: object, **kwargs: object) -> verified.Derived:
        derived = real(*args, **kwargs)
        derived.derivation.result = build.scale(const(2), derived.derivation.result)
        return derived

    monkeypatch.setattr(verified, "derive", doubled)
    assert derivekit_outcome(case).status == "wrong"


# --------------------------------------------------------------------------- the truth
@pytest.mark.slow
@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES
                                  if not c.unexpressible])
def test_the_truth_runs_the_same_through_xla(case: Case) -> None:
    """The NumPy interpreter of JAX's program gives what XLA gives."""
    try:
        judge.expression(case)
    except judge.NoTruth:
        pytest.skip("no truth: the notation refuses the expression")
    interpreted = judge.points_and_truths(case, case.layout)
    compiled = judge.points_and_truths(case, case.layout, through_xla=True)
    for (_, _, a), (_, _, b) in zip(interpreted, compiled):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-10)
