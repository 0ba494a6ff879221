"""Jitted training and evaluation as pure functions of an explicit state.

A "chunk" of steps runs as one ``lax.scan`` with the data already on the device, so Python
dispatches once per chunk rather than once per batch. The batch order of epoch *e* is a
permutation seeded by (seed, e) and dropout keys come from the global step: a run
resumed at any chunk boundary replays exactly what an uninterrupted run does.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from derivekit.train.data import normalize

TrainState = dict[str, Any]  # params, stats (BatchNorm), opt (optimizer state), sums (metrics)


def init_state(model: nnx.Module, optimizer: optax.GradientTransformation
               ) -> tuple[nnx.GraphDef, TrainState]:
    graphdef, params, stats = nnx.split(model, nnx.Param, nnx.BatchStat)
    return graphdef, {"params": params, "stats": stats, "opt": optimizer.init(params),
                      "sums": zero_sums()}


def zero_sums() -> dict[str, jax.Array]:
    """Running totals of one epoch: summed batch-mean loss, correct labels, labels seen."""
    return {"loss": jnp.zeros((), jnp.float32), "correct": jnp.zeros((), jnp.int32),
            "count": jnp.zeros((), jnp.int32)}


def epoch_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """Batch order of one epoch, a function of (seed, epoch) only; drawn on the host because an
    eager JAX permutation costs a compile."""
    return np.random.default_rng([seed, epoch]).permutation(n).astype(np.int32)


def chunk_length(steps_per_epoch: int, target: int = 256) -> int:
    """Steps per jitted call: a divisor of the epoch near ``target`` (one compiled program),
    else ``target`` with a shorter last chunk."""
    divisors = [d for d in range(1, min(target, steps_per_epoch) + 1) if steps_per_epoch % d == 0]
    return divisors[-1] if divisors[-1] * 4 >= min(target, steps_per_epoch) else target


def _logits(graphdef: nnx.GraphDef, params: nnx.State, stats: nnx.State, images: jax.Array,
            train: bool, key: jax.Array | None) -> tuple[jax.Array, nnx.State]:
    model = nnx.merge(graphdef, params, stats)
    logits = model(normalize(images), train=train, key=key)
    return logits.astype(jnp.float32), nnx.state(model, nnx.BatchStat)


def make_train_chunk(graphdef: nnx.GraphDef, optimizer: optax.GradientTransformation,
                     batch_size: int, seed: int):
    """``chunk(state, images, labels, order, first, global_step, length=L)``: L SGD steps on
    batches ``order[(first + i)·B : …]``; the state buffers are donated."""
    dropout_root = jax.random.key(seed)

    def loss_fn(model: nnx.Module, images: jax.Array, labels: jax.Array, key: jax.Array):
        logits = model(normalize(images), train=True, key=key).astype(jnp.float32)
        return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean(), logits

    def step(state: TrainState, inputs: tuple, images: jax.Array, labels: jax.Array,
             order: jax.Array) -> tuple[TrainState, None]:
        index, global_step = inputs
        batch = jax.lax.dynamic_slice(order, (index * batch_size,), (batch_size,))
        y = labels[batch]
        model = nnx.merge(graphdef, state["params"], state["stats"])
        # nnx.value_and_grad differentiates the Params and carries BatchNorm's updates out.
        (loss, logits), grads = nnx.value_and_grad(loss_fn, has_aux=True)(
            model, images[batch], y, jax.random.fold_in(dropout_root, global_step))
        stats = nnx.state(model, nnx.BatchStat)
        updates, opt = optimizer.update(grads, state["opt"], state["params"])
        sums = state["sums"]
        sums = {"loss": sums["loss"] + loss,
                "correct": sums["correct"] + (logits.argmax(-1) == y).sum(dtype=jnp.int32),
                "count": sums["count"] + jnp.int32(y.size)}
        return {"params": optax.apply_updates(state["params"], updates), "stats": stats,
                "opt": opt, "sums": sums}, None

    def chunk(state: TrainState, images: jax.Array, labels: jax.Array, order: jax.Array,
              first: jax.Array, global_step: jax.Array, *, length: int) -> TrainState:
        offsets = jnp.arange(length, dtype=jnp.int32)
        state, _ = jax.lax.scan(lambda s, i: step(s, i, images, labels, order), state,
                                (first + offsets, global_step + offsets))
        return state

    return jax.jit(chunk, static_argnames="length", donate_argnums=0)


def make_evaluate(graphdef: nnx.GraphDef, batch_size: int = 500):
    """``evaluate(params, stats, images, labels) -> (summed loss, correct labels)`` in inference mode;
    the last batch is padded by repeating an index and masked out of the totals."""

    def evaluate(params: nnx.State, stats: nnx.State, images: jax.Array, labels: jax.Array):
        n = images.shape[0]
        batches = -(-n // batch_size)
        index = jnp.arange(batches * batch_size).reshape(batches, batch_size)

        def body(totals: tuple, idx: jax.Array) -> tuple[tuple, None]:
            valid = idx < n
            idx = jnp.minimum(idx, n - 1)
            logits, _ = _logits(graphdef, params, stats, images[idx], False, None)
            y = labels[idx]
            per_label = optax.softmax_cross_entropy_with_integer_labels(logits, y)
            loss = per_label.reshape(batch_size, -1).mean(axis=1)
            hits = (logits.argmax(-1) == y).reshape(batch_size, -1).sum(axis=1)
            return (totals[0] + jnp.where(valid, loss, 0.0).sum(),
                    totals[1] + jnp.where(valid, hits, 0).sum(dtype=jnp.int32)), None

        (loss, correct), _ = jax.lax.scan(
            body, (jnp.zeros((), jnp.float32), jnp.zeros((), jnp.int32)), index)
        return loss, correct

    return jax.jit(evaluate)
