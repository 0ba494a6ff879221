"""Markdown answer sheets with $…$ math, for GitHub and Jupyter."""

from __future__ import annotations

from derivekit.audit import AuditEntry
from derivekit.model import Part, Problem
from derivekit.sheet import Solved, identities, witness_cells
from derivekit.verdict import PartVerdict


def problem_markdown(problem: Problem) -> str:
    """Statement and closed forms only (no verification): what Jupyter shows for a Problem."""
    lines = [f"### {problem.title}", "",
             f"*{problem.source.seed} §{problem.source.section}* — `{problem.id}`", "",
             problem.statement, ""]
    for part in problem.parts:
        layout = f" ({part.layout} layout)" if getattr(part, "layout", None) else ""
        lines += [f"- **{part.name}**{layout}: {part.asks}", "",
                  f"  $$\\boxed{{{part.answer_latex}}}$$", ""]
    return "\n".join(lines)


def sheet(title: str, solved: list[Solved], extra_figures: tuple[tuple[str, str], ...] = ()
          ) -> str:
    lines = [f"# {title}", "", "*derivekit answer sheet: every answer verified numerically*", ""]
    for item in solved:
        lines += _problem(item)
    if extra_figures:
        lines += ["## Training curves", ""]
        lines += [f"![{caption}]({stem}.png)\n\n*{caption}*\n" for stem, caption in extra_figures]
    return "\n".join(lines).rstrip() + "\n"


def _problem(item: Solved) -> list[str]:
    p = item.problem
    claims = {e.part: e for e in item.audit if e.part}
    givens = "; ".join(
        f"${g.tex}$" + ("" if g.shape == () else f" ({'×'.join(map(str, g.shape))})")
        for g in p.givens)
    lines = [f"## {p.title}", "", f"Source: `{p.source.seed}` §{p.source.section} — "
             f"id `{p.id}`", "", p.statement, "", f"**Givens.** {givens}.", ""]
    for part, pv in zip(p.parts, item.verdict.parts):
        lines += _part(part, pv, claims.get(part.name))
    prose = [e for e in item.audit if not e.part]
    if prose:
        lines += ["### Seed statements that cannot be checked", ""]
        lines += [f"- §{e.section}: *{e.claim}* — {e.detail}" for e in prose]
        lines.append("")
    lines += [f"![{caption}]({stem}.png)\n\n*{caption}*\n" for stem, caption in item.figures]
    return lines


def _part(part: Part, pv: PartVerdict, claim: AuditEntry | None) -> list[str]:
    layout = f", {pv.layout} layout" if pv.layout else ""
    lines = [f"### {part.name} ({pv.asks}{layout})", "", part.asks, ""]
    if part.derivation:
        lines += ["$$", "\\begin{aligned}", " \\\\\n".join(part.derivation), "\\end{aligned}",
                  "$$", ""]
    rules = identities(part)
    if rules:
        lines += ["**Derived by the identities:** " + ", ".join(f"${r}$" for r in rules) + ".",
                  ""]
    lines += [f"$$\\boxed{{{part.answer_latex}}}$$", "", f"**Status:** {pv.status}"
              + (f" — {pv.message}" if pv.message else ""), "",
              "| witness | result | points | max error | tolerance |",
              "| --- | --- | ---: | --- | --- |"]
    for w in pv.witnesses:
        name, result, *rest = witness_cells(w)  # blanks come last
        result = f"n/a: {w.detail}" if w.passed is None else result
        lines.append("| " + " | ".join([name, result, *filter(None, rest)]) + " |"
                     + " |" * rest.count(""))
    lines.append("")
    if part.notes:
        lines += [f"*Note:* {part.notes}", ""]
    if claim is not None and claim.verdict in ("wrong", "partly"):
        lines += [f"> **Seed claim** ({claim.seed} §{claim.section}): `{claim.claim}`  ",
                  f"> **derivekit: {claim.verdict}.** {claim.detail}", ""]
    return lines
