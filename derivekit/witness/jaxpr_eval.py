"""Run a JAX-traced program (a jaxpr) with NumPy kernels instead of compiling it.

JAX does the differentiation (``jax.jacrev``, ``jax.hessian``, ``jax.vmap``) and hands back a
jaxpr; this module executes that program's primitives one by one in float64 NumPy. Executing
eagerly through XLA would compile every (primitive, shape) pair once, about 40 ms each on
CPU, which dominates a problem set made of many tiny shapes. Primitives not listed here fall
back to JAX's own implementation, so an unusual operation is slower but never wrong.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import numpy as np
from jax.extend.core import Literal

jax.config.update("jax_enable_x64", True)


def _broadcast_in_dim(x: Any, shape: tuple, broadcast_dimensions: tuple, **_: Any) -> Any:
    expanded = [1] * len(shape)
    for axis, dim in zip(broadcast_dimensions, np.shape(x)):
        expanded[axis] = dim
    return np.broadcast_to(np.reshape(x, expanded), shape)


def _dot_general(lhs: Any, rhs: Any, dimension_numbers: tuple, **_: Any) -> Any:
    (lc, rc), (lb, rb) = dimension_numbers
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    left = [next(letters) for _ in range(np.ndim(lhs))]
    right = [next(letters) for _ in range(np.ndim(rhs))]
    for l_axis, r_axis in zip((*lc, *lb), (*rc, *rb)):
        right[r_axis] = left[l_axis]
    batch = [left[a] for a in lb]
    free_l = [c for a, c in enumerate(left) if a not in lc and a not in lb]
    free_r = [c for a, c in enumerate(right) if a not in rc and a not in rb]
    spec = f"{''.join(left)},{''.join(right)}->{''.join(batch + free_l + free_r)}"
    return np.einsum(spec, lhs, rhs)


def _select_n(which: Any, *cases: Any) -> Any:
    if len(cases) == 2:
        return np.where(which, cases[1], cases[0])
    return np.choose(np.asarray(which, dtype=int), cases)


def _iota(dtype: Any, shape: tuple, dimension: int, **_: Any) -> Any:
    index = np.arange(shape[dimension], dtype=dtype)
    view = [1] * len(shape)
    view[dimension] = shape[dimension]
    return np.broadcast_to(index.reshape(view), shape)


def _slice(x: Any, start_indices: tuple, limit_indices: tuple, strides: tuple | None) -> Any:
    steps = strides or (1,) * len(start_indices)
    return x[tuple(slice(a, b, s) for a, b, s in zip(start_indices, limit_indices, steps))]


def _pad(x: Any, value: Any, padding_config: tuple) -> Any:
    if any(interior for _, _, interior in padding_config) or any(
            lo < 0 or hi < 0 for lo, hi, _ in padding_config):
        raise NotImplementedError
    return np.pad(x, [(lo, hi) for lo, hi, _ in padding_config], constant_values=value)


def _split(x: Any, sizes: tuple, axis: int) -> list:
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


def _reduce(fn: Callable) -> Callable:
    return lambda x, axes, **_: fn(x, axis=tuple(axes))


def _unary(fn: Callable) -> Callable:
    return lambda x, **_: fn(x)


def _binary(fn: Callable) -> Callable:
    return lambda x, y, **_: fn(x, y)


KERNELS: dict[str, Callable[..., Any]] = {
    "add": _binary(np.add),
    "add_any": _binary(np.add),
    "sub": _binary(np.subtract),
    "mul": _binary(np.multiply),
    "div": _binary(np.divide),
    "pow": _binary(np.power),
    "max": _binary(np.maximum),
    "min": _binary(np.minimum),
    "gt": _binary(np.greater),
    "ge": _binary(np.greater_equal),
    "lt": _binary(np.less),
    "le": _binary(np.less_equal),
    "eq": _binary(np.equal),
    "ne": _binary(np.not_equal),
    "and": _binary(np.logical_and),
    "or": _binary(np.logical_or),
    "not": _unary(np.logical_not),
    "neg": _unary(np.negative),
    "exp": _unary(np.exp),
    "log": _unary(np.log),
    "log1p": _unary(np.log1p),
    "expm1": _unary(np.expm1),
    "tanh": _unary(np.tanh),
    "sqrt": _unary(np.sqrt),
    "rsqrt": _unary(lambda x: 1 / np.sqrt(x)),
    "abs": _unary(np.abs),
    "sign": _unary(np.sign),
    "square": _unary(np.square),
    "logistic": _unary(lambda x: 1 / (1 + np.exp(-x))),
    "copy": _unary(np.copy),
    "copy_p": _unary(np.copy),
    "integer_pow": lambda x, y: np.power(x, y),
    "convert_element_type": lambda x, new_dtype, **_: np.asarray(x).astype(new_dtype),
    "broadcast_in_dim": _broadcast_in_dim,
    "reshape": lambda x, new_sizes, **_: np.reshape(x, new_sizes),
    "squeeze": lambda x, dimensions: np.squeeze(x, axis=tuple(dimensions)),
    "transpose": lambda x, permutation: np.transpose(x, permutation),
    "reduce_sum": _reduce(np.sum),
    "reduce_max": _reduce(np.max),
    "reduce_min": _reduce(np.min),
    "reduce_prod": _reduce(np.prod),
    "dot_general": _dot_general,
    "select_n": _select_n,
    "iota": _iota,
    "slice": _slice,
    "pad": _pad,
    "split": _split,
    "concatenate": lambda *xs, dimension: np.concatenate(xs, axis=dimension),
}

_SUBPROGRAMS = ("jaxpr", "call_jaxpr", "fun_jaxpr")


def run_jaxpr(jaxpr: Any, consts: list, args: list) -> list:
    env: dict[Any, Any] = {}

    def read(v: Any) -> Any:
        return v.val if isinstance(v, Literal) else env[v]

    for var, value in zip(jaxpr.constvars, consts):
        env[var] = np.asarray(value)
    for var, value in zip(jaxpr.invars, args):
        env[var] = np.asarray(value)
    for eqn in jaxpr.eqns:
        invals = [read(v) for v in eqn.invars]
        outvals = _apply(eqn, invals)
        if not eqn.primitive.multiple_results:
            outvals = [outvals]
        for var, value in zip(eqn.outvars, outvals):
            env[var] = value
    return [read(v) for v in jaxpr.outvars]


def _apply(eqn: Any, invals: list) -> Any:
    for key in _SUBPROGRAMS:
        sub = eqn.params.get(key)
        if sub is not None and hasattr(sub, "jaxpr"):
            inner = sub.jaxpr if hasattr(sub.jaxpr, "eqns") else sub.jaxpr.jaxpr
            results = run_jaxpr(inner, list(getattr(sub, "consts", [])), invals)
            return results if eqn.primitive.multiple_results else results[0]
    kernel = KERNELS.get(eqn.primitive.name)
    if kernel is not None:
        try:
            return kernel(*invals, **eqn.params)
        except NotImplementedError:
            pass
    out = eqn.primitive.bind(*invals, **eqn.params)
    return [np.asarray(o) for o in out] if eqn.primitive.multiple_results else np.asarray(out)


def compile_numpy(fn: Callable, *example: Any) -> Callable[..., np.ndarray]:
    """Trace ``fn`` once at ``example`` (only shapes matter) and return a NumPy runner for
    arguments of the same structure and shapes; ``fn`` must return one array."""
    closed = jax.make_jaxpr(fn)(*example)

    def run(*args: Any) -> np.ndarray:
        (out,) = run_jaxpr(closed.jaxpr, list(closed.consts), jax.tree_util.tree_leaves(args))
        return np.asarray(out, dtype=float)

    return run


def evaluate(fn: Callable, *args: Any) -> Any:
    """``fn(*args)`` traced by JAX and executed in NumPy; ``fn`` must return one array."""
    return compile_numpy(fn, *args)(*args)
