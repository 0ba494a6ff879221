"""Expectations over Gaussian noise: exact moment reduction (SymPy) and Monte-Carlo (JAX)."""

from __future__ import annotations

import sympy

from derivekit.derivation import gaussian
from derivekit.derivation.symbols import Symbolic
from derivekit.model import Expectation, Problem
from derivekit.points import call, rng_for, shape_sets
from derivekit.verdict import WitnessResult
from derivekit.witness import montecarlo
from derivekit.witness.compare import Tally, not_applicable

MC_POINTS = 2


def check(problem: Problem, part: Expectation, seed: int
          ) -> tuple[str, tuple[WitnessResult, ...]]:
    mc = Tally("monte-carlo", rtol=0.0, atol=0.0)
    exact_shapes: list[dict] = []
    why_not_exact = ""
    allowance = 0.0
    for k, (dims, points, _, _) in enumerate(shape_sets(problem, part, seed, MC_POINTS)):
        mc.shape_set(dims)
        rng = rng_for(seed, problem.id, part.name, "noise", str(k))
        for i, p in enumerate(points):
            mean, se = montecarlo.estimate(part.of, p, part.noise, dims, part.samples, rng)
            allowance = max(allowance, montecarlo.K_SE * se)
            mc.compare(call(part.equals, p), mean, f"shapes {dims}, point {i}",
                       atol=montecarlo.K_SE * se, point=i)
        if why_not_exact:
            continue
        try:
            if _exact(problem, part, dims):
                exact_shapes.append(dims)
            else:
                why_not_exact = f"SymPy did not reduce E[of] - equals to 0 at shapes {dims}"
        except sympy.PolynomialError:
            why_not_exact = "the integrand is not a polynomial in the noise"
    mc.atol = allowance
    if why_not_exact:
        exact = not_applicable("gaussian-moments", why_not_exact + "; Monte-Carlo decides")
    else:
        exact = WitnessResult(name="gaussian-moments", passed=True, shapes=tuple(exact_shapes),
                              points=len(exact_shapes),
                              detail="E[N^k] = sigma^k (k-1)!! term by term; difference is 0")
    return "expectation", (exact, mc.result(
        f"{part.samples} samples per point, tolerance {montecarlo.K_SE:g} standard errors"))


def _exact(problem: Problem, part: Expectation, dims: dict) -> bool:
    sym = Symbolic((*problem.givens, *part.noise), dims, constrained=True)
    noise = {g.name: sym.values[g.domain.scale] for g in part.noise}
    moments = [(s, noise[name]) for s, name, _ in sym.table if name in noise]
    (integrand,) = sym.entries(sym.trace(part.of))
    (claimed,) = sym.entries(sym.trace(part.equals))
    return sympy.expand(gaussian.expectation(integrand, moments) - claimed) == 0
