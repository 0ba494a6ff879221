"""The JSON API under ``/api/``: request validation and the library calls behind each route.

Handlers take the decoded JSON body and return plain data; :mod:`derivekit.web.app` does the
HTTP. Request text reaches only the grader's grammar and the deriver's parser (never ``eval``
or ``sympify``); every bad request is an :class:`ApiError`, answered as one JSON line.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any, Mapping

from derivekit.errors import DerivekitError
from derivekit.model import Problem

MAX_BODY_BYTES = 16_384
"""A request body larger than this is refused (an answer is at most 2000 characters)."""
MAX_SEED = 2**31 - 1
MAX_WEB_SIZE = 8
"""The largest numeric size ``/api/derive`` accepts (the CLI takes up to 64): the symbolic
witness grows with the fourth power of the size."""
MAX_GIVENS = 12

ENDPOINTS = {
    "GET /api/problems": "the catalog: [{id, title, seed, section, parts}]",
    "GET /api/problems/{id}": "a problem: statement, givens, parts (no answers)",
    "POST /api/preview": "{problem, part, answer} -> how the grader reads the answer: "
                         "{ok, interpreted, interpreted_latex} or {ok: false, message}",
    "POST /api/check": "{problem, part, answer, seed?, any_layout?} -> the grader's feedback: "
                       "{verdict, interpreted, interpreted_latex, layout, message, diagnosis, "
                       "counterexample, evidence, html}",
    "POST /api/verify": "{problem, seed?} -> {verdict (as verify --json), audit (as audit "
                        "--json), html (the answer sheet)}",
    "POST /api/derive": "{expression, wrt, givens: ['X:n,n', ...], lets?: ['z=W@x', ...], "
                        "layout?, seed?} -> as derive --json, plus html",
}


class ApiError(Exception):
    """A bad request: HTTP ``status`` and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def field(body: Mapping[str, Any], name: str, kind: type, default: Any = ...) -> Any:
    """``body[name]`` of type ``kind`` (``default`` when absent, required without one)."""
    if name not in body:
        if default is ...:
            raise ApiError(400, f"missing field {name!r}")
        return default
    value = body[name]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ApiError(400, f"field {name!r} must be an integer")
    if not isinstance(value, kind):
        raise ApiError(400, f"field {name!r} must be {_KINDS.get(kind, kind.__name__)}")
    return value


_KINDS = {str: "a string", bool: "true or false", list: "a list", dict: "an object"}


def seed_of(body: Mapping[str, Any]) -> int:
    seed = field(body, "seed", int, 0)
    if not 0 <= seed <= MAX_SEED:
        raise ApiError(400, f"field 'seed' must be between 0 and {MAX_SEED}")
    return seed


def lookup(root: Path | None, problem_id: str) -> Problem:
    from derivekit import registry

    try:
        return registry.lookup(problem_id, root)
    except DerivekitError as exc:
        raise ApiError(404, str(exc)) from None


def part_of(problem: Problem, name: str):  # noqa: ANN201
    try:
        return problem.part(name)
    except DerivekitError as exc:
        raise ApiError(404, str(exc)) from None


# --------------------------------------------------------------------------- reads
def catalog_json(catalog: Mapping[str, Problem]) -> list[dict[str, Any]]:
    return [{"id": p.id, "title": p.title, "seed": p.source.seed, "section": p.source.section,
             "parts": [part.name for part in p.parts]} for p in catalog.values()]


def problem_json(problem: Problem) -> dict[str, Any]:
    """What a student's page shows: no closed forms."""
    return {
        "id": problem.id, "title": problem.title,
        "source": {"seed": problem.source.seed, "section": problem.source.section},
        "statement": problem.statement,
        "givens": [{"name": g.name, "latex": g.tex, "shape": [str(d) for d in g.shape],
                    "domain": g.domain.describe()} for g in problem.givens],
        "parts": [{"name": p.name, "kind": p.KIND, "asks": p.asks,
                   "layout": getattr(p, "layout", None)} for p in problem.parts],
    }


# --------------------------------------------------------------------------- answers
def answer_request(root: Path | None, body: Mapping[str, Any]):  # noqa: ANN201
    """(problem, part, answer text) of a preview or check request."""
    problem = lookup(root, field(body, "problem", str))
    part = part_of(problem, field(body, "part", str))
    return problem, part, field(body, "answer", str)


def preview(root: Path | None, body: Mapping[str, Any]) -> dict[str, Any]:
    from derivekit import grade

    problem, part, answer = answer_request(root, body)
    return grade.preview(problem, part, answer)


# --------------------------------------------------------------------------- heavy work
def verify(root: Path | None, body: Mapping[str, Any]) -> dict[str, Any]:
    """Verification, audit and answer sheet of one problem (seconds: run it in a thread)."""
    from derivekit.sheet.build import solve
    from derivekit.sheet.html import sheet_html
    from derivekit.verdict import to_dict

    problem = lookup(root, field(body, "problem", str))
    solved = solve(problem, seed_of(body))
    return {"verdict": to_dict(solved.verdict), "audit": [asdict(e) for e in solved.audit],
            "html": sheet_html(solved)}


def derive(body: Mapping[str, Any]) -> dict[str, Any]:
    """``derivekit derive`` over JSON; an unverified result carries no formula."""
    import derivekit
    from derivekit.derivation import verified
    from derivekit.sheet.html import derived_html

    givens = field(body, "givens", list)
    lets = field(body, "lets", list, [])
    if not givens or len(givens) > MAX_GIVENS or not all(isinstance(g, str) for g in givens):
        raise ApiError(400, f"field 'givens' must list 1 to {MAX_GIVENS} strings NAME:SHAPE")
    if len(lets) > MAX_GIVENS or not all(isinstance(item, str) for item in lets):
        raise ApiError(400, f"field 'lets' must list at most {MAX_GIVENS} strings NAME=EXPR")
    for spec in givens:
        sizes = spec.partition(":")[2].partition(":")[0].split(",")
        if any(d.strip().isdigit() and int(d) > MAX_WEB_SIZE for d in sizes):
            raise ApiError(400, f"{spec}: sizes above {MAX_WEB_SIZE} need the command line "
                           "(use a dimension name, e.g. X:n,n)")
    try:
        derived = derivekit.derive(field(body, "expression", str), field(body, "wrt", str),
                                   givens, layout=field(body, "layout", str, "denominator"),
                                   lets=lets, seed=seed_of(body))
    except DerivekitError as exc:
        raise ApiError(400, str(exc)) from None
    out = verified.to_dict(derived)
    if not derived.verified:
        out.update(derivative="", latex="", expanded="", intermediates={}, steps=[])
    return {**out, "html": derived_html(derived)}
