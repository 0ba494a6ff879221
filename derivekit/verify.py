"""Problem -> Verdict: run the check of each part's kind and collect the witnesses."""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path
from typing import Callable, Sequence, TypeVar

import numpy as np

from derivekit.errors import DerivekitError
from derivekit.model import (
    ConvergenceRange,
    Derivative,
    Equation,
    Expectation,
    Iteration,
    Limit,
    Optimum,
    Part,
    Problem,
)
from derivekit.verdict import (PartVerdict, ProblemVerdict, WitnessResult, first_failure,
                               part_status)

DEFAULT_SEED = 0
T = TypeVar("T")

Check = Callable[[Problem, Part, int], tuple[str, tuple[WitnessResult, ...]]]


def _checks() -> dict[type[Part], Check]:
    from derivekit.checks import derivative, equation, expectation, iteration, optimum

    return {
        Derivative: derivative.check,
        Equation: equation.check,
        Expectation: expectation.check,
        Optimum: optimum.check,
        Iteration: iteration.check_iteration,
        Limit: iteration.check_limit,
        ConvergenceRange: iteration.check_range,
    }


def verify_part(problem: Problem, part: Part, seed: int = DEFAULT_SEED,
                wrong_variants: bool = False) -> PartVerdict:
    """Derive and witness one part. A crash in the stated functions is an 'error' verdict.

    ``wrong_variants`` also runs the part's declared wrong answers and the automatic mutants
    (:mod:`derivekit.mutants`) through the same checks: a verified part whose checks accept
    one of them fails, since checks that cannot fail prove nothing (a user's pack is held to
    the standard the project's tests hold the catalog to)."""
    layout = getattr(part, "layout", None)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # non-finite values are verdicts
            asks, witnesses = _checks()[type(part)](problem, part, seed)
    except DerivekitError as exc:
        return _errored(part, layout, str(exc))
    except (ArithmeticError, TypeError, ValueError, IndexError, KeyError, AttributeError,
            NameError, NotImplementedError) as exc:  # raised by the problem's own functions
        return _errored(part, layout, f"{type(exc).__name__}: {exc}")
    if wrong_variants and part_status(witnesses) == "verified":
        witnesses += (_rejects_wrong_answers(problem, part, seed),)
    status = part_status(witnesses)
    message = first_failure(witnesses) if status == "failed" else ""
    if status == "error":
        message = "no witness applies to this part"
    return PartVerdict(name=part.name, kind=part.KIND, asks=asks, status=status,
                       answer_latex=part.answer_latex, layout=layout, witnesses=witnesses,
                       message=message)


def _rejects_wrong_answers(problem: Problem, part: Part, seed: int) -> WitnessResult:
    from derivekit.mutants import mutants

    variants = mutants(problem, part)
    accepted = [label for label, wrong in variants
                if verify_part(problem, wrong, seed).status == "verified"]
    labels = ", ".join(label for label, _ in variants)
    detail = (f"accepted {len(accepted)} of {len(variants)} wrong variants: "
              f"{', '.join(accepted)}" if accepted else
              f"all {len(variants)} wrong variants rejected ({labels})")
    return WitnessResult(name="rejects-wrong-answers", passed=not accepted,
                         points=len(variants), detail=detail)


def _errored(part: Part, layout: str | None, message: str) -> PartVerdict:
    return PartVerdict(name=part.name, kind=part.KIND, asks=part.KIND, status="error",
                       answer_latex=part.answer_latex, layout=layout, witnesses=(),
                       message=message)


def verify_problem(problem: Problem, seed: int = DEFAULT_SEED,
                   wrong_variants: bool = False) -> ProblemVerdict:
    started = time.perf_counter()
    parts = tuple(verify_part(problem, part, seed, wrong_variants) for part in problem.parts)
    return ProblemVerdict(
        id=problem.id,
        title=problem.title,
        source=f"{problem.source.seed} {problem.source.section}",
        seed=seed,
        parts=parts,
        elapsed_s=time.perf_counter() - started,
    )


def _in_worker(work: Callable[[Problem, int], T], path: str, seed: int) -> T:
    from derivekit.registry import load_file

    return work(load_file(Path(path)), seed)


def map_problems(work: Callable[[Problem, int], T], problems: Sequence[Problem],
                 seed: int = DEFAULT_SEED, jobs: int = 1,
                 on_done: Callable[[T], None] | None = None) -> list[T]:
    """``work(problem, seed)`` for every problem, in ``jobs`` worker processes when that pays.

    ``work`` must be a module-level function (workers receive it by name). Workers are
    spawned (never forked: JAX is multithreaded), each paying the import of sympy and jax
    once; results come back in input order and are identical to a serial run, since every
    random draw depends only on the seed and the problem.
    """
    if jobs <= 1 or len(problems) < 2 or any(not p.path for p in problems):
        results = []
        for problem in problems:
            results.append(work(problem, seed))
            if on_done:
                on_done(results[-1])
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(problems)), mp_context=context) as pool:
        futures = [pool.submit(_in_worker, work, p.path, seed) for p in problems]
        results = []
        for future in futures:
            results.append(future.result())
            if on_done:
                on_done(results[-1])
    return results


def verify_many(problems: Sequence[Problem], seed: int = DEFAULT_SEED, jobs: int = 1,
                on_done: Callable[[ProblemVerdict], None] | None = None,
                wrong_variants: bool = False) -> list[ProblemVerdict]:
    """Verify several problems (see :func:`map_problems`)."""
    work = verify_with_wrong_variants if wrong_variants else verify_problem
    return map_problems(work, problems, seed, jobs, on_done)


def verify_with_wrong_variants(problem: Problem, seed: int = DEFAULT_SEED) -> ProblemVerdict:
    """:func:`verify_problem` that also requires every wrong variant to be rejected (a
    module-level function: worker processes receive it by name)."""
    return verify_problem(problem, seed, wrong_variants=True)


def default_jobs() -> int:
    """Worker processes for a multi-problem run: one per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))
