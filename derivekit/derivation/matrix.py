"""Matrix calculus by differentials: gradients and Jacobians in matrix form.

Gradient of a scalar f. Each node's rule is a differential identity, applied backwards:
the *adjoint* G of a node Y is the matrix with df = tr(Gᵀ dY) (denominator layout), and
the identity says what G becomes for Y's operands:

    d(AB) = dA·B + A·dB          ->  G_A = G Bᵀ,            G_B = Aᵀ G
    d tr(A) = tr(I dA)           ->  G_A = g I
    d log det A = tr(A⁻¹ dA)     ->  G_A = g A⁻ᵀ
    d A⁻¹ = -A⁻¹ dA A⁻¹          ->  G_A = -A⁻ᵀ G A⁻ᵀ
    d f(A) = f'(A) ⊙ dA          ->  G_A = G ⊙ f'(A)
    …

so ∂f/∂X is the sum of the adjoints that reach X. Jacobians of column-vector functions of a
column vector go forwards: J(Ax) = A J(x), J(f(u)) = diag(f'(u)) J(u), … (numerator layout
n×p; denominator layout is its transpose).

The result is simplified (like terms collected, scalar coefficients cancelled by SymPy on
*our own* expression trees) and is never trusted here: :mod:`derivekit.derivation.verified`
proves it with the witnesses before anyone prints it. A construct without a rule raises
:class:`CannotDerive` instead of returning 0 or a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from derivekit.errors import DerivekitError
from derivekit.expr import build
from derivekit.expr.tree import Node, const, is_scalar, shape_text, walk


class CannotDerive(DerivekitError):
    """The expression uses a construct the deriver has no rule for."""

    def __init__(self, construct: str) -> None:
        super().__init__(f"cannot derive: {construct}")


RULES = {
    "matmul": r"d(AB) = dA\,B + A\,dB",
    "scale": r"d(sA) = ds\,A + s\,dA",
    "hadamard": r"d(A \odot B) = dA \odot B + A \odot dB",
    "div": r"d(A/b) = dA/b - A\,db/b^2",
    "pow": r"d(A^{k}) = k A^{k-1} \odot dA",
    "T": r"d(A^\top) = (dA)^\top",
    "inv": r"dA^{-1} = -A^{-1}\,dA\,A^{-1}",
    "trace": r"d\operatorname{tr}A = \operatorname{tr}(dA)",
    "total": r"d\operatorname{sum}(A) = \operatorname{tr}(\mathbf{1}\mathbf{1}^\top{}^\top dA)",
    "det": r"d\det A = \det A\,\operatorname{tr}(A^{-1}dA)",
    "logdet": r"d\log\det A = \operatorname{tr}(A^{-1}dA)",
    "softmax": r"d\,\mathrm{softmax}(z) = (\operatorname{diag}(s) - s s^\top)\,dz",
    "softmax_rows": r"d\,\mathrm{softmax}(Z)_{i:} = (\operatorname{diag}(s_i) - s_i s_i^\top)"
                    r"\,dZ_{i:}",
    "log_softmax": r"d\log\mathrm{softmax}(z) = (I - s\mathbf{1}^\top)\,dz",
    "diag": r"d\operatorname{diag}(v) = \operatorname{diag}(dv)",
    "add": r"d(A + B) = dA + dB",
    "sub": r"d(A - B) = dA - dB",
    "index": r"d(X_{ij}) = (dX)_{ij} = e_i^\top dX\, e_j",
    "sum_over": r"d\sum_i A_i = \sum_i dA_i",
    "prod_over": r"d\prod_i b_i = \sum_k \Big(\prod_{j<k} b_j\Big)\Big(\prod_{j>k} b_j\Big)\,db_k",
}
ELEMENTWISE_RULE = r"d f(A) = f'(A) \odot dA"


@dataclass
class Derivation:
    """What was derived, in which layout, and the identities used (for answer sheets)."""

    result: Node
    layout: str
    kind: str
    """'gradient' or 'jacobian'"""
    steps: list[str] = field(default_factory=list)


def depends(node: Node, name: str) -> bool:
    return any(n.op == "var" and n.value == name for n in walk(node))


# --------------------------------------------------------------------------- derivatives
def derivative(f: Node, wrt: Node, layout: str = "denominator",
               textbook: bool = True) -> Derivation:
    """∂f/∂wrt for a scalar f (any shape of wrt) or a column f of a column wrt.

    ``textbook`` lets SymPy cancel coefficients (the form people read); without it only like
    terms are collected, which is all a witness needs and several times faster.
    """
    if wrt.op != "var":
        raise CannotDerive("the variable must be a name")
    if not depends(f, wrt.value):
        raise CannotDerive(f"the expression does not depend on {wrt.value}")
    used: list[str] = []
    if is_scalar(f.shape):
        result = gradient(f, wrt, used)
        if layout == "numerator":
            result = build.transpose(result)
        kind = "gradient"
    elif len(f.shape) == 2 and f.shape[1] == 1 and len(wrt.shape) <= 2 and (
            not wrt.shape or wrt.shape[1] == 1):
        result = jacobian(f, wrt, used)
        if layout == "denominator":
            result = build.transpose(result)
        kind = "jacobian"
    else:
        raise CannotDerive(f"derivative of a {shape_text(f.shape)} value with respect to a "
                           f"{shape_text(wrt.shape)} variable (gradients of scalars and Jacobians "
                           "of columns only)")
    steps = list(dict.fromkeys(used))
    return Derivation(simplify(result) if textbook else collect(result), layout, kind, steps)


def gradient(f: Node, wrt: Node, used: list[str]) -> Node:
    total = build._zero_like(wrt.shape)
    for contribution in _backward(f, const(1), wrt.value, used):
        total = build.add(total, contribution)
    return total


def _backward(node: Node, adjoint: Node, name: str, used: list[str]):  # noqa: ANN202
    """Yield the adjoint contributions that reach the variable ``name``."""
    stack = [(node, adjoint)]
    while stack:
        y, g = stack.pop()
        if y.op == "var":
            if y.value == name:
                yield _fit(g, y.shape)
            continue
        if not depends(y, name):
            continue
        if y.op == "sum_over":  # each contribution stays inside the sum over its index
            used.append(RULES["sum_over"])
            lower, upper, body = y.args
            for contribution in _backward(body, g, name, used):
                yield build.bounded("sum", y.value, lower, upper, contribution)
            continue
        if y.op == "prod_over":  # each factor's adjoint: g times all the other factors
            used.append(RULES["prod_over"])
            lower, upper, body = y.args
            seed = build.product(g, _other_factors(y))
            for contribution in _backward(body, seed, name, used):
                yield build.bounded("sum", y.value, lower, upper, contribution)
            continue
        rule = _ADJOINT.get(y.op)
        if rule is None:
            raise CannotDerive(_construct(y))
        used.append(RULES.get(y.op, ELEMENTWISE_RULE))
        for child, child_adjoint in rule(y, g):
            if depends(child, name):
                stack.append((child, _fit(child_adjoint, child.shape)))


def _other_factors(y: Node) -> Node:
    """∏_{j<k} b_j · ∏_{j>k} b_j for the product y = ∏_k b_k (scalars), written with a fresh
    index j so that it can sit inside a sum over k."""
    if not is_scalar(y.shape):
        raise CannotDerive("derivative of a product of matrices over an index")
    lower, upper, body = y.args
    k = build.index_var(y.value)
    used = {n.value for n in walk(body) if n.op in ("index_var", "sum_over", "prod_over")}
    j = next(c for c in "jklmpqruvabcdefgh" if c not in used and c != y.value)
    factor = _rename(body, y.value, j)
    before = build.bounded("prod", j, lower, build.sub(k, const(1)), factor)
    after = build.bounded("prod", j, build.add(k, const(1)), upper, factor)
    return build.product(before, after)


def _rename(node: Node, old: str, new: str) -> Node:
    """``node`` with the index variable ``old`` called ``new`` (not under a rebinding)."""
    if node.op == "index_var" and node.value == old:
        return build.index_var(new)
    if not node.args:
        return node
    args = tuple(_rename(a, old, new) if not (node.op in ("sum_over", "prod_over") and
                                             node.value == old and i == 2) else a
                 for i, a in enumerate(node.args))
    return Node(node.op, args, node.shape, node.value)


def _construct(node: Node) -> str:
    from derivekit.expr.render import ascii_

    return f"no rule for {node.op} in {ascii_(node)[:60]}"


def _fit(g: Node, shape: tuple) -> Node:
    """Sum an adjoint over broadcast dimensions so it has the operand's shape."""
    if g.shape == shape or (is_scalar(g.shape) and is_scalar(shape) and len(g.shape) <= len(
            shape)):
        return g
    if is_scalar(shape):
        return build.apply("total", g)
    if is_scalar(g.shape):
        return build.scale(g, build.ones(shape))
    if len(shape) == 2 and shape[1] == 1 and g.shape[0] == shape[0]:
        return build.matmul(g, build.ones((g.shape[1], 1)))
    if len(shape) == 2 and shape[0] == 1 and g.shape[1] == shape[1]:
        return build.matmul(build.ones((1, g.shape[0])), g)
    if g.shape == (shape[1], shape[0]):
        return build.transpose(g)
    raise CannotDerive(f"adjoint of shape {g.shape} for an operand of shape {shape}")


def _inner(g: Node, a: Node) -> Node:
    """⟨G, A⟩ = sum(G ⊙ A) (a product when both are scalars)."""
    if is_scalar(a.shape) and is_scalar(g.shape):
        return build.product(g, a)
    return build.apply("total", build.hadamard(g, a))


def _elementwise_derivative(y: Node) -> Node:
    (a,) = y.args
    one = const(1)
    table = {
        "sigmoid": lambda: build.hadamard(y, build.sub(one, y)),
        "tanh": lambda: build.sub(one, build.power(y, const(2))),
        "relu": lambda: build.apply("step", a),
        "exp": lambda: y,
        "log": lambda: build.divide(one, a) if is_scalar(a.shape) else build.power(a, const(-1)),
        "sqrt": lambda: build.divide(const(Fraction(1, 2)), y) if is_scalar(a.shape) else
        build.scale(const(Fraction(1, 2)), build.power(y, const(-1))),
        "sin": lambda: build.apply("cos", a),
        "cos": lambda: build.neg(build.apply("sin", a)),
        "softplus": lambda: build.apply("sigmoid", a),
        "abs": lambda: build.divide(a, y) if is_scalar(a.shape) else
        build.hadamard(a, build.power(y, const(-1))),
    }
    if y.op == "step":
        raise CannotDerive("the derivative of the step 1[x > 0] (zero almost everywhere, "
                           "undefined at 0)")
    return table[y.op]()


def _elementwise(y: Node, g: Node) -> list[tuple[Node, Node]]:
    return [(y.args[0], build.hadamard(g, _elementwise_derivative(y)))]


def _pow(y: Node, g: Node) -> list[tuple[Node, Node]]:
    a, k = y.args
    if k.op != "const":
        raise CannotDerive("a power with a non-constant exponent")
    slope = build.scale(k, build.power(a, const(k.value - 1)))
    return [(a, build.hadamard(g, slope))]


def _div(y: Node, g: Node) -> list[tuple[Node, Node]]:
    a, b = y.args
    out = [(a, build.divide(g, b))]
    if is_scalar(b.shape):
        out.append((b, build.neg(build.divide(_inner(g, a), build.power(b, const(2))))))
    else:
        out.append((b, build.neg(build.divide(build.hadamard(g, a),
                                              build.power(b, const(2))))))
    return out


def _scale(y: Node, g: Node) -> list[tuple[Node, Node]]:
    s, a = y.args
    return [(s, _inner(g, a)), (a, build.scale(s, g))]


def _matmul(y: Node, g: Node) -> list[tuple[Node, Node]]:
    a, b = y.args
    return [(a, build.product(g, build.transpose(b))),
            (b, build.product(build.transpose(a), g))]


def _inv(y: Node, g: Node) -> list[tuple[Node, Node]]:
    t = build.transpose(y)
    return [(y.args[0], build.neg(build.product(build.product(t, g), t)))]


def _softmax(y: Node, g: Node) -> list[tuple[Node, Node]]:
    return [(y.args[0], build.hadamard(y, build.sub(g, build.product(build.transpose(y), g))))]


def _softmax_rows(y: Node, g: Node) -> list[tuple[Node, Node]]:
    row_sums = build.matmul(build.hadamard(y, g), build.ones((y.shape[1], 1)))
    return [(y.args[0], build.hadamard(y, build.sub(g, row_sums)))]


def _log_softmax(y: Node, g: Node) -> list[tuple[Node, Node]]:
    s = build.apply("softmax", y.args[0])
    return [(y.args[0], build.sub(g, build.scale(build.apply("total", g), s)))]


def _selectors(y: Node) -> list[Node]:
    """For ``X[items]`` of a matrix or vector X: per axis, the identity's columns at the
    positions the index keeps (``I[:, i]``, ``I[:, a:b]``, or all of ``I``), so that
    ``X[items] = E_0ᵀ X E_1``: NumPy-style, counted from 0."""
    array = y.args[0]
    if len(array.shape) != 2:
        raise CannotDerive(f"derivative through an index of a {len(array.shape)}-d array")
    from_one, specs = y.value
    shift = const(1) if from_one else const(0)
    selectors = [build.identity(array.shape[0]), build.identity(array.shape[1])]
    ends = iter(y.args[1:])
    for axis, spec in zip(build.indexed_axes(array.shape, len(specs)), specs):
        if spec[0] == "at":
            item = build.sub(next(ends), shift)
        else:
            lower = build.sub(next(ends), shift) if spec[1] else None
            item = (lower, next(ends) if spec[2] else None)  # a from-1 end is included
        whole = (None, None)
        selectors[axis] = build.index(selectors[axis], [whole, item], from_one=False)
    return selectors


def _index(y: Node, g: Node) -> list[tuple[Node, Node]]:
    """G_X = E_0 G E_1ᵀ: the adjoint put back at the indexed positions, zero elsewhere."""
    rows, columns = _selectors(y)
    if is_scalar(g.shape):
        return [(y.args[0], build.scale(g, build.matmul(rows, build.transpose(columns))))]
    return [(y.args[0], build.matmul(build.matmul(rows, g), build.transpose(columns)))]


_ADJOINT = {
    "index": _index,
    "alias": lambda y, g: [(y.args[0], g)],
    "add": lambda y, g: [(y.args[0], g), (y.args[1], g)],
    "sub": lambda y, g: [(y.args[0], g), (y.args[1], build.neg(g))],
    "neg": lambda y, g: [(y.args[0], build.neg(g))],
    "scale": _scale,
    "matmul": _matmul,
    "hadamard": lambda y, g: [(y.args[0], build.hadamard(g, y.args[1])),
                              (y.args[1], build.hadamard(g, y.args[0]))],
    "div": _div,
    "pow": _pow,
    "T": lambda y, g: [(y.args[0], build.transpose(g))],
    "inv": _inv,
    "trace": lambda y, g: [(y.args[0], build.scale(g, build.identity(y.args[0].shape[0])))],
    "total": lambda y, g: [(y.args[0], build.scale(g, build.ones(y.args[0].shape)))],
    "det": lambda y, g: [(y.args[0], build.scale(build.product(g, y),
                                                 build.transpose(build.inverse(y.args[0]))))],
    "logdet": lambda y, g: [(y.args[0], build.scale(g, build.transpose(
        build.inverse(y.args[0]))))],
    "softmax": _softmax,
    "softmax_rows": _softmax_rows,
    "log_softmax": _log_softmax,
    "diag": lambda y, g: [(y.args[0], build.diag(g))],
    "diagonal": lambda y, g: [(y.args[0], build.diag(g))],
    **{fn: _elementwise for fn in ("sigmoid", "tanh", "relu", "exp", "log", "sqrt", "sin",
                                    "cos", "softplus", "abs", "step")},
}


# --------------------------------------------------------------------------- jacobians
def jacobian(f: Node, wrt: Node, used: list[str]) -> Node:
    """J = ∂f/∂x (numerator layout, rows = outputs) of a column f of a column x."""
    size = wrt.shape[0] if wrt.shape else 1

    def J(y: Node) -> Node:  # noqa: N802
        rows = y.shape[0] if y.shape else 1
        if not depends(y, wrt.value):
            return build._zero_like((rows, size))
        if y.op == "var":
            return build.identity(size)
        used.append(RULES.get(y.op, ELEMENTWISE_RULE))
        if y.op == "alias":
            return J(y.args[0])
        if y.op == "sum_over":
            lower, upper, body = y.args
            return build.bounded("sum", y.value, lower, upper, J(body))
        if y.op == "index" and y.args[0].shape[1:] == (1,):  # entries of a column
            rows, _ = _selectors(y)
            return build.matmul(build.transpose(rows), J(y.args[0]))
        if y.op in ("add", "sub"):
            a, b = (_broadcast_rows(J(x), rows) for x in y.args)
            return build.add(a, b) if y.op == "add" else build.sub(a, b)
        if y.op == "neg":
            return build.neg(J(y.args[0]))
        if y.op in ("scale", "matmul") and is_scalar(y.args[0].shape) and y.op == "scale":
            s, a = y.args
            return build.add(build.product(a, J(s)), build.scale(s, J(a)))
        if y.op == "matmul":
            a, b = y.args
            if not depends(a, wrt.value):
                return build.matmul(a, J(b))
            if is_scalar(y.shape) and not depends(b, wrt.value):
                return build.product(build.transpose(b), J(build.transpose(a)))
            if is_scalar(y.shape):
                return build.add(build.product(build.transpose(b), J(build.transpose(a))),
                                 build.product(a, J(b)))
            raise CannotDerive("Jacobian through a matrix that depends on the variable")
        if y.op == "T" and is_scalar(y.shape):
            return J(y.args[0])
        if y.op == "hadamard":
            a, b = y.args
            return build.add(build.product(build.diag(b), J(a)),
                             build.product(build.diag(a), J(b)))
        if y.op == "div" and is_scalar(y.args[1].shape):
            a, b = y.args
            first = build.divide(J(a), b)
            second = build.product(build.divide(a, build.power(b, const(2))), J(b))
            return build.sub(first, second)
        if y.op == "total":
            a = y.args[0]
            return build.matmul(build.ones((1, a.shape[0])), J(a))
        if y.op == "softmax":
            outer = build.matmul(y, build.transpose(y))
            return build.product(build.sub(build.diag(y), outer), J(y.args[0]))
        if y.op in _ADJOINT and y.op not in ("trace", "det", "logdet", "inv", "diag",
                                              "diagonal", "log_softmax") and len(
                                                  y.args) == 1:
            slope = _elementwise_derivative(y)
            return build.product(slope if is_scalar(slope.shape) else build.diag(slope),
                                 J(y.args[0]))
        if y.op == "pow" and y.args[1].op == "const":
            a, k = y.args
            slope = build.scale(k, build.power(a, const(k.value - 1)))
            return build.product(build.diag(slope) if not is_scalar(a.shape) else slope, J(a))
        raise CannotDerive(_construct(y))

    return J(f)


def _broadcast_rows(j: Node, rows) -> Node:  # noqa: ANN001
    if j.shape[0] == rows:
        return j
    return build.matmul(build.ones((rows, 1)), j)


# --------------------------------------------------------------------------- simplify
def simplify(node: Node) -> Node:
    """Collect like terms, and let SymPy cancel scalar coefficients (on our own trees)."""
    from derivekit.derivation.scalar import simplify_scalars

    return simplify_scalars(collect(node))


def collect(node: Node) -> Node:
    """Like terms combined (``c1 A + c2 A -> (c1 + c2) A``) and shared outer factors pulled
    out (``H x + Hᵀ x -> (H + Hᵀ) x``)."""
    node = Node(node.op, tuple(collect(a) for a in node.args), node.shape, node.value)
    if node.op not in ("add", "sub"):
        return node
    groups: dict[Node, Node] = {}
    for coefficient, term in _terms(node, const(1)):
        groups[term] = build.add(groups[term], coefficient) if term in groups else coefficient
    terms = [(c, t) for t, c in groups.items() if not build.is_zero(c)]
    terms = _factor(terms, side=1) if len(terms) > 1 else terms
    terms = _factor(terms, side=0) if len(terms) > 1 else terms
    out = None
    for coefficient, term in terms:
        piece = build.product(coefficient, term) if is_scalar(term.shape) else build.scale(
            coefficient, term)
        out = piece if out is None else build.add(out, piece)
    return out if out is not None else build._zero_like(node.shape)


def _factor(terms: list[tuple[Node, Node]], side: int) -> list[tuple[Node, Node]]:
    """Terms ``c_i A_i B`` sharing B (side=1) or A (side=0) become one ``(Σ c_i A_i) B``."""
    shared: dict[Node, list[int]] = {}
    for i, (_, term) in enumerate(terms):
        if term.op == "matmul":
            shared.setdefault(term.args[side], []).append(i)
    for factor, members in shared.items():
        if len(members) < 2:
            continue
        inner = build._zero_like(terms[members[0]][1].args[1 - side].shape)
        for i in members:
            c, term = terms[i]
            inner = build.add(inner, build.scale(c, term.args[1 - side]))
        joined = build.matmul(inner, factor) if side == 1 else build.matmul(factor, inner)
        rest = [t for i, t in enumerate(terms) if i not in members]
        return [(const(1), joined), *rest]
    return terms


def _terms(node: Node, coefficient: Node):  # noqa: ANN202
    """(scalar coefficient, term) pairs of a sum; scalar terms keep coefficient 1."""
    if node.op == "add":
        yield from _terms(node.args[0], coefficient)
        yield from _terms(node.args[1], coefficient)
    elif node.op == "sub":
        yield from _terms(node.args[0], coefficient)
        yield from _terms(node.args[1], build.neg(coefficient))
    elif node.op == "neg":
        yield from _terms(node.args[0], build.neg(coefficient))
    elif node.op == "scale" and not is_scalar(node.shape):
        yield from _terms(node.args[1], build.product(coefficient, node.args[0]))
    else:
        yield coefficient, node
