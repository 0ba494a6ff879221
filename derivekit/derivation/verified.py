"""``derivekit derive``: parse, derive by differentials, and prove before anything is shown.

The derived form is stated as an ordinary :class:`~derivekit.model.Derivative` part of an
ad-hoc problem, so it meets exactly the witnesses every catalog part meets (entry-by-entry
symbolic differentiation at small shapes, JAX float64 autodiff, finite differences).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from derivekit.derivation.matrix import Derivation, derivative
from derivekit.display import Displayable
from derivekit.errors import DerivekitError
from derivekit.expr.evaluate import as_function, evaluate
from derivekit.expr.parse import parse
from derivekit.expr.resolve import scope_from, resolve
from derivekit.expr import build
from derivekit.expr.reading import Reading
from derivekit.expr.tree import Node, Shape, contract, expand, var, walk
from derivekit.model import (BINARY, INVERTIBLE, LAYOUTS, ONEHOT, POSITIVE, REAL, SIMPLEX, SPD,
                             UNIT, Derivative, Given, Problem, Source)
from derivekit.verdict import PartVerdict

SHAPE_SET_SIZES = ((2, 3, 4, 2, 3, 4), (3, 2, 2, 4, 3, 2), (3, 3, 3, 3, 3, 3),
                   (4, 2, 3, 3, 2, 4), (2, 2, 3, 3, 4, 4), (4, 3, 2, 2, 3, 4), (2, 4, 3, 2, 4, 3))
"""Concrete sizes for the symbolic dimensions, in order of appearance: distinct sizes catch
shape mistakes, equal ones catch transposes of square matrices. The witnesses take the first
three at which the function is defined (``inv(X.T @ X)`` needs X at least as tall as wide)."""
SHAPE_SETS = 3


@dataclass
class Derived(Displayable):
    expression: Node
    wrt: str
    shapes: dict[str, Shape]
    derivation: Derivation
    verdict: PartVerdict
    display: Node | None = None
    """The result written with the named intermediates (``--let``); None without them."""
    intermediates: dict[str, Node] = field(default_factory=dict)
    """Each intermediate as defined, written with the ones before it."""

    @property
    def verified(self) -> bool:
        return self.verdict.status == "verified"


DOMAINS = {"real": REAL, "positive": POSITIVE, "invertible": INVERTIBLE, "spd": SPD,
           "simplex": SIMPLEX, "onehot": ONEHOT, "unit": UNIT, "binary": BINARY}
"""What ``--given NAME:SHAPE:DOMAIN`` may declare (a probability vector, a one-hot label, a
symmetric positive definite matrix, …); the witnesses draw from it."""


def parse_given(text: str) -> tuple[str, Shape, Any]:
    """``X:n,n`` / ``x:n`` / ``lam:scalar:positive`` / ``W:3,4`` -> (name, shape, domain or
    None); a length is a column vector."""
    name, sep, spec = text.partition(":")
    spec, _, domain_name = spec.partition(":")
    name, spec, domain_name = name.strip(), spec.strip(), domain_name.strip()
    if not sep or not name.isidentifier() or not spec:
        raise DerivekitError(f"--given {text!r}: expected NAME:SHAPE[:DOMAIN] (SHAPE: scalar, "
                             "n, or m,n)")
    if domain_name and domain_name not in DOMAINS:
        raise DerivekitError(f"--given {text!r}: domain must be one of {', '.join(DOMAINS)}")
    domain = DOMAINS.get(domain_name)
    if spec == "scalar":
        return name, (), domain
    dims: list[int | str] = []
    for d in spec.split(","):
        d = d.strip()
        if d.isdigit() and 0 < int(d) <= 64:
            dims.append(int(d))
        elif d.isidentifier():
            dims.append(d)
        else:
            raise DerivekitError(f"--given {text!r}: bad dimension {d!r} (a name or 1..64)")
    if len(dims) > 2:
        raise DerivekitError(f"--given {text!r}: at most two dimensions (matrices)")
    return name, tuple(dims) if len(dims) == 2 else (dims[0], 1), domain


def parse_let(text: str) -> tuple[str, str]:
    """``z=W1@x+b1`` -> ("z", "W1@x+b1")."""
    name, sep, definition = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier() or not definition.strip():
        raise DerivekitError(f"--let {text!r}: expected NAME=EXPRESSION")
    return name, definition.strip()


def derive(text: str, wrt: str, givens: Mapping[str, Shape], layout: str = "denominator",
           seed: int = 0, domains: Mapping[str, Any] | None = None,
           lets: Sequence[tuple[str, str]] = ()) -> Derived:
    """Derive d(text)/d(wrt) and run the witnesses on the result (``domains`` overrides the
    inferred domain of a given). ``lets`` are named intermediates (``("z", "W1@x + b1")``,
    in order): the text may use them, and the result is written with them. A let whose name
    carries an index defines a sequence (``("h_0", "h0")``, ``("h_t", "tanh(W@h_{t-1} + x)")``)."""
    if layout not in LAYOUTS:
        raise DerivekitError(f"layout must be one of {', '.join(LAYOUTS)}")
    if wrt not in givens:
        raise DerivekitError(f"--wrt {wrt}: not among the givens ({', '.join(givens)})")
    shapes = dict(givens)
    sequence_lets = [(n, t) for n, t in lets if "_" in n and not n.isidentifier() or
                     _indexed_name(n, shapes)]
    plain_lets = [item for item in lets if item not in sequence_lets]
    definitions = _definitions(plain_lets, shapes)
    scope = scope_from({**shapes, **{n: t.shape for n, t in definitions.items()}})
    for dimension in {d for shape in shapes.values() for d in shape if isinstance(d, str)}:
        if scope.lookup(dimension) is None:  # sizes are numbers: sum_{i=1}^{n}, 1/n
            scope.add(dimension, ())
    cases = [(parse(name), parse(body)) for name, body in sequence_lets]
    expression = expand(resolve(parse(text), scope, cases), definitions)
    stated = domains or {}
    derivation = derivative(expression, var(wrt, shapes[wrt]), layout,
                            facts=_facts({**_domains(expression), **stated}, shapes))
    verdict = witness(expression, derivation.result, shapes, wrt, layout, seed, stated)
    display = contract(derivation.result, definitions) if definitions else None
    names = list(definitions)
    written = {n: contract(definitions[n], {m: definitions[m] for m in names[:i]})
               for i, n in enumerate(names)}
    return Derived(expression, wrt, shapes, derivation, verdict, display, written)


def _indexed_name(name: str, shapes: Mapping[str, Shape]) -> bool:
    """``h_t``, ``h_0``, ``s_{k+1}``: a let that defines a case of a sequence (not a given
    that happens to have an underscore)."""
    base, _, index = name.partition("_")
    return bool(base) and bool(index) and name not in shapes and (
        index.strip("{}").lstrip("-").isdigit() or len(index.strip("{}")) == 1 or "{" in index)


def _facts(domains: Mapping[str, Any], shapes: Mapping[str, Shape]) -> dict[Node, Node]:
    """What the domains guarantee, for the printed form (see :meth:`Reading.facts`)."""
    givens = [Given(name, shape, domains.get(name, REAL)) for name, shape in shapes.items()]
    return Reading("derive", givens).facts()


def _definitions(lets: Sequence[tuple[str, str]], shapes: Mapping[str, Shape]) -> dict[str, Node]:
    """Each intermediate resolved (it may use the givens and earlier intermediates) and
    expanded down to the givens."""
    definitions: dict[str, Node] = {}
    for name, text in lets:
        if name in shapes or name in definitions:
            raise DerivekitError(f"--let {name}: the name is already taken")
        scope = scope_from({**shapes, **{n: t.shape for n, t in definitions.items()}})
        definitions[name] = expand(resolve(parse(text), scope), definitions)
    return definitions


def witness(expression: Node, answer: Node, shapes: Mapping[str, Shape], wrt: str,
            layout: str = "denominator", seed: int = 0,
            domains: Mapping[str, Any] | None = None) -> PartVerdict:
    """The witnesses of d(expression)/d(wrt) = answer: the same ones every catalog part meets,
    at shape sets and points where the function is defined.

    ``derive`` runs them on its own result; tests run them on wrong answers to see them fail.
    """
    from derivekit.verify import verify_part

    problem = _problem(expression, dict(shapes), wrt, answer, layout, domains or {}, seed)
    verdict = verify_part(problem, problem.parts[0], seed)
    if verdict.status != "verified" and ("non-finite" in verdict.message or
                                         "LinAlgError" in verdict.message):
        verdict = replace(verdict, message=verdict.message + "; " + _undefined_hint(
            expression, problem, seed))
    return verdict


def _problem(expression: Node, shapes: dict[str, Shape], wrt: str, answer: Node,
             layout: str, stated: Mapping[str, Any], seed: int = 0) -> Problem:
    domains = {**_domains(expression), **stated}
    givens = tuple(Given(name, shape, domains.get(name, REAL)) for name, shape in shapes.items())
    part = Derivative(name="derivative", asks=f"d/d{wrt}", answer_latex="", of=as_function(
        expression, shapes), wrt=wrt, answer=as_function(answer, shapes),
        layout=layout)
    return Problem(id="derive", title="derivekit derive", source=Source("command line", ""),
                   statement="", givens=givens, parts=(part,),
                   shapes=_shape_sets(expression, givens, seed))


def _shape_sets(expression: Node, givens: tuple[Given, ...], seed: int) -> tuple[dict, ...]:
    """The first shape sets of SHAPE_SET_SIZES at which the function is defined at a random
    point; all of them when none is (the witnesses then say where it is undefined)."""
    dims = list(dict.fromkeys(d for g in givens for d in g.shape if isinstance(d, str)))
    if not dims:
        return ({},)
    candidates = [{d: sizes[i % len(sizes)] for i, d in enumerate(dims)}
                  for sizes in SHAPE_SET_SIZES]
    defined = [dims_ for dims_ in candidates if _undefined(expression, givens, dims_, seed) is None]
    return tuple(defined[:SHAPE_SETS]) if len(defined) >= SHAPE_SETS else \
        tuple(candidates[:SHAPE_SETS])


def _undefined(expression: Node, givens: tuple[Given, ...], dims: Mapping[str, int],
               seed: int) -> tuple[Node, str] | None:
    """The first piece of the function that is undefined at a random point of this shape set
    (a singular matrix under inv/det/logdet, a log of a non-positive value), or None."""
    from derivekit.points import draw, rng_for

    rng = rng_for(seed, "derive", "domain", str(sorted(dims.items())))
    shapes = {g.name: g.shape for g in givens}
    for _ in range(POINTS):
        values, _ = draw(givens, dims, rng)
        found = _undefined_at(expression, values, shapes)
        if found is not None:
            return found
    return None


POINTS = 5
"""Random points per shape set at which the function must be defined."""


def _outside_binders(node: Node):  # noqa: ANN202
    """Every node not inside a sum, product or sequence (which bind index variables)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current.op not in ("sum_over", "prod_over", "seq"):
            stack.extend(current.args)


def _undefined_at(expression: Node, values: Mapping[str, Any],
                  shapes: Mapping[str, Shape]) -> tuple[Node, str] | None:
    with np.errstate(all="ignore"):
        for node in _outside_binders(expression):
            if node.op in ("inv", "det", "logdet") and node.args[0].shape and not all(
                    d == 1 for d in node.args[0].shape):
                matrix = np.asarray(evaluate(node.args[0], values, shapes), dtype=float)
                if not np.all(np.isfinite(matrix)) or np.linalg.cond(matrix) > 1e6:
                    return node.args[0], "is singular"
                if node.op == "logdet" and np.linalg.det(matrix) <= 0:
                    return node.args[0], "has a determinant <= 0"
            if node.op in ("log", "sqrt"):
                value = np.asarray(evaluate(node.args[0], values, shapes), dtype=float)
                if np.any(value < 0) or (node.op == "log" and np.any(value == 0)):
                    return node.args[0], "has entries <= 0"
    return None


def _undefined_hint(expression: Node, problem: Problem, seed: int) -> str:
    """Which piece of the function is undefined at the witnesses' points, and which
    declaration would fix it."""
    from derivekit.expr.render import ascii_

    for dims in problem.shapes:
        found = _undefined(expression, problem.givens, dims, seed)
        if found is None:
            continue
        node, why = found
        names = sorted({n.value for n in walk(node) if n.op == "var"})
        square = [n for n in names if len(problem.given(n).shape) == 2 and
                  problem.given(n).shape[0] == problem.given(n).shape[1]]
        determinant = any(n.op == "det" for n in walk(node))
        if why == "has entries <= 0" and not (determinant and square):
            fix = ", ".join(f"{n}:…:positive" for n in names) or "a positive domain"
        elif square:
            fix = ", ".join(f"{n}:…:spd" for n in square)
            if len(square) < len(names):
                fix += " and sizes that keep " + ascii_(node) + " full rank"
        else:
            fix = "sizes that keep it full rank (e.g. a tall X for X.T @ X)"
        return f"{ascii_(node)} {why} at the sampled points: declare {fix}"
    return "outside the function's domain? declare it: NAME:scalar:positive, X:n,n:spd"


def _domains(expression: Node) -> dict[str, Any]:
    """Where the function is defined: a matrix A inside log det(Bᵀ A B) is drawn symmetric
    positive definite, other matrices under det/inverse get an invertible draw with positive
    determinant, plain variables under log/sqrt positive entries."""
    out: dict[str, Any] = {}
    for node in walk(expression):
        if node.op in ("det", "logdet", "inv"):
            middle = _congruence_middle(node.args[0])
            if middle is not None:
                out[middle] = SPD
            out.update({n.value: INVERTIBLE for n in walk(node.args[0]) if n.op == "var"
                        and n.value not in out and len(n.shape) == 2
                        and n.shape[0] == n.shape[1] and n.shape[0] != 1})
        if node.op in ("log", "sqrt") and node.args[0].op == "var":
            out.setdefault(node.args[0].value, POSITIVE)
    return out


def _congruence_middle(node: Node) -> str | None:
    """A in Bᵀ A B (a symmetric form: positive definite when A is and B has full rank)."""
    if node.op == "matmul" and node.args[0].op == "matmul":
        (left, middle), right = node.args[0].args, node.args[1]
        if middle.op == "var" and left == build.transpose(right) and len(middle.shape) == 2 \
                and middle.shape[0] == middle.shape[1]:
            return middle.value
    return None


def read_values(path: Path) -> dict[str, Any]:
    """The JSON object of an ``--at`` file (name -> number or nested lists)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise DerivekitError(f"--at {path}: {exc}") from None
    if not isinstance(data, dict):
        raise DerivekitError(f"--at {path}: expected a JSON object of name -> value")
    return data


def value_at(derived: Derived, path: Path, data: Mapping[str, Any] | None = None
             ) -> np.ndarray:
    """The derivative at the values in a JSON file (``data``: its contents, read already)."""
    data = read_values(path) if data is None else data
    missing = [n for n in derived.shapes if n not in data]
    if missing:
        raise DerivekitError(f"--at {path}: no value for {', '.join(missing)}")
    values, dims = {}, {}
    for name, shape in derived.shapes.items():
        try:
            value = np.asarray(data[name], dtype=float)
        except (TypeError, ValueError):
            raise DerivekitError(f"--at {path}: {name} is not a number or nested lists") \
                from None
        value = value.reshape(-1, 1) if value.ndim == 1 and len(shape) == 2 else value
        if value.ndim != len(shape):
            raise DerivekitError(f"--at {path}: {name} has shape {value.shape}, expected "
                                 f"{len(shape)} dimension(s) {shape}")
        for d, size in zip(shape, value.shape):
            if dims.setdefault(d, size) != size or (isinstance(d, int) and d != size):
                raise DerivekitError(f"--at {path}: {name} has shape {value.shape}, which "
                                     f"does not fit its declared shape {shape}")
        values[name] = value
    with np.errstate(all="ignore"):
        out = np.asarray(evaluate(derived.derivation.result, values, derived.shapes), float)
    if not np.all(np.isfinite(out)):
        raise DerivekitError(f"--at {path}: the derivative is not finite there")
    return out


def to_dict(derived: Derived, at: np.ndarray | None = None) -> dict[str, Any]:
    """The JSON document of ``derivekit derive --json``."""
    from derivekit.expr.render import ascii_, latex
    from derivekit.verdict import _witness_dict

    result = derived.derivation.result
    out: dict[str, Any] = {
        "expression": ascii_(derived.expression),
        "expression_latex": latex(derived.expression),
        "wrt": derived.wrt,
        "kind": derived.derivation.kind,
        "layout": derived.derivation.layout,
        "derivative": ascii_(derived.display or result),
        "latex": latex(derived.display or result),
        "expanded": ascii_(result),
        "intermediates": {n: ascii_(t) for n, t in derived.intermediates.items()},
        "shape": [str(d) if isinstance(d, str) else d for d in result.shape],
        "status": derived.verdict.status,
        "max_error": derived.verdict.max_error,
        "message": derived.verdict.message,
        "witnesses": [_witness_dict(w) for w in derived.verdict.witnesses],
        "steps": derived.derivation.steps,
    }
    if at is not None:
        out["value"] = at.tolist()
    return out
