"""The parse tree before names are resolved: what the text *says*, not yet what it *means*.

``x(y)`` is an ``Apply`` whether ``x`` turns out to be a function or a given multiplied by
``y``; ``Juxtapose`` keeps ``Xw`` and ``\\log x`` undecided. :mod:`derivekit.expr.resolve`
decides with the problem's givens at hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Union


@dataclass(frozen=True)
class Number:
    value: Fraction


@dataclass(frozen=True)
class Name:
    text: str
    """Letters with an optional subscript, as typed: ``W_{1}``, ``lambda``, ``yhat``."""


@dataclass(frozen=True)
class Apply:
    name: Name
    args: tuple[Raw, ...]


@dataclass(frozen=True)
class Binary:
    op: str
    """one of + - * / @ hadamard kron"""
    left: Raw
    right: Raw


@dataclass(frozen=True)
class Juxtapose:
    factors: tuple[Raw, ...]


@dataclass(frozen=True)
class Negate:
    operand: Raw


@dataclass(frozen=True)
class Power:
    base: Raw
    exponent: Raw


@dataclass(frozen=True)
class Transpose:
    operand: Raw


@dataclass(frozen=True)
class Frac:
    numerator: Raw
    denominator: Raw


@dataclass(frozen=True)
class Sqrt:
    operand: Raw


@dataclass(frozen=True)
class Total:
    """``\\sum_i …``: the sum of all entries of what follows (limits are not interpreted)."""

    operand: Raw


@dataclass(frozen=True)
class Norm:
    operand: Raw
    sub: str = ""


@dataclass(frozen=True)
class Abs:
    operand: Raw


@dataclass(frozen=True)
class Indicator:
    left: Raw
    relation: str
    right: Raw


@dataclass(frozen=True)
class Matrix:
    rows: tuple[tuple[Raw, ...], ...]


@dataclass(frozen=True)
class Group:
    """Parentheses, kept so that ``f (a, b)`` and ``x (y)`` can be told apart from ``x y``."""

    items: tuple[Raw, ...]


Raw = Union[Number, Name, Apply, Binary, Juxtapose, Negate, Power, Transpose, Frac, Sqrt,
            Total, Norm, Abs, Indicator, Matrix, Group]
