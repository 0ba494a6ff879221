"""Plausible wrong variants of a part, to prove that its checks can fail.

Every part gets the generic mutations (sign flipped, factor 2, transposed where that changes
the value, the opposite sense for an optimum) plus the wrong answers its problem file
declares (dropped terms, wrong layouts, real seed mistakes). The test suite runs every
variant through the same checks and requires each to be rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from derivekit.model import Optimum, Part, Problem
from derivekit.points import call, shape_sets


@dataclass(frozen=True)
class _Transformed:
    """``transform(fn(...))``: a problem function with its value mutated."""

    fn: Callable
    transform: Callable[[Any], Any]

    def __call__(self, *leading: Any, **values: Any) -> Any:
        return self.transform(call(self.fn, values, *leading))


def _transposed(x: Any) -> Any:
    return x.T


def _transpose_changes_value(problem: Problem, part: Part) -> bool:
    """True unless the answer is scalar or symmetric at a sample point (then .T is no mutant)."""
    if not hasattr(part, "answer") or type(part).__name__ != "Derivative":
        return False
    _, points, _, _ = shape_sets(problem, part, seed=0, count=1)[0]
    value = np.asarray(call(part.answer, points[0]))
    return value.ndim == 2 and (value.shape[0] != value.shape[1] or
                                not np.allclose(value, value.T))


def mutants(problem: Problem, part: Part) -> list[tuple[str, Part]]:
    """(label, wrong part) pairs; every one must fail verification."""
    answer = getattr(part, part.ANSWER_FIELD)
    out = [
        ("sign flipped", part.with_answer(_Transformed(answer, lambda v: -v))),
        ("factor 2", part.with_answer(_Transformed(answer, lambda v: 2 * v))),
    ]
    if _transpose_changes_value(problem, part):
        out.append(("transposed", part.with_answer(_Transformed(answer, _transposed))))
    if isinstance(part, Optimum):
        out.append(("opposite sense",
                    part.with_answer("max" if part.sense == "min" else "min", "sense")))
    out.extend((w.label, part.with_answer(w.value, w.field)) for w in part.wrong)
    return out
