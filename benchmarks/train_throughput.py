"""Training throughput of the seed-000 classifier: derivekit (JAX) against PyTorch eager.

Same net (conv 3→6→16, FC 400→120→84→10, PyTorch-style init), same batch size, same optimizer
(SGD lr 0.001, momentum 0.9), same synthetic CIFAR-shaped data, same number of threads, in one
process. JAX runs an epoch as one jitted ``lax.scan`` with the data on the device; its compile
time is reported apart. The two are measured in alternating rounds, so machine noise hits both;
the table gives the median and best round of each.

    pip install -e ".[bench]"   # torch==2.13.0, a CPU wheel
    python benchmarks/train_throughput.py [--batch-sizes 4 16] [--images 8000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--images", type=int, default=8000, help="images per timed epoch")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()

    import jax
    import numpy as np
    import torch

    from derivekit.train.data import normalize, synthetic_cifar10

    torch.set_num_threads(args.threads)
    dataset = synthetic_cifar10(n_train=args.images, n_test=1, seed=0)
    print(f"jax {jax.__version__} ({jax.devices()[0].platform}), torch {torch.__version__}, "
          f"{args.threads} threads (torch.set_num_threads; XLA uses its own pool of the same "
          f"cores), {args.images} images per epoch, {args.rounds} rounds")
    print(f"{'batch':>5} {'jax img/s (median, best)':>26} {'torch img/s (median, best)':>28} "
          f"{'ratio (median)':>15} {'jax compile s':>14}")
    for batch_size in args.batch_sizes:
        jax_epoch, compile_s = _jax_epoch(dataset, batch_size)
        torch_epoch = _torch_epoch(np.asarray(normalize(dataset.train_images)),
                                   dataset.train_labels, batch_size)
        torch_epoch(0)  # warm-up (allocator, oneDNN primitive caches)
        jax_rates, torch_rates = [], []
        for round_ in range(1, args.rounds + 1):
            jax_rates.append(_rate(jax_epoch, round_, args.images, batch_size))
            torch_rates.append(_rate(torch_epoch, round_, args.images, batch_size))
        jm, tm = statistics.median(jax_rates), statistics.median(torch_rates)
        print(f"{batch_size:>5} {jm:>15.0f} {max(jax_rates):>10.0f} {tm:>17.0f} "
              f"{max(torch_rates):>10.0f} {jm / tm:>14.2f}x {compile_s:>14.2f}")


def _rate(epoch, seed: int, images: int, batch_size: int) -> float:
    start = time.perf_counter()
    epoch(seed)
    return (images // batch_size) * batch_size / (time.perf_counter() - start)


def _jax_epoch(dataset, batch_size: int):
    import jax

    from derivekit.train import loop
    from derivekit.train.catalog import build_model, build_optimizer, model_spec

    optimizer = build_optimizer(model_spec("cifar-lenet"), 0.001)
    graphdef, state = loop.init_state(build_model("cifar-lenet", 0), optimizer)
    chunk = loop.make_train_chunk(graphdef, optimizer, batch_size, seed=0)
    images, labels = jax.device_put(dataset.train_images), jax.device_put(dataset.train_labels)
    steps = len(dataset.train_labels) // batch_size
    zero = jax.numpy.int32(0)
    start = time.perf_counter()
    compiled = chunk.lower(state, images, labels, loop.epoch_order(0, 0, steps * batch_size),
                           zero, zero, length=steps).compile()
    compile_s = time.perf_counter() - start
    holder = {"state": state}

    def epoch(seed: int) -> None:
        order = jax.device_put(loop.epoch_order(0, seed, len(dataset.train_labels)))
        holder["state"] = compiled(holder["state"], images, labels, order, zero, zero)
        jax.block_until_ready(holder["state"])

    return epoch, compile_s


def _torch_epoch(images, labels, batch_size: int):
    """The seed-000 notebook's loop: shuffled mini-batches, zero_grad, backward, step."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1, self.conv2 = nn.Conv2d(3, 6, 5), nn.Conv2d(6, 16, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = torch.flatten(x, 1)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    torch.manual_seed(0)
    net = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    x_all = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()
    y_all = torch.from_numpy(labels).long()
    steps = len(labels) // batch_size

    def epoch(seed: int) -> None:
        order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
        for i in range(steps):
            batch = order[i * batch_size:(i + 1) * batch_size]
            optimizer.zero_grad()
            loss = criterion(net(x_all[batch]), y_all[batch])
            loss.backward()
            optimizer.step()

    return epoch


if __name__ == "__main__":
    main()
