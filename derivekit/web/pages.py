"""The HTML pages: catalog, a problem with an answer box per part, the instructor's sheet, and
a derive form. Their math is typeset in the browser by the vendored KaTeX; their dynamic parts
(preview, verdict, sheet, derivation) come from the JSON API through ``static/app.js``."""

from __future__ import annotations

from html import escape
from typing import Mapping

from derivekit.model import Problem
from derivekit.sheet.html import statement_html

ASSETS = ("<link rel='stylesheet' href='/static/katex/katex.min.css'>\n"
          "<link rel='stylesheet' href='/static/app.css'>\n"
          "<script defer src='/static/katex/katex.min.js'></script>\n"
          "<script defer src='/static/katex/auto-render.min.js'></script>\n"
          "<script defer src='/static/app.js'></script>")


def page(title: str, body: str) -> str:
    return (f"<!doctype html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
            f"<title>{escape(title)} · derivekit</title>\n{ASSETS}\n</head>\n<body>\n"
            "<header><a class='dk-home' href='/'>derivekit</a>"
            "<nav><a href='/'>problems</a> <a href='/derive'>derive</a></nav></header>\n"
            f"<main>\n{body}\n</main>\n</body>\n</html>\n")


def catalog_page(catalog: Mapping[str, Problem]) -> str:
    rows = "\n".join(
        f"<tr><td><a href='/problems/{escape(p.id)}'>{escape(p.id)}</a></td>"
        f"<td>{escape(p.title)}</td><td>{escape(p.source.seed[:3])} "
        f"§{escape(p.source.section)}</td><td>{len(p.parts)}</td></tr>"
        for p in catalog.values())
    return page("problems", (
        "<h1>Problems</h1>\n<p>Pick a problem, type your answers (LaTeX or ASCII) and see "
        "how they are read and whether they are right: every answer is compared with a closed "
        "form that JAX autodiff and finite differences verified.</p>\n"
        "<table class='dk-catalog'><thead><tr><th>id</th><th>title</th><th>source</th>"
        f"<th>parts</th></tr></thead>\n<tbody>\n{rows}\n</tbody></table>"))


def problem_page(problem: Problem) -> str:
    parts = "\n".join(_part_form(problem, part) for part in problem.parts)
    return page(problem.title, (
        f"<article class='dk-problem' data-problem='{escape(problem.id)}'>\n"
        f"{statement_html(problem)}\n{parts}\n"
        f"<p class='dk-instructor'>Instructors: <a href='/problems/{escape(problem.id)}/sheet'>"
        "the verified answer sheet and the audit of the seed's claims</a>.</p>\n</article>"))


def _part_form(problem: Problem, part) -> str:  # noqa: ANN001
    key = escape(f"{problem.id}--{part.name}")
    layout = getattr(part, "layout", None)
    note = f" <span class='dk-layout'>({escape(layout)} layout)</span>" if layout else ""
    return (
        f"<section class='dk-part' data-part='{escape(part.name)}'>\n"
        f"<h4>{escape(part.name)} <span class='dk-kind'>{escape(part.KIND)}</span>{note}</h4>\n"
        f"<p class='dk-asks'>{escape(part.asks)}</p>\n"
        f"<form class='dk-answer' autocomplete='off'>\n"
        f"<label for='answer-{key}'>Your answer (LaTeX or ASCII)</label>\n"
        f"<textarea id='answer-{key}' name='answer' rows='2' maxlength='2000' "
        "spellcheck='false'></textarea>\n"
        "<div class='dk-preview' aria-live='polite'></div>\n"
        "<button type='submit'>Check</button>\n</form>\n"
        "<div class='dk-result' aria-live='polite'></div>\n</section>")


def sheet_page(problem: Problem) -> str:
    return page(f"{problem.title}: answer sheet", (
        f"<article class='dk-sheet-page' data-problem='{escape(problem.id)}'>\n"
        f"<p><a href='/problems/{escape(problem.id)}'>← back to the problem</a></p>\n"
        "<h1>Answer sheet</h1>\n<div class='dk-sheet-body' aria-live='polite'>"
        "<p class='dk-wait'>Deriving and verifying every part, and auditing the seed's "
        "claims…</p></div>\n</article>"))


def derive_page() -> str:
    return page("derive", (
        "<h1>Derive a gradient</h1>\n<p>The closed form is shown only once its witnesses (JAX "
        "float64 autodiff, finite differences) agree. Notation as in "
        "<code>derivekit derive</code>.</p>\n"
        "<form class='dk-derive' autocomplete='off'>\n"
        "<label for='expression'>Expression</label>"
        "<input id='expression' name='expression' value='log(det(X))' maxlength='2000'>\n"
        "<label for='wrt'>With respect to</label><input id='wrt' name='wrt' value='X'>\n"
        "<label for='givens'>Givens (NAME:SHAPE, space-separated)</label>"
        "<input id='givens' name='givens' value='X:n,n'>\n"
        "<button type='submit'>Derive</button>\n</form>\n"
        "<div class='dk-result' aria-live='polite'></div>"))


def error_page(status: int, message: str) -> str:
    return page(f"error {status}", f"<h1>Error {status}</h1>\n<p>{escape(message)}</p>")
