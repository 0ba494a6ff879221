"""Draw a problem's figures (and training curves) with matplotlib's Agg canvas.

PNG and PDF are written without timestamps or version strings, so the same data gives the
same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from derivekit.errors import DerivekitError
from derivekit.model import Figure, Plot

_PNG_METADATA = {"Software": None}
_PDF_METADATA = {"Creator": None, "Producer": None, "CreationDate": None}


def draw(plot: Plot, stem: Path) -> None:
    """Write ``stem``.png and ``stem``.pdf."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=(6.0, 3.6), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for i, (label, x, y) in enumerate(plot.series):
        if plot.stem:
            ax.stem(x, y, label=label, basefmt=" ", linefmt=f"C{i}-", markerfmt=f"C{i}o")
        else:
            ax.plot(x, y, label=label, color=f"C{i}")
    for x, label in plot.vlines:
        ax.axvline(x, linestyle="--", color="0.3", linewidth=1)
        ax.annotate(label, (x, 1.0), xycoords=("data", "axes fraction"), rotation=90,
                    va="top", ha="right", fontsize=8)
    if plot.logy:
        ax.set_yscale("log")
    ax.set_xlabel(plot.xlabel)
    ax.set_ylabel(plot.ylabel)
    if plot.series:
        ax.legend(fontsize=8)
    fig.tight_layout()
    stem.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(stem.with_suffix(".png"), metadata=_PNG_METADATA)
    fig.savefig(stem.with_suffix(".pdf"), metadata=_PDF_METADATA)


def draw_problem_figure(problem_id: str, figure: Figure, folder: Path) -> tuple[str, str]:
    """Draw one declared figure into ``folder``/figures; returns (relative stem, caption)."""
    stem = f"figures/{problem_id}-{figure.name}"
    draw(figure.plot(), folder / stem)
    return stem, figure.caption


def training_curves(log: Path, folder: Path) -> tuple[tuple[str, str], ...]:
    """Loss and accuracy per epoch from a trainer's JSONL log (one object per epoch)."""
    try:
        rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise DerivekitError(f"cannot read training log {log}: {exc}") from None
    if not rows or any("epoch" not in r for r in rows):
        raise DerivekitError(f"training log {log}: every line needs an 'epoch' field")
    epochs = [r["epoch"] for r in rows]
    out = []
    for kind in ("loss", "accuracy"):
        keys = sorted({k for r in rows for k, v in r.items()
                       if kind in k and isinstance(v, (int, float))})
        if not keys:
            continue
        series = tuple((k, epochs, [r.get(k, float("nan")) for r in rows]) for k in keys)
        stem = f"figures/training-{kind}"
        draw(Plot(series=series, xlabel="epoch", ylabel=kind), folder / stem)
        out.append((stem, f"{kind.capitalize()} per epoch ({log.name})"))
    if not out:
        raise DerivekitError(f"training log {log}: no loss or accuracy fields")
    return tuple(out)
