"""Judge a derivative against the truth: JAX float64 autodiff of the case's own expression.

The truth is computed without the deriver: the expression is parsed and evaluated with
:mod:`derivekit.expr.evaluate` on JAX tracers, ``jax.jacrev`` differentiates it, and the
traced program runs at random points drawn from each given's domain (the slow test reruns it
through XLA, so the NumPy interpreter of jaxprs is checked too). Three things are judged
against it: a source's printed closed form (:func:`claim_outcome`), derivekit's
``derive`` (:func:`derivekit_outcome`), and — in the benchmark — SymPy.

Layout of the truth (:func:`arrange`), as ``derive`` states it:

* scalar f: the gradient has the variable's shape (denominator), or its transpose
  (numerator);
* a matrix f (neither dimension 1) by a scalar: the entry-wise derivative, f's shape, in
  either layout;
* otherwise the Jacobian ∂vec(f)/∂vec(wrt), vec reading entries row by row (derivekit's
  ``vec``): one row per entry of f in numerator layout, its transpose in denominator;
* ``entrywise`` (a claim's, for SymPy's derivative by a scalar): ∂f/∂t with f's shape.
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

import jax
import numpy as np

from derivekit.errors import DerivekitError
from derivekit.expr.evaluate import evaluate
from derivekit.expr.parse import parse
from derivekit.expr.resolve import Scope, resolve, scope_from
from derivekit.expr.tree import Node, Shape
from derivekit.model import Given
from derivekit.points import draw_given
from derivekit.witness.jaxpr_eval import compile_numpy
from tests.external.derivatives import Case, Claim

jax.config.update("jax_enable_x64", True)

POINTS = 3
"""Random points per shape set."""
RTOL, ATOL = 1e-7, 1e-9
"""Agreement: |value - truth| <= RTOL |truth| + ATOL (1 + max |truth|), entry by entry."""
DEFAULT_SIZES = ((2, 3, 4, 2, 3, 4), (4, 2, 3, 4, 2, 3), (3, 3, 3, 3, 3, 3))
"""Sizes of the symbolic dimensions in order of appearance: distinct sizes catch shape
mistakes, all-equal ones catch a transpose of a square matrix."""
HELD = ("integer",)
"""Domains whose givens are held as constants while JAX differentiates (a matrix power
needs a whole exponent, not a tracer)."""


class NoTruth(Exception):
    """The case has no truth to judge against (not expressible, or the expression does not
    parse): the one-line reason."""


# --------------------------------------------------------------------------- the case's tree
def scope_for(case: Case) -> Scope:
    """The givens, plus every dimension name as a number (as ``derivekit derive`` does)."""
    scope = scope_from(case.shapes)
    for dim in case.dimensions:
        if scope.lookup(dim) is None:
            scope.add(dim, ())
    return scope


def tree(case: Case, text: str) -> Node:
    return resolve(parse(text), scope_for(case))


def expression(case: Case) -> Node:
    """The case's expression as derivekit reads it, or :class:`NoTruth` saying why not."""
    if case.unexpressible:
        raise NoTruth(f"not expressible in the notation: {case.unexpressible}")
    try:
        return tree(case, case.expression)
    except DerivekitError as exc:
        raise NoTruth(f"the notation refuses the expression: {one_line(exc)}") from None


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --------------------------------------------------------------------------- points
def shape_sets(case: Case) -> list[dict[str, int]]:
    if case.sizes:
        return [dict(s) for s in case.sizes]
    return [{d: sizes[i % len(sizes)] for i, d in enumerate(case.dimensions)}
            for sizes in DEFAULT_SIZES] if case.dimensions else [{}]


def draw(case: Case, dims: Mapping[str, int], count: int = POINTS,
         seed: int = 0) -> list[dict[str, np.ndarray]]:
    """``count`` points in the givens' domains, seeded by the case and the shape set."""
    label = f"{case.id}/{sorted(dims.items())}/{seed}"
    rng = np.random.default_rng(zlib.crc32(label.encode()))
    givens = [Given(name, shape, case.domains[name]) for name, shape in case.shapes.items()]
    points = []
    for _ in range(count):
        values: dict[str, np.ndarray] = {}
        for given in givens:
            values[given.name] = np.asarray(draw_given(given, dims, rng, values), float)
        points.append(values)
    return points


# --------------------------------------------------------------------------- the truth
def jacobian_program(case: Case, node: Node, point: Mapping[str, np.ndarray],
                     through_xla: bool = False):
    """d node / d wrt as a function of (wrt value, other values), traced by JAX once; run by
    derivekit's NumPy interpreter of jaxprs, or compiled by XLA."""
    held = {n: point[n] for n in case.shapes if case.domains[n].kind in HELD}

    def f(u: Any, values: Mapping[str, Any]) -> Any:
        return evaluate(node, {**values, **held, case.wrt: u}, case.shapes)

    derivative = jax.jacrev(f)
    free = {n: v for n, v in point.items() if n not in held and n != case.wrt}
    if through_xla:
        return jax.jit(derivative)
    return compile_numpy(derivative, point[case.wrt], free)


def truth(case: Case, node: Node, points: list[dict[str, np.ndarray]],
          layout: str, through_xla: bool = False) -> list[np.ndarray]:
    """JAX's derivative at each point, arranged in ``layout`` (module docstring)."""
    held = any(case.domains[n].kind in HELD for n in case.shapes)
    program = None
    out = []
    for point in points:
        if program is None or held:
            program = jacobian_program(case, node, point, through_xla)
        free = {n: v for n, v in point.items()
                if n != case.wrt and case.domains[n].kind not in HELD}
        with np.errstate(all="ignore"):
            jac = np.asarray(program(point[case.wrt], free), float)
            f_shape = np.shape(evaluate(node, point, case.shapes))
        out.append(arrange(jac, f_shape, np.shape(point[case.wrt]), layout))
    return out


def arrange(jac: np.ndarray, f_shape: tuple, wrt_shape: tuple, layout: str) -> np.ndarray:
    """``jax.jacrev``'s (*f_shape, *wrt_shape) array in ``layout`` (module docstring)."""
    f_size, wrt_size = math.prod(f_shape), math.prod(wrt_shape)
    if layout == "entrywise":
        if wrt_size != 1:
            raise ValueError("an entry-wise derivative is by a scalar")
        return jac.reshape(f_shape)
    if wrt_size == 1 and len(f_shape) == 2 and 1 not in f_shape:
        return jac.reshape(f_shape)
    if f_size == 1:
        gradient = jac.reshape(wrt_shape)
        return gradient.T if layout == "numerator" else gradient
    jacobian = jac.reshape(f_size, wrt_size)
    return jacobian if layout == "numerator" else jacobian.T


def value_of(node: Node, point: Mapping[str, np.ndarray], shapes: Mapping[str, Shape]
             ) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(evaluate(node, point, shapes), float)


def disagreement(value: np.ndarray, expected: np.ndarray) -> str | None:
    """None when ``value`` agrees with ``expected``; else a one-line reason."""
    value = np.asarray(value, float)
    if value.shape != expected.shape and not (value.size == expected.size == 1):
        return f"shape {value.shape}, the truth has shape {expected.shape}"
    value = value.reshape(expected.shape)
    if not np.all(np.isfinite(value)):
        return "not finite"
    scale = float(np.max(np.abs(expected), initial=0.0))
    error = np.abs(value - expected)
    bad = error > RTOL * np.abs(expected) + ATOL * (1 + scale)
    if not bad.any():
        return None
    if not value.any():
        return "zero where the truth is not"
    index = np.unravel_index(int(np.argmax(np.where(bad, error, -1))), expected.shape)
    return (f"entry {tuple(int(i) for i in index)}: {value[index]:.6g} where the truth is "
            f"{expected[index]:.6g}")


def first_disagreement(values: list[np.ndarray], truths: list[np.ndarray]) -> str | None:
    for value, expected in zip(values, truths):
        why = disagreement(value, expected)
        if why:
            return why
    return None


# --------------------------------------------------------------------------- outcomes
@dataclass(frozen=True)
class Outcome:
    status: str
    """derivekit: right / wrong / refused / crash; a claim: holds / fails / refused."""
    reason: str = ""
    """One line; empty when right."""
    result: str = ""
    """What was printed (derivekit's result in ASCII), when there was one."""
    seconds: float | None = None

    def __str__(self) -> str:
        return f"{self.status}: {self.reason}" if self.reason else self.status


@lru_cache(maxsize=None)
def points_and_truths(case: Case, layout: str, through_xla: bool = False
                      ) -> tuple[tuple[dict[str, int], list, list], ...]:
    """(sizes, points, truths) per shape set: computed once per case and layout, shared by
    the claims and derivekit's result."""
    node = expression(case)
    out = []
    for dims in shape_sets(case):
        points = draw(case, dims)
        out.append((dims, points, truth(case, node, points, layout, through_xla)))
    return tuple(out)


def judge(case: Case, form: Node, layout: str) -> str | None:
    """None when ``form`` agrees with the truth at every shape set and point; else where it
    does not."""
    for dims, points, truths in points_and_truths(case, layout):
        why = first_disagreement([value_of(form, p, case.shapes) for p in points], truths)
        if why:
            return f"{why} (sizes {dims})"
    return None


def claim_outcome(case: Case, claim: Claim) -> Outcome:
    """holds / fails (with the counterexample) / refused (the notation cannot read it)."""
    try:
        expression(case)
    except NoTruth as exc:
        return Outcome("refused", str(exc))
    try:
        form = tree(case, claim.form)
    except DerivekitError as exc:
        return Outcome("refused", f"the notation refuses the claim: {one_line(exc)}")
    why = judge(case, form, claim.layout)
    return Outcome("fails", why) if why else Outcome("holds")


def derivekit_outcome(case: Case) -> Outcome:
    """``derivekit.derivation.verified.derive`` on the case: right (verified, every witness
    passed, and it agrees with the truth), wrong (verified yet disagrees), refused
    (CannotDerive / DerivekitError, or its own witnesses did not verify it) or crash (any
    other exception)."""
    from derivekit.derivation.verified import derive
    from derivekit.expr.render import ascii_

    try:
        expression(case)
    except NoTruth as exc:
        return Outcome("refused", str(exc))
    start = time.perf_counter()
    try:
        with np.errstate(all="ignore"):  # the witnesses' own warnings at singular points
            derived = derive(case.expression, case.wrt, case.shapes, layout=case.layout,
                             domains=case.stated_domains)
    except DerivekitError as exc:
        return Outcome("refused", one_line(exc), seconds=time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001  (anything else is a bug to report)
        return Outcome("crash", f"{type(exc).__name__}: {one_line(exc)}",
                       seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    result = derived.derivation.result
    text = ascii_(result)
    try:
        why = judge(case, result, case.layout)
    except Exception as exc:  # noqa: BLE001
        why = f"cannot evaluate the result: {type(exc).__name__}: {one_line(exc)}"
    failed = [w.name for w in derived.verdict.witnesses if w.passed is False]
    if not derived.verified or failed:
        agrees = "agrees" if why is None else "disagrees"
        return Outcome("refused", f"not verified ({_verdict_summary(derived.verdict, failed)}); "
                       f"the printed result {agrees} with JAX", text, seconds)
    if why:
        return Outcome("wrong", why, text, seconds)
    return Outcome("right", "", text, seconds)


def _verdict_summary(verdict: Any, failed: list[str]) -> str:
    """Which witnesses failed and how, without the numbers (stable from run to run)."""
    if not failed:
        return f"{verdict.status}: {one_line(Exception(verdict.message))}"
    how = "non-finite values" if "non-finite" in verdict.message else "values disagree"
    return f"{', '.join(failed)} failed: {how}"
