"""``derivekit train``: listing, one-line errors with exit 2, a tiny end-to-end sweep (slow)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derivekit.cli import app

runner = CliRunner()


def test_list_names_models_and_sweep() -> None:
    result = runner.invoke(app, ["train", "--list"])
    assert result.exit_code == 0
    for name in ("cifar-lenet", "deep-cnn", "pool-upsample", "conv-transpose", "unet", "seed000"):
        assert name in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["train", "resnet"], "unknown model 'resnet'; choose one of: cifar-lenet"),
    (["train", "cifar-lenet"], "pass --data-dir DIR or set DERIVEKIT_CIFAR10"),
    (["train", "cifar-lenet", "--data-dir", "/nonexistent"], "--download"),
    (["train", "unet"], "--synthetic data only"),
    (["train", "sweep", "seed007", "--synthetic"], "unknown sweep 'seed007'"),
    (["train", "sweep"], "name the sweep"),
    (["train", "sweep", "seed000", "--batch-size", "8", "--synthetic"], "drop --batch-size"),
    (["train", "cifar-lenet", "--synthetic", "--batch-size", "0"], "--batch-size"),
    (["train", "cifar-lenet", "--synthetic", "--data-dir", "x"], "--synthetic takes no"),
])
def test_user_errors_are_one_line_exit_2(args: list[str], message: str, monkeypatch) -> None:
    monkeypatch.delenv("DERIVEKIT_CIFAR10", raising=False)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


def test_train_imports_no_jax_before_a_run() -> None:
    code = ("import sys, derivekit.cli; "
            "print([m for m in ('jax', 'flax', 'optax', 'orbax') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_sweep_seed000_synthetic_one_epoch(tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "sweep", "seed000", "--synthetic", "--epochs", "1",
                                 "--run-dir", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    table = json.loads(result.output)
    assert [(r["batch_size"], r["epochs"]) for r in table["rows"]] == [(4, 1), (16, 1)]
    assert all(r["test_accuracy"] > 0.5 for r in table["rows"])
    assert (tmp_path / "batch-4" / "figures" / "training-accuracy.png").exists()
