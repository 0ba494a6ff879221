"""The seeds' CIFAR-10 classifiers, NHWC input normalised to [−1, 1].

Every model is called as ``model(x, train=..., key=...)`` so one training step serves all of them;
``key`` feeds dropout and is ignored by models without it.
"""

from __future__ import annotations

from itertools import pairwise

import jax
from flax import nnx

from derivekit.train.layers import PatchConv, batch_norm, conv, linear, max_pool2


class CifarLeNet(nnx.Module):
    """Seed 000 §2.2: conv 3→6 k5, pool, conv 6→16 k5, pool, FC 400→120→84→10 (logits, no ReLU)."""

    def __init__(self, *, rngs: nnx.Rngs) -> None:
        self.conv1 = PatchConv(3, 6, 5, rngs)
        self.conv2 = PatchConv(6, 16, 5, rngs)
        self.fc1 = linear(16 * 5 * 5, 120, rngs)
        self.fc2 = linear(120, 84, rngs)
        self.fc3 = linear(84, 10, rngs)

    def __call__(self, x: jax.Array, *, train: bool, key: jax.Array | None = None) -> jax.Array:
        x = max_pool2(nnx.relu(self.conv1(x)))
        x = max_pool2(nnx.relu(self.conv2(x)))
        x = x.reshape(*x.shape[:-3], -1)
        return self.fc3(nnx.relu(self.fc2(nnx.relu(self.fc1(x)))))


class DeepCNN(nnx.Module):
    """Seed 003 Programming I: four conv–BN–ReLU–pool blocks 64→128→256→512 (32→2 pixels), then
    FC 2048→1024→512→10 with dropout 0.5 on the hidden layers; Kaiming-normal init."""

    def __init__(self, *, rngs: nnx.Rngs) -> None:
        widths = (3, 64, 128, 256, 512)
        self.convs = nnx.List([conv(a, b, 3, rngs, padding=1, init="kaiming")
                               for a, b in pairwise(widths)])
        self.norms = nnx.List([batch_norm(b, rngs) for b in widths[1:]])
        self.fc1 = linear(512 * 2 * 2, 1024, rngs, init="kaiming")
        self.fc2 = linear(1024, 512, rngs, init="kaiming")
        self.fc3 = linear(512, 10, rngs, init="kaiming")
        self.dropout = nnx.Dropout(0.5)

    def __call__(self, x: jax.Array, *, train: bool, key: jax.Array | None = None) -> jax.Array:
        for conv_layer, norm in zip(self.convs, self.norms):
            x = max_pool2(nnx.relu(norm(conv_layer(x), use_running_average=not train)))
        x = x.reshape(*x.shape[:-3], -1)
        keys = jax.random.split(key, 2) if train else (None, None)
        x = self.dropout(nnx.relu(self.fc1(x)), deterministic=not train, rngs=keys[0])
        x = self.dropout(nnx.relu(self.fc2(x)), deterministic=not train, rngs=keys[1])
        return self.fc3(x)
