"""Output for people and for pipes: rich on a terminal; on a pipe or a CI log, whole lines
(never wrapped or cut) and progress as one log line per tenth of the work, with rate and ETA.

Used by the command-line front ends only (``derivekit.cli``, ``derivekit.train.cli``).
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

UNWRAPPED_WIDTH = 100_000
"""The width given to rich when the stream is not a terminal: no line is ever that long, so
nothing is wrapped, cut or ellipsised (ids stay whole, LaTeX stays in one piece)."""


def console(stderr: bool = False):  # noqa: ANN201  (rich is imported lazily)
    """A rich console on stdout (or stderr): as wide as the terminal, or unwrapped."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return Console(stderr=stderr, highlight=False, soft_wrap=False)
    return Console(file=stream, highlight=False, soft_wrap=True, width=UNWRAPPED_WIDTH)


def progress(columns: tuple, quiet: bool = False):  # noqa: ANN201
    """A rich progress display on stderr when it is a terminal, else a :class:`LogProgress`
    (both answer ``add_task`` and ``update``); ``quiet`` shows neither."""
    from rich.progress import Progress

    if quiet:
        return Progress(disable=True)
    if sys.stderr.isatty():
        return Progress(*columns, console=console(stderr=True), transient=True)
    return LogProgress(sys.stderr)


def duration(seconds: float) -> str:
    """'42 s', '3 min 05 s', '1 h 02 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds // 60 % 60:02d} min"


class LogProgress:
    """Progress for a log: a line each time a task passes another tenth of its total (and at
    the end), e.g. ``deep-cnn: 0.4/2 epochs (20%), 95 s per epoch, ETA 2 min 32 s``; ``unit``
    is singular.

    It answers the part of rich's ``Progress`` interface the commands use, so a command
    reports progress the same way on a terminal and off it.
    """

    STEPS = 10

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tasks: list[dict[str, Any]] = []

    def __enter__(self) -> LogProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, description: str, total: float, unit: str = "", **_: Any) -> int:
        self.tasks.append({"description": description, "total": total, "completed": 0.0,
                           "unit": unit, "started": time.monotonic(), "logged": 0})
        return len(self.tasks) - 1

    def update(self, task_id: int, *, completed: float | None = None, advance: float = 0.0,
               **_: Any) -> None:
        """Record progress; other fields (a live bar's current item) do not go in a log."""
        task = self.tasks[task_id]
        task["completed"] = task["completed"] + advance if completed is None else completed
        tenth = int(self.STEPS * task["completed"] / task["total"]) if task["total"] else 0
        if tenth > task["logged"]:
            task["logged"] = tenth
            self.stream.write(self._line(task) + "\n")
            self.stream.flush()

    def advance(self, task_id: int, advance: float = 1.0) -> None:
        self.update(task_id, advance=advance)

    @staticmethod
    def _line(task: dict[str, Any]) -> str:
        done, total, unit = task["completed"], task["total"], task["unit"]
        elapsed = time.monotonic() - task["started"]
        count = f"{_count(done)}/{_count(total)}" + (f" {unit}s" if unit else "")
        line = f"{task['description']}: {count} ({100 * done / total:.0f}%)"
        if done <= 0 or elapsed <= 0:
            return line
        rate = done / elapsed
        per = f"{rate:.3g} {unit or 'item'}s/s" if rate >= 1 else \
            f"{duration(1 / rate)} per {unit or 'item'}"
        eta = "done" if done >= total else f"ETA {duration((total - done) / rate)}"
        return f"{line}, {per}, {eta}"


def _count(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
