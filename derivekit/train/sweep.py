"""Seed 000 §2.4: test accuracy for training batch size 4/16 × 5/20 epochs.

With a constant learning rate and a batch order fixed by (seed, epoch), a 5-epoch run is exactly
the first 5 epochs of the 20-epoch run, so each batch size trains once, to the longest
horizon, and the table reads the shorter horizons off the per-epoch metrics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from derivekit.errors import DerivekitError
from derivekit.train.data import Dataset
from derivekit.train.runner import Progress, RunResult, check_run_dir, run_config, train

SWEEPS = {"seed000": {"model": "cifar-lenet", "batch_sizes": (4, 16), "epochs": (5, 20)}}


@dataclass(frozen=True)
class SweepRow:
    batch_size: int
    epochs: int
    test_accuracy: float
    test_loss: float


def sweep_plan(name: str, max_epochs: int | None) -> dict:
    """The sweep's grid; ``max_epochs`` caps every horizon (a quick run: 5/20 → N/N collapse)."""
    if name not in SWEEPS:
        raise DerivekitError(f"unknown sweep {name!r}; choose one of: {', '.join(SWEEPS)}")
    plan = dict(SWEEPS[name])
    if max_epochs is not None:
        if max_epochs < 1:
            raise DerivekitError("--epochs must be ≥ 1")
        plan["epochs"] = tuple(sorted({min(e, max_epochs) for e in plan["epochs"]}))
    return plan


def check_sweep_dir(name: str, run_dir: Path, max_epochs: int | None, lr: float,
                    seed: int) -> None:
    """Refuse a sweep directory whose runs were made with other settings (before any data)."""
    plan = sweep_plan(name, max_epochs)
    if (run_dir / "config.json").exists():
        raise DerivekitError(f"{run_dir} holds a training run, not a sweep; pick a new --run-dir")
    for batch_size in plan["batch_sizes"]:
        check_run_dir(run_dir / f"batch-{batch_size}",
                      {"model": plan["model"], "batch_size": batch_size,
                       "epochs": max(plan["epochs"]), "lr": lr, "seed": seed})


def run_sweep(name: str, dataset: Dataset, run_dir: Path, *, max_epochs: int | None = None,
              lr: float = 0.001, seed: int = 0,
              on_start=None, on_progress: Progress | None = None,
              ) -> tuple[list[SweepRow], list[RunResult]]:
    """Train each batch size in ``run_dir``/batch-B (resumable) and tabulate; the table is
    also written to ``run_dir``/sweep.json. ``on_start(batch_size, epochs)`` announces a run."""
    plan = sweep_plan(name, max_epochs)
    horizon = max(plan["epochs"])
    rows, results = [], []
    for batch_size in plan["batch_sizes"]:
        config = run_config(plan["model"], batch_size, horizon, lr, seed, dataset)
        if on_start:
            on_start(batch_size, horizon)
        result = train(config, dataset, run_dir / f"batch-{batch_size}", on_progress=on_progress)
        results.append(result)
        by_epoch = {row["epoch"]: row for row in result.metrics}
        rows += [SweepRow(batch_size, e, by_epoch[e]["test_accuracy"], by_epoch[e]["test_loss"])
                 for e in plan["epochs"]]
    table = {"sweep": name, "model": plan["model"], "dataset": dataset.name, "seed": seed,
             "rows": [row.__dict__ for row in rows]}
    (run_dir / "sweep.json").write_text(json.dumps(table, indent=2) + "\n")
    return rows, results
