"""How typed math is read: the notation rules the README states, one case each."""

from __future__ import annotations

import pytest

from derivekit.errors import DerivekitError
from derivekit.expr.parse import parse
from derivekit.expr.render import ascii_
from derivekit.expr.resolve import resolve, scope_from

SCOPE = scope_from({"X": ("n", "d"), "Q": ("L", "d"), "K": ("S", "d"), "V": ("S", "v"),
                    "w": ("d", 1), "t": ("n", 1), "n": (), "d": (), "W1": ("k", "d"),
                    "A": ("d", "d"), "lam": (), "T": (), "beta": ()},
                   {"W1": r"\mathbf{W}_1", "lam": r"\lambda"})


@pytest.mark.parametrize(("text", "meaning"), [
    (r"2\mathbf{W}_1^\top", "2*W1.T"),
    ("XX^T", "X @ X.T"),  # a postfix on glued names applies to the last one
    ("XX'", "X @ X.T"),
    (r"X^\top X", "X.T @ X"),
    ("X^TX", "X.T @ X"),
    ("2/n X^T (X w - t)", "(2 / n)*X.T @ (X @ w - t)"),  # a/b binds tighter than products
    (r"\frac{X^\top}{n}", "X.T / n"),
    (r"\Big[X^T\Big] t", "X.T @ t"),  # sized brackets group
    (r"\lambda\|w\|_1", "lam*sum(abs(w))"),
    (r"\|w\|^2", "sqnorm(w)"),
    ("A + lam I", "A + lam*I"),  # I takes its size from its neighbour
    ("e^{w^T w}", "exp(w.T @ w)"),
    (r"\beta^T", "beta^T"),  # T is a scalar given: a power
    ("w^T", "w.T"),
    (r"\tanh^2(W_1 X^T)", "tanh(W1 @ X.T)^2"),  # element-wise: the matrix is not square
    ("A^2", "A^2"),
    ("9^2^1", "81"),  # right-associative
    (r"\mathbb{1}[t \ge 0]", "1[t >= 0]"),
    ("softmax(QK^T / sqrt(d)) V", "softmax(Q @ K.T / sqrt(d)) @ V"),
])
def test_notation(text: str, meaning: str) -> None:
    assert ascii_(resolve(parse(text), SCOPE)) == meaning


@pytest.mark.parametrize(("text", "message"), [
    ("X w2", "unknown symbol 'w2'"),
    ("X + w", "cannot add X (n×d) and w (d×1)"),
    ("X^{-1}", "cannot invert X (n×d): not square"),
    ("9^9^9", "exponent 387420489 is too large"),
    (r"\foo x", "unknown LaTeX command \\foo"),
])
def test_clear_errors(text: str, message: str) -> None:
    with pytest.raises(DerivekitError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("^", r"\^").replace("\\f", r"\\f")):
        resolve(parse(text), SCOPE)
