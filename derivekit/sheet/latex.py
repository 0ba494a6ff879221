"""LaTeX answer sheets (article class, amsmath): statement, steps, boxed answers, evidence.

Problem files write their statements, questions, derivation steps and answers in LaTeX, and
those go in as they are; everything else (titles, names, witness details, seed claims) is
plain text and is escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from derivekit.audit import AuditEntry
from derivekit.model import Given, Part, Problem
from derivekit.sheet import Solved, identities, shape_tex, witness_cells
from derivekit.verdict import PartVerdict, ProblemVerdict, WitnessResult

if TYPE_CHECKING:
    from derivekit.derivation.verified import Derived
    from derivekit.grade import Feedback

_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}",
}

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{cmap}
\input{glyphtounicode}\pdfgentounicode=1
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb,amsfonts,bm}
\usepackage{booktabs,graphicx,xcolor}
\usepackage[hidelinks]{hyperref}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
% \mathbb{1} (indicator notation) has no amssymb glyph: draw a bold 1 instead.
\let\amsmathbb\mathbb
\renewcommand{\mathbb}[1]{\ifx1#1\mathbf{1}\else\amsmathbb{#1}\fi}
\newcommand{\seednote}[1]{\par\noindent\fcolorbox{red!60!black}{red!4}{\parbox{0.96\linewidth}{#1}}\par}
"""


_MATH_SYMBOLS = {
    "∂": r"\partial", "∇": r"\nabla", "Σ": r"\Sigma", "Π": r"\Pi", "σ": r"\sigma",
    "δ": r"\delta", "Δ": r"\Delta", "π": r"\pi", "θ": r"\theta", "η": r"\eta",
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "λ": r"\lambda", "μ": r"\mu",
    "ρ": r"\rho", "τ": r"\tau", "ε": r"\varepsilon", "κ": r"\kappa", "φ": r"\phi",
    "¬": r"\neg", "∨": r"\vee", "∧": r"\wedge", "⊙": r"\odot", "⊕": r"\oplus",
    "⊗": r"\otimes", "∘": r"\circ", "·": r"\cdot", "×": r"\times", "≤": r"\le",
    "≥": r"\ge", "≠": r"\ne", "≈": r"\approx", "→": r"\to", "∞": r"\infty",
    "‖": r"\|", "−": "-", "²": "^2", "³": "^3", "ŷ": r"\hat y", "ô": r"\hat o",
}
_TEXT_SYMBOLS = {"§": r"\S{}", "—": "---", "–": "--", "’": "'", "“": "``", "”": "''"}


def escape(text: str) -> str:
    """Plain text made safe for LaTeX; common unicode math becomes LaTeX (pdfTeX has no
    unicode fonts), anything else unknown becomes '?'."""
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif c in _MATH_SYMBOLS:
            out.append(rf"\ensuremath{{{_MATH_SYMBOLS[c]}}}")
        elif c in _TEXT_SYMBOLS:
            out.append(_TEXT_SYMBOLS[c])
        else:
            out.append(c if c.isascii() else "?")
    return "".join(out)


def sheet(title: str, solved: list[Solved], extra_figures: tuple[tuple[str, str], ...] = ()
          ) -> str:
    lines = [PREAMBLE, rf"\title{{{escape(title)}}}",
             r"\author{derivekit answer sheet: every answer verified numerically}",
             r"\date{}", r"\begin{document}", r"\maketitle"]
    for item in solved:
        lines += _problem(item)
    if extra_figures:
        lines.append(r"\section*{Training curves}")
        lines += [line for stem, caption in extra_figures for line in _figure(stem, caption)]
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _problem(item: Solved) -> list[str]:
    p, v = item.problem, item.verdict
    claims = {e.part: e for e in item.audit if e.part}
    lines = [
        rf"\section{{{escape(p.title)}}}",
        rf"\textbf{{Source:}} \texttt{{{escape(p.source.seed)}}}, "
        rf"\S\,{escape(p.source.section)}. \textbf{{Id:}} \texttt{{{escape(p.id)}}}.",
        "", p.statement, "",
        r"\textbf{Givens.} " + "; ".join(_given(g) for g in p.givens) + ".",
    ]
    if len(p.shapes) > 1 or p.shapes[0]:
        sets = "; ".join(", ".join(f"${k}={n}$" for k, n in s.items()) for s in p.shapes)
        lines.append(rf"\textbf{{Checked at shapes:}} {sets}.")
    for part, pv in zip(p.parts, v.parts):
        lines += _part(part, pv, claims.get(part.name))
    prose = [e for e in item.audit if not e.part]
    if prose:
        lines.append(r"\subsection*{Seed statements that cannot be checked}")
        lines.append(r"\begin{itemize}")
        lines += [rf"\item \S\,{escape(e.section)}: \emph{{{escape(e.claim)}}} --- "
                  + escape(e.detail) for e in prose]
        lines.append(r"\end{itemize}")
    for stem, caption in item.figures:
        lines += _figure(stem, caption)
    return lines


def _given(g: Given) -> str:
    domain = "" if g.domain.kind == "real" else f" ({escape(g.domain.describe())})"
    return f"${g.tex}{shape_tex(g.shape)}$" + domain


def _part(part: Part, pv: PartVerdict, claim: AuditEntry | None) -> list[str]:
    layout = f", {pv.layout} layout" if pv.layout else ""
    lines = [rf"\subsection*{{{escape(part.name)} \normalfont\small({escape(pv.asks)}{layout})}}",
             part.asks]
    if part.derivation:
        lines += [r"\begin{align*}", " \\\\\n".join(part.derivation), r"\end{align*}"]
    rules = identities(part)
    if rules:
        lines.append(r"\textbf{Derived by the identities:} " + ", ".join(f"${r}$" for r in rules)
                     + ".")
    lines += [r"\[", rf"\boxed{{{part.answer_latex}}}", r"\]"]
    status = {"verified": r"\textcolor{green!40!black}{verified}",
              "failed": r"\textcolor{red}{FAILED}", "error": r"\textcolor{red}{ERROR}"}
    lines.append(rf"\textbf{{Status:}} {status[pv.status]}.")
    if pv.status != "verified":
        lines.append(escape(pv.message))
    lines += witness_table(pv.witnesses)
    if part.notes:
        lines.append(r"\textit{Note:} " + escape(part.notes))
    if claim is not None and claim.verdict in ("wrong", "partly"):
        lines.append(_seed_note(claim))
    return lines


def witness_table(witnesses: tuple[WitnessResult, ...]) -> list[str]:
    """The verification table (booktabs), then why each witness that does not apply."""
    rows = [r"\begin{center}\small", r"\begin{tabular}{llrll}", r"\toprule",
            r"witness & result & points & max error & tolerance \\", r"\midrule"]
    for w in witnesses:
        cells = witness_cells(w)  # blanks come last
        rows.append(" & ".join(escape(c) for c in cells if c) + " &" * cells.count("")
                    + r" \\")
    rows += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    rows += [rf"{{\small n/a: \texttt{{{escape(w.name)}}} --- {escape(w.detail)}}}"
             for w in witnesses if w.passed is None]
    return rows


def _seed_note(entry: AuditEntry) -> str:
    text = (rf"\textbf{{Seed claim ({escape(entry.seed)}, \S\,{escape(entry.section)}):}} "
            rf"\texttt{{{escape(entry.claim)}}}\\ \textbf{{derivekit: {entry.verdict}.}} "
            + escape(entry.detail))
    if entry.counterexample:
        c = entry.counterexample
        text += (rf"\\ Counterexample at shapes \texttt{{{escape(str(c.get('shapes')))}}}, "
                 rf"point {c.get('point')}: claimed {escape(_num(c.get('claimed')))}, "
                 rf"true {escape(_num(c.get('true')))}.")
    return rf"\seednote{{{text}}}"


def _num(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _figure(stem: str, caption: str) -> list[str]:
    return [r"\begin{figure}[h]", r"\centering",
            rf"\includegraphics[width=0.7\linewidth]{{{stem}.pdf}}",
            rf"\caption{{{escape(caption)}}}", r"\end{figure}"]


# --------------------------------------------------------------------------- notebook fragments
def problem_latex(problem: Problem) -> str:
    """Statement and boxed closed forms, no verification (a notebook's LaTeX for a Problem,
    e.g. when nbconvert makes a PDF)."""
    lines = [rf"\textbf{{{escape(problem.title)}}} (\texttt{{{escape(problem.id)}}})", "",
             problem.statement, ""]
    for part in problem.parts:
        lines += [rf"\textbf{{{escape(part.name)}}}: {part.asks}",
                  rf"\[\boxed{{{part.answer_latex}}}\]"]
    return "\n".join(lines)


def verdict_latex(verdict: ProblemVerdict) -> str:
    lines = [rf"\textbf{{{escape(verdict.id)}}}: {verdict.status} (seed {verdict.seed})", ""]
    for pv in verdict.parts:
        lines.append(rf"\textbf{{{escape(pv.name)}}}: {pv.status}"
                     + (f" --- {escape(pv.message)}" if pv.message else ""))
        if pv.answer_latex:
            lines.append(rf"\[{pv.answer_latex}\]")
        lines += witness_table(pv.witnesses)
    return "\n".join(lines)


def derived_latex(derived: Derived) -> str:
    """The derived formula (only when verified) and its witness table."""
    from derivekit.expr.render import latex

    if not derived.verified:
        head = f"not verified, so not shown: {escape(derived.verdict.message)}"
    else:
        result = derived.display or derived.derivation.result
        head = "\n".join([rf"\[\frac{{\partial}}{{\partial {derived.wrt}}}"
                          rf"\left({latex(derived.expression)}\right) = {latex(result)}\]",
                          *(rf"where ${name} = {latex(tree)}$"
                            for name, tree in derived.intermediates.items())])
    return "\n".join([head, *witness_table(derived.verdict.witnesses)])


def feedback_latex(feedback: Feedback) -> str:
    read = f", read as ${feedback.interpreted_latex}$" if feedback.interpreted_latex else ""
    return (rf"\textbf{{{escape(feedback.verdict)}}} ({escape(feedback.problem)}/"
            rf"{escape(feedback.part)}){read}: {escape(feedback.message)}")
