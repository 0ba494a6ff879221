"""Shape-checked constructors for the typed tree, with the algebra that is always safe.

Both the resolver (user text) and the deriver (its own results) build nodes here, so a
shape mistake is caught the same way wherever it comes from, and trivial forms (``0 + a``,
``1·a``, ``(Aᵀ)ᵀ``, ``(AB)ᵀ``) never reach a printed answer.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

from derivekit.errors import DerivekitError
from derivekit.expr.tree import (ELEMENTWISE, REDUCTIONS, VECTOR_MAPS, Dim, Node, Shape,
                                 const, is_const, is_scalar, shape_text, var)


class ShapeError(DerivekitError):
    """Operands whose shapes do not fit the operation."""


def _describe(node: Node) -> str:
    from derivekit.expr.render import ascii_

    text = ascii_(node)
    text = text if len(text) <= 30 else text[:27] + "..."
    return f"{text} ({shape_text(node.shape)})"


def _zero_like(shape: Shape) -> Node:
    return Node("zeros", (), shape) if shape and not is_scalar(shape) else const(0)


def is_zero(node: Node) -> bool:
    return is_const(node, 0) or node.op == "zeros"


# --------------------------------------------------------------------------- identity
UNSIZED = "?"
"""The size of a bare ``I`` until an operand beside it fixes it."""


def _sized(node: Node, n) -> Node:  # noqa: ANN001
    """``node`` with every unsized identity inside made n x n."""
    if UNSIZED not in node.shape:
        return node
    if node.op == "identity":
        return identity(n)
    args = tuple(_sized(a, n) for a in node.args)
    return Node(node.op, args, tuple(n if d == UNSIZED else d for d in node.shape), node.value)


def _fit_identities(a: Node, b: Node, a_side: int = 0, b_side: int = 0) -> tuple[Node, Node]:
    """Size a bare ``I`` from its neighbour: I + A, A - cI, I @ B, A @ I."""
    if UNSIZED in a.shape and len(b.shape) == 2 and UNSIZED not in b.shape:
        a = _sized(a, b.shape[b_side])
    if UNSIZED in b.shape and len(a.shape) == 2 and UNSIZED not in a.shape:
        b = _sized(b, a.shape[a_side])
    return a, b


# --------------------------------------------------------------------------- sums
def broadcast(a: Shape, b: Shape) -> Shape | None:
    """NumPy broadcasting of two shapes (bias vectors added to matrices), None if it fails."""
    if is_scalar(a) and len(a) <= len(b):
        return b
    if is_scalar(b) and len(b) <= len(a):
        return a
    if len(a) != len(b):
        return None
    out = []
    for x, y in zip(a, b):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            return None
    return tuple(out)


def add(a: Node, b: Node) -> Node:
    a, b = _fit_identities(a, b)
    shape = broadcast(a.shape, b.shape)
    if shape is None:
        raise ShapeError(f"cannot add {_describe(a)} and {_describe(b)}")
    if is_zero(a) and shape == b.shape:
        return b
    if is_zero(b) and shape == a.shape:
        return a
    if is_const(a) and is_const(b):
        return const(a.value + b.value)
    if b.op == "neg":
        return sub(a, b.args[0])
    if is_const(b) and b.value < 0:  # t + -1 is t - 1
        return sub(a, const(-b.value))
    return Node("add", (a, b), shape)


def neg(a: Node) -> Node:
    if a.op == "tuple":
        return tuple_([neg(item) for item in a.args])
    if is_const(a):
        return const(-a.value)
    if a.op == "neg":
        return a.args[0]
    if a.op == "zeros":
        return a
    if a.op == "scale" and is_const(a.args[0]):
        return scale(const(-a.args[0].value), a.args[1])
    return Node("neg", (a,), a.shape)


def sub(a: Node, b: Node) -> Node:
    a, b = _fit_identities(a, b)
    if b.op == "neg":
        return add(a, b.args[0])
    if is_zero(a) and broadcast(a.shape, b.shape) == b.shape:
        return neg(b)
    shape = broadcast(a.shape, b.shape)
    if shape is None:
        raise ShapeError(f"cannot subtract {_describe(b)} from {_describe(a)}")
    if is_zero(b) and shape == a.shape:
        return a
    if is_const(a) and is_const(b):
        return const(a.value - b.value)
    return Node("sub", (a, b), shape)


# --------------------------------------------------------------------------- products
def scale(s: Node, a: Node) -> Node:
    """s·a with s scalar-shaped; constants are folded and moved to the front."""
    if a.op == "tuple":
        return tuple_([scale(s, item) for item in a.args])
    if not is_scalar(s.shape):
        raise ShapeError(f"{_describe(s)} is not a scalar")
    if s.op in ("identity", "ones") and s.shape:  # a 1x1 identity or ones
        return a
    if is_zero(s) or is_zero(a):
        return _zero_like(a.shape)
    if is_const(s, 1):
        return a
    if is_const(s, -1):
        return neg(a)
    if is_const(a) and is_const(s):
        return const(s.value * a.value)
    if a.op == "neg":
        return neg(scale(s, a.args[0]))
    if s.op == "neg":
        return neg(scale(s.args[0], a))
    if a.op == "scale" and is_const(s) and is_const(a.args[0]):
        return scale(const(s.value * a.args[0].value), a.args[1])
    if a.op == "scale" and is_const(a.args[0]):
        return scale(a.args[0], scale(s, a.args[1]))
    if a.op == "scale" and is_const(s) and not is_scalar(a.shape):  # 2·(c·A) = (2c)·A
        return scale(product(s, a.args[0]), a.args[1])
    if a.op == "scale" and not is_scalar(a.shape) and not is_const(s):
        return scale(product(s, a.args[0]), a.args[1])
    if is_scalar(a.shape) and is_const(a) and not is_const(s):
        return scale(a, s)
    shape = a.shape if len(a.shape) >= len(s.shape) else s.shape
    return Node("scale", (s, a), shape)


def matmul(a: Node, b: Node) -> Node:
    a, b = _fit_identities(a, b, a_side=1, b_side=0)
    if len(a.shape) != 2 or len(b.shape) != 2 or a.shape[1] != b.shape[0]:
        raise ShapeError(f"cannot matrix-multiply {_describe(a)} by {_describe(b)}")
    if is_zero(a) or is_zero(b):
        return _zero_like((a.shape[0], b.shape[1]))
    if a.op == "identity":
        return b
    if b.op == "identity":
        return a
    if a.op == "diag" and b.op == "diag":  # diag(a) diag(b) = diag(a ⊙ b)
        return diag(hadamard(a.args[0], b.args[0]))
    if a.op == "ones" and a.shape[0] == 1 and b.op == "diag":  # 1ᵀ diag(v) = vᵀ
        return transpose(b.args[0])
    if b.op == "ones" and b.shape[1] == 1 and a.op == "diag":  # diag(v) 1 = v
        return a.args[0]
    if is_scalar(b.shape) and not is_scalar(a.shape):
        return scale(b, a)
    if is_scalar(a.shape) and not is_scalar(b.shape):
        return scale(a, b)
    if a.op == "neg":
        return neg(matmul(a.args[0], b))
    if b.op == "neg":
        return neg(matmul(a, b.args[0]))
    for side, other in ((a, b), (b, a)):  # (A/s) B = A (B/s) = (AB)/s for a scalar s
        if side.op == "div" and is_scalar(side.args[1].shape):
            inner = matmul(side.args[0], other) if side is a else matmul(other, side.args[0])
            return divide(inner, side.args[1])
    if a.op == "scale":
        return scale(a.args[0], matmul(a.args[1], b))
    if b.op == "scale":
        return scale(b.args[0], matmul(a, b.args[1]))
    return Node("matmul", (a, b), (a.shape[0], b.shape[1]))


def product(a: Node, b: Node) -> Node:
    """The product a person means by ``a b`` or ``a·b``: scaling when either side is a
    scalar (or 1x1), the matrix product otherwise."""
    a, b = _fit_identities(a, b, a_side=1, b_side=0)
    if len(a.shape) == 2 and len(b.shape) == 2 and a.shape[1] == b.shape[0] and not (
            is_scalar(a.shape) or is_scalar(b.shape)):
        return matmul(a, b)
    if is_scalar(a.shape):
        return scale(a, b)
    if is_scalar(b.shape):
        return scale(b, a)
    raise ShapeError(f"cannot multiply {_describe(a)} by {_describe(b)}")


def hadamard(a: Node, b: Node) -> Node:
    shape = broadcast(a.shape, b.shape)
    if shape is None:
        raise ShapeError(f"element-wise product of {_describe(a)} and {_describe(b)}")
    if is_scalar(a.shape) or is_scalar(b.shape):
        return scale(a, b) if is_scalar(a.shape) else scale(b, a)
    if is_zero(a) or is_zero(b):
        return _zero_like(shape)
    if a.op == "neg" or b.op == "neg":
        return neg(hadamard(a.args[0] if a.op == "neg" else a, b.args[0] if b.op == "neg" else b))
    if a.op == "ones" and shape == b.shape:
        return b
    if b.op == "ones" and shape == a.shape:
        return a
    if a.op == "scale" and is_scalar(a.args[0].shape):  # (sA) ⊙ B = s (A ⊙ B)
        return scale(a.args[0], hadamard(a.args[1], b))
    if b.op == "scale" and is_scalar(b.args[0].shape):
        return scale(b.args[0], hadamard(a, b.args[1]))
    return Node("hadamard", (a, b), shape)


def kron(a: Node, b: Node) -> Node:
    """a ⊗ b; a 1x1 factor (I_1, a scalar) only scales the other."""
    for x in (a, b):
        if not is_scalar(x.shape) and len(x.shape) != 2:
            raise ShapeError(f"Kronecker product of {_describe(a)} and {_describe(b)}")
    if is_scalar(a.shape):
        return b if a.op in ("identity", "ones") or is_const(a, 1) else scale(a, b)
    if is_scalar(b.shape):
        return a if b.op in ("identity", "ones") or is_const(b, 1) else scale(b, a)
    shape = tuple(_times(x, y) for x, y in zip(a.shape, b.shape))
    if is_zero(a) or is_zero(b):
        return _zero_like(shape)
    if a.op == "ones" and b.op == "ones":
        return ones(shape)
    return Node("kron", (a, b), shape)


def _times(x, y):  # noqa: ANN001, ANN202
    if isinstance(x, int) and isinstance(y, int):
        return x * y
    if x == 1 or y == 1:
        return y if x == 1 else x
    return canonical_size(f"{_term(x)}*{_term(y)}")


# --------------------------------------------------------------------------- logic
LOGIC = ("not", "and", "or", "xor")
"""Boolean operators on 0/1 entries, one entry at a time (evaluation checks the 0/1)."""


def logic(op: str, *operands: Node) -> Node:
    """``op`` (one of LOGIC) of one or two operands, broadcast like a sum: ``A ∨ B`` over
    truth-table inputs gives the whole table."""
    for a in operands:
        if a.op == "tuple":
            raise ShapeError(f"'{op}' of a tuple: {_describe(a)}")
    shape = operands[0].shape
    if len(operands) == 2:
        shape = broadcast(operands[0].shape, operands[1].shape)
        if shape is None:
            raise ShapeError(f"cannot take '{op}' of {_describe(operands[0])} and "
                             f"{_describe(operands[1])}")
    return Node(op, operands, shape)


def divide(a: Node, b: Node) -> Node:
    """a / b: b a scalar, or the same shape as a (element-wise)."""
    if is_const(b) and b.value == 0:
        raise ShapeError("division by zero")
    if is_const(b):
        return scale(const(1 / b.value), a)
    if is_zero(a):
        return a
    if a.op == "neg":  # -a / b, not (-a) / b
        return neg(divide(a.args[0], b))
    if not is_scalar(b.shape) and broadcast(a.shape, b.shape) is None:
        raise ShapeError(f"cannot divide {_describe(a)} by {_describe(b)}")
    shape = broadcast(a.shape, b.shape)
    return Node("div", (a, b), shape)


MAX_EXPONENT = 64
MAX_CONSTANT_BITS = 256
"""Exact constants stay small: ``(2^64)^64`` is refused instead of folded."""


def power(base: Node, exponent: Node) -> Node:
    """Scalar or element-wise power; a square matrix to -1 is its inverse and to a small
    integer, or to a variable such as a step count t, its matrix power."""
    if not is_scalar(exponent.shape):
        raise ShapeError(f"exponent {_describe(exponent)} is not a scalar")
    if is_const(exponent):
        k = exponent.value
        if abs(k) > MAX_EXPONENT or k.denominator > MAX_EXPONENT:
            raise ShapeError(f"exponent {k} is too large (limit {MAX_EXPONENT})")
        if k == 1:
            return base
        if k == 0 and not _square_matrix(base.shape) and not is_scalar(base.shape):
            return ones(base.shape)  # entry by entry: x^0 is a column of ones
        if k == 2 and base.op == "sqrt":
            return base.args[0]
        if is_const(base):
            if base.value == 0 and k < 0:
                raise ShapeError("division by zero")
            size = max(abs(base.value.numerator), base.value.denominator).bit_length()
            if size * abs(k) > MAX_CONSTANT_BITS:
                raise ShapeError(f"number too large: a constant of about {size * abs(k)} bits "
                                 f"(limit {MAX_CONSTANT_BITS})")
            if k.denominator == 1:
                return const(base.value ** int(k))
        if _square_matrix(base.shape):  # a non-square matrix can only mean element-wise
            if k == 0:
                return identity(base.shape[0])
            if k == -1:
                return inverse(base)
            if k.denominator == 1 and k > 0:
                return Node("matpow", (base, exponent), base.shape)
            raise ShapeError(f"power {k} of the square matrix {_describe(base)} (for an "
                             "element-wise power write A ⊙ A)")
        if _matrix_like(base.shape) and k == -1:
            return inverse(base)
    elif _square_matrix(base.shape):  # (I - ρH)^t: t is checked (whole, 0..64) when evaluated
        return Node("matpow", (base, exponent), base.shape)
    return Node("pow", (base, exponent), base.shape)


def elementwise_power(base: Node, exponent: Node) -> Node:
    """base ⊙ … ⊙ base: the entry-wise power, also of a square matrix (``A.^2``), where
    :func:`power` would read a square matrix's power as a matrix power."""
    if is_scalar(base.shape) or not _square_matrix(base.shape):
        return power(base, exponent)
    if is_const(exponent, 1):
        return base
    if is_const(exponent, 0):
        return ones(base.shape)
    return Node("pow", (base, exponent), base.shape)


def reciprocal(a: Node) -> Node:
    """1 / a entry by entry (never a matrix inverse)."""
    return divide(const(1), a)


def size_of(shape: Shape) -> Node:
    """The number of entries of an array of ``shape``, as a number or a product of
    dimension names (which evaluate to their sizes)."""
    out = const(1)
    for d in shape:
        out = product(out, dimension(d))
    return out


def dimension(d: Dim) -> Node:
    """A dimension as a scalar node: a number, or a dimension's name."""
    if isinstance(d, int):
        return const(d)
    if isinstance(d, str) and d.isidentifier():
        return var(d, ())
    raise ShapeError(f"the size {d} is computed from others; give it a name")


def _matrix_like(shape: Shape) -> bool:
    """Two dimensions, neither 1: not a vector."""
    return len(shape) == 2 and 1 not in shape


def _square_matrix(shape: Shape) -> bool:
    return len(shape) == 2 and shape[0] == shape[1] and shape[0] != 1


def transpose(a: Node) -> Node:
    if a.op == "tuple":  # (0, 4, 2)^T: a column
        return matrix([[item] for item in a.args])
    if not a.shape:
        return a
    if len(a.shape) != 2:
        raise ShapeError(f"cannot transpose {_describe(a)}")
    if a.op == "T":
        return a.args[0]
    if a.op in ("identity", "const"):
        return a
    if is_scalar(a.shape):
        return a
    flipped = (a.shape[1], a.shape[0])
    if a.op in ("zeros", "ones"):
        return Node(a.op, (), flipped)
    if a.op == "neg":
        return neg(transpose(a.args[0]))
    if a.op == "scale":
        return scale(a.args[0], transpose(a.args[1]))
    if a.op == "matmul":
        return matmul(transpose(a.args[1]), transpose(a.args[0]))
    if a.op == "kron":
        return kron(transpose(a.args[0]), transpose(a.args[1]))
    if a.op == "div" and is_scalar(a.args[1].shape):  # (A/s)ᵀ = Aᵀ/s
        return divide(transpose(a.args[0]), a.args[1])
    if a.op == "diag" and len(a.args[0].shape) == 2 and a.args[0].shape[1] == 1:
        return a
    return Node("T", (a,), flipped)


def inverse(a: Node) -> Node:
    if not _square_matrix(a.shape) and not is_scalar(a.shape):
        raise ShapeError(f"cannot invert {_describe(a)}: not square")
    if is_scalar(a.shape):
        return divide(const(1), a)
    if a.op == "inv":
        return a.args[0]
    return Node("inv", (a,), a.shape)


# --------------------------------------------------------------------------- functions
def apply(fn: str, arg: Node) -> Node:
    if fn in ELEMENTWISE:
        if is_const(arg) and fn in ("exp", "log") and arg.value == (0 if fn == "exp" else 1):
            return const(1 if fn == "exp" else 0)
        return Node(fn, (arg,), arg.shape)
    if fn == "total" and arg.op == "ones" and "?" not in arg.shape:
        return size_of(arg.shape)  # sum(ones(m, n)) = m n
    if fn in ("total", "trace") and arg.op == "neg":
        return neg(apply(fn, arg.args[0]))
    if fn in ("total", "trace") and arg.op == "scale":
        return scale(arg.args[0], apply(fn, arg.args[1]))
    if fn in REDUCTIONS:
        if fn in ("trace", "det", "logdet") and not (
                _square_matrix(arg.shape) or is_scalar(arg.shape)):
            raise ShapeError(f"{fn} needs a square matrix, got {_describe(arg)}")
        if is_scalar(arg.shape) and fn in ("trace", "total", "det", "mean", "max", "min"):
            return arg if not arg.shape else Node("total", (arg,), ())
        if is_scalar(arg.shape) and fn in ("variance", "std"):
            return const(0)
        return Node(fn, (arg,), ())
    if fn in ("softmax", "softmax_rows") and len(arg.shape) == 2 and arg.shape[1] != 1:
        return Node("softmax_rows", (arg,), arg.shape)
    if fn == "softmax_rows":
        fn = "softmax"
    if fn in VECTOR_MAPS:
        if len(arg.shape) != 2 or arg.shape[1] != 1:
            raise ShapeError(f"{fn} needs a column vector, got {_describe(arg)}")
        return Node(fn, (arg,), arg.shape)
    if fn == "diag":
        return diag(arg)
    if fn == "inv":
        return inverse(arg)
    if fn in ("flip", "flipud"):
        return flip(arg, fn)
    if fn == "vec":
        return vec(arg)
    if fn in ("eigmax", "eigmin"):
        return eigenvalue(fn, arg)
    raise ShapeError(f"unknown function {fn}")


def diag(arg: Node) -> Node:
    """A column becomes a diagonal matrix; a square matrix gives its diagonal as a column."""
    if len(arg.shape) == 2 and arg.shape[1] == 1:
        return Node("diag", (arg,), (arg.shape[0], arg.shape[0]))
    if len(arg.shape) == 2 and arg.shape[0] == 1:
        return Node("diag", (transpose(arg),), (arg.shape[1], arg.shape[1]))
    if _square_matrix(arg.shape):
        return Node("diagonal", (arg,), (arg.shape[0], 1))
    raise ShapeError(f"diag needs a vector or a square matrix, got {_describe(arg)}")


def matrix(rows: list[list[Node]]) -> Node:
    """A matrix of scalar entries, or a block matrix ``[a; b]``, ``[A, B; C, D]``."""
    rows = [[_number_if_one_by_one(e) for e in row] for row in rows]
    flat = tuple(e for row in rows for e in row)
    if all(is_scalar(e.shape) for e in flat):
        return Node("matrix", flat, (len(rows), len(rows[0])))
    rows = _fit_block_identities(rows)
    flat = tuple(e for row in rows for e in row)

    def extent(entry: Node, axis: int):  # noqa: ANN202
        if len(entry.shape) != 2 and not is_scalar(entry.shape):
            raise ShapeError(f"block {_describe(entry)} is not a matrix")
        return entry.shape[axis] if len(entry.shape) == 2 else 1

    heights = [_one(row, lambda e: extent(e, 0), "blocks in a row must have equal heights")
               for row in rows]
    widths = [_one(column, lambda e: extent(e, 1), "blocks in a column must have equal widths")
              for column in zip(*rows)]
    return Node("blocks", flat, (_total(heights), _total(widths)), len(rows[0]))


def _number_if_one_by_one(e: Node) -> Node:
    """A 1x1 identity, ones or zeros entry is the number it holds."""
    if e.op in ("identity", "ones", "zeros") and e.shape and is_scalar(e.shape):
        return const(0 if e.op == "zeros" else 1)
    return e


def _fit_block_identities(rows: list[list[Node]]) -> list[list[Node]]:
    """A bare ``I`` or ``\\mathbf 1`` block takes its width from its column's other blocks."""
    widths = [{e.shape[1] for e in column if len(e.shape) == 2 and UNSIZED not in e.shape}
              for column in zip(*rows)]
    return [[_sized(e, next(iter(w))) if UNSIZED in e.shape and len(w) == 1 else e
             for e, w in zip(row, widths)] for row in rows]


def _one(blocks, size, message: str):  # noqa: ANN001, ANN202
    sizes = {size(b) for b in blocks}
    if len(sizes) != 1:
        raise ShapeError(f"{message}: {', '.join(_describe(b) for b in blocks)}")
    return sizes.pop()


def _total(sizes: list):  # noqa: ANN202
    if all(isinstance(n, int) for n in sizes):
        return sum(sizes)
    return "+".join(str(n) for n in sizes)


def tuple_(items: list[Node]) -> Node:
    return Node("tuple", tuple(items), (len(items),))


def identity(n) -> Node:  # noqa: ANN001
    return Node("identity", (), (n, n))


def ones(shape: Shape) -> Node:
    return Node("ones", (), shape)


# --------------------------------------------------------------------------- signals
def _count(n: Node, what: str, least: int) -> Dim:
    """The size a count argument (rows, columns, padding) stands for in a shape: its number,
    a dimension's name, or its printed text (``h*w``); evaluation reads the value itself."""
    if not is_scalar(n.shape):
        raise ShapeError(f"{what} {_describe(n)} is not a scalar")
    if is_const(n):
        if n.value.denominator != 1 or n.value < least:
            raise ShapeError(f"{what} {n.value} is not a whole number >= {least}")
        return int(n.value)
    if n.op == "var":
        return n.value
    from derivekit.expr.render import ascii_

    return ascii_(n)


def _length(a: Dim, b: Dim, times: int, then: int) -> Dim:
    """a + times·b + then (a - k + 1, a + k - 1, a + 2r); with symbolic sizes the canonical
    text of the sum (``h-k+1``; ``h-(h-k+1)+1`` is ``k``)."""
    if isinstance(a, int) and isinstance(b, int):
        return a + times * b + then
    sign = {-1: "-", 1: "+", 2: "+2*"}[times]
    text = f"{_term(a)}{sign}{_term(b)}"
    return canonical_size(f"{text}{then:+d}" if then else text)


def canonical_size(d: Dim) -> Dim:
    """A size in canonical form: a number, a name, or a sum of names with whole coefficients
    written names first (``h-k+1``), so that equal sizes compare equal however computed.
    Other arithmetic (``h*w``) stays as written."""
    if isinstance(d, int) or d.isidentifier():
        return d
    terms = _linear(d)
    if terms is None:
        return _monomial(d)
    constant = terms.pop("", 0)
    names = [(n, c) for n, c in terms.items() if c]
    if not names:
        return constant
    ordered = sorted(names, key=lambda item: (item[1] < 0, item[0]))
    text = ""
    for name, c in ordered:
        sign = "-" if c < 0 else "+" if text else ""
        text += f"{sign}{'' if abs(c) == 1 else f'{abs(c)}*'}{name}"
    if len(ordered) == 1 and ordered[0][1] == 1 and not constant:
        return ordered[0][0]
    return f"{text}{constant:+d}" if constant else text


def _monomial(text: str) -> Dim:
    """``n*m`` as ``m*n``: a product of names and numbers with its factors in order (other
    arithmetic as written)."""
    factors = text.split("*")
    if not all(f.isidentifier() or f.isdigit() for f in factors):
        return text
    number = math.prod(int(f) for f in factors if f.isdigit())
    names = sorted(f for f in factors if f.isidentifier())
    return "*".join(([str(number)] if number != 1 else []) + names)


def _linear(text: str) -> dict[str, int] | None:
    """``h-(h-k+1)+1`` -> {"k": 1}: the name -> coefficient form of a sum (its constant
    under ""), or None when the text is not a sum of whole multiples of names."""
    try:
        return _SizeReader(text, None).read()
    except ValueError:
        return None


def size_value(text: str, dims: Mapping[str, int]) -> int:
    """The value of a computed size (``h-k+1``, ``h*w``, ``h/2``) at ``dims``; ValueError when
    it is not such arithmetic or names an unknown dimension. A reader of its own (never
    Python's parser: sizes can come from typed answers)."""
    return _SizeReader(text, dims).read()


class _SizeReader:
    """Recursive descent over ``+ - * / //``, whole numbers, names and parentheses: with
    ``dims`` it computes the number, without it the linear form (a dict of coefficients)."""

    _TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(//|[-+*/()]))")

    def __init__(self, text: str, dims: Mapping[str, int] | None) -> None:
        self.tokens, position = [], 0
        while position < len(text.rstrip()):
            match = self._TOKEN.match(text, position)
            if match is None or len(self.tokens) > 200:
                raise ValueError(f"size {text!r} is not arithmetic")
            self.tokens.append(match.group(1) or match.group(2) or match.group(3))
            position = match.end()
        self.dims = dims
        self.at = 0

    def read(self) -> Any:
        value = self._sum()
        if self.at != len(self.tokens):
            raise ValueError("unexpected text in a size")
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            raise ValueError("a size ends too early")
        self.at += 1
        return token

    def _sum(self) -> Any:
        value = self._product()
        while self._peek() in ("+", "-"):
            sign = 1 if self._take() == "+" else -1
            value = self._combine(value, self._product(), sign)
        return value

    def _product(self) -> Any:
        value = self._factor()
        while self._peek() in ("*", "/", "//"):
            op, other = self._take(), self._factor()
            value = self._times(value, other, op)
        return value

    def _factor(self) -> Any:
        token = self._take()
        if token == "-":
            return self._times(self._number(-1), self._factor(), "*")
        if token == "(":
            value = self._sum()
            if self._take() != ")":
                raise ValueError("unbalanced parentheses in a size")
            return value
        if token.isdigit():
            return self._number(int(token))
        if token[0].isalpha() or token[0] == "_":
            if self.dims is None:
                return {token: 1}
            if token not in self.dims:
                raise ValueError(f"unknown dimension {token}")
            return int(self.dims[token])
        raise ValueError(f"unexpected {token!r} in a size")

    def _number(self, n: int) -> Any:
        return n if self.dims is not None else {"": n}

    def _combine(self, a: Any, b: Any, sign: int) -> Any:
        if self.dims is not None:
            return a + sign * b
        out = dict(a)
        for name, c in b.items():
            out[name] = out.get(name, 0) + sign * c
        return out

    def _times(self, a: Any, b: Any, op: str) -> Any:
        if self.dims is not None:
            return a * b if op == "*" else a // b
        constant = [x[""] for x in (a, b) if set(x) <= {""}]
        if op != "*" or not constant:
            raise ValueError("not a linear size")
        c, other = (constant[0], b) if set(a) <= {""} else (constant[0], a)
        return {name: c * v for name, v in other.items()}


def _term(d: Dim) -> str:
    """A size as a factor or term of a computed size: ``h``, ``3``, ``(h-k+1)``."""
    return str(d) if isinstance(d, int) or d.isidentifier() else f"({d})"


def _planar(a: Node, what: str) -> None:
    if len(a.shape) != 2:
        raise ShapeError(f"{what} needs a matrix or a column, got {_describe(a)}")


MAX_ENTRIES = 10**6
"""No answer builds an array with more entries, or a correlation with more products, than
this: sizes known now are refused here, the others when evaluated (before allocating)."""


def _capped(op: str, shape: Shape) -> Shape:
    """``shape`` if its size is unknown yet or within the limit (a zero of it may be filled)."""
    if all(isinstance(d, int) for d in shape) and math.prod(shape) > MAX_ENTRIES:
        raise ShapeError(f"{op} would have {float(math.prod(shape)):.3g} entries "
                         f"(limit {MAX_ENTRIES:.0e})")
    return shape


def correlate(op: str, a: Node, k: Node) -> Node:
    """``xcorr`` (a ⋆ k, valid: what a CNN layer computes), ``conv`` (valid, kernel flipped)
    or ``conv_full`` (zero-padded so that every overlap counts)."""
    _planar(a, op)
    _planar(k, op)
    full = op == "conv_full"
    shape = tuple(_length(x, y, 1 if full else -1, -1 if full else 1)
                  for x, y in zip(a.shape, k.shape))
    if any(isinstance(d, int) and d < 1 for d in shape):
        raise ShapeError(f"{op}: the kernel {_describe(k)} is larger than {_describe(a)}")
    return Node(op, (a, k), _capped(op, shape))


def pad(a: Node, rows: Node, cols: Node) -> Node:
    """``a`` with ``rows`` zero rows above and below and ``cols`` zero columns each side."""
    _planar(a, "pad")
    r, c = _count(rows, "pad rows", 0), _count(cols, "pad columns", 0)
    if r == 0 and c == 0:
        return a
    shape = (_length(a.shape[0], r, 2, 0), _length(a.shape[1], c, 2, 0))
    return Node("pad", (a, rows, cols), _capped("pad", shape))


def filled(op: str, rows: Node, cols: Node) -> Node:
    """``zeros(r, c)`` / ``ones(r, c)``: how a zero or all-ones matrix prints and reads back."""
    shape = (_count(rows, f"{op} rows", 1), _count(cols, f"{op} columns", 1))
    return Node(op, (), _capped(op, shape))


def reshape(a: Node, rows: Node, cols: Node) -> Node:
    """The entries of ``a`` in row-major order as a rows x cols matrix (any input rank)."""
    shape = (_count(rows, "reshape rows", 1), _count(cols, "reshape columns", 1))
    if shape == a.shape:
        return a
    if all(isinstance(d, int) for d in (*a.shape, *shape)) and math.prod(a.shape) != \
            math.prod(shape):
        raise ShapeError(f"cannot reshape {_describe(a)} to {shape_text(shape)}")
    return Node("reshape", (a, rows, cols), _capped("reshape", shape))


def commutation(rows: Node, cols: Node) -> Node:
    """The permutation K with vec(Aᵀ) = K vec(A) for an r x c matrix A (vec row-major)."""
    r, c = _count(rows, "commutation rows", 1), _count(cols, "commutation columns", 1)
    size = _times(r, c)
    return Node("commutation", (rows, cols), _capped("commutation", (size, size)))


def maxpool(a: Node, k: Node) -> Node:
    """Max over non-overlapping k x k windows (stride k) of a matrix."""
    _planar(a, "maxpool")
    size = _count(k, "pool size", 1)
    shape = tuple(d // size if isinstance(d, int) and isinstance(size, int) else
                  f"{_term(d)}/{_term(size)}" for d in a.shape)
    if any(isinstance(d, int) and d < 1 for d in shape):
        raise ShapeError(f"maxpool: windows of {size} do not fit in {_describe(a)}")
    return Node("maxpool", (a, k), shape)


def vec(a: Node) -> Node:
    """The entries of ``a`` in row-major order as one column."""
    if not a.shape:
        raise ShapeError(f"vec needs an array, got {_describe(a)}")
    if len(a.shape) == 2 and a.shape[1] == 1:
        return a
    dims = [d for d in a.shape if d != 1]  # vec(x^T) is as long as x
    size = math.prod(dims) if all(isinstance(d, int) for d in dims) else \
        dims[0] if len(dims) == 1 else "*".join(_term(d) for d in dims)
    return Node("vec", (a,), (size, 1))


def flip(a: Node, op: str = "flip") -> Node:
    """``flip``: every axis reversed (rot180 of a matrix); ``flipud``: the rows reversed."""
    if is_scalar(a.shape):
        return a
    return Node(op, (a,), a.shape)


def eigenvalue(fn: str, a: Node) -> Node:
    """``eigmax`` / ``eigmin``: the extreme eigenvalue of a symmetric matrix (checked when
    evaluated)."""
    if not _square_matrix(a.shape):
        raise ShapeError(f"{fn} needs a square symmetric matrix, got {_describe(a)}")
    return Node(fn, (a,), ())


# --------------------------------------------------------------------------- indexing
def indexed_axes(shape: Shape, count: int) -> list[int]:
    """Which axes ``count`` indices address: all of them, or for one index the entries of a
    vector (either orientation) and the rows of a matrix; leading axes of a larger array."""
    if count == 1 and len(shape) == 2:
        return [1] if shape[0] == 1 and shape[1] != 1 else [0]
    return list(range(count))


Span = tuple  # (lower or None, upper or None)


def index(array: Node, items: list[Node | Span], from_one: bool) -> Node:
    """Entries of ``array``: an index per addressed axis (a scalar) or a Span. Subscripts
    (``from_one``) count from 1 and include the end of a span; brackets are NumPy's."""
    if not array.shape or is_scalar(array.shape):
        raise ShapeError(f"cannot index {_describe(array)}: it is a scalar")
    if len(items) > len(array.shape):
        raise ShapeError(f"{len(items)} indices for {_describe(array)}")
    for item in items:
        for end in item if isinstance(item, tuple) else (item,):
            if end is not None and not is_scalar(end.shape):
                raise ShapeError(f"index {_describe(end)} is not a scalar")
    shape: list = list(array.shape)
    specs, args = [], []
    for axis, item in zip(indexed_axes(array.shape, len(items)), items):
        if isinstance(item, tuple):
            lower, upper = item
            specs.append(("span", lower is not None, upper is not None))
            args += [end for end in (lower, upper) if end is not None]
            shape[axis] = _span_length(array.shape[axis], lower, upper, from_one)
        else:
            specs.append(("at",))
            args.append(item)
            shape[axis] = None
    kept = _kept_shape(shape)
    if array.op in ("ones", "zeros") and _entries_known(array.shape, items, from_one):
        return const(1 if array.op == "ones" else 0) if not kept else Node(array.op, (), kept)
    return Node("index", (array, *args), kept, (from_one, tuple(specs)))


def _entries_known(shape: Shape, items: list, from_one: bool) -> bool:
    """Whether every index is a number inside its axis (then 1ᵢ = 1, 0ᵢ = 0 now; any other
    index is checked when evaluated)."""
    for axis, item in zip(indexed_axes(shape, len(items)), items):
        size = shape[axis]
        if isinstance(item, tuple) or not is_const(item) or not isinstance(size, int):
            return False
        k = item.value
        if not (1 <= k <= size if from_one else -size <= k < size):
            return False
    return True


def _kept_shape(shape: list) -> Shape:
    """The shape left when the axes marked None are indexed away: a matrix stays a matrix
    (a row or a column), a single entry is a scalar, a 1-D rest of a larger array a column."""
    if len(shape) == 2 and None in shape:
        kept = tuple(1 if d is None else d for d in shape)
        return () if kept == (1, 1) else kept
    rest = tuple(d for d in shape if d is not None)
    return (rest[0], 1) if len(rest) == 1 else rest


def _span_length(size, lower: Node | None, upper: Node | None, from_one: bool):  # noqa: ANN001, ANN202
    """The length of a span: a number when it is known now, else the arithmetic of its ends
    (``n-1`` for ``x[1:]`` or ``x_{2:n}``), which evaluation reads back with the grammar."""
    if lower is None and upper is None:
        return size
    if isinstance(size, int) and all(e is None or is_const(e) for e in (lower, upper)):
        start, stop = span_bounds(*(None if e is None else e.value for e in (lower, upper)),
                                  size, from_one)
        return stop - start
    whole = const(size) if isinstance(size, int) else var(size, ())

    def position(end: Node | None, default: Node) -> Node:
        if end is None:
            return default
        if not from_one and is_const(end) and end.value < 0:  # x[:-1]: from the end
            return sub(whole, const(-end.value))
        return end

    start = position(lower, const(1) if from_one else const(0))
    length = sub(position(upper, whole), sub(start, const(1)) if from_one else start)
    if is_const(length):
        if length.value < 1:
            raise ShapeError(f"a range of length {length.value}")
        return int(length.value)
    from derivekit.expr.render import ascii_

    return canonical_size(ascii_(length).replace(" ", ""))  # x[m:m+p] has p entries


def span_bounds(lower, upper, size: int, from_one: bool) -> tuple[int, int]:  # noqa: ANN001
    """:func:`derivekit.ops.span` for a span whose ends are known when the tree is built."""
    from derivekit.ops import span

    try:
        return span(lower, upper, size, from_one)
    except ValueError as exc:
        raise ShapeError(str(exc)) from None


def index_var(name: str) -> Node:
    """The variable of a sum, product or sequence case: an integer when evaluated."""
    return Node("index_var", (), (), name)


MAX_TERMS = 10_000
"""A sum or product over more terms than this is refused when evaluated."""


def bounded(kind: str, var: str, lower: Node, upper: Node, body: Node) -> Node:
    """``\\sum_{var=lower}^{upper} body``; a product of matrices multiplies in increasing order
    of ``var`` (left to right)."""
    for end in (lower, upper):
        if not is_scalar(end.shape):
            raise ShapeError(f"limit {_describe(end)} is not a scalar")
    if kind == "prod" and not (is_scalar(body.shape) or _square_matrix(body.shape)):
        raise ShapeError(f"product of {_describe(body)}: needs scalars or square matrices")
    if kind == "sum" and is_zero(body):
        return body
    return Node(f"{kind}_over", (lower, upper, body), body.shape, var)


def sequence_ref(sequence, at: Node) -> Node:  # noqa: ANN001
    if not is_scalar(at.shape):
        raise ShapeError(f"index {_describe(at)} is not a scalar")
    return Node("seq", (at,), sequence.shape, sequence)
