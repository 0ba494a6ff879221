"""Layer constructors and pooling shared by the seed networks (NHWC layout).

Initializers mirror PyTorch's defaults or the seeds' stated ones, so losses and accuracies are
comparable with the notebooks' numbers.
"""

from __future__ import annotations

import math
from typing import Literal

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

Init = Literal["torch", "kaiming"]


def _host_init(sample):
    """An initializer drawing with NumPy from a generator seeded by the nnx key's bits.

    Same seed → same parameters, without compiling an XLA program per initializer (on CPU each
    costs ~0.5 s: 15 s for the seed-000 net, against milliseconds here).
    """
    def init(key: jax.Array, shape: tuple[int, ...], dtype=jnp.float32) -> jax.Array:
        rng = np.random.default_rng(np.asarray(jax.random.key_data(key)).ravel().tolist())
        return jnp.asarray(sample(rng, shape), dtype)

    return init


def _inits(fan_in: int, init: Init) -> dict:
    """PyTorch default: weights and biases uniform on ±1/√fan_in; Kaiming: N(0, 2/fan_in), zero bias."""
    if init == "torch":
        bound = 1.0 / math.sqrt(fan_in)
        uniform = _host_init(lambda rng, shape: rng.uniform(-bound, bound, shape))
        return {"kernel_init": uniform, "bias_init": uniform}
    std = math.sqrt(2.0 / fan_in)
    return {"kernel_init": _host_init(lambda rng, shape: rng.normal(0.0, std, shape)),
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


@jax.custom_vjp
def _patch_matmul(cols: jax.Array, weight: jax.Array) -> jax.Array:
    return cols @ weight.T


def _patch_matmul_fwd(cols: jax.Array, weight: jax.Array):
    return cols @ weight.T, (cols, weight)


def _patch_matmul_bwd(res, grad):
    # Written out because XLA:CPU computes dW = gᵀ·cols (output C_out × K) about twice as fast
    # as the colsᵀ·g orientation that autodiff of ``cols @ W.T`` produces.
    cols, weight = res
    flat_grad = grad.reshape(-1, grad.shape[-1])
    return grad @ weight, flat_grad.T @ cols.reshape(-1, cols.shape[-1])


_patch_matmul.defvjp(_patch_matmul_fwd, _patch_matmul_bwd)


class PatchConv(nnx.Module):
    """A stride-1, unpadded ``Conv2d`` computed as one matmul over image patches.

    For the seed-000 classifier's 3–16 channels XLA:CPU's convolution kernels are slow (conv 3→6
    forward at batch 16: ~1.5 ms against ~0.3 ms here); the patch matmul keeps small CNNs
    faster than PyTorch eager. Parameters and init are those of :func:`conv`.
    """

    def __init__(self, c_in: int, c_out: int, kernel: int, rngs: nnx.Rngs) -> None:
        inits = _inits(c_in * kernel * kernel, "torch")
        self.kernel = nnx.Param(inits["kernel_init"](rngs.params(), (kernel, kernel, c_in, c_out)))
        self.bias = nnx.Param(inits["bias_init"](rngs.params(), (c_out,)))

    def __call__(self, x: jax.Array) -> jax.Array:
        k, _, c_in, c_out = self.kernel.shape
        out_h, out_w = x.shape[-3] - k + 1, x.shape[-2] - k + 1
        rows = jnp.concatenate([x[..., i:i + out_h, :, :] for i in range(k)], axis=-1)
        cols = jnp.concatenate([rows[..., j:j + out_w, :] for j in range(k)], axis=-1)
        # cols' last axis runs over (j, i, c); order the kernel the same way, as C_out × K.
        weight = jnp.transpose(self.kernel[...], (3, 1, 0, 2)).reshape(c_out, k * k * c_in)
        return _patch_matmul(cols, weight) + self.bias[...]


def linear(d_in: int, d_out: int, rngs: nnx.Rngs, *, init: Init = "torch") -> nnx.Linear:
    return nnx.Linear(d_in, d_out, rngs=rngs, **_inits(d_in, init))


def batch_norm(features: int, rngs: nnx.Rngs) -> nnx.BatchNorm:
    """PyTorch ``BatchNorm2d`` defaults: running averages keep 0.9 of the old value, eps 1e-5."""
    return nnx.BatchNorm(features, momentum=0.9, epsilon=1e-5, rngs=rngs)


def max_pool2(x: jax.Array) -> jax.Array:
    """2×2 max-pool by reshape: its gradient is a cheap mask, where XLA:CPU's
    ``reduce_window`` gradient (select-and-scatter) is several times slower."""
    *batch, h, w, c = x.shape
    return x.reshape(*batch, h // 2, 2, w // 2, 2, c).max(axis=(-4, -2))


def upsample2(x: jax.Array) -> jax.Array:
    """Nearest-neighbour ×2, as ``nn.Upsample(scale_factor=2)``."""
    return jnp.repeat(jnp.repeat(x, 2, axis=-3), 2, axis=-2)
