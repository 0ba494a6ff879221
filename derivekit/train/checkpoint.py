"""Orbax checkpoints of the training state, keyed by global step.

Orbax writes each checkpoint to a temporary folder and renames it when complete, so a run
killed while saving resumes from the previous one.
"""

from __future__ import annotations

from pathlib import Path

import jax
import orbax.checkpoint as ocp

from derivekit.train.loop import TrainState


def manager(run_dir: Path) -> ocp.CheckpointManager:
    options = ocp.CheckpointManagerOptions(max_to_keep=2, create=True)
    return ocp.CheckpointManager(Path(run_dir).absolute() / "checkpoints", options=options)


def save(checkpoints: ocp.CheckpointManager, step: int, state: TrainState) -> None:
    checkpoints.save(step, args=ocp.args.StandardSave(state))
    checkpoints.wait_until_finished()


def restore_latest(checkpoints: ocp.CheckpointManager, like: TrainState
                   ) -> tuple[int, TrainState] | None:
    """(global step, state) of the newest checkpoint, shaped like ``like``; None for a new run."""
    step = checkpoints.latest_step()
    if step is None:
        return None
    abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, like)
    return step, checkpoints.restore(step, args=ocp.args.StandardRestore(abstract))
