"""JAX float64 autodiff of a stated function: the first numeric witness.

JAX traces and differentiates once per shape set; the resulting program runs in NumPy
(:mod:`derivekit.witness.jaxpr_eval`), since compiling hundreds of tiny programs would cost
far more than running them.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np

from derivekit.points import call
from derivekit.witness.jaxpr_eval import compile_numpy, evaluate


def _scalar_if_single(out: Any) -> Any:
    out = jnp.asarray(out)
    return out.reshape(()) if out.size == 1 else out


def jacobians(fn: Callable, wrt: str, stacked: Mapping[str, np.ndarray],
              scalar: bool = False) -> np.ndarray:
    """d fn / d wrt at every stacked point: shape (points, *out_shape, *wrt_shape).

    The derivative is traced once (``jax.grad`` for a scalar fn, ``jax.jacrev`` otherwise)
    and run at each point: cheaper than tracing a vmapped program.
    """

    def f(x: Any, values: Mapping[str, Any]) -> Any:
        return _scalar_if_single(call(fn, {**values, wrt: x}))

    points = [{k: v[i] for k, v in stacked.items()} for i in range(len(stacked[wrt]))]
    run = compile_numpy((jax.grad if scalar else jax.jacrev)(f), points[0][wrt], points[0])
    return np.stack([run(p[wrt], p) for p in points])


def batched(fn: Callable, stacked: Mapping[str, np.ndarray],
            fixed: Mapping[str, Any] | None = None) -> np.ndarray:
    """fn at every stacked point (one trace, vmapped); ``fixed`` values are shared by all."""
    def f(values: Mapping[str, Any], shared: Mapping[str, Any]) -> Any:
        return _scalar_if_single(call(fn, {**shared, **values}))

    return evaluate(jax.vmap(f, in_axes=(0, None)), dict(stacked), dict(fixed or {}))
