"""Scaled dot-product attention against a loop-by-loop reference (values) and the seed's
PyTorch-style bias-matrix formulation (values and gradients)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from derivekit.train.attention import scaled_dot_product_attention


def loop_reference(q: np.ndarray, k: np.ndarray, v: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """One query row at a time, with the softmax written out."""
    out = np.zeros((*q.shape[:-1], v.shape[-1]))
    for b in range(q.shape[0]):
        for i in range(q.shape[1]):
            scores = [q[b, i] @ k[b, j] / math.sqrt(q.shape[-1]) + bias[i, j]
                      for j in range(k.shape[1])]
            top = max(scores)
            weights = [math.exp(s - top) for s in scores]
            out[b, i] = sum(w * v[b, j] for j, w in enumerate(weights)) / sum(weights)
    return out


def seed_reference(q, k, v, mask):
    """The seed's code, line for line, in jax.numpy."""
    bias = jnp.zeros((q.shape[-2], k.shape[-2]), q.dtype)
    if mask is not None:
        bias = jnp.where(jnp.logical_not(mask), -jnp.inf, bias) if mask.dtype == jnp.bool_ \
            else mask + bias
    weight = q @ jnp.swapaxes(k, -2, -1) * (1 / math.sqrt(q.shape[-1])) + bias
    return jax.nn.softmax(weight, axis=-1) @ v


def _inputs(seed: int):
    keys = jax.random.split(jax.random.key(seed), 4)
    q = jax.random.normal(keys[0], (2, 5, 8))
    k = jax.random.normal(keys[1], (2, 7, 8))
    v = jax.random.normal(keys[2], (2, 7, 3))
    return q, k, v, keys[3]


@pytest.mark.parametrize("kind", ["none", "bool", "additive"])
def test_attention_values_and_gradients(kind: str) -> None:
    q, k, v, key = _inputs(0)
    if kind == "bool":
        mask = jax.random.bernoulli(key, 0.6, (5, 7)).at[:, 0].set(True)  # no empty row
        bias = np.where(np.asarray(mask), 0.0, -np.inf)
    elif kind == "additive":
        mask = jax.random.normal(key, (5, 7))
        bias = np.asarray(mask, dtype=np.float64)
    else:
        mask, bias = None, np.zeros((5, 7))
    ours = jax.jit(scaled_dot_product_attention)(q, k, v, mask)
    np.testing.assert_allclose(ours, loop_reference(*map(np.asarray, (q, k, v)), bias),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours, jax.jit(seed_reference)(q, k, v, mask), rtol=1e-5, atol=1e-6)

    def loss(f):
        return lambda q, k, v: jnp.sum(jnp.tanh(f(q, k, v, mask)))

    grads = [jax.jit(jax.grad(loss(f), argnums=(0, 1, 2)))(q, k, v)
             for f in (scaled_dot_product_attention, seed_reference)]
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_causal_mask_ignores_future_values() -> None:
    q, k, v, _ = _inputs(1)
    k, v = k[:, :5], v[:, :5]
    causal = jnp.tril(jnp.ones((5, 5), bool))
    attend = jax.jit(scaled_dot_product_attention)
    base, changed = attend(q, k, v, causal), attend(q, k, v.at[:, -1].add(10.0), causal)
    np.testing.assert_array_equal(base[:, :-1], changed[:, :-1])


def test_dropout_needs_a_key_and_keeps_expectation() -> None:
    q, k, v, key = _inputs(2)
    with pytest.raises(ValueError, match="dropout_key"):
        scaled_dot_product_attention(q, k, v, dropout_rate=0.5)

    @jax.jit
    def mean_with_dropout(keys: jax.Array) -> jax.Array:
        return jnp.mean(jax.vmap(lambda kk: scaled_dot_product_attention(
            q, k, v, dropout_rate=0.5, dropout_key=kk))(keys), axis=0)

    np.testing.assert_allclose(mean_with_dropout(jax.random.split(key, 400)),
                               jax.jit(scaled_dot_product_attention)(q, k, v), atol=0.25)
