"""``derivekit train``: one command for a model run and for the seed sweeps.

Only typer and the model catalog are imported here; jax, flax and orbax load when a run starts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from derivekit.errors import DerivekitError
from derivekit.terminal import console as _console
from derivekit.train.catalog import MODELS, model_spec

TRAIN_HELP = """Train a seed network in JAX, resumably.

derivekit train MODEL [--epochs N] [--batch-size N] (--data-dir DIR | --synthetic)

derivekit train sweep seed000 [--synthetic] [--epochs N]

Each run lives in --run-dir (default runs/<settings>): config.json, Orbax checkpoints, metrics.jsonl (for derivekit sheet --training-log) and figures/training-*.png. Rerunning the same command continues from the last checkpoint. derivekit train --list shows the models.
"""


def train_command(
    target: Annotated[str | None, typer.Argument(
        help="Model name (see --list), or 'sweep'.", show_default=False)] = None,
    sweep_name: Annotated[str | None, typer.Argument(
        metavar="[SWEEP]", help="After 'sweep': the sweep to run (seed000).",
        show_default=False)] = None,
    batch_size: Annotated[int | None, typer.Option(
        "--batch-size", help="Training batch size (default: the seed's).", show_default=False)] = None,
    epochs: Annotated[int | None, typer.Option(
        "--epochs", help="Epochs (default: the seed's; for a sweep, caps its 5/20).",
        show_default=False)] = None,
    lr: Annotated[float | None, typer.Option(
        "--lr", help="Learning rate (default: the seed's).", show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seeds init, batch order, dropout.")] = 0,
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", help="CIFAR-10 folder (default: $DERIVEKIT_CIFAR10).",
        show_default=False)] = None,
    synthetic: Annotated[bool, typer.Option(
        "--synthetic", help="Synthetic data of CIFAR-10's shapes with a learnable signal.")] = False,
    download: Annotated[bool, typer.Option(
        "--download", help="Download CIFAR-10 into --data-dir if it is missing.")] = False,
    run_dir: Annotated[Path | None, typer.Option(
        "--run-dir", help="Run directory (default: runs/<settings>).", show_default=False)] = None,
    list_models: Annotated[bool, typer.Option("--list", help="List the models and exit.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")] = False,
) -> None:
    if list_models:
        for spec in MODELS.values():
            typer.echo(f"{spec.name:15s} {spec.summary}")
        typer.echo(f"{'sweep seed000':15s} seed 000 §2.4: batch 4/16 × epochs 5/20 of cifar-lenet")
        return
    try:
        if target is None:
            raise DerivekitError("name a model (derivekit train --list) or 'sweep seed000'")
        if target == "sweep":
            _sweep(sweep_name, epochs, lr, seed, data_dir, synthetic, download, run_dir, json_out,
                   batch_size)
        else:
            if sweep_name is not None:
                raise DerivekitError(f"unexpected extra argument {sweep_name!r}")
            _model_run(target, batch_size, epochs, lr, seed, data_dir, synthetic, download,
                       run_dir, json_out)
    except DerivekitError as exc:
        typer.secho(f"error: {exc}", err=True, fg="red")
        raise typer.Exit(2) from None


def _dataset(task: str, synthetic: bool, data_dir: Path | None, download: bool):
    from derivekit.train import data

    if synthetic and (data_dir is not None or download):
        raise DerivekitError("--synthetic takes no --data-dir or --download")
    if task == "colourization":
        if not synthetic:
            raise DerivekitError("the colourization nets train on --synthetic data only (seed "
                                 "004's colour clusters are not packaged)")
        from derivekit.train.catalog import COLOURIZATION

        return data.synthetic_colourization(COLOURIZATION["num_colours"])
    if synthetic:
        return data.synthetic_cifar10()
    return data.load_cifar10(data.cifar10_dir(data_dir), download=download)


def _model_run(name: str, batch_size: int | None, epochs: int | None, lr: float | None,
               seed: int, data_dir: Path | None, synthetic: bool, download: bool,
               run_dir: Path | None, json_out: bool) -> None:
    from derivekit.train.runner import check_run_dir, check_settings, run_config, train

    spec = model_spec(name)
    batch_size = spec.batch_size if batch_size is None else batch_size
    epochs = spec.epochs if epochs is None else epochs
    lr = spec.lr if lr is None else lr
    check_settings(batch_size, epochs, lr)
    settings = {"model": name, "batch_size": batch_size, "epochs": epochs, "lr": lr,
                "seed": seed}
    if run_dir is not None:
        check_run_dir(run_dir, settings)  # before the data is loaded
    dataset = _dataset(spec.task, synthetic, data_dir, download)
    config = run_config(name, batch_size, epochs, lr, seed, dataset)
    run_dir = run_dir or Path("runs") / (f"{name}-{dataset.name}-b{config.batch_size}"
                                         f"-e{config.epochs}-lr{config.lr:g}-s{seed}")
    with _progress(json_out) as progress:
        task = progress.add_task(name, total=config.epochs, unit="epoch")
        result = train(config, dataset, run_dir,
                       on_progress=lambda e, done, total: progress.update(task, completed=e + done / total))
    if json_out:
        typer.echo(json.dumps({"run_dir": str(result.run_dir), "config": config.__dict__,
                               "compile_seconds": round(result.compile_seconds, 2),
                               "metrics": result.metrics}, indent=2))
        return
    _print_metrics(result)


def _sweep(name: str | None, epochs: int | None, lr: float | None, seed: int,
           data_dir: Path | None, synthetic: bool, download: bool, run_dir: Path | None,
           json_out: bool, batch_size: int | None) -> None:
    from derivekit.train.sweep import check_sweep_dir, run_sweep, sweep_plan

    if name is None:
        raise DerivekitError("name the sweep: derivekit train sweep seed000")
    if batch_size is not None:
        raise DerivekitError("a sweep sets its own batch sizes; drop --batch-size")
    plan = sweep_plan(name, epochs)
    lr = 0.001 if lr is None else lr
    if run_dir is not None:
        check_sweep_dir(name, run_dir, epochs, lr, seed)  # before the data is loaded
    dataset = _dataset("cifar10", synthetic, data_dir, download)
    run_dir = run_dir or Path("runs") / (f"sweep-{name}-{dataset.name}-e{max(plan['epochs'])}"
                                         f"-lr{lr:g}-s{seed}")
    with _progress(json_out) as progress:
        tasks = {}

        def start(batch: int, horizon: int) -> None:
            tasks[batch] = progress.add_task(f"batch {batch}", total=horizon, unit="epoch")

        rows, results = run_sweep(
            name, dataset, run_dir, max_epochs=epochs, lr=lr, seed=seed, on_start=start,
            on_progress=lambda e, done, total: progress.update(tasks[max(tasks)],
                                                               completed=e + done / total))
    if json_out:
        typer.echo((run_dir / "sweep.json").read_text(), nl=False)
        return
    from rich.table import Table

    table = Table(title=f"{name}: test accuracy ({dataset.name}, {run_dir})")
    for column in ("batch size", "epochs", "test accuracy", "test loss", "images/s"):
        table.add_column(column, justify="right")
    speed = {r.run_dir.name: r.metrics[-1]["images_per_s"] for r in results}
    for row in rows:
        table.add_row(str(row.batch_size), str(row.epochs), f"{100 * row.test_accuracy:.2f} %",
                      f"{row.test_loss:.4f}", f"{speed[f'batch-{row.batch_size}']:.0f}")
    _console().print(table)


def _print_metrics(result) -> None:
    from rich.table import Table

    table = Table(title=f"{result.run_dir} (compile {result.compile_seconds:.1f} s)")
    columns = ("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "images_per_s")
    for column in columns:
        table.add_column(column.replace("_", " "), justify="right")
    for row in result.metrics:
        table.add_row(str(row["epoch"]), *(f"{row[c]:.4f}" for c in columns[1:-1]),
                      f"{row['images_per_s']:.0f}")
    _console().print(table)
    typer.echo(f"plots: {result.run_dir / 'figures'}/training-{{loss,accuracy}}.png")


def _progress(quiet: bool):
    """On stderr: rich bars on a terminal, a log line per tenth of the run (rate, ETA)
    elsewhere; nothing with --json."""
    from rich.progress import BarColumn, TextColumn, TimeRemainingColumn

    from derivekit.terminal import progress

    return progress((TextColumn("{task.description}"), BarColumn(),
                     TextColumn("epoch {task.completed:.1f}/{task.total:.0f}"),
                     TimeRemainingColumn()), quiet=quiet)
