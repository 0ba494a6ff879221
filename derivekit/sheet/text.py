"""Plain-text witness tables, for test reports (the pytest plugin, ``derivekit.testing``):
unlike a sheet's table they give the exact errors and each witness's detail, which is where
a failure says which entry, at which point and shapes, disagreed."""

from __future__ import annotations

from typing import Sequence

from derivekit.verdict import PartVerdict, WitnessResult

COLUMNS = ("witness", "result", "points", "max abs error", "max rel error", "tolerance",
           "detail")


def witness_rows(witnesses: Sequence[WitnessResult]) -> list[tuple[str, ...]]:
    rows = []
    for w in witnesses:
        if w.passed is None:
            rows.append((w.name, "n/a", "", "", "", "", w.detail))
            continue
        rows.append((w.name, "agrees" if w.passed else "DISAGREES", str(w.points),
                     f"{w.max_abs_error:.3g}", f"{w.max_rel_error:.3g}",
                     f"rtol {w.rtol:.0e}, atol {w.atol:.0e}", w.detail))
    return rows


def witness_table(witnesses: Sequence[WitnessResult]) -> str:
    """Aligned columns, one line per witness (the detail last, never cut)."""
    rows = [COLUMNS, *witness_rows(witnesses)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths))
                     + "  " + row[-1] for row in rows)


def part_report(pv: PartVerdict, title: str) -> str:
    """Why a part is not verified: its status and message, then its witness table."""
    layout = f", {pv.layout} layout" if pv.layout else ""
    lines = [f"{title}: {pv.status} ({pv.kind}{layout})"]
    if pv.answer_latex:
        lines.append(f"closed form: {pv.answer_latex}")
    if pv.message:
        lines.append(pv.message)
    lines += ["", witness_table(pv.witnesses) if pv.witnesses else "(no witness ran)"]
    return "\n".join(lines)
