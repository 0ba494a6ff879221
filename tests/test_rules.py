"""Every rule the deriver has: a derivation that the witnesses verify, and a wrong answer of
the kind people write that the same witnesses reject."""

from __future__ import annotations

from typing import Any

import pytest

from derivekit.derivation import verified
from derivekit.derivation.verified import derive
from derivekit.expr.parse import parse, split_definitions
from derivekit.expr.render import ascii_
from derivekit.expr.resolve import resolve, scope_from
from derivekit.model import ONEHOT, POSITIVE, SPD, UNIT

COLUMN = {"x": ("n", 1)}
IMAGE = {"A": (6, 6), "K": (3, 3), "G": (4, 4)}
GRID = {"A": (3, 4), "G": (2, 6), "w": (12, 1)}
POOL = {"A": (4, 6), "G": (2, 3)}
KRON = {"A": (2, 3), "B": (2, 2), "G": (4, 6)}
SQUARE = {"X": ("n", "n")}
LAYER = {"W": ("m", "n"), "x": ("n", 1)}
NORM = {"x": ("n", 1), "g": ("n", 1), "eps": ()}
RNN = {"h0": ("d", 1), "W": ("d", "d"), "X": ("d", "T")}
STATES = [("h_t", "tanh(W @ h_{t-1} + X[:, t-1])")]

# (rule, expression, wrt, givens, layout, domains, lets, wrong answer)
RULES = [
    ("mean", "mean(x^2)", "x", COLUMN, "denominator", {}, [], "2*x"),
    ("variance", "var(x)", "x", COLUMN, "denominator", {}, [], "2*(x - mean(x))"),
    ("std", "std(x)", "x", COLUMN, "denominator", {}, [], "(x - mean(x)) / std(x)"),
    ("layer norm", "(x - mean(x))/sqrt(var(x) + eps)", "x", {"x": ("n", 1), "eps": ()},
     "numerator", {"eps": POSITIVE}, [], "I / sqrt(var(x) + eps)"),
    ("norm with eps", "sum(g .* (x - mean(x)) / sqrt(var(x) + eps))", "x", NORM,
     "denominator", {"eps": POSITIVE}, [], "g / sqrt(var(x) + eps)"),
    ("xcorr, kernel", "sum(G .* xcorr(A, K))", "K", IMAGE, "denominator", {}, [],
     "conv(A, G)"),
    ("xcorr, input", "sum(G .* xcorr(A, K))", "A", IMAGE, "denominator", {}, [],
     "xcorr(pad(G, 2, 2), K)"),
    ("conv, kernel", "sum(G .* conv(A, K))", "K", IMAGE, "denominator", {}, [], "xcorr(A, G)"),
    ("conv, input", "sum(G .* conv(A, K))", "A", IMAGE, "denominator", {}, [],
     "conv_full(G, K)"),
    ("conv_full", "sum(conv_full(A, K) .* conv_full(A, K))/2", "A", {"A": (3, 3), "K": (2, 2)},
     "denominator", {}, [], "conv_full(A, K)[0:3, 0:3]"),
    ("pad", "sum(G .* pad(A, 1, 2))", "A", {"A": (3, 3), "G": (5, 7)}, "denominator", {}, [],
     "G[0:3, 0:3]"),
    ("flip", "sum(G .* flip(A))", "A", {"A": (3, 4), "G": (3, 4)}, "denominator", {}, [], "G"),
    ("reshape", "sum(G .* reshape(A, 2, 6))", "A", GRID, "denominator", {}, [],
     "reshape(G.T, 3, 4)"),
    ("vec (row-major)", "w.T @ vec(A)", "A", GRID, "denominator", {}, [],
     "reshape(w, 4, 3).T"),
    ("maxpool", "sum(G .* maxpool(A, 2))", "A", POOL, "denominator", {}, [],
     "kron(G, ones(2, 2)) / 4"),
    ("max", "max(x)", "x", COLUMN, "denominator", {}, [], "x / max(x)"),
    ("kron, left", "sum(G .* kron(A, B))", "A", KRON, "denominator", {}, [],
     "kron(I_2, ones(1, 2)) @ G @ kron(I_3, ones(2, 1))"),
    ("kron, right", "sum(G .* kron(A, B))", "B", KRON, "denominator", {}, [],
     "kron(ones(1, 2), I_2) @ G @ kron(ones(3, 1), I_2)"),
    ("matrix power", "trace(X^3)", "X", SQUARE, "denominator", {}, [], "3*X^2"),
    ("matrix power in a product", "trace(A @ X^2)", "X", {"A": ("n", "n"), "X": ("n", "n")},
     "denominator", {}, [], "2*A.T @ X.T"),
    ("power by its exponent", "x^i", "i", {"x": ("n", 1), "i": ()}, "numerator",
     {"x": POSITIVE}, [], "i*x^(i - 1)"),
    ("tan", "sum(tan(x))", "x", COLUMN, "denominator", {}, [], "1 + tan(x)"),
    ("arctan", "sum(arctan(x))", "x", COLUMN, "denominator", {}, [], "1 / (1 - x^2)"),
    ("arcsin", "sum(arcsin(x))", "x", COLUMN, "denominator", {"x": UNIT}, [],
     "1 / sqrt(1 + x^2)"),
    ("arccos", "sum(arccos(x))", "x", COLUMN, "denominator", {"x": UNIT}, [],
     "1 / sqrt(1 - x^2)"),
    ("sinh", "sum(sinh(x))", "x", COLUMN, "denominator", {}, [], "-cosh(x)"),
    ("cosh", "sum(cosh(x))", "x", COLUMN, "denominator", {}, [], "cosh(x)"),
    ("arctanh", "sum(arctanh(x))", "x", COLUMN, "denominator", {"x": UNIT}, [],
     "1 / (1 + x^2)"),
    ("arcsinh", "sum(arcsinh(x))", "x", COLUMN, "denominator", {}, [], "1 / sqrt(1 - x^2)"),
    ("element-wise on a matrix", "sum(A ./ X)", "X", {"A": ("n", "n"), "X": ("n", "n")},
     "denominator", {"X": POSITIVE}, [], "-A @ inv(X) @ inv(X)"),
    ("log |det|", "log(abs(det(X)))", "X", SQUARE, "denominator", {}, [], "inv(X)"),
    ("Jacobian wrt a matrix", "relu(W @ x)", "W", LAYER, "numerator", {}, [], "kron(I, x.T)"),
    ("Jacobian of a matrix", "W @ X", "X", {"W": ("m", "n"), "X": ("n", "p")}, "numerator",
     {}, [], "kron(I, W)"),
    ("Jacobian of an inverse", "inv(X)", "X", SQUARE, "numerator", {}, [],
     "-kron(inv(X).T, inv(X))"),
    ("Jacobian of a sigmoid layer", "sigmoid(A @ X)", "X", {"A": ("m", "n"), "X": ("n", "p")},
     "numerator", {}, [], "kron(A, I)"),
    ("Jacobian of a column of entries", "[sin(x_2); x_1 * x_2]", "x", {"x": (2, 1)},
     "numerator", {}, [], "[[cos(x_2), 0], [x_2, x_1]]"),
    ("Jacobian of stacked columns", "[x; 2*x]", "x", COLUMN, "numerator", {}, [], "[I; I]"),
    ("Jacobian of a correlation by its kernel", "xcorr(A, K)", "K", {"A": (3, 3), "K": (2, 2)},
     "numerator", {}, [], "kron(A[0:2, 0:2], I_2)"),
    ("Jacobian of a padding", "vec(pad(A, 1, 1))", "A", {"A": (2, 2)}, "numerator", {}, [],
     "kron(I_4[:, 0:2], I_4[:, 0:2])"),
    ("Jacobian of diag", "diag(v) @ a", "v", {"v": ("n", 1), "a": ("n", 1)}, "numerator", {},
     [], "diag(v)"),
    ("Jacobian of a softmax over rows", "softmax(Z)", "Z", {"Z": ("m", "n")}, "numerator", {},
     [], "diag(vec(softmax(Z)))"),
    ("Jacobian of a transpose", "X.T @ A", "X", {"A": ("n", "n"), "X": ("n", "n")},
     "numerator", {}, [], "kron(I, A.T)"),
    ("Jacobian of a flip", "flip(x)", "x", COLUMN, "numerator", {}, [], "I"),
    ("product of matrices over an index", "trace(prod_{i=1}^{3} (W + A*i))", "W",
     {"W": ("n", "n"), "A": ("n", "n")}, "denominator", {}, [],
     "sum_{i=1}^{3} (prod_{k=1}^{i-1} (W + k*A)) @ (prod_{k=i+1}^{3} (W + k*A))"),
    ("recurrence, loss", "sum_{t=1}^{T} sqnorm(h_t)/2", "W", RNN, "denominator", {}, STATES,
     "sum_{t=1}^{T} (h_t .* (1 - h_t^2)) @ h_{t-1}.T where h_t = tanh(W @ h_{t-1} + X[:, t-1])"),
    ("recurrence, Jacobian through time", "h_T", "h0", RNN, "numerator", {}, STATES,
     "prod_{j=1}^{T} (diag(1 - h_j^2) @ W) where h_t = tanh(W @ h_{t-1} + X[:, t-1])"),
    ("softmax cross-entropy", "-sum(y .* log(softmax(a)))", "a", {"a": ("n", 1), "y": ("n", 1)},
     "denominator", {"y": ONEHOT}, [], "y - softmax(a)"),
    ("log det of a congruence", "log(det(X.T @ A @ X))", "X", {"A": ("m", "m"), "X": ("m", "n")},
     "denominator", {}, [], "A @ X @ inv(X.T @ A @ X)"),
]


def _id(case: tuple) -> str:
    return case[0]


def _read(text: str, givens: dict[str, tuple]) -> Any:
    body, definitions = split_definitions(text)
    scope = scope_from(givens)
    for d in {d for shape in givens.values() for d in shape if isinstance(d, str)}:
        scope.add(d, ())
    return resolve(parse(body), scope, definitions)


@pytest.mark.parametrize("case", RULES, ids=_id)
def test_rule_derives_and_verifies(case: tuple) -> None:
    _, text, wrt, givens, layout, domains, lets, _ = case
    derived = derive(text, wrt, givens, layout, domains=domains, lets=[("h_0", "h0"), *lets]
                     if lets else ())
    assert derived.verified, derived.verdict.message
    assert derived.derivation.steps, "a derivation names the identities it used"


@pytest.mark.parametrize("case", RULES, ids=_id)
def test_wrong_answer_is_rejected(case: tuple) -> None:
    _, text, wrt, givens, layout, domains, lets, wrong = case
    if lets:
        text = f"{text} where h_0 = h0, " + ", ".join(f"{n} = {b}" for n, b in lets)
        wrong = wrong.replace("where", "where h_0 = h0,")
    verdict = verified.witness(_read(text, givens), _read(wrong, givens), givens, wrt, layout,
                               0, domains)
    assert verdict.status != "verified", f"{wrong} accepted"


@pytest.mark.parametrize("text, wrt, givens, printed", [
    ("trace(X @ X @ X)", "X", SQUARE, "3*(X^2).T"),
    ("a.T @ X @ X.T @ b", "X", {"a": ("n", 1), "b": ("n", 1), "X": ("n", "n")},
     "(b @ a.T + a @ b.T) @ X"),
    ("sum(log(X))", "X", SQUARE, "1 / X"),
    ("sum(tanh(X))", "X", SQUARE, "1 - tanh(X).^2"),
    ("-sum(y .* log(softmax(a)))", "a", {"a": ("n", 1), "y": ("n", 1)},
     "sum(y)*softmax(a) - y"),
    ("sum(G .* xcorr(A, K))", "K", IMAGE, "xcorr(A, G)"),
    ("sum(G .* xcorr(A, K))", "A", IMAGE, "conv_full(G, K)"),
])
def test_textbook_forms(text: str, wrt: str, givens: dict, printed: str) -> None:
    derived = derive(text, wrt, givens)
    assert derived.verified
    assert ascii_(derived.derivation.result) == printed


def test_a_one_hot_label_simplifies_softmax_cross_entropy() -> None:
    derived = derive("-sum(y .* log(softmax(a)))", "a", {"a": ("n", 1), "y": ("n", 1)},
                     domains={"y": ONEHOT})
    assert derived.verified and ascii_(derived.derivation.result) == "softmax(a) - y"


def test_element_wise_power_of_a_square_matrix_reads_back() -> None:
    derived = derive("sum(tanh(X))", "X", SQUARE)
    printed = ascii_(derived.derivation.result)
    assert _read(printed, SQUARE) == derived.derivation.result


def test_spd_declaration_draws_symmetric_positive_definite() -> None:
    derived = derive("trace(inv(A) @ X)", "X", {"A": ("n", "n"), "X": ("n", "n")},
                     domains={"A": SPD})
    assert derived.verified


def test_a_tied_variable_is_refused_in_one_line() -> None:
    """An SPD matrix's entries are not free: its 'gradient' is not defined entry by entry."""
    from derivekit.errors import DerivekitError

    with pytest.raises(DerivekitError, match="tied"):
        derive("log(det(A))", "A", {"A": ("n", "n")}, domains={"A": SPD})


@pytest.mark.parametrize("text, givens, says", [
    ("log(det(X.T @ A @ X))", {"A": ("m", "m"), "X": ("m", "n")}, "A:…:spd"),
    ("sum(log(x))", {"x": ("n", 1)}, "x:…:positive"),
])
def test_undefined_points_name_the_declaration_that_fixes_them(text: str, givens: dict,
                                                               says: str) -> None:
    """A real A makes log det(XᵀAX) undefined half the time; the message says to declare it."""
    from derivekit.model import REAL

    domains = {name: REAL for name in givens}
    derived = derive(text, "X" if "X" in givens else "x", givens, domains=domains)
    assert not derived.verified
    assert says in derived.verdict.message
