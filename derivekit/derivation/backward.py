"""Gradients of scalars by adjoints: each node's differential identity, applied backwards.

The *adjoint* G of a node Y is the matrix with df = tr(Gᵀ dY) (denominator layout), and the
identity says what G becomes for Y's operands:

    d(AB) = dA·B + A·dB          ->  G_A = G Bᵀ,            G_B = Aᵀ G
    d log det A = tr(A⁻¹ dA)     ->  G_A = g A⁻ᵀ
    d f(A) = f'(A) ⊙ dA          ->  G_A = G ⊙ f'(A)
    d(A ⋆ K) = dA ⋆ K + A ⋆ dK   ->  G_A = conv_full(G, K),  G_K = A ⋆ G
    …

so ∂f/∂X is the sum of the adjoints that reach X.
"""

from __future__ import annotations

from typing import Callable, Iterator

from derivekit.derivation import forward
from derivekit.derivation.rules import CannotDerive, rule, slope
from derivekit.derivation.sequences import (Dependence, fresh, recurrence, replace_nodes,
                                            substitute)
from derivekit.expr import build
from derivekit.expr.tree import Node, const, is_scalar, var, walk

Adjoints = list[tuple[Node, Node]]
"""(operand, its adjoint) pairs of one node."""


def gradient(f: Node, wrt: Node, used: list[str]) -> Node:
    """∂f/∂wrt of a scalar f, in denominator layout (the shape of wrt)."""
    total = build._zero_like(wrt.shape)
    for contribution in Backward(wrt.value, used).contributions(f, const(1)):
        total = build.add(total, contribution)
    return total


class Backward:
    def __init__(self, name: str, used: list[str]) -> None:
        self.name = name
        self.used = used
        self.depends = Dependence(name)

    def contributions(self, node: Node, adjoint: Node) -> Iterator[Node]:
        """The adjoint contributions that reach the variable."""
        stack = [(node, adjoint)]
        while stack:
            y, g = stack.pop()
            if y.op == "var":
                if y.value == self.name:
                    yield fit(g, y.shape)
                continue
            if not self.depends(y):
                continue
            if y.op in _BINDING:
                self.used.append(rule(y.op))
                yield from _BINDING[y.op](self, y, g)
                continue
            if y.op == "log" and y.args[0].op == "softmax":  # log softmax(z): no division
                y = build.apply("log_softmax", y.args[0].args[0])
            if y.op == "log" and y.args[0].op == "abs":  # d log|u| = du / u
                self.used.append(r"d\log|u| = du/u")
                stack.append((y.args[0].args[0], fit(build.divide(g, y.args[0].args[0]),
                                                     y.args[0].args[0].shape)))
                continue
            adjoints = _ADJOINT.get(y.op)
            if adjoints is None:
                raise CannotDerive(construct(y))
            self.used.append(rule(y.op))
            for child, child_adjoint in adjoints(y, g):
                if self.depends(child):
                    stack.append((child, fit(child_adjoint, child.shape)))


_WHY_NOT = {
    "eigmax": "λ(H) is differentiable only for a symmetric H, whose entries are not free",
    "eigmin": "λ(H) is differentiable only for a symmetric H, whose entries are not free",
    "tuple": "derive each item of the tuple on its own",
    "not": "a Boolean formula has no derivative", "and": "a Boolean formula has no derivative",
    "or": "a Boolean formula has no derivative", "xor": "a Boolean formula has no derivative",
}


def construct(node: Node) -> str:
    """Which construct has no rule, and (where known) why none applies."""
    from derivekit.expr.render import ascii_

    why = _WHY_NOT.get(node.op)
    return f"no rule for {node.op} in {ascii_(node)[:60]}" + (f" ({why})" if why else "")


def fit(g: Node, shape: tuple) -> Node:
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


def inner(g: Node, a: Node) -> Node:
    """⟨G, A⟩ = sum(G ⊙ A) (a product when both are scalars)."""
    if is_scalar(a.shape) and is_scalar(g.shape):
        return build.product(g, a)
    return build.apply("total", build.hadamard(g, a))


# --------------------------------------------------------------------------- local rules
def _elementwise(y: Node, g: Node) -> Adjoints:
    return [(y.args[0], build.hadamard(g, slope(y)))]


def _pow(y: Node, g: Node) -> Adjoints:
    """d(a^b) = b a^(b-1) da + a^b log(a) db, entry by entry."""
    a, k = y.args
    if k.op == "const":
        slope_ = build.scale(k, build.elementwise_power(a, const(k.value - 1)))
        return [(a, build.hadamard(g, slope_))]
    base = build.product(k, build.hadamard(y, build.reciprocal(a))) if is_scalar(k.shape) \
        else build.hadamard(k, build.hadamard(y, build.reciprocal(a)))
    return [(a, build.hadamard(g, base)),
            (k, inner(g, build.hadamard(y, build.apply("log", a))) if is_scalar(k.shape) else
             build.hadamard(g, build.hadamard(y, build.apply("log", a))))]


def _div(y: Node, g: Node) -> Adjoints:
    a, b = y.args
    out = [(a, build.divide(g, b))]
    square = build.elementwise_power(b, const(2))
    if is_scalar(b.shape):
        out.append((b, build.neg(build.divide(inner(g, a), square))))
    else:
        out.append((b, build.neg(build.divide(build.hadamard(g, a), square))))
    return out


def _scale(y: Node, g: Node) -> Adjoints:
    s, a = y.args
    return [(s, inner(g, a)), (a, build.scale(s, g))]


def _matmul(y: Node, g: Node) -> Adjoints:
    a, b = y.args
    return [(a, build.product(g, build.transpose(b))),
            (b, build.product(build.transpose(a), g))]


def _matpow(y: Node, g: Node) -> Adjoints:
    """G_X = Σ_{j<k} (X^j)ᵀ G (X^{k-1-j})ᵀ: every position of dX in the product."""
    x, k = y.args
    if k.op == "const":
        total = build._zero_like(x.shape)
        for j in range(int(k.value)):
            left = build.transpose(build.power(x, const(j))) if j else None
            right = build.transpose(build.power(x, const(k.value - 1 - j))) \
                if k.value - 1 - j else None
            term = g if left is None else build.matmul(left, g)
            total = build.add(total, term if right is None else build.matmul(term, right))
        return [(x, total)]
    j = fresh(y)
    index = build.index_var(j)
    term = build.matmul(build.matmul(build.transpose(build.power(x, index)), g),
                        build.transpose(build.power(x, build.sub(build.sub(k, index),
                                                                 const(1)))))
    return [(x, build.bounded("sum", j, const(0), build.sub(k, const(1)), term))]


def _inv(y: Node, g: Node) -> Adjoints:
    t = build.transpose(y)
    return [(y.args[0], build.neg(build.product(build.product(t, g), t)))]


def _softmax(y: Node, g: Node) -> Adjoints:
    return [(y.args[0], build.hadamard(y, build.sub(g, build.product(build.transpose(y), g))))]


def _softmax_rows(y: Node, g: Node) -> Adjoints:
    row_sums = build.matmul(build.hadamard(y, g), build.ones((y.shape[1], 1)))
    return [(y.args[0], build.hadamard(y, build.sub(g, row_sums)))]


def _log_softmax(y: Node, g: Node) -> Adjoints:
    s = build.apply("softmax", y.args[0])
    return [(y.args[0], build.sub(g, build.scale(build.apply("total", g), s)))]


def _centred(a: Node) -> Node:
    return build.sub(a, build.apply("mean", a))


def _mean(y: Node, g: Node) -> Adjoints:
    a = y.args[0]
    return [(a, build.scale(build.divide(g, build.size_of(a.shape)), build.ones(a.shape)))]


def _variance(y: Node, g: Node) -> Adjoints:
    a = y.args[0]
    factor = build.divide(build.scale(const(2), g), build.size_of(a.shape))
    return [(a, build.scale(factor, _centred(a)))]


def _std(y: Node, g: Node) -> Adjoints:
    a = y.args[0]
    factor = build.divide(g, build.product(build.size_of(a.shape), y))
    return [(a, build.scale(factor, _centred(a)))]


def _extreme(y: Node, g: Node) -> Adjoints:
    """max/min: the adjoint goes to the entry that attains it (ties have measure zero)."""
    a = y.args[0]
    return [(a, build.scale(g, build.apply("iszero", build.sub(a, y))))]


def _maxpool(y: Node, g: Node) -> Adjoints:
    """Each window's adjoint goes to the entry that is the window's max."""
    a, k = y.args
    block = build.filled("ones", k, k)
    spread = build.kron(y, block)
    return [(a, build.hadamard(build.kron(g, block),
                               build.apply("iszero", build.sub(a, spread))))]


def _kron(y: Node, g: Node) -> Adjoints:
    """G_A[i,j] = ⟨G's block (i,j), B⟩; G_B = Σ_ij A_ij · G's block (i,j)."""
    a, b = y.args
    (m, n), (p, q) = a.shape, b.shape
    rows_a = build.kron(build.identity(m), build.ones((1, p)))
    cols_a = build.kron(build.identity(n), build.ones((q, 1)))
    g_a = build.matmul(build.matmul(rows_a, build.hadamard(g, build.kron(build.ones((m, n)), b))),
                       cols_a)
    rows_b = build.kron(build.ones((1, m)), build.identity(p))
    cols_b = build.kron(build.ones((n, 1)), build.identity(q))
    g_b = build.matmul(build.matmul(rows_b, build.hadamard(g, build.kron(a, build.ones((p, q))))),
                       cols_b)
    return [(a, g_a), (b, g_b)]


def _xcorr(y: Node, g: Node) -> Adjoints:
    a, k = y.args
    return [(a, build.correlate("conv_full", g, k)), (k, build.correlate("xcorr", a, g))]


def _conv(y: Node, g: Node) -> Adjoints:
    a, k = y.args
    return [(a, build.correlate("conv_full", g, build.flip(k))),
            (k, build.flip(build.correlate("xcorr", a, g)))]


def _conv_full(y: Node, g: Node) -> Adjoints:
    a, k = y.args
    return [(a, build.correlate("xcorr", g, k)), (k, build.correlate("xcorr", g, a))]


def _pad(y: Node, g: Node) -> Adjoints:
    a, rows, cols = y.args
    spans = [(r, build.add(r, build.dimension(d))) for r, d in zip((rows, cols), a.shape)]
    return [(a, build.index(g, spans, from_one=False))]


def _reshape_back(y: Node, g: Node) -> Adjoints:
    """reshape / vec: the adjoint read back in the operand's shape (row-major both ways)."""
    a = y.args[0]
    shape = a.shape if len(a.shape) == 2 else (a.shape[0] if a.shape else 1, 1)
    back = build.reshape(g, build.dimension(shape[0]), build.dimension(shape[1]))
    return [(a, back if back.shape == a.shape else build.vec(back))]


def _blocks(y: Node, g: Node) -> Adjoints:
    """Each block's adjoint is the matching slice of G."""
    columns = y.value
    blocks = list(y.args)
    out, top = [], const(0)
    for r in range(0, len(blocks), columns):
        row = blocks[r:r + columns]
        height = build.dimension(row[0].shape[0] if len(row[0].shape) == 2 else 1)
        left = const(0)
        for block in row:
            width = build.dimension(block.shape[1] if len(block.shape) == 2 else 1)
            piece = build.index(g, [(top, build.add(top, height)),
                                    (left, build.add(left, width))], from_one=False)
            out.append((block, piece))
            left = build.add(left, width)
        top = build.add(top, height)
    return out


def _matrix(y: Node, g: Node) -> Adjoints:
    """A matrix of scalar entries: entry (i, j) gets G[i, j]."""
    rows, cols = y.shape
    return [(entry, build.index(g, [const(k // cols), const(k % cols)], from_one=False)
             if len(g.shape) == 2 else g) for k, entry in enumerate(y.args)]


def _selectors(y: Node) -> list[Node]:
    """For ``X[items]`` of a matrix or vector X: per axis, the identity's columns at the
    positions the index keeps, so that ``X[items] = E_0ᵀ X E_1`` (counted from 0)."""
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
        if array.shape[axis] == 1:  # the one position of a length-1 axis: I_1 itself
            continue
        whole = (None, None)
        selectors[axis] = build.index(selectors[axis], [whole, item], from_one=False)
    return selectors


def _index(y: Node, g: Node) -> Adjoints:
    """G_X = E_0 G E_1ᵀ: the adjoint put back at the indexed positions, zero elsewhere."""
    rows, columns = _selectors(y)
    if is_scalar(g.shape):
        return [(y.args[0], build.scale(g, build.matmul(rows, build.transpose(columns))))]
    return [(y.args[0], build.matmul(build.matmul(rows, g), build.transpose(columns)))]


_ADJOINT: dict[str, Callable[[Node, Node], Adjoints]] = {
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
    "matpow": _matpow,
    "T": lambda y, g: [(y.args[0], build.transpose(g))],
    "inv": _inv,
    "trace": lambda y, g: [(y.args[0], build.scale(g, build.identity(y.args[0].shape[0])))],
    "total": lambda y, g: [(y.args[0], build.scale(g, build.ones(y.args[0].shape)))],
    "mean": _mean,
    "variance": _variance,
    "std": _std,
    "max": _extreme,
    "min": _extreme,
    "maxpool": _maxpool,
    "det": lambda y, g: [(y.args[0], build.scale(build.product(g, y),
                                                 build.transpose(build.inverse(y.args[0]))))],
    "logdet": lambda y, g: [(y.args[0], build.scale(g, build.transpose(
        build.inverse(y.args[0]))))],
    "softmax": _softmax,
    "softmax_rows": _softmax_rows,
    "log_softmax": _log_softmax,
    "diag": lambda y, g: [(y.args[0], build.diag(g))],
    "diagonal": lambda y, g: [(y.args[0], build.diag(g))],
    "kron": _kron,
    "xcorr": _xcorr,
    "conv": _conv,
    "conv_full": _conv_full,
    "pad": _pad,
    "flip": lambda y, g: [(y.args[0], build.flip(g))],
    "flipud": lambda y, g: [(y.args[0], build.flip(g, "flipud"))],
    "reshape": _reshape_back,
    "vec": _reshape_back,
    "blocks": _blocks,
    "matrix": lambda y, g: _matrix(y, g),
    **{fn: _elementwise for fn in ("sigmoid", "tanh", "relu", "exp", "log", "sqrt", "sin",
                                    "cos", "tan", "arctan", "arcsin", "arccos", "sinh", "cosh",
                                    "arctanh", "arcsinh", "softplus", "abs", "step", "nonneg",
                                    "iszero", "sign", "floor", "ceil")},
}


# --------------------------------------------------------------------------- binders
def _sum_over(b: Backward, y: Node, g: Node) -> Iterator[Node]:
    """Each contribution stays inside the sum over its index."""
    lower, upper, body = y.args
    for contribution in b.contributions(body, g):
        yield build.bounded("sum", y.value, lower, upper, contribution)


def _prod_over(b: Backward, y: Node, g: Node) -> Iterator[Node]:
    """Each factor's adjoint is g with all the other factors: g·∏_{j≠k} b_j for scalars,
    (B_1⋯B_{k-1})ᵀ G (B_{k+1}⋯B_n)ᵀ for matrices (multiplied in increasing order)."""
    lower, upper, body = y.args
    before, after = other_factors(y)
    seed = build.product(g, build.product(before, after)) if is_scalar(y.shape) else \
        build.matmul(build.matmul(build.transpose(before), g), build.transpose(after))
    for contribution in b.contributions(body, seed):
        yield build.bounded("sum", y.value, lower, upper, contribution)


def other_factors(y: Node) -> tuple[Node, Node]:
    """∏_{j<k} b_j and ∏_{j>k} b_j for the product y = ∏_k b_k, written with a fresh index j
    so that they can sit inside a sum over k."""
    lower, upper, body = y.args
    k = build.index_var(y.value)
    j = fresh(body, y.value)
    factor = substitute(body, y.value, build.index_var(j))
    before = build.bounded("prod", j, lower, build.sub(k, const(1)), factor)
    after = build.bounded("prod", j, build.add(k, const(1)), upper, factor)
    return before, after


def _seq(b: Backward, y: Node, g: Node) -> Iterator[Node]:
    """s_τ of a recurrence s_k = f(s_{k-1}): for every k ≤ τ, the adjoint carried back to k
    through the Jacobians A_j = ∂s_j/∂s_{j-1}, g_k = A_{k+1}ᵀ ⋯ A_τᵀ g, then into the
    direct dependence of f at k (and of the starting case at the base)."""
    chain = recurrence(y.value)
    tau = y.args[0]
    k_name = fresh(y, *_letters(g))
    k = build.index_var(k_name)
    carried = build.product(transposed_jacobians(chain, build.add(k, const(1)), tau, y, g), g)
    previous = var(f"{chain.sequence.name}'", chain.sequence.shape)
    step = replace_nodes(chain.step(k), {chain.previous(k): previous})
    back = {step: chain.entry(k), previous: chain.previous(k)}
    lower = build.add(chain.base, const(1))
    for contribution in b.contributions(step, carried):
        yield build.bounded("sum", k_name, lower, tau, replace_nodes(contribution, back))
    if b.depends(chain.start):
        at_base = build.product(transposed_jacobians(chain, lower, tau, y, g), g)
        yield from b.contributions(chain.start, at_base)


def _letters(node: Node) -> list[str]:
    return [n.value for n in walk(node) if n.op in ("index_var", "sum_over", "prod_over")]


def transposed_jacobians(chain, lower: Node, upper: Node, *context: Node) -> Node:  # noqa: ANN001
    """∏_{j=lower}^{upper} A_jᵀ (increasing j), A_j = ∂s_j/∂s_{j-1} of the recurrence; a
    scalar product for a scalar sequence."""
    avoid = [letter for node in context for letter in _letters(node)]
    j_name = fresh(context[0], *avoid, *_letters(lower), *_letters(upper))
    j = build.index_var(j_name)
    a_j = step_jacobian(chain, j)
    factor = a_j if is_scalar(a_j.shape) else build.transpose(a_j)
    return build.bounded("prod", j_name, lower, upper, factor)


def step_jacobian(chain, j: Node) -> Node:  # noqa: ANN001
    """A_j = ∂s_j/∂s_{j-1} (numerator layout), written with s_j and s_{j-1}."""
    previous = var(f"{chain.sequence.name}'", chain.sequence.shape)
    step = replace_nodes(chain.step(j), {chain.previous(j): previous})
    jac = forward.jacobian(step, previous, [])
    return replace_nodes(jac, {step: chain.entry(j), previous: chain.previous(j)})


_BINDING: dict[str, Callable[[Backward, Node, Node], Iterator[Node]]] = {
    "sum_over": _sum_over,
    "prod_over": _prod_over,
    "seq": _seq,
}
"""Ops whose rule binds an index: they yield contributions themselves."""
