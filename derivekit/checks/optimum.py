"""Arg-min / arg-max: stationarity (symbolic, JAX), curvature (symbolic Hessian), and a
perturbation test (NumPy).

The perturbation witness needs no derivative, so it also covers piecewise objectives and a
claim with the wrong sense (a maximiser stated as a minimiser) fails it.
"""

from __future__ import annotations

import numpy as np

from derivekit.derivation.symbols import Symbolic
from derivekit.model import Optimum, Problem
from derivekit.ops import SymbolicUnsupported
from derivekit.points import call, rng_for, shape_sets
from derivekit.verdict import WitnessResult
from derivekit.witness import autodiff
from derivekit.witness.compare import Tally, not_applicable

STATIONARY_ATOL = 1e-8
DIRECTIONS = 12
STEPS = (1e-5, 1e-3)


def check(problem: Problem, part: Optimum, seed: int) -> tuple[str, tuple[WitnessResult, ...]]:
    sym = Tally("symbolic-stationarity", rtol=0.0, atol=STATIONARY_ATOL)
    jax_ = Tally("jax-stationarity", rtol=0.0, atol=STATIONARY_ATOL)
    curvature = Tally("symbolic-curvature", rtol=0.0, atol=0.0)
    perturb = Tally("perturbation", rtol=0.0, atol=0.0)
    sign = 1.0 if part.sense == "min" else -1.0
    symbolic_gap = ""
    for k, (dims, points, stacked, _) in enumerate(shape_sets(problem, part, seed)):
        at_answer = [{**p, part.wrt: np.asarray(call(part.answer, p), dtype=float)} for p in points]
        for tally in (sym, jax_, curvature, perturb):
            tally.shape_set(dims)
        shape = np.shape(points[0][part.wrt])
        if any(np.shape(a[part.wrt]) != shape for a in at_answer):
            perturb.fail(f"answer has shape {np.shape(at_answer[0][part.wrt])}, "
                         f"the variable has {shape}")
            continue
        moved = {name: np.stack([a[name] for a in at_answer]) for name in stacked}
        rng = rng_for(seed, problem.id, part.name, "perturb", str(k))
        for i, a in enumerate(at_answer):
            _perturb(part, a, sign, rng, perturb, f"shapes {dims}, point {i}")
        if not part.smooth:
            continue
        grads = autodiff.jacobians(part.of, part.wrt, moved, scalar=True)
        for i in range(len(points)):
            jax_.compare(grads[i], np.zeros_like(grads[i]), f"shapes {dims}, point {i}",
                         point=i)
        try:
            _symbolic(problem, part, dims, moved, sym, curvature, sign)
        except SymbolicUnsupported as exc:
            symbolic_gap = str(exc)
    if not part.smooth:
        why = "objective is piecewise (not differentiable at the optimum)"
        return "optimum", (not_applicable("symbolic-stationarity", why),
                           not_applicable("jax-stationarity", why),
                           not_applicable("symbolic-curvature", why),
                           perturb.result(_perturb_detail(part)))
    if symbolic_gap:
        why = f"{symbolic_gap}; the numeric witnesses decide"
        return "optimum", (not_applicable(sym.name, why),
                           jax_.result("jax.grad at the answer is 0"),
                           not_applicable(curvature.name, why),
                           perturb.result(_perturb_detail(part)))
    return "optimum", (
        sym.result("component-wise symbolic gradient (SymEngine), evaluated at the answer"),
        jax_.result("jax.grad at the answer is 0"),
        curvature.result(f"Hessian {'positive' if sign > 0 else 'negative'} definite"),
        perturb.result(_perturb_detail(part)),
    )


def _perturb_detail(part: Optimum) -> str:
    word = "lower" if part.sense == "min" else "higher"
    return (f"no {word} value at answer ± {', '.join(map(str, STEPS))}·d "
            f"for {DIRECTIONS} random directions d")


def _perturb(part: Optimum, at: dict, sign: float, rng: np.random.Generator, tally: Tally,
             where: str) -> None:
    x = at[part.wrt]
    f0 = sign * float(call(part.of, at))
    tally.points += 1
    scale = max(1.0, float(np.abs(x).max(initial=0.0)))
    for _ in range(DIRECTIONS):
        d = rng.normal(size=np.shape(x))
        d *= scale / max(float(np.linalg.norm(d)), 1e-300)
        for eps in STEPS:
            f1 = sign * float(call(part.of, {**at, part.wrt: x + eps * d}))
            if not np.isfinite(f1) or not np.isfinite(f0):
                tally.fail(f"non-finite objective near the answer ({where})")
                return
            if f1 < f0 - 1e-12 * (1 + abs(f0)):
                better = "lower" if sign > 0 else "higher"
                tally.fail(f"a step of {eps:g} gives a {better} value "
                           f"({sign * f1:.12g} vs {sign * f0:.12g}) ({where})")
                return


def _symbolic(problem: Problem, part: Optimum, dims: dict, moved: dict, stationarity: Tally,
              curvature: Tally, sign: float) -> None:
    """Gradient and Hessian differentiated symbolically, evaluated with the answer in place."""
    sym = Symbolic(problem.givens, dims, library="symengine")
    variables = sym.entries(sym.values[part.wrt])
    grad = sym.derivatives(sym.entries(sym.trace(part.of)), variables)
    n = len(variables)
    values = sym.evaluator([*grad, *sym.derivatives(grad, variables)])(moved)
    for i, row in enumerate(values):
        where = f"shapes {dims}, point {i}"
        stationarity.compare(row[:n], np.zeros(n), where, point=i)
        hessian = row[n:].reshape(n, n)
        eig = sign * np.linalg.eigvalsh((hessian + hessian.T) / 2)
        curvature.points += 1
        if eig.min() <= 1e-10 * max(1.0, np.abs(eig).max()):
            curvature.fail(f"Hessian is not {'positive' if sign > 0 else 'negative'} "
                           f"definite ({where}): eigenvalue {sign * eig.min():.3g}")
