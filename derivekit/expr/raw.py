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
    """one of + - * / @ hadamard kron xcorr, or the logic operators or xor and"""
    left: Raw
    right: Raw


@dataclass(frozen=True)
class Terms:
    """A flat chain ``a + b - c + …`` (the grammar builds it left to right): a chain of a
    thousand terms is one level deep, not a thousand."""

    items: tuple[tuple[int, Raw], ...]
    """(+1 or -1, term) in the order typed"""


@dataclass(frozen=True)
class Juxtapose:
    factors: tuple[Raw, ...]


@dataclass(frozen=True)
class Negate:
    operand: Raw


@dataclass(frozen=True)
class Not:
    """Logical negation (``\\neg A``, ``not A``, ``\\overline{AB}``)."""

    operand: Raw


@dataclass(frozen=True)
class Power:
    base: Raw
    exponent: Raw
    elementwise: bool = False
    """``A.^2`` / ``A^{\\circ 2}``: entry by entry even for a square matrix."""


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
class Bounded:
    """``\\sum_{i=1}^{n} …`` / ``\\prod_{j<i} …``: the body at every integer of a range.
    Without limits (``\\sum_i x_i``) the range is read off the entries ``i`` indexes."""

    kind: str
    """sum or prod"""
    var: str
    lower: Raw | None
    upper: Raw | None
    body: Raw


@dataclass(frozen=True)
class Span:
    """``a:b`` inside an index; either end may be missing (``:`` is the whole axis)."""

    lower: Raw | None
    upper: Raw | None


@dataclass(frozen=True)
class Index:
    """Entries of an array: ``x[0]``, ``X[:, t]`` (NumPy: from 0, end excluded) or a subscript
    ``x_i``, ``X_{:,t}``, ``p_{1:s-1}`` (mathematics: from 1, end included)."""

    operand: Raw
    items: tuple[Raw, ...]
    """an expression (one entry) or a Span per axis"""
    from_one: bool


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


Raw = Union[Number, Name, Apply, Binary, Terms, Juxtapose, Negate, Not, Power, Transpose, Frac,
            Sqrt,
            Total, Bounded, Span, Index, Norm, Abs, Indicator, Matrix, Group]
