"""Cancel coefficients with SymPy: ``-y/σ·σ(1-σ) + (1-y)/(1-σ)·σ(1-σ)`` -> ``σ - y``.

Only trees the deriver built reach SymPy (never user text): each maximal sub-expression
that is scalar algebra (or element-wise algebra on columns, which is scalar algebra entry
by entry) becomes a SymPy expression whose atoms (σ(wᵀx), tr(A), Xw, …) are plain symbols,
is cancelled and factored, and comes back as a tree (products of columns as ⊙).
"""

from __future__ import annotations

from fractions import Fraction

from derivekit.expr import build
from derivekit.expr.tree import Node, const, is_scalar

_ARITHMETIC = {"add", "sub", "neg", "scale", "div", "pow", "hadamard", "matmul", "const"}


def _entrywise(node: Node) -> bool:
    """Scalar algebra, or element-wise algebra on vectors (never matrix products/powers)."""
    if node.op not in _ARITHMETIC or node.op == "const":
        return False
    if node.op == "matmul" and not all(is_scalar(a.shape) for a in node.args):
        return False
    if is_scalar(node.shape):
        return True
    vector = len(node.shape) == 2 and 1 in node.shape
    return vector and node.op != "matmul" and (node.op != "scale" or is_scalar(
        node.args[0].shape))


def simplify_scalars(node: Node) -> Node:
    if _entrywise(node):
        return _via_sympy(node)
    args = tuple(simplify_scalars(a) for a in node.args)
    if node.op == "scale":
        return build.scale(*args)
    return Node(node.op, args, node.shape, node.value)


def _via_sympy(node: Node) -> Node:
    import sympy

    atoms: dict[Node, sympy.Symbol] = {}
    expr = _to_sympy(node, atoms, sympy)
    cancelled = sympy.cancel(sympy.together(expr))
    factored = sympy.factor(cancelled)
    coefficient, rest = factored.as_coeff_Mul()
    candidates = [expr] + ([] if coefficient != 1 and rest.is_Add else [factored]) + [cancelled]
    simpler = min(candidates, key=sympy.count_ops)
    back = {symbol: atom for atom, symbol in atoms.items()}
    out = _from_sympy(simpler, back, sympy)
    if out.shape != node.shape and is_scalar(out.shape) and not is_scalar(node.shape):
        return build.scale(out, build.ones(node.shape))  # x^0 is a column of ones, not 1
    return out


def _to_sympy(node: Node, atoms: dict, sympy):  # noqa: ANN001, ANN202
    if node.op == "const":
        return sympy.Rational(node.value.numerator, node.value.denominator)
    if node.op == "const" or _entrywise(node):
        args = [_to_sympy(a, atoms, sympy) for a in node.args]
        if node.op == "add":
            return args[0] + args[1]
        if node.op == "sub":
            return args[0] - args[1]
        if node.op == "neg":
            return -args[0]
        if node.op in ("scale", "hadamard", "matmul"):
            return args[0] * args[1]
        if node.op == "div":
            return args[0] / args[1]
        if node.op == "pow":
            return args[0] ** args[1]
    inner = simplify_scalars(node)
    if inner not in atoms:
        atoms[inner] = sympy.Symbol(f"a{len(atoms)}")
    return atoms[inner]


def _from_sympy(expr, back: dict, sympy) -> Node:  # noqa: ANN001
    if expr in back:
        return back[expr]
    if expr.is_Rational:
        return const(Fraction(int(expr.p), int(expr.q)))
    if expr.is_Add:
        terms = sorted(expr.args, key=lambda t: (t.could_extract_minus_sign(), t.is_number,
                                                 str(t)))
        out = _from_sympy(terms[0], back, sympy)
        for t in terms[1:]:
            if t.could_extract_minus_sign():
                out = build.sub(out, _from_sympy(-t, back, sympy))
            else:
                out = build.add(out, _from_sympy(t, back, sympy))
        return out
    if expr.is_Mul:
        numerator, denominator = sympy.fraction(expr)
        if denominator != 1:
            return build.divide(_from_sympy(numerator, back, sympy),
                                _from_sympy(denominator, back, sympy))
        coefficient, rest = expr.as_coeff_Mul()
        factors = list(sympy.Mul.make_args(rest))
        sums = [i for i, f in enumerate(factors) if f.is_Add]
        if coefficient == -1 and sums:  # -(y - σ)x reads better as (σ - y)x
            coefficient, factors[sums[0]] = sympy.Integer(1), -factors[sums[0]]
        out = _from_sympy(factors[0], back, sympy)
        for f in factors[1:]:
            out = build.hadamard(out, _from_sympy(f, back, sympy))
        return build.scale(_from_sympy(coefficient, back, sympy), out)
    if expr.is_Pow:
        base, exponent = expr.args
        if exponent.is_Rational and exponent < 0:
            return build.divide(const(1), _from_sympy(base ** -exponent, back, sympy))
        return build.power(_from_sympy(base, back, sympy), _from_sympy(exponent, back, sympy))
    raise ValueError(f"unexpected SymPy expression {expr}")
