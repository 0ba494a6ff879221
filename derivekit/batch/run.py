"""Grade many rows: each distinct answer once, each part's work shared, in this process, in
worker processes (``jobs``) or on a Dask cluster; results in input order and the same bytes
whichever way they were computed.

A row is graded by :func:`derivekit.grade.check`, which depends only on the problem, the
part, the answer's text, the seed and ``any_layout``. So identical answers to a part are
graded once, and the answers of a part are cut into chunks that any worker can grade; a
worker keeps what it has learnt about a part (scope, points, truth values, symbolic truth,
proofs of answer trees: :func:`derivekit.grade.shared_work`) for the next chunk of it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from derivekit import grade, registry
from derivekit.batch.rows import Row
from derivekit.errors import DerivekitError, ProblemDefinitionError
from derivekit.model import Problem

Result = dict[str, Any]
CHUNK = 64
"""Distinct answers per unit of work: small enough to balance workers, large enough that
sending a unit costs little beside grading it."""
ANSWERS_PER_WORKER = 2000
"""``jobs=0`` (auto) uses one more worker per this many distinct answers: a worker costs
about 2 s of CPU to start (imports, first use of SymPy), a distinct answer about 1.5 ms."""
PREPARE_S = 60.0
"""The time limit for :func:`_prepare`."""
_MEMO_LIMIT = 200_000
"""Entries a long-lived worker keeps between units before starting afresh."""


@dataclass(frozen=True)
class Unit:
    """Distinct answers to one part: what a worker grades in one go."""

    problem: str
    """The problem file's path (workers load it themselves)."""
    part: str
    answers: tuple[str, ...]


def check_batch(rows: Sequence[Row], problems: Path | None = None, seed: int = 0,
                any_layout: bool = False, jobs: int = 1, dask: str | None = None,
                share: bool = True, on_done: Callable[[int], None] | None = None
                ) -> list[Result]:
    """One result per row, in order: the row's number, its student and the feedback.

    A row that could not be read, or names an unknown problem or part, is ``invalid`` with
    the reason; every other row is graded. ``jobs``: worker processes (0: as many as pay,
    up to one per core); ``dask``: a scheduler address (``tcp://host:8786``) or ``local:N``
    (a local cluster of N worker processes). ``share=False`` grades every row on its own,
    as derivekit did before batches shared work (the benchmark's baseline). ``on_done(n)``
    is told each time n more rows are done.
    """
    results: list[Result | None] = [None] * len(rows)
    waiting: dict[tuple[str, str], dict[str, list[int]]] = {}
    parts: dict[tuple[str, str], tuple[Problem, Any]] = {}
    catalog = registry.catalog(problems)
    for index, row in enumerate(rows):
        try:
            if row.error:
                raise DerivekitError(row.error)
            problem = catalog.get(row.problem) or registry.lookup(row.problem, problems)
            part = problem.part(row.part)
        except DerivekitError as exc:
            results[index] = _result(row, grade.Feedback(row.problem, row.part, row.answer,
                                                         "invalid", message=str(exc)))
            continue
        if not share:
            results[index] = _result(row, grade.check(problem, part, row.answer, seed,
                                                      any_layout=any_layout).to_dict())
            continue
        key = (problem.path or f"id:{problem.id}", part.name)
        parts[key] = (problem, part)
        waiting.setdefault(key, {}).setdefault(row.answer, []).append(index)
    if on_done:
        on_done(sum(r is not None for r in results))
    units = [Unit(path, name, tuple(answers[i:i + CHUNK]))
             for (path, name), by_text in waiting.items()
             for answers in [list(by_text)] for i in range(0, len(answers), CHUNK)]

    def finished(unit: Unit, graded: list[Result]) -> None:
        by_text = waiting[unit.problem, unit.part]
        for text, feedback in zip(unit.answers, graded):
            for index in by_text[text]:
                results[index] = _result(rows[index], feedback)
        if on_done:
            on_done(sum(len(by_text[text]) for text in unit.answers))

    jobs = jobs or auto_jobs(sum(len(u.answers) for u in units))
    from_files = all(problem.path for problem, _ in parts.values())
    if dask and not from_files:
        raise DerivekitError("Dask workers load problems from their files: these have none")
    if dask:
        _on_dask(dask, units, seed, any_layout, finished)
    elif jobs > 1 and len(units) > 1 and from_files:
        _in_processes(jobs, units, seed, any_layout, finished)
    else:
        memo: dict = {}
        for unit in units:
            problem, part = parts[unit.problem, unit.part]
            finished(unit, _grade(problem, part, unit.answers, seed, any_layout, memo))
    return results  # type: ignore[return-value]  (every row has its result now)


def auto_jobs(distinct_answers: int) -> int:
    """Worker processes that pay for ``distinct_answers``: one more per ANSWERS_PER_WORKER,
    at most one per core (and at most 4)."""
    from derivekit.verify import default_jobs

    return max(1, min(default_jobs(), distinct_answers // ANSWERS_PER_WORKER))


def _result(row: Row, feedback: Result | grade.Feedback) -> Result:
    if isinstance(feedback, grade.Feedback):
        feedback = feedback.to_dict()
    return {"row": row.row, "student": row.student, **feedback, "answer": row.answer}


def _grade(problem: Problem, part: Any, answers: Iterable[str], seed: int, any_layout: bool,
           memo: dict) -> list[Result]:
    with grade.shared_work(memo):
        _prepare(problem, part, seed, any_layout, memo)
        return [grade.check(problem, part, text, seed, any_layout=any_layout).to_dict()
                for text in answers]


def _prepare(problem: Problem, part: Any, seed: int, any_layout: bool, memo: dict) -> None:
    """Before the first answer to a part, outside its time limit, grade the part's own
    closed form: this does the imports and first-use work of grading (seconds in a fresh
    worker) and what the part's answers share, so that no answer's verdict depends on
    whether it came first."""
    key = ("prepared", id(problem), id(part), seed, any_layout)
    if key not in memo:
        grade.check(problem, part, part.answer_latex, seed, timeout=PREPARE_S,
                    any_layout=any_layout)
        memo[key] = (problem, part)


# --------------------------------------------------------------------------- workers
_WORKER_MEMO: dict = {}
"""What a worker process has learnt about the parts it graded (kept across units)."""


def _problem(path: str) -> Problem:
    """The problem in a file, loaded again when the file changes (a Dask worker can outlive
    many batches)."""
    try:
        stat = Path(path).stat()
    except OSError as exc:
        raise ProblemDefinitionError(f"{path}: {exc.strerror} on this worker (workers need "
                                     f"the problem files at the same paths)") from None
    return _loaded(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _loaded(path: str, mtime_ns: int, size: int) -> Problem:
    return registry.load_file(Path(path))


def grade_unit(unit: Unit, seed: int, any_layout: bool) -> list[Result]:
    """Grade one unit in a worker (a process of the pool, or a Dask worker)."""
    if len(_WORKER_MEMO) > _MEMO_LIMIT:
        _WORKER_MEMO.clear()
    problem = _problem(unit.problem)
    return _grade(problem, problem.part(unit.part), unit.answers, seed, any_layout,
                  _WORKER_MEMO)


def _in_processes(jobs: int, units: list[Unit], seed: int, any_layout: bool,
                  finished: Callable[[Unit, list[Result]], None]) -> None:
    """Spawned processes (never forked: JAX is multithreaded), each importing derivekit once."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(units)), mp_context=context) as pool:
        futures = {pool.submit(grade_unit, unit, seed, any_layout): unit for unit in units}
        try:
            for future in as_completed(futures):
                finished(futures[future], future.result())
        except BrokenProcessPool as exc:
            raise DerivekitError(f"a worker process died ({exc}); try fewer --jobs") from None


def _on_dask(address: str, units: list[Unit], seed: int, any_layout: bool,
             finished: Callable[[Unit, list[Result]], None]) -> None:
    """On a Dask cluster: a scheduler's address, or ``local:N`` for a local cluster of N
    worker processes with one thread each. Workers need derivekit installed and the problem
    files at the same paths."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise DerivekitError("--dask needs Dask distributed: pip install 'derivekit[dask]'"
                             ) from None
    cluster = None
    try:
        if address.startswith("local:"):
            count = address.removeprefix("local:")
            if not count.isdigit() or int(count) < 1:
                raise DerivekitError(f"--dask {address}: write local:N with N workers, "
                                     f"e.g. local:2")
            cluster = LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        with Client(cluster or address, timeout=10) as client:
            futures = client.map(grade_unit, units, seed=seed, any_layout=any_layout,
                                 pure=False)
            by_key = dict(zip((f.key for f in futures), units))
            for future in as_completed(futures):
                finished(by_key[future.key], future.result())
    except DerivekitError:
        raise
    except (OSError, TimeoutError) as exc:
        raise DerivekitError(f"cannot use the Dask cluster at {address}: {exc}") from None
    except Exception as exc:  # a worker lost or failing: one line, not Dask's traceback
        raise DerivekitError(f"the Dask cluster at {address} failed: "
                             f"{type(exc).__name__}: {exc}") from None
    finally:
        if cluster is not None:
            cluster.close()
