"""Answer sheets: LaTeX and Markdown renderings of verified problems, with figures.

The writers are pure functions of (problem, verdict, audit entries): same input, same bytes
(no timestamps). Figures are drawn with matplotlib's Agg canvas; PDFs are compiled by
latexmk without shell escape. The CLI (``derivekit sheet``) only chooses and writes files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from derivekit.audit import AuditEntry
from derivekit.model import Part, Problem, Shape
from derivekit.verdict import ProblemVerdict, WitnessResult


@dataclass(frozen=True)
class Solved:
    """What a sheet shows for one problem: the statement, its verdict, the audit of its seed."""

    problem: Problem
    verdict: ProblemVerdict
    audit: tuple[AuditEntry, ...]
    figures: tuple[tuple[str, str], ...] = ()
    """(file stem relative to the sheet's folder, caption) of the figures drawn for it."""


def error_bound(error: float) -> str:
    """An order-of-magnitude bound, stable across machines: '0' or '< 1e-15'."""
    if error == 0:
        return "0"
    return f"< 1e{math.floor(math.log10(error)) + 1}"


def witness_cells(w: WitnessResult) -> tuple[str, str, str, str, str]:
    """One row of a sheet's verification table, as plain text: witness, result, points, max
    error (an order of magnitude), tolerance; a witness that does not apply has only its
    name and 'n/a' (its ``detail`` says why)."""
    if w.passed is None:
        return w.name, "n/a", "", "", ""
    return (w.name, "agrees" if w.passed else "DISAGREES", str(w.points),
            error_bound(w.max_abs_error), f"rtol {w.rtol:.0e}, atol {w.atol:.0e}")


def identities(part: Part) -> tuple[str, ...]:
    """The differential identities the matrix deriver applied to a part stated by its
    expression (LaTeX, one per line), for the sheet's derivation; none for other parts."""
    from derivekit.derivation.statement import derived_of

    derived = derived_of(part)
    if derived is None:
        return ()
    return tuple(derived.function.derivation(derived.wrt, derived.layout).steps)


def shape_tex(shape: Shape) -> str:
    r"""``\in\mathbb{R}^{m\times n}`` for a given's shape ('' for a scalar)."""
    return "" if shape == () else r"\in\mathbb{R}^{" + r"\times ".join(map(str, shape)) + "}"
