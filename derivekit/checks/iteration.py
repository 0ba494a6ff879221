"""Iterations, limits and convergence ranges: run the map, and prove by SymPy what it can.

* Iteration: the closed form matches every iterate (NumPy), and satisfies the recursion by
  induction (SymPy, symbolic t).
* Limit: the iterates settle on the answer (NumPy), which is a fixed point (SymPy).
* ConvergenceRange: runs inside the range converge and runs outside diverge (NumPy), and the
  map's spectral radius is < 1 inside and exactly 1 at both ends (JAX).
"""

from __future__ import annotations

import numpy as np
import sympy

from derivekit.derivation.identity import proves_zero
from derivekit.derivation.symbols import Symbolic
from derivekit.model import ConvergenceRange, Iteration, Limit, Problem
from derivekit.ops import SymbolicUnsupported
from derivekit.points import call, shape_sets
from derivekit.verdict import WitnessResult
from derivekit.witness import iterate
from derivekit.witness.compare import Tally, not_applicable

ITERATE_RTOL = 1e-8
ITERATE_ATOL = 1e-10
INSIDE = (0.1, 0.5, 0.9)
OUTSIDE_MARGIN = 0.1


def check_iteration(problem: Problem, part: Iteration, seed: int
                    ) -> tuple[str, tuple[WitnessResult, ...]]:
    numeric = Tally("iteration", rtol=ITERATE_RTOL, atol=ITERATE_ATOL)
    for dims, points, _, _ in shape_sets(problem, part, seed):
        numeric.shape_set(dims)
        for i, p in enumerate(points):
            for t, state in enumerate(iterate.trajectory(part.step, part.start, p, part.steps)):
                if not numeric.compare(call(part.closed_form, p, t), state,
                                       f"shapes {dims}, point {i}, t={t}", point=i):
                    break
    return "iteration", (
        _induction(problem, part),
        numeric.result(f"iterates t = 0..{part.steps} compared with the closed form"),
    )


def _induction(problem: Problem, part: Iteration) -> WitnessResult:
    t = sympy.Symbol("t", integer=True, nonnegative=True)
    for dims in problem.shapes:
        sym = Symbolic(problem.givens, dims, constrained=True)
        try:
            base = sym.entries(_minus(sym.trace(part.closed_form, 0), sym.trace(part.start)))
            inductive = sym.entries(_minus(sym.trace(part.step, sym.trace(part.closed_form, t)),
                                           sym.trace(part.closed_form, t + 1)))
        except (SymbolicUnsupported, TypeError) as exc:  # TypeError: a loop over symbolic t
            return not_applicable("sympy-induction", f"{exc}; the iteration witness decides")
        if not proves_zero(base):
            return WitnessResult("sympy-induction", passed=False,
                                 detail=f"closed form at t=0 differs from the start ({dims})")
        if not proves_zero(inductive):
            return not_applicable("sympy-induction",
                                  f"SymPy did not show step(x_t) = x_(t+1) at shapes {dims}")
    return WitnessResult("sympy-induction", passed=True, shapes=tuple(map(dict, problem.shapes)),
                         points=len(problem.shapes),
                         detail="x_0 = start and step(x_t) = x_(t+1) for symbolic t")


def check_limit(problem: Problem, part: Limit, seed: int) -> tuple[str, tuple[WitnessResult, ...]]:
    numeric = Tally("iteration", rtol=ITERATE_RTOL, atol=ITERATE_ATOL)
    for dims, points, _, _ in shape_sets(problem, part, seed):
        numeric.shape_set(dims)
        for i, p in enumerate(points):
            where = f"shapes {dims}, point {i}"
            outcome, state, n = iterate.run(part.step, part.start, p, part.steps, contraction=0)
            if outcome != "converges":
                numeric.points += 1
                numeric.fail(f"iterates {outcome.replace('undecided', 'did not settle')} "
                             f"after {n} steps ({where})")
                continue
            numeric.compare(call(part.answer, p), state, where, point=i)
    return "limit", (_fixed_point(problem, part),
                     numeric.result("iterated until the step reached rounding level"))


def _fixed_point(problem: Problem, part: Limit) -> WitnessResult:
    for dims in problem.shapes:
        sym = Symbolic(problem.givens, dims, constrained=True)
        try:
            answer = sym.trace(part.answer)
            residual = sym.entries(_minus(sym.trace(part.step, answer), answer))
        except SymbolicUnsupported as exc:
            return not_applicable("sympy-fixed-point", str(exc))
        if not proves_zero(residual):
            return not_applicable("sympy-fixed-point",
                                  f"SymPy did not show step(answer) = answer at shapes {dims}")
    return WitnessResult("sympy-fixed-point", passed=True, shapes=tuple(map(dict, problem.shapes)),
                         points=len(problem.shapes), detail="step(answer) - answer simplifies to 0")


def _runs_inside_and_outside(part: ConvergenceRange, p: dict, low: float, high: float,
                             runs: Tally, where: str) -> None:
    width = high - low
    cases = [(low + f * width, "converges") for f in INSIDE] + [
        (low - OUTSIDE_MARGIN * width, "diverges"),
        (high + OUTSIDE_MARGIN * width, "diverges"),
    ]
    for value, expected in cases:
        runs.points += 1
        outcome, _, n = iterate.run(part.step, part.start, {**p, part.param: value}, part.steps)
        if outcome != expected:
            runs.fail(f"{part.param}={value:.6g}: iterates {outcome} after {n} steps, "
                      f"the range says it {expected} ({where})")


def _minus(a: object, b: object) -> np.ndarray:
    return np.asarray(a, dtype=object) - np.asarray(b, dtype=object)


def check_range(problem: Problem, part: ConvergenceRange, seed: int
                ) -> tuple[str, tuple[WitnessResult, ...]]:
    runs = Tally("iteration", rtol=0.0, atol=0.0)
    radius = Tally("spectral-radius", rtol=0.0, atol=1e-9)
    for dims, points, _, _ in shape_sets(problem, part, seed):
        runs.shape_set(dims)
        radius.shape_set(dims)
        probes = []
        for i, p in enumerate(points):
            where = f"shapes {dims}, point {i}"
            low, high = float(call(part.lower, p)), float(call(part.upper, p))
            if not low < high:
                runs.fail(f"empty range ({low:.6g}, {high:.6g}) ({where})")
                continue
            _runs_inside_and_outside(part, p, low, high, runs, where)
            probes += [(where, low, {**p, part.param: v}) for v in (low, (low + high) / 2, high)]
        if not probes:
            continue
        radii = iterate.spectral_radii(part.step, part.start, [q for _, _, q in probes])
        for k in range(0, len(probes), 3):
            where = probes[k][0]
            at_low, inside, at_high = radii[k:k + 3]
            radius.compare(at_low, 1.0, f"{part.param} at the lower end, {where}")
            radius.compare(at_high, 1.0, f"{part.param} at the upper end, {where}")
            if not inside < 1.0:
                radius.fail(f"spectral radius {inside:.6g} >= 1 mid-range ({where})")
    inside_text = ", ".join(f"{f:g}" for f in INSIDE)
    return "convergence range", (
        runs.result(f"converge at {inside_text} of the range, diverge "
                    f"{OUTSIDE_MARGIN:g}·width outside"),
        radius.result("spectral radius of d step/d state is 1 at both ends, < 1 inside"),
    )
