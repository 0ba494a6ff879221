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
from derivekit.errors import DerivekitError
from derivekit.expr.evaluate import as_function, evaluate
from derivekit.expr.parse import parse
from derivekit.expr.resolve import scope_from, resolve
from derivekit.expr.tree import Node, Shape, contract, expand, var, walk
from derivekit.model import (INVERTIBLE, LAYOUTS, POSITIVE, REAL, Derivative, Given, Problem,
                             Source)
from derivekit.verdict import PartVerdict

SHAPE_SET_SIZES = ((2, 3, 4, 2, 3, 4), (3, 2, 2, 4, 3, 2), (3, 3, 3, 3, 3, 3))
"""Concrete sizes for the symbolic dimensions, in order of appearance: distinct sizes catch
shape mistakes, equal ones catch transposes of square matrices."""


@dataclass
class Derived:
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


DOMAINS = {"real": REAL, "positive": POSITIVE, "invertible": INVERTIBLE}


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
    in order): the text may use them, and the result is written with them."""
    if layout not in LAYOUTS:
        raise DerivekitError(f"layout must be one of {', '.join(LAYOUTS)}")
    if wrt not in givens:
        raise DerivekitError(f"--wrt {wrt}: not among the givens ({', '.join(givens)})")
    shapes = dict(givens)
    definitions = _definitions(lets, shapes)
    scope = scope_from({**shapes, **{n: t.shape for n, t in definitions.items()}})
    for dimension in {d for shape in shapes.values() for d in shape if isinstance(d, str)}:
        if scope.lookup(dimension) is None:  # sizes are numbers: sum_{i=1}^{n}, 1/n
            scope.add(dimension, ())
    expression = expand(resolve(parse(text), scope), definitions)
    derivation = derivative(expression, var(wrt, shapes[wrt]), layout)
    verdict = witness(expression, derivation.result, shapes, wrt, layout, seed, domains)
    display = contract(derivation.result, definitions) if definitions else None
    names = list(definitions)
    written = {n: contract(definitions[n], {m: definitions[m] for m in names[:i]})
               for i, n in enumerate(names)}
    return Derived(expression, wrt, shapes, derivation, verdict, display, written)


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
    """The witnesses of d(expression)/d(wrt) = answer: the same ones every catalog part meets.

    ``derive`` runs them on its own result; tests run them on wrong answers to see them fail.
    """
    from derivekit.verify import verify_part

    problem = _problem(expression, dict(shapes), wrt, answer, layout, domains or {})
    verdict = verify_part(problem, problem.parts[0], seed)
    if verdict.status != "verified" and "non-finite" in verdict.message:
        verdict = replace(verdict, message=verdict.message + " (outside the function's domain? "
                          "declare it: NAME:scalar:positive, X:n,n:invertible)")
    return verdict


def _problem(expression: Node, shapes: dict[str, Shape], wrt: str, answer: Node,
             layout: str, stated: Mapping[str, Any]) -> Problem:
    domains = {**_domains(expression), **stated}
    dims = list(dict.fromkeys(d for s in shapes.values() for d in s if isinstance(d, str)))
    shape_sets = tuple({d: sizes[i % len(sizes)] for i, d in enumerate(dims)}
                       for sizes in SHAPE_SET_SIZES) if dims else ({},)
    givens = tuple(Given(name, shape, domains.get(name, REAL)) for name, shape in shapes.items())
    part = Derivative(name="derivative", asks=f"d/d{wrt}", answer_latex="", of=as_function(
        expression, shapes), wrt=wrt, answer=as_function(answer, shapes),
        layout=layout)
    return Problem(id="derive", title="derivekit derive", source=Source("command line", ""),
                   statement="", givens=givens, parts=(part,), shapes=shape_sets)


def _domains(expression: Node) -> dict[str, Any]:
    """Where the function is defined: matrices under det/inverse get an invertible draw
    with positive determinant, plain variables under log/sqrt positive entries."""
    out: dict[str, Any] = {}
    for node in walk(expression):
        if node.op in ("det", "logdet", "inv"):
            out.update({n.value: INVERTIBLE for n in walk(node.args[0]) if n.op == "var"
                        and len(n.shape) == 2 and n.shape[0] == n.shape[1] and n.shape[0] != 1})
        if node.op in ("log", "sqrt") and node.args[0].op == "var":
            out.setdefault(node.args[0].value, POSITIVE)
    return out


def value_at(derived: Derived, path: Path) -> np.ndarray:
    """The derivative at the values in a JSON file (name -> number or nested lists)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise DerivekitError(f"--at {path}: {exc}") from None
    if not isinstance(data, dict):
        raise DerivekitError(f"--at {path}: expected a JSON object of name -> value")
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
