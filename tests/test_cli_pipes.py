"""The CLI on a pipe or in a CI log: whole lines, progress as log lines, the same bytes for the
same seed, and arguments checked before any work."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derivekit import registry
from derivekit.cli import app
from derivekit.terminal import LogProgress, duration

runner = CliRunner()


def test_piped_list_keeps_whole_ids_and_titles(catalog) -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(catalog) + 1  # a header, then one line per problem
    for problem, line in zip(catalog.values(), lines[1:]):
        assert line.split()[0] == problem.id and problem.title in line
    assert "…" not in result.stdout


def test_piped_verify_keeps_latex_on_one_line() -> None:
    problem = registry.lookup("gan-gradients")
    result = runner.invoke(app, ["verify", "gan-gradients"])
    assert result.exit_code == 0
    for part in problem.parts:
        assert any(part.answer_latex in line for line in result.stdout.splitlines()), part.name
    assert problem.statement in result.stdout


def test_same_seed_same_bytes_and_timings_on_request() -> None:
    args = ["verify", "matrix-gradients", "--seed", "3"]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout and " s)" not in first.stdout
    timed = runner.invoke(app, [*args, "--timings"])
    assert timed.stdout.count(" s)") == 1


def test_progress_is_logged_off_a_terminal() -> None:
    result = runner.invoke(app, ["verify", "matrix-gradients", "bce-derivation"])
    assert result.exit_code == 0
    assert "verified: 1/2 problems (50%)" in result.stderr
    assert "verified: 2/2 problems (100%)" in result.stderr and "done" in result.stderr
    assert "verified:" not in result.stdout


def test_log_progress_writes_a_line_per_tenth_with_rate_and_eta() -> None:
    stream = io.StringIO()
    log = LogProgress(stream)
    task = log.add_task("deep-cnn", total=2, unit="epoch")
    for step in range(1, 41):
        log.update(task, completed=step / 20)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[0].startswith("deep-cnn: 0.2/2 epochs (10%), ") and "ETA" in lines[0]
    assert lines[-1].startswith("deep-cnn: 2/2 epochs (100%)") and lines[-1].endswith("done")
    assert duration(65) == "1 min 05 s" and duration(7300) == "2 h 01 min"


@pytest.mark.parametrize("args", [["verify"], ["verify", "--all", "gan-gradients"]])
def test_verify_needs_ids_or_all_and_says_so(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: give problem ids or --all (not both)"


def test_missing_at_file_is_reported_before_deriving(monkeypatch, tmp_path: Path) -> None:
    import derivekit

    def never(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("derived before the --at file was read")

    monkeypatch.setattr(derivekit, "derive", never)
    result = runner.invoke(app, ["derive", "x.T@x", "--wrt", "x", "-g", "x:n",
                                 "--at", str(tmp_path / "absent.json")])
    assert result.exit_code == 2 and "--at" in result.stderr and "absent.json" in result.stderr
    (tmp_path / "list.json").write_text("[1, 2]")
    result = runner.invoke(app, ["derive", "x.T@x", "--wrt", "x", "-g", "x:n",
                                 "--at", str(tmp_path / "list.json")])
    assert result.exit_code == 2 and "JSON object" in result.stderr


def test_run_dir_mismatch_is_reported_before_loading_data(monkeypatch, tmp_path: Path) -> None:
    from derivekit.train import data

    def never(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("data loaded before the run directory was checked")

    monkeypatch.setattr(data, "synthetic_cifar10", never)
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text(json.dumps({"model": "deep-cnn", "epochs": 5}))
    result = runner.invoke(app, ["train", "deep-cnn", "--synthetic", "--epochs", "2",
                                 "--run-dir", str(run)])
    assert result.exit_code == 2 and "other settings" in result.stderr
    assert "epochs 5 → 2" in result.stderr
    result = runner.invoke(app, ["train", "sweep", "seed000", "--synthetic", "--epochs", "1",
                                 "--run-dir", str(run)])
    assert result.exit_code == 2 and "not a sweep" in result.stderr
