"""One resumable training run in a directory: config.json, checkpoints/, metrics.jsonl, figures/.

Rerunning the same settings continues from the newest checkpoint; different settings are refused.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from derivekit.errors import DerivekitError
from derivekit.train.data import Dataset

METRICS = "metrics.jsonl"


@dataclass(frozen=True)
class RunConfig:
    """Everything that decides the numbers a run produces (the data location does not)."""

    model: str
    batch_size: int
    epochs: int
    lr: float
    seed: int
    dataset: str
    train_size: int
    test_size: int


@dataclass(frozen=True)
class RunResult:
    run_dir: Path
    metrics: list[dict]
    compile_seconds: float
    resumed_from_step: int
    finished: bool


Progress = Callable[[int, int, int], None]  # (epoch, steps done in epoch, steps per epoch)


def check_settings(batch_size: int, epochs: int, lr: float) -> None:
    """Refuse impossible settings before any data is loaded."""
    if batch_size < 1 or epochs < 1 or lr <= 0:
        raise DerivekitError("--batch-size and --epochs must be ≥ 1 and --lr > 0")


def run_config(model: str, batch_size: int, epochs: int, lr: float, seed: int,
               dataset: Dataset) -> RunConfig:
    from derivekit.train.catalog import model_spec

    model_spec(model)
    check_settings(batch_size, epochs, lr)
    if batch_size > len(dataset.train_labels):
        raise DerivekitError(f"--batch-size {batch_size} exceeds the {len(dataset.train_labels)} "
                             "training images")
    return RunConfig(model, batch_size, epochs, lr, seed, dataset.name,
                     len(dataset.train_labels), len(dataset.test_labels))


def train(config: RunConfig, dataset: Dataset, run_dir: Path, *,
          on_progress: Progress | None = None, stop_after_steps: int | None = None,
          checkpoint_every_s: float = 60.0, chunk_steps: int | None = None) -> RunResult:
    """Train (or resume) to ``config.epochs``; metrics rows are appended per epoch.

    A checkpoint is written after every epoch and, mid-epoch, at the first chunk boundary
    ``checkpoint_every_s`` after the previous one. ``chunk_steps`` (steps per jitted call)
    changes speed and checkpoint granularity, never the numbers. ``stop_after_steps`` ends the
    process at the first chunk boundary at or past that global step without saving, as a kill
    would (tests use it).
    """
    import jax

    from derivekit.train import checkpoint, loop
    from derivekit.train.catalog import build_model
    from derivekit.train.plot import draw_curves

    _claim(run_dir, config)
    optimizer, chunk, evaluate, compiled = _programs(config.model, config.lr, config.batch_size,
                                                     config.seed)
    _, state = loop.init_state(build_model(config.model, config.seed), optimizer)
    checkpoints = checkpoint.manager(run_dir)
    restored = checkpoint.restore_latest(checkpoints, state)
    global_step, state = restored if restored else (0, state)
    steps_per_epoch = config.train_size // config.batch_size
    metrics = _metrics_upto(run_dir, global_step // steps_per_epoch)

    images, labels = jax.device_put(dataset.train_images), jax.device_put(dataset.train_labels)
    test_images, test_labels = jax.device_put(dataset.test_images), jax.device_put(dataset.test_labels)
    length = chunk_steps or loop.chunk_length(steps_per_epoch)
    compile_seconds, resumed_from, last_save = 0.0, global_step, time.monotonic()

    for epoch in range(global_step // steps_per_epoch, config.epochs):
        order = loop.epoch_order(config.seed, epoch, config.train_size)
        done = global_step - epoch * steps_per_epoch
        if done == 0:
            state["sums"] = loop.zero_sums()
        started, stepped = time.perf_counter(), 0
        while done < steps_per_epoch:
            n = min(length, steps_per_epoch - done)
            args = (state, images, labels, order, jax.numpy.int32(done), jax.numpy.int32(global_step))
            if (n, images.shape) not in compiled:
                t0 = time.perf_counter()
                compiled[n, images.shape] = chunk.lower(*args, length=n).compile()
                compile_seconds += time.perf_counter() - t0
                started += time.perf_counter() - t0
            state = compiled[n, images.shape](*args)
            jax.block_until_ready(state["sums"])
            done, global_step, stepped = done + n, global_step + n, stepped + n
            if on_progress:
                on_progress(epoch, done, steps_per_epoch)
            if stop_after_steps is not None and global_step >= stop_after_steps:
                return RunResult(run_dir, metrics, compile_seconds, resumed_from, False)
            if done < steps_per_epoch and time.monotonic() - last_save >= checkpoint_every_s:
                checkpoint.save(checkpoints, global_step, state)
                last_save = time.monotonic()
        seconds = time.perf_counter() - started
        test_loss, test_correct = evaluate(state["params"], state["stats"], test_images, test_labels)
        sums = jax.device_get(state["sums"])
        metrics.append({
            "epoch": epoch + 1,
            "train_loss": float(sums["loss"]) / steps_per_epoch,
            "train_accuracy": int(sums["correct"]) / int(sums["count"]),
            "test_loss": float(test_loss) / config.test_size,
            "test_accuracy": int(test_correct) / dataset.test_labels.size,
            "images_per_s": round(stepped * config.batch_size / seconds, 1),
        })
        _write_metrics(run_dir, metrics)
        checkpoint.save(checkpoints, global_step, state)
        last_save = time.monotonic()
    draw_curves(run_dir / METRICS, run_dir)
    return RunResult(run_dir, metrics, compile_seconds, resumed_from, True)


@functools.lru_cache(maxsize=8)
def _programs(model: str, lr: float, batch_size: int, seed: int) -> tuple:
    """Optimizer, jitted chunk and evaluation, and compiled chunks by (length, data shape): kept
    per process so a resumed or repeated run does not compile again."""
    from derivekit.train import loop
    from derivekit.train.catalog import build_model, build_optimizer, model_spec

    optimizer = build_optimizer(model_spec(model), lr)
    graphdef, _ = loop.init_state(build_model(model, seed), optimizer)
    return (optimizer, loop.make_train_chunk(graphdef, optimizer, batch_size, seed),
            loop.make_evaluate(graphdef), {})


def check_run_dir(run_dir: Path, settings: dict) -> bool:
    """Whether ``run_dir`` holds a run made with ``settings`` (any subset of a RunConfig's
    fields); False for a new or empty directory. Another run's directory is an error, so the
    command can refuse it before loading any data."""
    path = run_dir / "config.json"
    if path.exists():
        try:
            found = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise DerivekitError(f"cannot read {path}: {exc}") from None
        changed = [f"{k} {found.get(k)!r} → {v!r}" for k, v in settings.items() if found.get(k) != v]
        if changed:
            raise DerivekitError(f"run directory {run_dir} was created with other settings "
                                 f"({'; '.join(changed)}); pick a new --run-dir")
        return True
    if run_dir.exists() and (not run_dir.is_dir() or any(run_dir.iterdir())):
        raise DerivekitError(f"{run_dir} is not empty and holds no training run; pick a new --run-dir")
    return False


def _claim(run_dir: Path, config: RunConfig) -> None:
    """Write config.json in a new run directory, or check that an existing one matches."""
    if check_run_dir(run_dir, asdict(config)):
        return
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(json.dumps(asdict(config), indent=2, sort_keys=True) + "\n")


def _metrics_upto(run_dir: Path, epochs: int) -> list[dict]:
    """Rows of the epochs the newest checkpoint includes; a row written after the checkpoint
    by a run killed in between is dropped, to be recomputed identically."""
    path = run_dir / METRICS
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [row for row in rows if row["epoch"] <= epochs]


def _write_metrics(run_dir: Path, metrics: list[dict]) -> None:
    text = "".join(json.dumps(row, sort_keys=True) + "\n" for row in metrics)
    tmp = run_dir / (METRICS + ".tmp")
    tmp.write_text(text)
    tmp.replace(run_dir / METRICS)
