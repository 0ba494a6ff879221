"""Shape-checked constructors for the typed tree, with the algebra that is always safe.

Both the resolver (user text) and the deriver (its own results) build nodes here, so a
shape mistake is caught the same way wherever it comes from, and trivial forms (``0 + a``,
``1·a``, ``(Aᵀ)ᵀ``, ``(AB)ᵀ``) never reach a printed answer.
"""

from __future__ import annotations


from derivekit.errors import DerivekitError
from derivekit.expr.tree import (ELEMENTWISE, REDUCTIONS, VECTOR_MAPS, Node, Shape, const,
                                 is_const, is_scalar, shape_text)


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
    if len(a.shape) != 2 or len(b.shape) != 2:
        raise ShapeError(f"Kronecker product of {_describe(a)} and {_describe(b)}")
    shape = tuple(_times(x, y) for x, y in zip(a.shape, b.shape))
    return Node("kron", (a, b), shape)


def _times(x, y):  # noqa: ANN001, ANN202
    if isinstance(x, int) and isinstance(y, int):
        return x * y
    return f"{x}*{y}"


def divide(a: Node, b: Node) -> Node:
    """a / b: b a scalar, or the same shape as a (element-wise)."""
    if is_const(b) and b.value == 0:
        raise ShapeError("division by zero")
    if is_const(b):
        return scale(const(1 / b.value), a)
    if is_zero(a):
        return a
    if not is_scalar(b.shape) and broadcast(a.shape, b.shape) is None:
        raise ShapeError(f"cannot divide {_describe(a)} by {_describe(b)}")
    shape = broadcast(a.shape, b.shape)
    return Node("div", (a, b), shape)


MAX_EXPONENT = 64
MAX_CONSTANT_BITS = 256
"""Exact constants stay small: ``(2^64)^64`` is refused instead of folded."""


def power(base: Node, exponent: Node) -> Node:
    """Scalar or element-wise power; a square matrix to -1 is its inverse and to a small
    integer its matrix power."""
    if not is_scalar(exponent.shape):
        raise ShapeError(f"exponent {_describe(exponent)} is not a scalar")
    if is_const(exponent):
        k = exponent.value
        if abs(k) > MAX_EXPONENT or k.denominator > MAX_EXPONENT:
            raise ShapeError(f"exponent {k} is too large (limit {MAX_EXPONENT})")
        if k == 1:
            return base
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
            if k == -1:
                return inverse(base)
            if k.denominator == 1 and k > 0:
                return Node("matpow", (base, exponent), base.shape)
            raise ShapeError(f"power {k} of the square matrix {_describe(base)} (for an "
                             "element-wise power write A ⊙ A)")
        if _matrix_like(base.shape) and k == -1:
            return inverse(base)
    elif _square_matrix(base.shape):
        raise ShapeError(f"matrix power with a non-constant exponent: {_describe(base)}")
    return Node("pow", (base, exponent), base.shape)


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
    if fn in ("total", "trace") and arg.op == "neg":
        return neg(apply(fn, arg.args[0]))
    if fn in ("total", "trace") and arg.op == "scale":
        return scale(arg.args[0], apply(fn, arg.args[1]))
    if fn in REDUCTIONS:
        if fn in ("trace", "det", "logdet") and not (
                _square_matrix(arg.shape) or is_scalar(arg.shape)):
            raise ShapeError(f"{fn} needs a square matrix, got {_describe(arg)}")
        if is_scalar(arg.shape) and fn in ("trace", "total", "det"):
            return arg if not arg.shape else Node("total", (arg,), ())
        return Node(fn, (arg,), ())
    if fn == "softmax" and len(arg.shape) == 2 and arg.shape[1] != 1:
        return Node("softmax_rows", (arg,), arg.shape)
    if fn in VECTOR_MAPS:
        if len(arg.shape) != 2 or arg.shape[1] != 1:
            raise ShapeError(f"{fn} needs a column vector, got {_describe(arg)}")
        return Node(fn, (arg,), arg.shape)
    if fn == "diag":
        return diag(arg)
    if fn == "inv":
        return inverse(arg)
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
    for row in rows:
        for entry in row:
            if not is_scalar(entry.shape):
                raise ShapeError(f"matrix entry {_describe(entry)} is not a scalar")
    flat = tuple(e for row in rows for e in row)
    return Node("matrix", flat, (len(rows), len(rows[0])))


def tuple_(items: list[Node]) -> Node:
    return Node("tuple", tuple(items), (len(items),))


def identity(n) -> Node:  # noqa: ANN001
    return Node("identity", (), (n, n))


def ones(shape: Shape) -> Node:
    return Node("ones", (), shape)
