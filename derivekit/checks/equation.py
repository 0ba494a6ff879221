"""Identities and exact values: SymPy reduction to 0, and evaluation at random points."""

from __future__ import annotations


from derivekit.derivation.identity import proves_zero
import numpy as np

from derivekit.derivation.symbols import Symbolic
from derivekit.model import Equation, Problem
from derivekit.ops import SymbolicUnsupported
from derivekit.points import call, shape_sets
from derivekit.verdict import WitnessResult
from derivekit.witness.compare import Tally, not_applicable


def check(problem: Problem, part: Equation, seed: int) -> tuple[str, tuple[WitnessResult, ...]]:
    numeric = Tally("numeric-evaluation")
    proved: list[dict] = []
    unproved: list[dict] = []
    for dims, points, _, _ in shape_sets(problem, part, seed):
        numeric.shape_set(dims)
        for i, p in enumerate(points):
            numeric.compare(call(part.rhs, p), call(part.lhs, p), f"shapes {dims}, point {i}",
                            point=i)
        try:
            sym = Symbolic(problem.givens, dims, constrained=True)
            difference = sym.entries(np.asarray(sym.trace(part.lhs))
                                     - np.asarray(sym.trace(part.rhs)))
        except (SymbolicUnsupported, TypeError, ValueError):
            unproved.append(dims)
            continue
        (proved if proves_zero(difference) else unproved).append(dims)
    return "equation", (_symbolic_result(proved, unproved), numeric.result("lhs and rhs, float64"))


def _symbolic_result(proved: list[dict], unproved: list[dict]) -> WitnessResult:
    if unproved:
        return not_applicable(
            "sympy-exact", f"SymPy did not reduce lhs - rhs to 0 at shapes {unproved}; "
            "the numeric witness decides")
    return WitnessResult(name="sympy-exact", passed=True, shapes=tuple(proved), points=len(proved),
                         detail="lhs - rhs simplifies to 0 exactly")


