"""The typed tree: every node knows its operation and its shape.

One small node class with an ``op`` tag keeps evaluation, printing and differentiation as
tables (one rule per op) instead of class hierarchies. Shapes follow the model's
conventions: ``()`` for scalars, ``(n, 1)`` for column vectors; dimensions are ints or
symbol names (``"n"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Union

Dim = Union[int, str]
Shape = tuple[Dim, ...]

ELEMENTWISE = ("sigmoid", "tanh", "relu", "step", "exp", "log", "sqrt", "abs", "sin", "cos",
               "tan", "arctan", "arcsin", "arccos", "sinh", "cosh", "arctanh", "arcsinh",
               "softplus", "floor", "ceil", "nonneg", "sign", "iszero")
"""Functions applied entry by entry (shape in = shape out)."""
REDUCTIONS = ("trace", "det", "logdet", "total", "mean", "variance", "std", "max", "min")
"""Functions of a whole array with a scalar value."""
VECTOR_MAPS = ("softmax", "log_softmax")
"""Functions of a whole column with a column value."""


@dataclass(frozen=True)
class Node:
    op: str
    """const, var, add, neg, scale, matmul, hadamard, div, pow, inv, T, kron, diag, matrix,
    tuple, a logic operator (not, and, or, xor), a signal or array function (xcorr, conv,
    conv_full, pad, reshape, vec, flip, flipud, eigmax, eigmin), or a function name
    (ELEMENTWISE, REDUCTIONS, VECTOR_MAPS)."""
    args: tuple[Node, ...]
    shape: Shape
    value: Any = None
    """const: a Fraction; var: the name; pow: nothing (the exponent is args[1])."""

    def __repr__(self) -> str:
        from derivekit.expr.render import ascii_

        return f"Node<{ascii_(self)} : {self.shape}>"


@dataclass(eq=False)
class Sequence:
    """An indexed name an answer defines by cases: ``h_0 = …``, ``h_t = tanh(W h_{t-1} …)``.

    Identity equality: a case body may refer back to its own sequence."""

    name: str
    shape: Shape | None = None
    fixed: list[tuple[Node, Node]] = field(default_factory=list)
    """(index, body) for the cases at one index (``h_0``, ``\\delta_T``)"""
    param: str | None = None
    offset: int = 0
    """``s_{t+1} = …`` is the case at every index, with ``t`` bound to index - offset."""
    general: Node | None = None


def const(value: Fraction | int) -> Node:
    return Node("const", (), (), Fraction(value))


def var(name: str, shape: Shape) -> Node:
    return Node("var", (), tuple(shape), name)


def is_scalar(shape: Shape) -> bool:
    """Scalars and 1x1 matrices multiply like numbers."""
    return all(d == 1 for d in shape)


def is_const(node: Node, value: Fraction | int | None = None) -> bool:
    return node.op == "const" and (value is None or node.value == value)


def walk(node: Node):  # noqa: ANN201  (a generator of Nodes)
    """Every node, parents first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.args))


def shape_text(shape: Shape) -> str:
    if not shape:
        return "scalar"
    return "×".join(str(d) for d in shape)


def expand(node: Node, definitions: dict[str, Node]) -> Node:
    """Replace named intermediates (``z = W1 @ x + b1``) by their definitions."""
    if node.op == "var" and node.value in definitions:
        return definitions[node.value]
    if not node.args:
        return node
    return Node(node.op, tuple(expand(a, definitions) for a in node.args), node.shape,
                node.value)


def contract(node: Node, definitions: dict[str, Node]) -> Node:
    """Write a result with the intermediates' names wherever their definitions appear, the
    way a person writes backprop (δ₂, z₁) instead of repeating the forward pass."""
    by_tree = {tree: name for name, tree in definitions.items()}
    name = by_tree.get(node)
    if name is not None:
        return Node("var", (), node.shape, name)
    if not node.args:
        return node
    return Node(node.op, tuple(contract(a, definitions) for a in node.args), node.shape,
                node.value)
