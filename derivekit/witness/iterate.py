"""Iterated maps, run in NumPy float64: trajectories, convergence, and spectral radii (JAX)."""

from __future__ import annotations

from typing import Any, Callable, Literal, Mapping, Sequence

import numpy as np

from derivekit.points import call
from derivekit.witness.autodiff import jacobians

Outcome = Literal["converges", "diverges", "undecided"]
_ROUNDING = 4 * np.finfo(float).eps

CONTRACTION = 1e-9
"""A run converges once its step has shrunk by this factor, diverges once it grew by 1/this."""


def trajectory(step: Callable, start: Callable, values: Mapping[str, Any],
               steps: int) -> list[np.ndarray]:
    state = np.asarray(call(start, values), dtype=float)
    states = [state]
    for _ in range(steps):
        state = np.asarray(call(step, values, state), dtype=float)
        states.append(state)
    return states


def run(step: Callable, start: Callable, values: Mapping[str, Any], max_steps: int,
        contraction: float = CONTRACTION) -> tuple[Outcome, np.ndarray, int]:
    """Iterate until the step size shrinks (or grows) by ``contraction`` relative to the first.

    A step at rounding level (4 ulp of the state) always counts as converged; pass
    ``contraction=0`` to iterate all the way there, as a limit check must.
    """
    state = np.asarray(call(start, values), dtype=float)
    first = None
    with np.errstate(over="ignore", invalid="ignore"):
        for n in range(1, max_steps + 1):
            new = np.asarray(call(step, values, state), dtype=float)
            size = float(np.abs(new - state).max(initial=0.0))
            state = new
            if not np.all(np.isfinite(state)):
                return "diverges", state, n
            if first is None:
                first = size
            if size <= contraction * first or size <= _ROUNDING * np.abs(state).max(initial=1.0):
                return "converges", state, n
            if size >= first / CONTRACTION:
                return "diverges", state, n
    return "undecided", state, max_steps


def spectral_radii(step: Callable, start: Callable, points: Sequence[Mapping[str, Any]]
                   ) -> np.ndarray:
    """Largest |eigenvalue| of d step / d state at the start of each point (exact for the
    affine maps of gradient-descent analyses); one JAX trace for all points."""
    states = [np.asarray(call(start, p), dtype=float) for p in points]

    def as_fn(__state: Any, **given: Any) -> Any:
        return call(step, given, __state)

    stacked = {name: np.stack([np.asarray(p[name], dtype=float) for p in points])
               for name in points[0]}
    stacked["__state"] = np.stack(states)
    n = states[0].size
    jac = jacobians(as_fn, "__state", stacked).reshape(len(points), n, n)
    return np.abs(np.linalg.eigvals(jac)).max(axis=1)
