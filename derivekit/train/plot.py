"""Loss and accuracy curves of a run, drawn by the answer-sheet figure code (same bytes for the
same metrics)."""

from __future__ import annotations

from pathlib import Path


def draw_curves(metrics: Path, run_dir: Path) -> list[Path]:
    """figures/training-loss.png and figures/training-accuracy.png (and PDFs) under ``run_dir``."""
    from derivekit.sheet.figures import training_curves

    return [run_dir / f"{stem}.png" for stem, _ in training_curves(metrics, run_dir)]
