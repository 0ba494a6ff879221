"""Matrix calculus by differentials: gradients and Jacobians in matrix form.

A gradient of a scalar goes backwards, by adjoints (:mod:`derivekit.derivation.backward`);
a Jacobian of a vector or matrix goes forwards, by vec-differentials
(:mod:`derivekit.derivation.forward`). Each node's rule is a differential identity that the
answer sheet can print (:mod:`derivekit.derivation.rules`).

The result is simplified (:mod:`derivekit.derivation.canonical`: like terms collected,
common factors pulled out, scalar coefficients cancelled by SymPy on *our own* trees) and is
never trusted here: :mod:`derivekit.derivation.verified` proves it with the witnesses before
anyone prints it. A construct without a rule raises :class:`CannotDerive` instead of
returning 0 or a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from derivekit.derivation import backward, canonical, forward
from derivekit.derivation.rules import RULES, CannotDerive
from derivekit.derivation.sequences import Dependence
from derivekit.expr import build
from derivekit.expr.tree import Node, is_scalar

__all__ = ["RULES", "CannotDerive", "Derivation", "derivative"]


@dataclass
class Derivation:
    """What was derived, in which layout, and the identities used (for answer sheets)."""

    result: Node
    layout: str
    kind: str
    """'gradient' or 'jacobian'"""
    steps: list[str] = field(default_factory=list)


def derivative(f: Node, wrt: Node, layout: str = "denominator", textbook: bool = True,
               facts: Mapping[Node, Node] | None = None) -> Derivation:
    """∂f/∂wrt: the gradient of a scalar f (the shape of wrt in denominator layout), the
    Jacobian ∂vec(f)/∂vec(wrt) of a vector or matrix f (numerator layout: a row per entry of
    f, vec row-major; denominator layout is its transpose), or, for a matrix f and a scalar
    wrt, the matrix of entry-wise derivatives (f's shape, in either layout). A function that
    does not depend on wrt has the zero derivative.

    ``textbook`` gives the form people read (SymPy cancels coefficients, common factors
    come out, the shortest equal form wins); without it only like terms are collected, which
    is all a witness needs and several times faster. ``facts`` are equalities the givens'
    domains guarantee (``sum(y) -> 1`` for a probability vector y), used in that form.
    """
    if wrt.op != "var":
        raise CannotDerive("the variable must be a name")
    used: list[str] = []
    if not Dependence(wrt.value)(f):
        used.append(r"d\,c = 0\ \text{(no dependence on the variable)}")
    if _matrix(f.shape) and is_scalar(wrt.shape):
        result = canonical.unvec(forward.jacobian(f, wrt, used), f.shape)
        kind = "derivative"
    elif is_scalar(f.shape):
        result = backward.gradient(f, wrt, used)
        if layout == "numerator":
            result = build.transpose(result)
        kind = "gradient"
    else:
        result = forward.jacobian(f, wrt, used)
        if layout == "denominator":
            result = build.transpose(result)
        kind = "jacobian"
    steps = list(dict.fromkeys(used))
    final = canonical.textbook(result, facts or {}) if textbook else canonical.collect(result)
    return Derivation(final, layout, kind, steps)


def _matrix(shape: tuple) -> bool:
    """Two dimensions, neither of them 1 (not a vector)."""
    return len(shape) == 2 and 1 not in shape
