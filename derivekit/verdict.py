"""Verdicts: plain data that every front end reads (CLI tables, JSON, JUnit, sheets).

A part is *verified* only when every witness that applies to it passed; a witness that does
not apply (no symbolic form for an eigendecomposition, say) says why and does not count.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

from derivekit.display import Displayable

Status = Literal["verified", "failed", "error"]


@dataclass(frozen=True)
class WitnessResult:
    """One independent check of one part: what it compared, where, and how far apart."""

    name: str
    passed: bool | None
    """None: the witness does not apply to this part (``detail`` says why)."""
    max_abs_error: float = 0.0
    max_rel_error: float = 0.0
    rtol: float = 0.0
    atol: float = 0.0
    points: int = 0
    shapes: tuple[dict[str, int], ...] = ()
    detail: str = ""

    tolerance_used: float = 0.0
    """max over compared entries of |error| / (atol + rtol·|reference|); > 1 fails."""
    counterexample: dict[str, Any] | None = None
    """The first failing comparison: shapes, point index, entry, claimed and true values."""


@dataclass(frozen=True)
class PartVerdict(Displayable):
    name: str
    kind: str
    asks: str
    status: Status
    answer_latex: str
    layout: str | None
    witnesses: tuple[WitnessResult, ...]
    message: str = ""
    """Why it failed (first failing witness), or the error message."""

    @property
    def worst(self) -> WitnessResult | None:
        counted = [w for w in self.witnesses if w.passed is not None]
        return max(counted, key=lambda w: w.tolerance_used, default=None)

    @property
    def max_error(self) -> float:
        worst = self.worst
        return worst.max_abs_error if worst else 0.0

    @property
    def tolerance(self) -> dict[str, float]:
        worst = self.worst
        return {"rtol": worst.rtol, "atol": worst.atol} if worst else {"rtol": 0.0, "atol": 0.0}


@dataclass(frozen=True)
class ProblemVerdict(Displayable):
    id: str
    title: str
    source: str
    seed: int
    parts: tuple[PartVerdict, ...]
    message: str = ""
    elapsed_s: float = field(default=0.0, compare=False)

    @property
    def status(self) -> Status:
        if self.message or any(p.status == "error" for p in self.parts):
            return "error"
        if any(p.status == "failed" for p in self.parts):
            return "failed"
        return "verified"


def part_status(witnesses: tuple[WitnessResult, ...]) -> Status:
    """verified iff at least one witness applied and every applicable one passed."""
    counted = [w.passed for w in witnesses if w.passed is not None]
    if not counted:
        return "error"
    return "verified" if all(counted) else "failed"


def first_failure(witnesses: tuple[WitnessResult, ...]) -> str:
    for w in witnesses:
        if w.passed is False:
            return f"{w.name}: {w.detail}" if w.detail else w.name
    return ""


# --------------------------------------------------------------------------- serialisation
def to_dict(verdict: ProblemVerdict) -> dict[str, Any]:
    """The JSON shape documented in the README (stable keys)."""
    return {
        "id": verdict.id,
        "title": verdict.title,
        "source": verdict.source,
        "status": verdict.status,
        "seed": verdict.seed,
        "message": verdict.message,
        "parts": [
            {
                "name": p.name,
                "kind": p.kind,
                "asks": p.asks,
                "status": p.status,
                "answer": p.answer_latex,
                "layout": p.layout,
                "max_error": p.max_error,
                "tolerance": p.tolerance,
                "message": p.message,
                "witnesses": [_witness_dict(w) for w in p.witnesses],
            }
            for p in verdict.parts
        ],
    }


def _witness_dict(w: WitnessResult) -> dict[str, Any]:
    d = asdict(w)
    d["shapes"] = [dict(s) for s in w.shapes]
    return d


def from_dict(data: dict[str, Any]) -> ProblemVerdict:
    """Inverse of :func:`to_dict` (derived fields are recomputed, not read)."""
    parts = tuple(
        PartVerdict(
            name=p["name"],
            kind=p["kind"],
            asks=p["asks"],
            status=p["status"],
            answer_latex=p["answer"],
            layout=p["layout"],
            message=p["message"],
            witnesses=tuple(
                WitnessResult(**{**w, "shapes": tuple(w["shapes"])}) for w in p["witnesses"]
            ),
        )
        for p in data["parts"]
    )
    return ProblemVerdict(
        id=data["id"],
        title=data["title"],
        source=data["source"],
        seed=data["seed"],
        parts=parts,
        message=data["message"],
    )


def to_json(verdicts: list[ProblemVerdict]) -> str:
    return json.dumps([to_dict(v) for v in verdicts], indent=2, sort_keys=False)


def to_junit_xml(verdicts: list[ProblemVerdict]) -> str:
    """JUnit XML: one testsuite per problem, one testcase per part (CI dashboards read it)."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>']
    total = sum(max(len(v.parts), 1) for v in verdicts)
    failures = sum(1 for v in verdicts for p in v.parts if p.status == "failed")
    errors = sum(1 for v in verdicts for p in v.parts if p.status == "error")
    errors += sum(1 for v in verdicts if v.message)
    lines.append(
        f'<testsuites name="derivekit" tests="{total}" failures="{failures}" errors="{errors}">'
    )
    for v in verdicts:
        lines.append(
            f"  <testsuite name={quoteattr(v.id)} tests=\"{max(len(v.parts), 1)}\" "
            f"failures=\"{sum(p.status == 'failed' for p in v.parts)}\" "
            f"errors=\"{sum(p.status == 'error' for p in v.parts) + bool(v.message)}\">"
        )
        if v.message:
            lines.append(f'    <testcase classname={quoteattr(v.id)} name="load">')
            lines.append(f"      <error message={quoteattr(v.message)}/>")
            lines.append("    </testcase>")
        for p in v.parts:
            lines.append(f"    <testcase classname={quoteattr(v.id)} name={quoteattr(p.name)}>")
            if p.status != "verified":
                tag = "failure" if p.status == "failed" else "error"
                lines.append(f"      <{tag} message={quoteattr(p.message)}/>")
            summary = "; ".join(
                f"{w.name}: {'pass' if w.passed else 'n/a' if w.passed is None else 'FAIL'} "
                f"max_abs={w.max_abs_error:.3g}" for w in p.witnesses
            )
            lines.append(f"      <system-out>{escape(summary)}</system-out>")
            lines.append("    </testcase>")
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"
