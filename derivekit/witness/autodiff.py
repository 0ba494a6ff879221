"""JAX float64 autodiff of a stated function: the first numeric witness.

JAX traces and differentiates (vmapped over the points of a shape set); the resulting
program runs in NumPy (:mod:`derivekit.witness.jaxpr_eval`), since compiling hundreds of
tiny programs would cost far more than running them.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np

from derivekit.points import call
from derivekit.witness.jaxpr_eval import evaluate



def _scalar_if_single(out: Any) -> Any:
    out = jnp.asarray(out)
    return out.reshape(()) if out.size == 1 else out


def jacobians(fn: Callable, wrt: str, stacked: Mapping[str, np.ndarray]) -> np.ndarray:
    """d fn / d wrt at every stacked point: shape (points, *out_shape, *wrt_shape)."""

    def f(x: Any, values: Mapping[str, Any]) -> Any:
        return _scalar_if_single(call(fn, {**values, wrt: x}))

    return evaluate(jax.vmap(jax.jacrev(f)), stacked[wrt], dict(stacked))


def batched(fn: Callable, stacked: Mapping[str, np.ndarray],
            fixed: Mapping[str, Any] | None = None) -> np.ndarray:
    """fn at every stacked point (one trace, vmapped); ``fixed`` values are shared by all."""
    def f(values: Mapping[str, Any], shared: Mapping[str, Any]) -> Any:
        return _scalar_if_single(call(fn, {**shared, **values}))

    return evaluate(jax.vmap(f, in_axes=(0, None)), dict(stacked), dict(fixed or {}))
