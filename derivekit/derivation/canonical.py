"""The form a textbook prints: like terms collected, common factors out, ``1ᵀy`` as
``sum(y)``, ``XX`` as ``X²``, transposes pulled out where that is shorter, scalar
coefficients cancelled (SymPy, on the deriver's own trees), and the domain's facts used
(``sum(y) = 1`` for a probability vector). Of the equal forms, the shortest printed wins.
"""

from __future__ import annotations

from typing import Mapping

from derivekit.derivation.sequences import replace_nodes
from derivekit.expr import build
from derivekit.expr.tree import Node, const, is_scalar


def textbook(node: Node, facts: Mapping[Node, Node]) -> Node:
    from derivekit.derivation.scalar import simplify_scalars
    from derivekit.expr.render import ascii_

    collected = collect(node)
    if facts:
        collected = collect(rebuild(replace_nodes(collected, dict(facts))))
    candidates = [collected, simplify_scalars(collected)]
    candidates += [collect(rewrite(c)) for c in candidates]
    candidates.append(simplify_scalars(candidates[2]))
    return min(candidates, key=lambda c: len(ascii_(c)))


def collect(node: Node) -> Node:
    """Like terms combined (``c1 A + c2 A -> (c1 + c2) A``) and shared outer factors pulled
    out (``H x + Hᵀ x -> (H + Hᵀ) x``)."""
    node = Node(node.op, tuple(collect(a) for a in node.args), node.shape, node.value)
    if node.op == "sum_over":
        return _constant_out(node)
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


def _constant_out(node: Node) -> Node:
    """Σ_i c·A_i = c·Σ_i A_i for a number c (and Σ -A_i = -Σ A_i), so that constants meet."""
    lower, upper, body = node.args
    if body.op == "neg":
        return build.neg(_constant_out(build.bounded("sum", node.value, lower, upper,
                                                     body.args[0])))
    if body.op == "scale" and body.args[0].op == "const":
        inner = build.bounded("sum", node.value, lower, upper, body.args[1])
        return build.scale(body.args[0], _constant_out(inner))
    return node


def _factor(terms: list[tuple[Node, Node]], side: int) -> list[tuple[Node, Node]]:
    """Terms ``c_i A_i B`` sharing B (side=1) or A (side=0) become one ``(Σ c_i A_i) B``."""
    shared: dict[Node, list[int]] = {}
    for i, (_, term) in enumerate(terms):
        for factor in _outer_factors(term, side):
            shared.setdefault(factor, []).append(i)
    for factor, members in shared.items():
        members = list(dict.fromkeys(members))
        if len(members) < 2:
            continue
        inner = None
        for i in members:
            c, term = terms[i]
            rest = build.scale(c, _without(term, factor, side))
            inner = rest if inner is None else build.add(inner, rest)
        joined = build.matmul(inner, factor) if side == 1 else build.matmul(factor, inner)
        rest = [t for i, t in enumerate(terms) if i not in members]
        return [(const(1), joined), *rest]
    return terms


def _chain(node: Node) -> list[Node]:
    """The factors of a matrix product, left to right."""
    if node.op == "matmul":
        return _chain(node.args[0]) + _chain(node.args[1])
    return [node]


def _product(factors: list[Node]) -> Node:
    out = factors[0]
    for f in factors[1:]:
        out = build.matmul(out, f)
    return out


def _outer_factors(term: Node, side: int) -> list[Node]:
    """The products of the first (side=0) or last (side=1) factors of a product, shortest
    first: ``A B C`` shares ``C`` and ``B C`` with others (side=1)."""
    chain = _chain(term)
    if len(chain) < 2:
        return []
    spans = [chain[-k:] if side == 1 else chain[:k] for k in range(1, len(chain))]
    return [_product(span) for span in spans]


def _without(term: Node, factor: Node, side: int) -> Node:
    chain, taken = _chain(term), _chain(factor)
    rest = chain[:len(chain) - len(taken)] if side == 1 else chain[len(taken):]
    return _product(rest)


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


# --------------------------------------------------------------------------- unvec
def unvec(node: Node, shape: tuple) -> Node:
    """The matrix of ``shape`` whose row-major vec is the column ``node``, read back through
    vec(P V Rᵀ) = (P ⊗ R) vec V and vec(C ⊙ V) = diag(vec C) vec V, so that dF/dm of a
    matrix F prints as a matrix (``-inv(A + x B) @ B @ inv(A + x B)``)."""
    if node.op == "vec" and tuple(node.args[0].shape) == tuple(shape):
        return node.args[0]
    if tuple(node.shape) == tuple(shape):
        return node
    if node.op in ("add", "sub"):
        a, b = (unvec(x, shape) for x in node.args)
        return build.add(a, b) if node.op == "add" else build.sub(a, b)
    if node.op == "neg":
        return build.neg(unvec(node.args[0], shape))
    if node.op == "scale":
        return build.scale(node.args[0], unvec(node.args[1], shape))
    if node.op == "div" and is_scalar(node.args[1].shape):
        return build.divide(unvec(node.args[0], shape), node.args[1])
    if node.op == "zeros":
        return build._zero_like(shape)
    if node.op == "sum_over":
        lower, upper, body = node.args
        return build.bounded("sum", node.value, lower, upper, unvec(body, shape))
    if node.op == "matrix" and node.shape[1] == 1:
        rows, cols = shape
        entries = list(node.args)
        if isinstance(rows, int) and isinstance(cols, int) and rows * cols == len(entries):
            return build.matrix([entries[r * cols:(r + 1) * cols] for r in range(rows)])
    if node.op == "matmul":
        left, *rest = _chain(node)
        inner = _product(rest)
        if left.op == "kron":
            p, r = left.args
            middle = unvec(inner, (p.shape[1], r.shape[1]))
            return build.matmul(build.matmul(p, middle), build.transpose(r))
        if left.op == "diag":
            return build.hadamard(unvec(left.args[0], shape), unvec(inner, shape))
        if left.op == "identity":
            return unvec(inner, shape)
    return build.reshape(node, build.dimension(shape[0]), build.dimension(shape[1]))


# --------------------------------------------------------------------------- rewrites
_REBUILD = {
    "add": build.add, "sub": build.sub, "neg": build.neg, "scale": build.scale,
    "matmul": build.matmul, "hadamard": build.hadamard, "div": build.divide,
    "T": build.transpose, "inv": build.inverse, "kron": build.kron,
}


def rebuild(node: Node) -> Node:
    """``node`` constructed again through :mod:`derivekit.expr.build`, so that the safe
    algebra (``1·A``, ``0 + A``, ``(Aᵀ)ᵀ``) applies after a substitution."""
    if not node.args or node.op in ("sum_over", "prod_over", "seq", "index"):
        return node
    args = [rebuild(a) for a in node.args]
    if node.op in _REBUILD:
        return _REBUILD[node.op](*args)
    if node.op == "pow":
        return build.elementwise_power(*args)
    if node.op in build.ELEMENTWISE or node.op in build.REDUCTIONS:
        return build.apply(node.op, *args)
    return Node(node.op, tuple(args), node.shape, node.value)


def rewrite(node: Node) -> Node:
    """Bottom-up: ``1ᵀy -> sum(y)``, ``Aᵀ Bᵀ -> (B A)ᵀ`` where shorter, ``A A -> A^2``."""
    from derivekit.expr.render import ascii_

    if not node.args or node.op in ("sum_over", "prod_over", "seq"):
        return node
    node = Node(node.op, tuple(rewrite(a) for a in node.args), node.shape, node.value)
    if node.op == "T" and node.args[0].op in ("add", "sub"):  # (A - B)ᵀ = Aᵀ - Bᵀ if shorter
        a, b = (rewrite(build.transpose(x)) for x in node.args[0].args)
        spread = build.add(a, b) if node.args[0].op == "add" else build.sub(a, b)
        return min((node, spread), key=lambda c: len(ascii_(c)))
    if node.op != "matmul":
        return node
    chain = _chain(node)
    summed = _sum_of_entries(chain)
    if summed is not None:
        return summed
    if all(f.op == "T" for f in chain):
        outside = build.transpose(_merged([f.args[0] for f in reversed(chain)]))
        merged = _merged(chain)
        return min((outside, merged), key=lambda c: len(ascii_(c)))
    return _merged(chain)


def _sum_of_entries(chain: list[Node]) -> Node | None:
    """``1ᵀ y`` (a row of ones times a column) is ``sum(y)``."""
    if len(chain) == 2:
        first, second = chain
        if first.op == "ones" and first.shape[0] == 1 and second.shape[1:] == (1,):
            return build.apply("total", second)
        if second.op == "ones" and second.shape[1:] == (1,) and first.shape[0] == 1:
            return build.apply("total", first)
    return None


def _merged(chain: list[Node]) -> Node:
    """Runs of one square factor become its power."""
    out: list[tuple[Node, int]] = []
    for f in chain:
        if out and out[-1][0] == f and len(f.shape) == 2 and f.shape[0] == f.shape[1]:
            out[-1] = (f, out[-1][1] + 1)
        else:
            out.append((f, 1))
    return _product([f if k == 1 else build.power(f, const(k)) for f, k in out])
