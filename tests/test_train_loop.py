"""Training runs: tiny synthetic runs learn, kill-and-resume is bit-identical, real digits learn."""

from __future__ import annotations

import json
from pathlib import Path

import jax
import numpy as np
import pytest

from derivekit.errors import DerivekitError
from derivekit.train import checkpoint, data, loop
from derivekit.train.catalog import build_model, build_optimizer, model_spec
from derivekit.train.runner import run_config, train

TINY = data.synthetic_cifar10(n_train=512, n_test=256, seed=1)


def _final_state(run_dir: Path, model: str = "cifar-lenet", lr: float = 0.05):
    _, like = loop.init_state(build_model(model, 0), build_optimizer(model_spec(model), lr))
    return checkpoint.restore_latest(checkpoint.manager(run_dir), like)


def _without_timing(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "images_per_s"} for row in rows]


def test_tiny_synthetic_run_learns(tmp_path: Path) -> None:
    config = run_config("cifar-lenet", 16, 4, 0.05, 0, TINY)
    result = train(config, TINY, tmp_path / "run")
    first, last = result.metrics[0], result.metrics[-1]
    assert [row["epoch"] for row in result.metrics] == [1, 2, 3, 4]
    assert last["train_loss"] < first["train_loss"] - 0.3
    assert last["test_accuracy"] > 0.5  # chance is 0.1
    lines = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["epoch"] for line in lines] == [1, 2, 3, 4]
    assert (tmp_path / "run" / "figures" / "training-loss.png").stat().st_size > 0


@pytest.mark.parametrize(("checkpoint_every_s", "resumes_at"), [(float("inf"), 32), (0.0, 40)])
def test_killed_mid_epoch_and_resumed_equals_uninterrupted(
        tmp_path: Path, checkpoint_every_s: float, resumes_at: int) -> None:
    """Killed at step 48 (mid-epoch 2): resumed from the epoch-1 checkpoint (step 32) or from a
    mid-epoch one (step 40), the run ends bit-identical to one run straight through."""
    config = run_config("cifar-lenet", 16, 2, 0.05, 0, TINY)
    steps_per_epoch = 512 // 16
    whole = train(config, TINY, tmp_path / "whole")  # one 32-step chunk per epoch
    killed = train(config, TINY, tmp_path / "resumed", chunk_steps=8, stop_after_steps=48,
                   checkpoint_every_s=checkpoint_every_s)
    assert not killed.finished and [row["epoch"] for row in killed.metrics] == [1]
    resumed = train(config, TINY, tmp_path / "resumed", chunk_steps=8)
    assert resumed.finished and resumed.resumed_from_step == resumes_at
    assert _without_timing(resumed.metrics) == _without_timing(whole.metrics)
    (step_a, a), (step_b, b) = _final_state(tmp_path / "whole"), _final_state(tmp_path / "resumed")
    assert step_a == step_b == 2 * steps_per_epoch
    for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b)):
        np.testing.assert_array_equal(x, y)


def test_run_dir_with_other_settings_is_refused(tmp_path: Path) -> None:
    small = data.synthetic_cifar10(n_train=64, n_test=32, seed=1)
    train(run_config("cifar-lenet", 16, 1, 0.05, 0, small), small, tmp_path)
    with pytest.raises(DerivekitError, match="batch_size 16 → 32"):
        train(run_config("cifar-lenet", 32, 1, 0.05, 0, small), small, tmp_path)


def test_real_digits_learn(tmp_path: Path) -> None:
    """scikit-learn's packaged digits: real images through the whole trainer."""
    pytest.importorskip("sklearn")
    digits = data.digits()
    result = train(run_config("cifar-lenet", 16, 3, 0.01, 0, digits), digits, tmp_path)
    assert result.metrics[-1]["test_accuracy"] > 0.8  # chance is 0.1


def test_colourization_net_trains_on_synthetic(tmp_path: Path) -> None:
    colour = data.synthetic_colourization(24, n_train=64, n_test=32)
    result = train(run_config("unet", 16, 2, 0.05, 0, colour), colour, tmp_path)
    assert result.metrics[-1]["train_loss"] < result.metrics[0]["train_loss"]


@pytest.mark.slow
def test_deep_cnn_trains(tmp_path: Path) -> None:
    small = data.synthetic_cifar10(n_train=256, n_test=64, seed=1)
    result = train(run_config("deep-cnn", 32, 3, 0.001, 0, small), small, tmp_path)
    assert result.metrics[-1]["train_loss"] < result.metrics[0]["train_loss"]
