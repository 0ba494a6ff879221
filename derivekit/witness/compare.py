"""Accumulate element-wise comparisons into one WitnessResult.

An entry passes when |got - want| <= atol + rtol * |want| (NumPy's allclose rule); a shape
mismatch or a non-finite value fails the witness outright and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from derivekit.verdict import WitnessResult

RTOL = 1e-7
ATOL = 1e-9
"""Float64 tolerances for exact closed forms (DESIGN: relative 1e-7, absolute 1e-9)."""


@dataclass
class Tally:
    name: str
    rtol: float = RTOL
    atol: float = ATOL
    max_abs: float = 0.0
    max_rel: float = 0.0
    used: float = 0.0
    points: int = 0
    shapes: list[dict[str, int]] = field(default_factory=list)
    failure: str = ""
    counterexample: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def shape_set(self, dims: Mapping[str, int]) -> None:
        self.shapes.append(dict(dims))

    def fail(self, why: str) -> None:
        if not self.failure:
            self.failure = why

    def compare(self, got: Any, want: Any, where: str = "", atol: float | None = None,
                point: int | None = None) -> bool:
        """Compare one point; returns whether it passed (the first failure is remembered,
        with the point index for a counterexample)."""
        self.points += 1
        got = np.asarray(got, dtype=float)
        want = np.asarray(want, dtype=float)
        if got.shape != want.shape:
            self._record(point, where, [], f"shape {got.shape}", f"shape {want.shape}")
            self.fail(f"shape {got.shape} where {want.shape} is expected{_at(where)}")
            return False
        if not (np.all(np.isfinite(got)) and np.all(np.isfinite(want))):
            self.fail(f"non-finite value{_at(where)}")
            return False
        atol = self.atol if atol is None else atol
        err = np.abs(got - want)
        allowed = atol + self.rtol * np.abs(want)
        self.max_abs = max(self.max_abs, float(err.max(initial=0.0)))
        with np.errstate(over="ignore"):
            rel = err / np.maximum(np.abs(want), np.finfo(float).tiny)
        self.max_rel = max(self.max_rel, float(rel.max(initial=0.0)))
        used = float((err / allowed).max(initial=0.0))
        self.used = max(self.used, used)
        if used > 1.0:
            worst = np.unravel_index(np.argmax(err / allowed), err.shape) if err.ndim else ()
            entry = tuple(int(i) for i in worst)
            self._record(point, where, list(entry), float(got[worst]), float(want[worst]))
            self.fail(f"entry {entry}: got {float(got[worst]):.10g}, "
                      f"expected {float(want[worst]):.10g}{_at(where)}")
            return False
        return True

    def _record(self, point: int | None, where: str, entry: list[int], claimed: Any,
                true: Any) -> None:
        if not self.failure:
            self.counterexample = {
                "shapes": self.shapes[-1] if self.shapes else {}, "point": point,
                "where": where, "entry": entry, "claimed": claimed, "true": true,
            }

    def result(self, detail: str = "") -> WitnessResult:
        text = self.failure or "; ".join(filter(None, [detail, *self.notes]))
        return WitnessResult(
            name=self.name,
            passed=not self.failure,
            max_abs_error=self.max_abs,
            max_rel_error=self.max_rel,
            rtol=self.rtol,
            atol=self.atol,
            points=self.points,
            shapes=tuple(self.shapes),
            detail=text,
            tolerance_used=self.used,
            counterexample=self.counterexample,
        )


def not_applicable(name: str, why: str) -> WitnessResult:
    return WitnessResult(name=name, passed=None, detail=why)


def _at(where: str) -> str:
    return f" ({where})" if where else ""
