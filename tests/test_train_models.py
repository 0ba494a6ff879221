"""Seed networks: output shapes, parameter counts against closed forms, the patch convolution."""

from __future__ import annotations

from itertools import pairwise

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from derivekit.train import catalog, classifiers, colourization
from derivekit.train.layers import PatchConv


def n_params(model: nnx.Module) -> int:
    return sum(leaf.size for leaf in jax.tree.leaves(nnx.state(model, nnx.Param)))


def conv_count(c_in: int, c_out: int, k: int) -> int:
    return c_in * c_out * k * k + c_out


@pytest.mark.parametrize(("name", "shape", "out"), [
    ("cifar-lenet", (2, 32, 32, 3), (2, 10)),
    ("deep-cnn", (2, 32, 32, 3), (2, 10)),
    ("pool-upsample", (2, 32, 32, 1), (2, 32, 32, 24)),
    ("conv-transpose", (2, 32, 32, 1), (2, 32, 32, 24)),
    ("unet", (2, 32, 32, 1), (2, 32, 32, 24)),
])
def test_output_shapes(name: str, shape: tuple, out: tuple) -> None:
    model = catalog.build_model(name, 0)
    x = jax.ShapeDtypeStruct(shape, jnp.float32)
    for train in (False, True):
        got = nnx.eval_shape(lambda m, x, t=train: m(x, train=t, key=jax.random.key(0)), model, x)
        assert got.shape == out


def test_lenet_count_and_torch_init() -> None:
    model = classifiers.CifarLeNet(rngs=nnx.Rngs(0))
    fc = [(400, 120), (120, 84), (84, 10)]
    assert n_params(model) == conv_count(3, 6, 5) + conv_count(6, 16, 5) + sum(
        a * b + b for a, b in fc) == 62006
    bound = 1 / np.sqrt(75)
    kernel = np.asarray(model.conv1.kernel[...])
    assert np.abs(kernel).max() <= bound and np.abs(kernel).max() > 0.9 * bound


def test_deep_cnn_count() -> None:
    widths = (3, 64, 128, 256, 512)
    convs = sum(conv_count(a, b, 3) + 2 * b for a, b in pairwise(widths))  # + BN γ, β
    fcs = 2048 * 1024 + 1024 + 1024 * 512 + 512 + 512 * 10 + 10
    assert n_params(classifiers.DeepCNN(rngs=nnx.Rngs(0))) == convs + fcs


@pytest.mark.parametrize(("k", "nic", "nf", "nc"), [(3, 1, 32, 24), (5, 3, 8, 10)])
def test_colourization_counts(k: int, nic: int, nf: int, nc: int) -> None:
    # Weights k²·c_in·c_out and a bias per conv; BatchNorm adds γ and β per channel.
    # PoolUpsampleNet / ConvTransposeNet: NIC→NF→2NF→NF→NC, then NC→NC.
    plain = k * k * (nic * nf + 2 * nf * nf + 2 * nf * nf + nf * nc + nc * nc) + (
        nf + 2 * nf + nf + nc + nc) + 2 * (nf + 2 * nf + nf + nc)
    assert plain == k * k * (nic * nf + 4 * nf ** 2 + nf * nc + nc ** 2) + 12 * nf + 4 * nc
    # UNet: the up path reads 2NF (skip from block 1) and the final conv NC + NIC channels.
    unet = k * k * (nic * nf + 2 * nf * nf + 2 * nf * nf + 2 * nf * nc + (nc + nic) * nc) + (
        12 * nf + 4 * nc)
    args = {"kernel": k, "num_in_channels": nic, "num_filters": nf, "num_colours": nc,
            "rngs": nnx.Rngs(0)}
    assert n_params(colourization.PoolUpsampleNet(**args)) == plain
    assert n_params(colourization.ConvTransposeNet(**args)) == plain
    assert n_params(colourization.UNet(**args)) == unet
    x = jax.ShapeDtypeStruct((1, 32, 32, nic), jnp.float32)
    unet_model = colourization.UNet(**args)
    assert nnx.eval_shape(lambda m, x: m(x, train=False), unet_model, x).shape == (1, 32, 32, nc)


def test_patch_conv_matches_lax_conv_values_and_gradients() -> None:
    layer = PatchConv(3, 6, 5, rngs=nnx.Rngs(1))
    graphdef, params = nnx.split(layer)
    x = jax.random.normal(jax.random.key(2), (2, 12, 12, 3), jnp.float32)

    def ours(params, x):
        return jnp.sin(nnx.merge(graphdef, params)(x)).sum()

    def reference(params, x):
        out = jax.lax.conv_general_dilated(x, params["kernel"][...], (1, 1), "VALID",
                                           dimension_numbers=("NHWC", "HWIO", "NHWC"))
        return jnp.sin(out + params["bias"][...]).sum()

    grads = [jax.jit(jax.grad(f, argnums=(0, 1)))(params, x) for f in (ours, reference)]
    for a, b in zip(*map(jax.tree.leaves, grads)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours(params, x), reference(params, x), rtol=1e-5)


def test_same_seed_same_parameters() -> None:
    a, b, c = (nnx.state(catalog.build_model("cifar-lenet", s), nnx.Param) for s in (0, 0, 1))
    assert all(np.array_equal(x, y) for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b)))
    assert not np.array_equal(jax.tree.leaves(a)[0], jax.tree.leaves(c)[0])
