"""Seed claims against derived truth: correct, wrong (with a counterexample), partly, or
unverifiable (with a reason).

A claim is judged by the same checks as the truth: its value replaces the part's answer and
the part's witnesses decide. A seed is never called wrong unless the truth itself verified
and a witness disagrees with the claim; a claim is 'partly' right when it fails its own part
but passes the part named by ``holds_in`` (the condition the seed did not state). A prose
claim linked to a part (``judged_by``) is judged as that part's claim, read as its value; a
claim that cannot even be evaluated at some shapes is wrong there, with the shapes.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

import numpy as np

from derivekit.errors import DerivekitError
from derivekit.expr.tree import shape_text
from derivekit.model import Claim, Part, Problem
from derivekit.points import call, shape_sets
from derivekit.verdict import PartVerdict, ProblemVerdict
from derivekit.verify import DEFAULT_SEED, verify_part

AuditVerdict = Literal["correct", "wrong", "partly", "unverifiable"]
VERDICTS: tuple[str, ...] = ("correct", "wrong", "partly", "unverifiable")


@dataclass(frozen=True)
class AuditEntry:
    seed: str
    section: str
    problem: str
    part: str
    claim: str
    truth: str
    verdict: AuditVerdict
    detail: str
    counterexample: dict[str, Any] | None = None


def audit_problem(problem: Problem, seed: int = DEFAULT_SEED,
                  verdict: ProblemVerdict | None = None) -> list[AuditEntry]:
    """One entry per seed claim of the problem (part claims, then prose claims).

    ``verdict``: the problem's own verification with the same seed, when already at hand.
    """
    truths = {p.name: p for p in verdict.parts} if verdict is not None else {}
    entries = [_judge(problem, part, part.claim, seed, truths.get(part.name))
               for part in problem.parts if part.claim]
    for claim in problem.prose:
        if claim.judged_by:
            judge = problem.part(claim.judged_by)
            entry = _judge(problem, judge, claim, seed, truths.get(judge.name))
            entries.append(replace(entry, detail=f"read as {claim.reason}; {entry.detail}"))
        else:
            entries.append(_entry(problem, None, claim, "unverifiable", claim.reason))
    return entries


def _entry(problem: Problem, part: Part | None, claim: Claim, verdict: AuditVerdict,
           detail: str, counterexample: dict[str, Any] | None = None) -> AuditEntry:
    return AuditEntry(
        seed=problem.source.seed,
        section=claim.section or problem.source.section,
        problem=problem.id,
        part=part.name if part else "",
        claim=claim.text,
        truth=part.answer_latex if part else "",
        verdict=verdict,
        detail=detail,
        counterexample=counterexample,
    )


def _judge(problem: Problem, part: Part, claim: Claim, seed: int,
           truth: PartVerdict | None) -> AuditEntry:
    if claim.value is None:
        return _entry(problem, part, claim, "unverifiable",
                      claim.reason or "the claim is prose, with no checkable value")
    truth = truth or verify_part(problem, part, seed)
    if truth.status != "verified":
        return _entry(problem, part, claim, "unverifiable", f"{UNVERIFIED_TRUTH}: {truth.message}")
    judged = verify_part(problem, part.with_answer(claim.value, claim.field), seed)
    if judged.status == "verified":
        return _entry(problem, part, claim, "correct", "every witness agrees with the claim")
    if claim.holds_in:
        other = problem.part(claim.holds_in)
        reading = claim.value if claim.holds_value is None else claim.holds_value
        if verify_part(problem, other.with_answer(reading, claim.field),
                       seed).status == "verified":
            return _entry(problem, part, claim, "partly",
                          f"true only when {claim.condition or 'as in ' + other.name} "
                          f"(verified as part {other.name}); as stated: {judged.message}")
    failing = next((w for w in judged.witnesses if w.passed is False), None)
    counterexample = None
    if failing is not None and failing.counterexample is not None:
        counterexample = _with_point(problem, part, seed, failing.counterexample)
    if judged.status == "error":
        undefined = _undefined_at(problem, part, claim, seed)
        if undefined is not None:
            detail = undefined.pop("detail")
            return _entry(problem, part, claim, "wrong", detail, undefined)
    return _entry(problem, part, claim, "wrong", judged.message, counterexample)


def _undefined_at(problem: Problem, part: Part, claim: Claim, seed: int) -> dict[str, Any] | None:
    """Where a claim cannot even be evaluated (its shapes do not fit): the first shape set
    and point at which it raises, the shapes of the givens it uses, and the mismatch."""
    if not callable(claim.value):
        return None
    for dims, points, _, _ in shape_sets(problem, part, seed):
        point = points[0]
        try:
            call(claim.value, point)
        except (ValueError, TypeError, ArithmeticError, IndexError, DerivekitError) as exc:
            used = [n for n in _arguments(claim.value) or list(point) if n in point]
            shapes = ", ".join(f"{n} {shape_text(point[n].shape)}" for n in used)
            truth = getattr(part, claim.field or part.ANSWER_FIELD)
            return {"shapes": dict(dims), "point": 0,
                    "values": {n: point[n].tolist() for n in used},
                    "claimed": f"undefined: {_mismatch(exc)}",
                    "true": np.asarray(call(truth, point), dtype=float).tolist(),
                    "detail": f"the claim is not defined at shapes {dict(dims)} ({shapes}): "
                              f"{_mismatch(exc)}"}
    return None


def _arguments(fn: Any) -> list[str]:
    try:
        return [p for p in inspect.signature(fn).parameters]
    except (TypeError, ValueError):
        return []


def _mismatch(exc: Exception) -> str:
    """NumPy's error as one plain line: a matrix product whose inner sizes differ, operands
    that do not broadcast."""
    text = str(exc)
    inner = re.search(r"size (\d+) is different from (\d+)", text)
    if "matmul" in text and inner:
        return (f"a matrix product whose inner sizes differ ({inner.group(2)} columns against "
                f"{inner.group(1)} rows)")
    return text.splitlines()[0].strip() if text else type(exc).__name__


def _with_point(problem: Problem, part: Part, seed: int, found: dict[str, Any]
                ) -> dict[str, Any]:
    """Add the given values of the failing point (the same draw the check made)."""
    point = found.get("point")
    for dims, points, _, _ in shape_sets(problem, part, seed):
        if dims == found.get("shapes") and point is not None and point < len(points):
            values = {k: v.tolist() for k, v in points[point].items()}
            return {**found, "values": values}
    return dict(found)


def matches(problem: Problem, seeds: list[str]) -> bool:
    """Whether the problem comes from one of the seeds (file name or its numeric prefix)."""
    name = problem.source.seed
    return any(name == s or name.split("_")[0] == s or name.startswith(s) for s in seeds)


def summary(entries: list[AuditEntry]) -> dict[str, dict[str, int]]:
    """Counts per verdict, per seed file."""
    counts: dict[str, Counter] = {}
    for e in entries:
        counts.setdefault(e.seed, Counter())[e.verdict] += 1
    return {seed: {v: c[v] for v in VERDICTS} for seed, c in sorted(counts.items())}


UNVERIFIED_TRUTH = "derivekit could not verify the truth itself"


def unverifiable(entries: list[AuditEntry]) -> dict[str, int]:
    """Why claims are unverifiable, counted: prose with no checkable value (each entry's
    detail gives its reason), or a truth derivekit could not verify."""
    kinds = Counter("truth not verified" if e.detail.startswith(UNVERIFIED_TRUTH) else "prose"
                    for e in entries if e.verdict == "unverifiable")
    return {kind: kinds[kind] for kind in ("prose", "truth not verified") if kinds[kind]}


def to_dicts(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    return [asdict(e) for e in entries]
