"""The trainable models by name, with the seeds' training defaults; no heavy imports."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Literal

from derivekit.errors import DerivekitError


@dataclass(frozen=True)
class ModelSpec:
    name: str
    summary: str
    optimizer: Literal["sgd-momentum", "adam-l2", "adam"]
    lr: float
    batch_size: int
    epochs: int
    task: Literal["cifar10", "colourization"]


MODELS = {spec.name: spec for spec in (
    ModelSpec("cifar-lenet", "seed 000 §2.2 classifier (2 conv + 3 FC); SGD 0.001, momentum 0.9",
              "sgd-momentum", 0.001, 4, 3, "cifar10"),
    ModelSpec("deep-cnn", "seed 003 Programming I: 4 conv–BN blocks, FC with dropout; Adam + L2 1e-4",
              "adam-l2", 0.001, 64, 10, "cifar10"),
    ModelSpec("pool-upsample", "seed 004 PoolUpsampleNet (synthetic colourization data); Adam",
              "adam", 0.001, 100, 25, "colourization"),
    ModelSpec("conv-transpose", "seed 004 ConvTransposeNet (synthetic colourization data); Adam",
              "adam", 0.001, 100, 25, "colourization"),
    ModelSpec("unet", "seed 004 UNet (synthetic colourization data); Adam",
              "adam", 0.001, 100, 25, "colourization"),
)}

#: seed 004's colourization setting: kernel 3, grayscale in, 32 filters, 24 colour classes.
COLOURIZATION = {"kernel": 3, "num_in_channels": 1, "num_filters": 32, "num_colours": 24}


def model_spec(name: str) -> ModelSpec:
    if name not in MODELS:
        raise DerivekitError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}")
    return MODELS[name]


def build_model(name: str, seed: int):
    """A freshly initialised model; the same seed gives the same parameters."""
    from flax import nnx

    from derivekit.train import classifiers, colourization

    constructor = {
        "cifar-lenet": classifiers.CifarLeNet,
        "deep-cnn": classifiers.DeepCNN,
        "pool-upsample": partial(colourization.PoolUpsampleNet, **COLOURIZATION),
        "conv-transpose": partial(colourization.ConvTransposeNet, **COLOURIZATION),
        "unet": partial(colourization.UNet, **COLOURIZATION),
    }[model_spec(name).name]
    return constructor(rngs=nnx.Rngs(seed))


def build_optimizer(spec: ModelSpec, lr: float):
    """SGD with momentum 0.9 as the seed-000 notebook; Adam with PyTorch-style (coupled) L2 1e-4
    for seed 003; plain Adam for the seed-004 nets."""
    import optax

    if spec.optimizer == "sgd-momentum":
        return optax.sgd(lr, momentum=0.9)
    if spec.optimizer == "adam-l2":
        return optax.chain(optax.add_decayed_weights(1e-4), optax.adam(lr))
    return optax.adam(lr)
