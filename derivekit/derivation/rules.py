"""The differential identities the deriver applies, as answer sheets print them, and the
slopes of element-wise functions (shared by gradients and Jacobians).

Every slope is built entry by entry: ``1 - y.^2``, ``1 ./ a``, never ``y^2`` or ``a^(-1)``,
which on a square matrix would mean a matrix power or an inverse.
"""

from __future__ import annotations

from fractions import Fraction

from derivekit.errors import DerivekitError
from derivekit.expr import build
from derivekit.expr.tree import Node, const


class CannotDerive(DerivekitError):
    """The expression uses a construct the deriver has no rule for."""

    def __init__(self, construct: str) -> None:
        super().__init__(f"cannot derive: {construct}")


RULES = {
    "matmul": r"d(AB) = dA\,B + A\,dB",
    "scale": r"d(sA) = ds\,A + s\,dA",
    "hadamard": r"d(A \odot B) = dA \odot B + A \odot dB",
    "div": r"d(A/b) = dA/b - A\,db/b^2",
    "pow": r"d(A^{\circ k}) = k A^{\circ (k-1)} \odot dA",
    "matpow": r"d(X^{k}) = \textstyle\sum_{j=0}^{k-1} X^{j}\,dX\,X^{k-1-j}",
    "T": r"d(A^\top) = (dA)^\top,\ \operatorname{vec}(dA^\top) = K\operatorname{vec}(dA)",
    "inv": r"dA^{-1} = -A^{-1}\,dA\,A^{-1}",
    "trace": r"d\operatorname{tr}A = \operatorname{tr}(dA)",
    "total": r"d\operatorname{sum}(A) = \operatorname{tr}(\mathbf{1}\mathbf{1}^\top{}^\top dA)",
    "mean": r"d\operatorname{mean}(A) = \tfrac{1}{N}\operatorname{sum}(dA)",
    "variance": r"d\operatorname{var}(A) = \tfrac{2}{N}\operatorname{sum}"
                r"\big((A - \operatorname{mean}A) \odot dA\big)",
    "std": r"d\operatorname{std}(A) = \frac{\operatorname{sum}\big((A - \operatorname{mean}A)"
           r" \odot dA\big)}{N \operatorname{std}(A)}",
    "max": r"d\max(A) = \operatorname{sum}\big(\mathbb{1}[A = \max A] \odot dA\big)",
    "min": r"d\min(A) = \operatorname{sum}\big(\mathbb{1}[A = \min A] \odot dA\big)",
    "maxpool": r"d\operatorname{maxpool}_k(A) = \operatorname{maxpool}_k\text{ of }"
               r"\mathbb{1}[A = \text{window max}] \odot dA",
    "det": r"d\det A = \det A\,\operatorname{tr}(A^{-1}dA)",
    "logdet": r"d\log\det A = \operatorname{tr}(A^{-1}dA)",
    "softmax": r"d\,\mathrm{softmax}(z) = (\operatorname{diag}(s) - s s^\top)\,dz",
    "softmax_rows": r"d\,\mathrm{softmax}(Z)_{i:} = (\operatorname{diag}(s_i) - s_i s_i^\top)"
                    r"\,dZ_{i:}",
    "log_softmax": r"d\log\mathrm{softmax}(z) = (I - s\mathbf{1}^\top)\,dz",
    "diag": r"d\operatorname{diag}(v) = \operatorname{diag}(dv)",
    "kron": r"d(A \otimes B) = dA \otimes B + A \otimes dB",
    "xcorr": r"d(A \star K) = dA \star K + A \star dK:\ G_A = G \circledast K,\ "
             r"G_K = A \star G",
    "conv": r"d(A \circledast_{\text{valid}} K):\ G_A = G \circledast \operatorname{flip}K,\ "
            r"G_K = \operatorname{flip}(A \star G)",
    "conv_full": r"d(A \circledast K):\ G_A = G \star K,\ G_K = G \star A",
    "pad": r"d\operatorname{pad}(A) = \operatorname{pad}(dA):\ G_A = G"
           r"[r{:}r{+}h,\ c{:}c{+}w]",
    "flip": r"d\operatorname{flip}(A) = \operatorname{flip}(dA)",
    "flipud": r"d\operatorname{flipud}(A) = \operatorname{flipud}(dA)",
    "reshape": r"d\operatorname{reshape}(A) = \operatorname{reshape}(dA)",
    "vec": r"d\operatorname{vec}(A) = \operatorname{vec}(dA)",
    "add": r"d(A + B) = dA + dB",
    "sub": r"d(A - B) = dA - dB",
    "index": r"d(X_{ij}) = (dX)_{ij} = e_i^\top dX\, e_j",
    "blocks": r"d\begin{bmatrix}A & B\end{bmatrix} = \begin{bmatrix}dA & dB\end{bmatrix}",
    "sum_over": r"d\sum_i A_i = \sum_i dA_i",
    "prod_over": r"d\prod_i b_i = \sum_k \Big(\prod_{j<k} b_j\Big)\Big(\prod_{j>k} b_j\Big)\,db_k",
    "seq": r"s_t = f(s_{t-1}, \theta):\ ds_t = \textstyle\sum_{k\le t}\Big(\prod_{j=t}^{k+1} "
           r"\frac{\partial s_j}{\partial s_{j-1}}\Big)\,\partial_\theta s_k\,d\theta",
    "jacobian": r"\operatorname{vec}(A\,dX\,B) = (A \otimes B^\top)\operatorname{vec}(dX)"
                r"\quad(\operatorname{vec}\text{ row-major})",
}
ELEMENTWISE_RULE = r"d f(A) = f'(A) \odot dA"
PIECEWISE_CONSTANT = ("step", "nonneg", "iszero", "sign", "floor", "ceil")
"""Functions with slope 0 wherever they are differentiable (the sampler avoids the jumps)."""


def rule(op: str) -> str:
    return RULES.get(op, ELEMENTWISE_RULE)


def slope(y: Node) -> Node:
    """f'(a) for y = f(a) an element-wise function, written with y where that is shorter."""
    (a,) = y.args
    one = const(1)
    square = lambda x: build.elementwise_power(x, const(2))  # noqa: E731
    table = {
        "sigmoid": lambda: build.hadamard(y, build.sub(one, y)),
        "tanh": lambda: build.sub(one, square(y)),
        "relu": lambda: build.apply("step", a),
        "exp": lambda: y,
        "log": lambda: build.reciprocal(a),
        "sqrt": lambda: build.scale(const(Fraction(1, 2)), build.reciprocal(y)),
        "sin": lambda: build.apply("cos", a),
        "cos": lambda: build.neg(build.apply("sin", a)),
        "tan": lambda: build.add(one, square(y)),
        "arctan": lambda: build.reciprocal(build.add(one, square(a))),
        "arcsin": lambda: build.reciprocal(build.apply("sqrt", build.sub(one, square(a)))),
        "arccos": lambda: build.neg(build.reciprocal(build.apply("sqrt",
                                                                 build.sub(one, square(a))))),
        "sinh": lambda: build.apply("cosh", a),
        "cosh": lambda: build.apply("sinh", a),
        "arctanh": lambda: build.reciprocal(build.sub(one, square(a))),
        "arcsinh": lambda: build.reciprocal(build.apply("sqrt", build.add(one, square(a)))),
        "softplus": lambda: build.apply("sigmoid", a),
        "abs": lambda: build.apply("sign", a),
    }
    if y.op in PIECEWISE_CONSTANT:
        return build._zero_like(a.shape)
    if y.op not in table:
        raise CannotDerive(f"no rule for the element-wise function {y.op}")
    return table[y.op]()
