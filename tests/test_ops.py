"""The backend-neutral ops agree across NumPy, JAX, SymPy and SymEngine."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from derivekit import ops
from derivekit.derivation.symbols import Symbolic
from derivekit.model import Given, UNIT

GIVENS = (Given("a", (3, 1), UNIT), Given("B", (3, 3)))

EXPRESSIONS = {
    "sigmoid": lambda a, B: ops.sigmoid(B @ a),
    "relu": lambda a, B: ops.relu(B @ a - 0.3),
    "step": lambda a, B: ops.step(B @ a),
    "tanh-exp-log": lambda a, B: ops.tanh(a) + ops.exp(a) + ops.log(a),
    "hadamard-power": lambda a, B: ops.hadamard(a, ops.power(a, 2)) + ops.sqrt(a),
    "trace-total-prod": lambda a, B: ops.trace(B) + ops.total(a) + ops.prod(a),
    "sqnorm-scalar": lambda a, B: ops.sqnorm(B) + ops.scalar(a.T @ a),
    "diag-identity": lambda a, B: ops.diag(a) @ B + ops.identity_like(B),
    "vstack": lambda a, B: ops.vstack(a, 1.0),
    "inv": lambda a, B: ops.inv(B @ B.T + ops.identity_like(B)),
    "abs-max": lambda a, B: ops.max_entry(ops.abs_(B)),
    "correlations": lambda a, B: ops.vstack(
        ops.vec(ops.xcorr(B, a[:2])), ops.vec(ops.conv(ops.pad(B, 1, 0), B)),
        ops.vec(ops.conv_full(B, a.T))),
    "flips-reshape": lambda a, B: ops.reshape(ops.flip(B), 1, 9) @ ops.vec(ops.flipud(B @ a)
                                                                           @ a.T),
}


@pytest.fixture(scope="module")
def point() -> dict:
    rng = np.random.default_rng(0)
    return {"a": rng.uniform(0.1, 0.9, (3, 1)), "B": rng.normal(size=(3, 3))}


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
@pytest.mark.parametrize("library", ["sympy", "symengine"])
def test_backends_agree(name: str, library: str, point: dict) -> None:
    fn = EXPRESSIONS[name]
    numeric = np.asarray(fn(**point), dtype=float)
    traced = np.asarray(fn(**{k: jnp.asarray(v) for k, v in point.items()}))
    np.testing.assert_allclose(traced, numeric, rtol=1e-12)
    sym = Symbolic(GIVENS, {}, library=library)
    exprs = sym.entries(sym.trace(fn))
    stacked = {k: v[None] for k, v in point.items()}
    symbolic = sym.evaluator(exprs)(stacked)[0].reshape(numeric.shape)
    np.testing.assert_allclose(symbolic, numeric, rtol=1e-10)


def test_scalar_rejects_non_1x1() -> None:
    with pytest.raises(ValueError, match="1x1"):
        ops.scalar(np.ones((2, 1)))


def test_eigh_has_no_symbolic_form() -> None:
    sym = Symbolic((Given("H", (2, 2)),), {})
    with pytest.raises(ops.SymbolicUnsupported):
        ops.eigh(sym.values["H"])


def test_symbolic_constants_are_exact() -> None:
    import sympy

    sym = Symbolic((), {})
    assert sym.trace(lambda: ops.log(4)) == sympy.log(4)
    assert float(ops.log(4)) == pytest.approx(np.log(4))
