"""Answer sheets: LaTeX and Markdown renderings of verified problems, with figures.

The writers are pure functions of (problem, verdict, audit entries): same input, same bytes
(no timestamps). Figures are drawn with matplotlib's Agg canvas; PDFs are compiled by
latexmk without shell escape. The CLI (``derivekit sheet``) only chooses and writes files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from derivekit.audit import AuditEntry
from derivekit.model import Problem
from derivekit.verdict import ProblemVerdict


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
