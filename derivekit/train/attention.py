"""Seed 003 Programming II: scaled dot-product attention with a boolean or additive mask."""

from __future__ import annotations

import jax
import jax.numpy as jnp


def scaled_dot_product_attention(query: jax.Array, key: jax.Array, value: jax.Array,
                                 mask: jax.Array | None = None, *, dropout_rate: float = 0.0,
                                 dropout_key: jax.Array | None = None) -> jax.Array:
    """softmax(Q Kᵀ/√d + bias) V over the last two axes (leading axes broadcast).

    A boolean ``mask`` keeps the True positions (False → −∞ before the softmax, as PyTorch's
    ``attn_mask``); any other dtype is added to the scores. A row with every position masked
    gives NaN, as the seed's reference does.
    """
    scores = jnp.einsum("...ld,...sd->...ls", query, key) / jnp.sqrt(query.shape[-1]).astype(query.dtype)
    if mask is not None:
        scores = jnp.where(mask, scores, -jnp.inf) if mask.dtype == jnp.bool_ else scores + mask
    weights = jax.nn.softmax(scores, axis=-1)
    if dropout_rate > 0.0:
        if dropout_key is None:
            raise ValueError("dropout_rate > 0 needs a dropout_key")
        keep = jax.random.bernoulli(dropout_key, 1.0 - dropout_rate, weights.shape)
        weights = jnp.where(keep, weights / (1.0 - dropout_rate), 0.0)
    return weights @ value
