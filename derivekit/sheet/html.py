r"""HTML renderings of problems, verdicts, grading feedback and derivations.

One writer for Jupyter (:mod:`derivekit.sheet.notebook`) and the web app (``derivekit
serve``): fragments whose math stays TeX between ``\( \)`` and ``\[ \]`` (a statement keeps
its own ``$…$``), for KaTeX or MathJax to typeset in the browser. Every string is
HTML-escaped, TeX included (the typesetter reads the decoded text), so no problem text or
typed answer can add markup.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any, Sequence

from derivekit.audit import AuditEntry
from derivekit.model import Given, Part, Problem
from derivekit.sheet import Solved, shape_tex, witness_cells
from derivekit.verdict import PartVerdict, ProblemVerdict, WitnessResult

if TYPE_CHECKING:
    from derivekit.derivation.verified import Derived
    from derivekit.grade import Feedback


def inline(tex: str) -> str:
    return rf"\({escape(tex)}\)"


def display(tex: str) -> str:
    return rf"<div class='dk-math'>\[{escape(tex)}\]</div>"


def given_html(g: Given) -> str:
    domain = "" if g.domain.kind == "real" else f" ({escape(g.domain.describe())})"
    return inline(g.tex + shape_tex(g.shape)) + domain


def _layout(part: Part | PartVerdict) -> str:
    layout = getattr(part, "layout", None)
    return f" <span class='dk-layout'>({escape(layout)} layout)</span>" if layout else ""


def statement_html(problem: Problem) -> str:
    """Title, source, statement and givens."""
    givens = "; ".join(given_html(g) for g in problem.givens)
    return "\n".join(filter(None, [
        f"<h3>{escape(problem.title)}</h3>", _source(problem),
        f"<p class='dk-statement'>{escape(problem.statement)}</p>",
        f"<p class='dk-givens'><b>Givens.</b> {givens}.</p>" if givens else ""]))


def problem_html(problem: Problem, answers: bool = True) -> str:
    """Statement, givens and parts; ``answers`` adds each part's boxed closed form (a
    student's page leaves them out)."""
    lines = [f"<div class='dk-problem' id='{escape(problem.id)}'>", statement_html(problem),
             "<ul>"]
    for part in problem.parts:
        lines.append(f"<li><b>{escape(part.name)}</b>{_layout(part)}: {escape(part.asks)}"
                     + (display(rf"\boxed{{{part.answer_latex}}}") if answers else "")
                     + "</li>")
    lines += ["</ul>", "</div>"]
    return "\n".join(filter(None, lines))


def _source(problem: Problem) -> str:
    return (f"<p class='dk-source'>{escape(problem.source.seed)} "
            f"§{escape(problem.source.section)} — <code>{escape(problem.id)}</code></p>")


def witness_table(witnesses: Sequence[WitnessResult]) -> str:
    """The verification table of a sheet; a witness that does not apply says why."""
    rows = ["<table class='dk-witnesses'>", "<thead><tr><th>witness</th><th>result</th>"
            "<th>points</th><th>max error</th><th>tolerance</th></tr></thead>", "<tbody>"]
    for w in witnesses:
        name, result, *rest = witness_cells(w)
        if w.passed is None:
            result = f"n/a: {w.detail}"
        elif not w.passed:
            result = f"{result}: {w.detail}"
        css = {True: "dk-pass", False: "dk-fail", None: "dk-na"}[w.passed]
        rows.append(f"<tr class='{css}'><td>{escape(name)}</td><td>{escape(result)}</td>"
                    + "".join(f"<td>{escape(c)}</td>" for c in rest) + "</tr>")
    rows += ["</tbody>", "</table>"]
    return "\n".join(rows)


def part_verdict_html(pv: PartVerdict) -> str:
    lines = [f"<div class='dk-part-verdict dk-{pv.status}'>",
             f"<p><b>{escape(pv.name)}</b> ({escape(pv.asks)}){_layout(pv)}: "
             f"<span class='dk-status'>{escape(pv.status)}</span></p>",
             display(pv.answer_latex) if pv.answer_latex else "",
             f"<p class='dk-message'>{escape(pv.message)}</p>" if pv.message else "",
             witness_table(pv.witnesses), "</div>"]
    return "\n".join(filter(None, lines))


def verdict_html(v: ProblemVerdict) -> str:
    verified = sum(p.status == "verified" for p in v.parts)
    lines = [f"<div class='dk-verdict dk-{v.status}'>",
             f"<p><b>{escape(v.id)}</b>: <span class='dk-status'>{escape(v.status)}</span> "
             f"({verified}/{len(v.parts)} parts, seed {v.seed})</p>",
             f"<p class='dk-message'>{escape(v.message)}</p>" if v.message else "",
             *(part_verdict_html(p) for p in v.parts), "</div>"]
    return "\n".join(filter(None, lines))


# --------------------------------------------------------------------------- grading
def matrix_tex(value: Any) -> str:
    """A number, a list or nested lists as TeX (a bmatrix; a flat list is a column)."""
    if not isinstance(value, list):
        return _number(value)
    rows = value if value and isinstance(value[0], list) else [[v] for v in value]
    body = r" \\ ".join(" & ".join(_number(x) for x in row) for row in rows)
    return rf"\begin{{bmatrix}}{body}\end{{bmatrix}}"


def _number(x: Any) -> str:
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def feedback_html(feedback: Feedback) -> str:
    """A graded answer: verdict, how the answer was read,
    diagnosis, message, evidence, counterexample."""
    lines = [f"<div class='dk-feedback dk-{escape(feedback.verdict)}'>",
             f"<p><span class='dk-verdict'>{escape(feedback.verdict)}</span> "
             f"<code>{escape(feedback.problem)}/{escape(feedback.part)}</code></p>"]
    if feedback.interpreted_latex:
        lines.append(f"<p>read as: {inline(feedback.interpreted_latex)}</p>")
    if feedback.layout:
        lines.append(f"<p>layout: {escape(feedback.layout)}</p>")
    if feedback.diagnosis:
        lines.append(f"<p class='dk-diagnosis'>diagnosis: <b>{escape(feedback.diagnosis)}</b>"
                     "</p>")
    lines.append(f"<p class='dk-message'>{escape(feedback.message)}</p>")
    if feedback.evidence:
        lines.append(f"<p class='dk-evidence'>evidence: {escape(feedback.evidence)}</p>")
    example = feedback.counterexample
    if example:
        values = ", ".join(f"<code>{escape(name)}</code> = {inline(matrix_tex(value))}"
                           for name, value in example.get("values", {}).items())
        lines += ["<div class='dk-counterexample'>",
                  "<p>counterexample at shapes " + escape(", ".join(
                      f"{k} = {v}" for k, v in example["shapes"].items()) or "as given")
                  + (f", where {values}" if values else "") + ":</p>",
                  f"<p>expected {inline(matrix_tex(example['expected']))}, "
                  f"given {inline(matrix_tex(example['given']))}</p>", "</div>"]
    lines.append("</div>")
    return "\n".join(lines)


# --------------------------------------------------------------------------- derive
def derived_html(derived: Derived) -> str:
    """A derivation: its formula only when
    the witnesses agreed, and the witness table either way."""
    from derivekit.expr.render import latex

    verdict = derived.verdict
    lines = ["<div class='dk-derived'>",
             f"<p>d/d{inline(derived.wrt)} of {inline(latex(derived.expression))}</p>"]
    if derived.verified:
        result = derived.display or derived.derivation.result
        shape = "×".join(map(str, result.shape)) or "scalar"
        lines.append(display(latex(result)))
        lines += [f"<p>where {inline(f'{name} = {latex(tree)}')}</p>"
                  for name, tree in derived.intermediates.items()]
        lines.append(f"<p><span class='dk-status'>verified</span> "
                     f"({escape(derived.derivation.layout)} layout, {escape(shape)}); "
                     f"max error {verdict.max_error:.1e}</p>")
    else:
        lines.append(f"<p><span class='dk-status'>not verified</span>, so not shown: "
                     f"{escape(verdict.message)}</p>")
    lines += [witness_table(verdict.witnesses), "</div>"]
    return "\n".join(lines)


# --------------------------------------------------------------------------- sheet
def sheet_html(item: Solved) -> str:
    """An answer sheet for one problem: statement, derivation steps, boxed answers and their
    verification tables, the seed's wrong claims marked, then the audit of its claims."""
    p = item.problem
    claims = {e.part: e for e in item.audit if e.part}
    lines = [f"<div class='dk-sheet' id='sheet-{escape(p.id)}'>", statement_html(p)]
    for part, pv in zip(p.parts, item.verdict.parts):
        lines += [f"<h4>{escape(part.name)}{_layout(pv)}</h4>", f"<p>{escape(part.asks)}</p>"]
        if part.derivation:
            lines.append(display(r"\begin{aligned}" + r" \\ ".join(part.derivation)
                                 + r"\end{aligned}"))
        lines += [display(rf"\boxed{{{part.answer_latex}}}"),
                  f"<p><b>Status:</b> <span class='dk-status dk-{pv.status}'>"
                  f"{escape(pv.status)}</span>"
                  + (f" — {escape(pv.message)}" if pv.message else "") + "</p>",
                  witness_table(pv.witnesses)]
        if part.notes:
            lines.append(f"<p><i>Note:</i> {escape(part.notes)}</p>")
        claim = claims.get(part.name)
        if claim is not None and claim.verdict in ("wrong", "partly"):
            lines.append(_seed_note(claim))
    lines += ["<h4>The seed's claims</h4>", audit_html(item.audit), "</div>"]
    return "\n".join(filter(None, lines))


def _seed_note(entry: AuditEntry) -> str:
    return (f"<blockquote class='dk-seed-note'><b>Seed claim</b> ({escape(entry.seed)} "
            f"§{escape(entry.section)}): <code>{escape(entry.claim)}</code><br>"
            f"<b>derivekit: {escape(entry.verdict)}.</b> {escape(entry.detail)}</blockquote>")


def audit_html(entries: Sequence[AuditEntry]) -> str:
    """The seed's claims for these problems and the verdict on each."""
    if not entries:
        return "<p class='dk-audit'>The seed makes no claim here.</p>"
    rows = ["<table class='dk-audit'>", "<thead><tr><th>§</th><th>part</th><th>claim</th>"
            "<th>verdict</th><th>detail</th></tr></thead>", "<tbody>"]
    rows += [f"<tr class='dk-{escape(e.verdict)}'><td>{escape(e.section)}</td>"
             f"<td>{escape(e.part)}</td><td>{escape(e.claim)}</td><td>{escape(e.verdict)}</td>"
             f"<td>{escape(e.detail)}</td></tr>" for e in entries]
    rows += ["</tbody>", "</table>"]
    return "\n".join(rows)
