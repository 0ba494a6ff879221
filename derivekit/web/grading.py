"""Grade typed answers in a worker process, so that the grader's own time limit applies.

:func:`derivekit.grade.check` stops an answer after 3 s with a timer signal, which only the
main thread of a process receives: the web server's threads could not stop a runaway answer.
One spawned worker process grades one answer at a time in its main thread, exactly as the
CLI does; should an answer still overrun (stuck inside a C call), the server answers
``invalid`` at the deadline and replaces the worker.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from pathlib import Path
from typing import Any, Callable

from derivekit.errors import DerivekitError

GRACE_S = 2.0
"""Added to the grader's limit for the round trip before the server gives up on the worker."""
WARM_UP_S = 180.0
"""How long the worker may take to start (imports of numpy, sympy and jax, the catalog)."""


def _warm(root: str | None) -> int:
    from derivekit import grade, registry  # noqa: F401  (imported once, here)

    return len(registry.catalog(Path(root) if root else None))


def _check(root: str | None, problem_id: str, part_name: str, answer: str, seed: int,
           any_layout: bool) -> dict[str, Any]:
    from derivekit import grade, registry
    from derivekit.sheet.html import feedback_html

    problem = registry.lookup(problem_id, Path(root) if root else None)
    feedback = grade.check(problem, problem.part(part_name), answer, seed,
                           any_layout=any_layout)
    return {**feedback.to_dict(), "html": feedback_html(feedback)}


def timed_out(problem_id: str, part_name: str, answer: str) -> dict[str, Any]:
    from derivekit.grade import TIMEOUT_S, Feedback
    from derivekit.sheet.html import feedback_html

    feedback = Feedback(problem_id, part_name, answer, "invalid",
                        message=f"checking took longer than {TIMEOUT_S:g} s")
    return {**feedback.to_dict(), "html": feedback_html(feedback)}


def _work(connection: Any) -> None:
    """The worker's loop: run each (function, args) received, send back its result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    while True:
        try:
            fn, args = connection.recv()
        except EOFError:
            return
        try:
            connection.send((True, fn(*args)))
        except Exception as exc:  # noqa: BLE001  (sent back, raised in the server)
            connection.send((False, DerivekitError(f"{type(exc).__name__}: {exc}")))


class Grader:
    """The grading worker: :meth:`check` is awaited by request handlers, one at a time."""

    def __init__(self, root: Path | None) -> None:
        self.root = str(root) if root else None
        self._lock = asyncio.Lock()
        self._process: Any = None
        self._connection: Any = None
        self._warm = False

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=_work, args=(theirs,), daemon=True,
                                         name="derivekit-grader")
        self._process.start()
        theirs.close()
        self._warm = False

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join()
            self._connection.close()
            self._process = self._connection = None

    async def check(self, problem_id: str, part_name: str, answer: str, seed: int,
                    any_layout: bool) -> dict[str, Any]:
        from derivekit.grade import TIMEOUT_S

        async with self._lock:
            if self._process is None:
                self.start()
            if not self._warm:  # the first call pays for the imports, without a deadline
                await self._run(_warm, (self.root,), WARM_UP_S)
                self._warm = True
            try:
                return await self._run(_check, (self.root, problem_id, part_name, answer,
                                                seed, any_layout), TIMEOUT_S + GRACE_S)
            except asyncio.TimeoutError:
                return timed_out(problem_id, part_name, answer)

    async def warm_up(self) -> None:
        """Start the worker and its imports now, so the first answer is quick."""
        async with self._lock:
            if self._process is None:
                self.start()
            await self._run(_warm, (self.root,), WARM_UP_S)
            self._warm = True

    async def _run(self, fn: Callable, args: tuple, deadline: float) -> Any:
        """``fn(*args)`` in the worker; past the deadline the worker is replaced."""
        self._connection.send((fn, args))
        try:
            ok, value = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(
                None, self._connection.recv), deadline)
        except asyncio.TimeoutError:
            self.close()
            self.start()
            raise
        except (EOFError, OSError):
            self.close()
            raise DerivekitError("the grading worker stopped; it restarts with the next "
                                 "answer") from None
        if not ok:
            raise value
        return value
