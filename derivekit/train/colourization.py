"""Seed 004's colourization networks: grayscale in, per-pixel colour-class logits out (NHWC).

Layer order follows the seed's solution code (conv → [pool | upsample] → BatchNorm → ReLU);
``kernel``, ``num_in_channels`` (NIC), ``num_filters`` (NF) and ``num_colours`` (NC) as there.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import nnx

from derivekit.train.layers import batch_norm, conv, conv_transpose, max_pool2, upsample2


class _Block(nnx.Module):
    """conv (or transposed conv) → optional resample → BatchNorm → ReLU."""

    def __init__(self, layer: nnx.Module, features: int, resample, rngs: nnx.Rngs) -> None:
        self.layer = layer
        self.norm = batch_norm(features, rngs)
        self.resample = resample

    def __call__(self, x: jax.Array, train: bool) -> jax.Array:
        x = self.layer(x)
        if self.resample is not None:
            x = self.resample(x)
        return nnx.relu(self.norm(x, use_running_average=not train))


class PoolUpsampleNet(nnx.Module):
    """Two conv–maxpool blocks down (NF, 2NF), two conv–upsample blocks up (NF, NC), final conv."""

    def __init__(self, kernel: int = 3, num_in_channels: int = 1, num_filters: int = 32,
                 num_colours: int = 24, *, rngs: nnx.Rngs) -> None:
        nic, nf, nc, pad = num_in_channels, num_filters, num_colours, kernel // 2
        self.blocks = nnx.List([
            _Block(conv(nic, nf, kernel, rngs, padding=pad), nf, max_pool2, rngs),
            _Block(conv(nf, 2 * nf, kernel, rngs, padding=pad), 2 * nf, max_pool2, rngs),
            _Block(conv(2 * nf, nf, kernel, rngs, padding=pad), nf, upsample2, rngs),
            _Block(conv(nf, nc, kernel, rngs, padding=pad), nc, upsample2, rngs),
        ])
        self.final = conv(nc, nc, kernel, rngs, padding=pad)

    def __call__(self, x: jax.Array, *, train: bool, key: jax.Array | None = None) -> jax.Array:
        for block in self.blocks:
            x = block(x, train)
        return self.final(x)


def _strided_blocks(kernel: int, nic: int, nf: int, nc: int, up_in: tuple[int, int],
                    rngs: nnx.Rngs) -> nnx.List:
    """Two stride-2 convs down, two stride-2 transposed convs up (padding k//2, output padding 1);
    ``up_in`` are the transposed convs' input widths (wider in the UNet's concatenations)."""
    pad = kernel // 2

    def up(c_in: int, c_out: int) -> nnx.ConvTranspose:
        return conv_transpose(c_in, c_out, kernel, rngs, stride=2, padding=pad, output_padding=1)

    return nnx.List([
        _Block(conv(nic, nf, kernel, rngs, stride=2, padding=pad), nf, None, rngs),
        _Block(conv(nf, 2 * nf, kernel, rngs, stride=2, padding=pad), 2 * nf, None, rngs),
        _Block(up(up_in[0], nf), nf, None, rngs),
        _Block(up(up_in[1], nc), nc, None, rngs),
    ])


class ConvTransposeNet(nnx.Module):
    """PoolUpsampleNet with the pools replaced by stride-2 convs and the upsamples by stride-2
    transposed convs."""

    def __init__(self, kernel: int = 3, num_in_channels: int = 1, num_filters: int = 32,
                 num_colours: int = 24, *, rngs: nnx.Rngs) -> None:
        nf, nc = num_filters, num_colours
        self.blocks = _strided_blocks(kernel, num_in_channels, nf, nc, (2 * nf, nf), rngs)
        self.final = conv(nc, nc, kernel, rngs, padding=kernel // 2)

    def __call__(self, x: jax.Array, *, train: bool, key: jax.Array | None = None) -> jax.Array:
        for block in self.blocks:
            x = block(x, train)
        return self.final(x)


class UNet(nnx.Module):
    """ConvTransposeNet with skips: block 1's output joins block 3's, and the input joins block 4's
    (channel concatenation), so the up path sees 2NF and NC + NIC channels."""

    def __init__(self, kernel: int = 3, num_in_channels: int = 1, num_filters: int = 32,
                 num_colours: int = 24, *, rngs: nnx.Rngs) -> None:
        nic, nf, nc = num_in_channels, num_filters, num_colours
        self.blocks = _strided_blocks(kernel, nic, nf, nc, (2 * nf, 2 * nf), rngs)
        self.final = conv(nc + nic, nc, kernel, rngs, padding=kernel // 2)

    def __call__(self, x: jax.Array, *, train: bool, key: jax.Array | None = None) -> jax.Array:
        down1, down2, up1, up2 = self.blocks
        first = down1(x, train)
        third = up1(down2(first, train), train)
        fourth = up2(jnp.concatenate([third, first], axis=-1), train)
        return self.final(jnp.concatenate([fourth, x], axis=-1))
