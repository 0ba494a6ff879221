"""``derivekit.testing.assert_gradient`` on a student's own code: right closed forms pass,
wrong ones fail with the witness table, in NumPy or JAX."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from derivekit.errors import DerivekitError
from derivekit.testing import assert_gradient, check_gradient

LEAST_SQUARES = {"w": ("n",), "X": ("m", "n"), "y": ("m",)}


def loss(w, X, y):  # noqa: ANN001, ANN201, N803
    return jnp.sum((X @ w - y) ** 2)


def grad(w, X, y):  # noqa: ANN001, ANN201, N803
    return 2 * X.T @ (X @ w - y)


def test_a_right_gradient_passes_every_witness() -> None:
    verdict = assert_gradient(loss, grad, shapes=LEAST_SQUARES)
    assert [(w.name, w.passed, w.points) for w in verdict.witnesses] == [
        ("jax-autodiff", True, 15), ("finite-difference", True, 15)]
    assert len({tuple(s.items()) for s in verdict.witnesses[0].shapes}) == 3


@pytest.mark.parametrize("wrong", [
    lambda w, X, y: X.T @ (X @ w - y),          # factor 1/2
    lambda w, X, y: -2 * X.T @ (X @ w - y),     # sign
    lambda w, X, y: 2 * X.T @ X @ w,            # a dropped term
])
def test_wrong_gradients_fail_with_the_witness_table(wrong) -> None:  # noqa: ANN001
    with pytest.raises(AssertionError) as failure:
        assert_gradient(loss, wrong, shapes=LEAST_SQUARES)
    message = str(failure.value)
    assert "witness" in message and "DISAGREES" in message and "finite-difference" in message
    assert "expected" in message and "shapes {" in message


def test_a_matrix_variable_and_the_transposed_mistake() -> None:
    def trace_form(A, B):  # noqa: ANN001, ANN202, N803
        return jnp.trace(A @ B)

    assert_gradient(trace_form, lambda A, B: B.T, shapes={"A": ("m", "n"), "B": ("n", "m")})
    with pytest.raises(AssertionError, match="DISAGREES"):
        assert_gradient(trace_form, lambda A, B: B, shapes={"A": ("n", "n"), "B": ("n", "n")})


def test_jacobians_in_both_layouts() -> None:
    def layer(x, W):  # noqa: ANN001, ANN202, N803
        return jnp.tanh(W @ x)

    def numerator(x, W):  # noqa: ANN001, ANN202, N803
        return (1 - jnp.tanh(W @ x) ** 2)[:, None] * W

    shapes = {"x": ("n",), "W": ("m", "n")}
    assert_gradient(layer, numerator, shapes=shapes, layout="numerator")
    assert_gradient(layer, lambda x, W: numerator(x, W).T, shapes=shapes)
    with pytest.raises(AssertionError):
        assert_gradient(layer, numerator, shapes=shapes)  # the other layout


def test_numpy_code_is_checked_by_finite_differences() -> None:
    def softplus_sum(z):  # noqa: ANN001, ANN202
        return float(np.sum(np.log1p(np.exp(z))))  # float(): JAX cannot trace it

    def sigmoid(z):  # noqa: ANN001, ANN202
        return 1 / (1 + np.exp(-z))

    verdict = check_gradient(softplus_sum, sigmoid, shapes=[{"z": (3,)}, {"z": (5,)}])
    autodiff, fd = verdict.witnesses
    assert verdict.status == "verified" and autodiff.passed is None and fd.passed
    assert "not JAX-traceable" in autodiff.detail
    assert check_gradient(softplus_sum, lambda z: sigmoid(-z), shapes={"z": (4,)}).status == \
        "failed"


def test_domains_and_bad_arguments() -> None:
    assert_gradient(lambda s: jnp.sum(jnp.log(s)), lambda s: 1 / s, shapes={"s": ("n",)},
                    domains={"s": "positive"})
    with pytest.raises(DerivekitError, match="no shape"):
        assert_gradient(loss, grad, shapes={"X": ("m", "n"), "y": ("m",)})
    with pytest.raises(DerivekitError, match="domains"):
        assert_gradient(loss, grad, shapes=LEAST_SQUARES, domains={"w": "complex"})
