"""Layer constructors and pooling shared by the seed networks (NHWC layout).

Initializers mirror PyTorch's defaults or the seeds' stated ones, so losses and accuracies are
comparable with the notebooks' numbers.
"""

from __future__ import annotations

import math
from typing import Literal

import jax
import jax.numpy as jnp
from flax import nnx

Init = Literal["torch", "kaiming"]


def _uniform(bound: float):  # noqa: ANN202  (a jax initializer)
    def init(key: jax.Array, shape: tuple[int, ...], dtype=jnp.float32) -> jax.Array:  # noqa: ANN001
        return jax.random.uniform(key, shape, dtype, -bound, bound)

    return init


def _inits(fan_in: int, init: Init) -> dict:
    """PyTorch default: weights and biases uniform on ±1/√fan_in; Kaiming: N(0, 2/fan_in), zero bias."""
    if init == "torch":
        bound = 1.0 / math.sqrt(fan_in)
        return {"kernel_init": _uniform(bound), "bias_init": _uniform(bound)}
    return {"kernel_init": jax.nn.initializers.variance_scaling(2.0, "fan_in", "normal"),
            "bias_init": jax.nn.initializers.zeros}


def conv(c_in: int, c_out: int, kernel: int, rngs: nnx.Rngs, *, stride: int = 1,
         padding: int = 0, init: Init = "torch") -> nnx.Conv:
    """A PyTorch-style ``Conv2d`` (symmetric integer padding)."""
    return nnx.Conv(c_in, c_out, (kernel, kernel), strides=stride,
                    padding=((padding, padding), (padding, padding)), rngs=rngs,
                    **_inits(c_in * kernel * kernel, init))


def conv_transpose(c_in: int, c_out: int, kernel: int, rngs: nnx.Rngs, *, stride: int,
                   padding: int, output_padding: int) -> nnx.ConvTranspose:
    """A PyTorch-style ``ConvTranspose2d``: output size (n−1)·stride − 2·padding + kernel + output_padding."""
    low, high = kernel - 1 - padding, kernel - 1 - padding + output_padding
    # PyTorch's fan_in for a transposed conv is computed from weight dim 1, i.e. c_out.
    return nnx.ConvTranspose(c_in, c_out, (kernel, kernel), strides=stride,
                             padding=((low, high), (low, high)), rngs=rngs,
                             **_inits(c_out * kernel * kernel, "torch"))


def linear(d_in: int, d_out: int, rngs: nnx.Rngs, *, init: Init = "torch") -> nnx.Linear:
    return nnx.Linear(d_in, d_out, rngs=rngs, **_inits(d_in, init))


def batch_norm(features: int, rngs: nnx.Rngs) -> nnx.BatchNorm:
    """PyTorch ``BatchNorm2d`` defaults: running averages keep 0.9 of the old value, eps 1e-5."""
    return nnx.BatchNorm(features, momentum=0.9, epsilon=1e-5, rngs=rngs)


def max_pool2(x: jax.Array) -> jax.Array:
    return nnx.max_pool(x, (2, 2), strides=(2, 2))


def upsample2(x: jax.Array) -> jax.Array:
    """Nearest-neighbour ×2, as ``nn.Upsample(scale_factor=2)``."""
    return jnp.repeat(jnp.repeat(x, 2, axis=-3), 2, axis=-2)
