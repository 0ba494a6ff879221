"""Index notation in typed answers: entries and ranges (``x_i``, ``X[:, t]``), sums and
products with limits, block matrices, the ones vector, and where-clauses that define names
and sequences (``h_t = tanh(W h_{t-1} …)``).

Values are compared with plain NumPy loops written here, and for the catalog parts each
typed form has a wrong twin (off-by-one, reversed order, a dropped term) that must be
rejected.
"""

from __future__ import annotations

import numpy as np
import pytest

from derivekit import registry
from derivekit.errors import DerivekitError
from derivekit.expr.evaluate import evaluate
from derivekit.expr.parse import parse, split_definitions
from derivekit.expr.resolve import resolve, resolve_all, scope_from
from derivekit.grade import check

SHAPES = {"x": ("n", 1), "y": ("n", 1), "X": ("n", "m"), "A": ("n", "n"), "B": ("n", "n"),
          "beta": (), "n": (), "m": ()}
RNG = np.random.default_rng(7)
VALUES = {"x": RNG.normal(size=(3, 1)), "y": RNG.normal(size=(3, 1)),
          "X": RNG.normal(size=(3, 4)), "A": RNG.normal(size=(3, 3)),
          "B": RNG.normal(size=(3, 3)), "beta": np.asarray(0.8), "n": np.asarray(3.0),
          "m": np.asarray(4.0)}


def value(text: str) -> np.ndarray:
    answer, definitions = split_definitions(text)
    node = resolve(parse(answer), scope_from(SHAPES), definitions)
    return np.asarray(evaluate(node, VALUES, SHAPES), dtype=float)


x, y, X, A, B = (VALUES[k] for k in "x y X A B".split())


@pytest.mark.parametrize(("text", "expected"), [
    ("x_1", x[0, 0]),
    ("x[0]", x[0, 0]),
    ("x[-1]", x[2, 0]),
    ("x_n", x[2, 0]),
    (r"x_{2:3}", x[1:3]),
    ("x[1:]", x[1:]),
    ("X_{:,2}", X[:, 1:2]),
    ("X[:, 1]", X[:, 1:2]),
    ("X[0]", X[0:1, :]),
    ("X_{2,3}", X[1, 2]),
    (r"\sum_{i=1}^{n} x_i y_i", (x.T @ y).item()),
    (r"\sum_i x_i", x.sum()),
    ("sum_{i=0}^{n-1} x[i]", x.sum()),
    (r"\sum_{i=1}^{n}\sum_{j=1}^{m} X_{ij}", X.sum()),
    (r"\prod_{j<3} x_j", x[0, 0] * x[1, 0]),
    (r"\prod_{0<j<3} x_j", x[0, 0] * x[1, 0]),
    (r"\sum_{1\le i\le n} x_i", x.sum()),
    (r"\sum\nolimits_{i=1}^{n} x_i", x.sum()),
    (r"\sum_{i=2}^{1} x_i", 0.0),
    (r"\prod_{i=2}^{1} x_i", 1.0),
    (r"\sum_{i=1}^{n} \beta^{n-i} x_i", sum(0.8 ** (3 - i) * x[i - 1, 0] for i in (1, 2, 3))),
    (r"\begin{bmatrix} x \\ y \end{bmatrix}", np.vstack([x, y])),
    ("[A, x; x.T, 1]", np.block([[A, x], [x.T, np.ones((1, 1))]])),
    (r"A\mathbf 1", A.sum(axis=1, keepdims=True)),
    ("ones.T @ A", A.sum(axis=0, keepdims=True)),
    ("sign(x)", np.sign(x)),
    ("mean(X)", X.mean()),
    ("zeros(n, 2)", np.zeros((3, 2))),
    ("ones(2, m) @ X.T", np.ones((2, 4)) @ X.T),
])
def test_index_sum_and_block_values(text: str, expected: np.ndarray) -> None:
    got = value(text)
    assert np.allclose(got.reshape(np.shape(expected)), expected), (text, got, expected)


def test_sum_body_runs_to_the_next_plus() -> None:
    """``\\sum_i a_i b_i + c`` is (Σ a_i b_i) + c; products and ⊙ stay inside the sum."""
    assert np.isclose(value(r"\sum_{i=1}^{n} x_i \cdot y_i + 1"), (x.T @ y).item() + 1)
    assert np.allclose(value(r"\sum_{i=1}^{n} x \odot y"), 3 * x * y)


def test_matrix_products_multiply_left_to_right() -> None:
    got = value(r"\prod_{j=1}^{2} M_j \text{ where } M_1 = A,\ M_2 = B")
    assert np.allclose(got, A @ B)
    assert not np.allclose(got, B @ A)


def test_aliases_and_sequences() -> None:
    assert np.allclose(value("2*z where z = A @ x"), 2 * A @ x)
    assert np.allclose(value("z_2 where z = A @ x"), (A @ x)[1, 0])
    powers = value("h_3 where h_0 = x, h_t = A @ h_{t-1}")
    assert np.allclose(powers, A @ A @ A @ x)
    shifted = value("s_3 where s_0 = 1; s_{k+1} = beta*s_k + 1")
    assert np.isclose(shifted, 1 + 0.8 * (1 + 0.8 * (1 + 0.8)))
    backward = value("d_1 where d_3 = x, d_t = A.T @ d_{t+1} + y")
    assert np.allclose(backward, A.T @ (A.T @ x + y) + y)


def test_definitions_share_the_answers_latex() -> None:
    """A definition without a backslash of its own is LaTeX when the answer is: there
    ``A_xh_t`` is A_x h_t, as LaTeX prints it (read alone, it would be one ASCII name)."""
    shapes = {"h0": ("n", 1), "A_x": ("n", "n")}
    scope = scope_from(shapes, {"h0": "h_0"})
    for text in (r"\sum_{t=1}^{2} g_t \text{ where } g_t = A_xh_t,\ h_t = A_xh_{t-1}",
                 r"\sum_{t=1}^{2} g_t,\ g_t = A_xh_t,\ h_t = A_xh_{t-1}"):
        answer, definitions = split_definitions(text)
        got = evaluate(resolve(parse(answer), scope, definitions), {"h0": x, "A_x": A}, shapes)
        assert np.allclose(got, A @ A @ x + A @ A @ A @ x), text


def test_given_called_h0_starts_a_sequence() -> None:
    shapes = {"h0": ("n", 1), "A": ("n", "n")}
    scope = scope_from(shapes, {"h0": "h_0"})
    answer, definitions = split_definitions(r"h_2 \text{ where } h_t = A h_{t-1}")
    node = resolve(parse(answer), scope, definitions)
    got = evaluate(node, {"h0": x, "A": A}, shapes)
    assert np.allclose(got, A @ A @ x)


def test_definitions_are_echoed() -> None:
    answer, definitions = split_definitions("h_2 where h_0 = x, h_t = A @ h_{t-1}, c = 2")
    nodes, lines = resolve_all([parse(answer)], scope_from(SHAPES), definitions)
    assert lines == ["c = 2", "h_{0} = x", "h_{t} = A @ h_{t - 1}"]


@pytest.mark.parametrize(("text", "message"), [
    ("x_4", "x: index 4 is outside 1..3"),
    ("x[3]", "x: index 3 is outside -3..2"),
    ("x_{0}", "outside 1..3"),
    ("sum_{i=1}^{100000} x_i", "terms (limit"),
    ("h_2 where h_0 = x, h_t = h_{t+1}", "nested more than"),
    ("h_1 where h_0 = x, h_t = h_t", "defined through itself"),
    ("h_1 where h_t = A @ h_{t-1}", "give a starting case"),
    ("h_1 where h_0 = x, h_t = X.T @ h_{t-1}", "has shape"),
    ("x where x = y", "x is a given"),
    (r"\prod_i 2", "give the range"),
    (r"\sum_j x[j+1]", "cannot tell the range of j"),  # not a sum of all entries (j unbound)
    ("X[1, 2, 3]", "3 indices"),
    ("x_i + 1", "index i of x_i is free"),
])
def test_clear_errors(text: str, message: str) -> None:
    with pytest.raises(DerivekitError, match=message.replace("(", r"\(")):
        value(text)


# --------------------------------------------------------------------------- catalog parts
CATALOG = registry.catalog()
RNN = ("h_t = tanh(W_h @ h_{t-1} + W_x @ X[:, t-1] + b); e_t = W_y @ h_t + c - Y[:, t-1]; "
       "delta_T = W_y.T @ e_T; ")
WRONG = [
    ("adam-bias-correction", "momentum-weighted-sum", "(1-beta)*sum_{i=1}^T beta^(i-1)*g_i"),
    ("receptive-field-closed-form", "closed-form",
     "k_1 + sum_{i=2}^n (k_i - 1)*prod_{j=1}^{i} s_j"),
    ("receptive-field-closed-form", "recursion", "(k_n - 1)*prod_{i=1}^{n} s_i"),
    ("gan-minimax-theory", "generator-gradient", "log(1 - D[1:]) - log(1 - D[0])"),
    ("gan-gradients", "generator-minimises", "log(p_data[:-1])"),
    ("sgd-minimum-norm", "minibatch-step", "w - eta*X.T @ (X @ w - t)"),
    ("scaled-dot-product-attention", "boolean-mask",
     "(E / (E @ ones)) @ V where E = exp(Q @ K.T / sqrt(d)) .* M"),
    ("rnn-bptt-stability", "bptt-W_h",  # the recursion without the Jacobian term
     "sum_{t=1}^T (delta_t .* (1 - h_t^2)) @ h_{t-1}.T where " + RNN
     + "delta_t = W_y.T @ e_t"),
    ("rnn-bptt-stability", "bptt-c",  # input column t instead of t - 1: one step late
     "sum_{t=1}^T (W_y @ h_t + c - Y[:, t-1]) where "
     "h_t = tanh(W_h @ h_{t-1} + W_x @ X[:, t] + b)"),
    ("rnn-bptt-stability", "jacobian-through-time",  # J_1 … J_T: the wrong order
     "prod_{j=1}^T J_j where J_t = diag(1 - h_t^2) @ W_h; "
     "h_t = tanh(W_h @ h_{t-1} + W_x @ X[:, t-1] + b)"),
    ("rmsprop-minimum-norm", "iterates-on-sign-ray",  # the step before the average is updated
     "[s_k*sign(x); V_k*x.*x] where s_0 = 0; V_0 = 0; r_j = 2*(s_j*sum(abs(x)) - t); "
     "V_{j+1} = beta*V_j + (1-beta)*r_j^2; s_{j+1} = s_j - eta*r_j/sqrt(V_j + 1)"),
    ("composite-jacobian", "jacobian-f1",
     "[[0, cos(pi*x[1])], [exp(x[0]-1)*x[1]^2, 2*exp(x[0]-1)*x[1]], [x[0], x[1]]]"),
]


@pytest.mark.parametrize(("pid", "part", "text"), WRONG, ids=[f"{p}/{n}" for p, n, _ in WRONG])
def test_wrong_indexed_answers_are_rejected(pid: str, part: str, text: str) -> None:
    problem = CATALOG[pid]
    feedback = check(problem, problem.part(part), text)
    assert feedback.verdict in ("not-equivalent", "invalid"), feedback.interpreted
    assert feedback.message
    if feedback.verdict == "not-equivalent":
        assert feedback.counterexample


def test_computed_sizes_are_read_by_the_grammar() -> None:
    """A bare zero of a computed size (``n+n`` rows, ``n-1`` entries) is sized when
    evaluated; a size that depends on a sum's index is refused in one line."""
    assert value("0*[x; y]").shape == (6, 1)
    assert value("0*x[1:]").shape == (2, 1)
    assert value("0*x_{2:n}").shape == (2, 1)
    with pytest.raises(DerivekitError, match="cannot tell the size"):
        value("sum_{t=1}^{2} sum(0*x[:t])")


def test_an_inner_sum_over_the_same_letter_shadows_the_outer() -> None:
    """``\\sum_i x_i \\sum_i y_i`` is (Σ x)(Σ y), as it is read on paper."""
    assert np.isclose(value(r"\sum_{i=1}^{n} x_i \sum_{i=1}^{n} y_i"), x.sum() * y.sum())


def test_a_zero_matrix_prints_with_its_size() -> None:
    """``0*X`` prints ``zeros(n, m)``: read back, it has X's shape, not a scalar's."""
    from derivekit.expr.render import ascii_

    node = resolve(parse("0*X"), scope_from(SHAPES))
    assert ascii_(node) == "zeros(n, m)"
    assert value(ascii_(node)).shape == (3, 4)


@pytest.mark.parametrize("text", [
    "h_2, where h_0 = x, h_t = A @ h_{t-1}.",
    r"h_2,\quad\text{where}\quad h_0 = x;\ h_t = A h_{t-1}",
    "h_2 where: h_0 := x; h_t := A @ h_{t-1}",
])
def test_where_clause_punctuation(text: str) -> None:
    assert np.allclose(value(text), A @ A @ x)


def test_printed_forms() -> None:
    """Subscripts merge into a LaTeX name's own subscript; an identity indexed by brackets
    keeps its size, so the ASCII reads back."""
    from derivekit.expr.render import ascii_, latex

    scope = scope_from({"p_data": ("s", 1), "s": (), "M": ("L", "S"), "S": ()},
                       {"p_data": "p_{data}"})
    node = resolve(parse(r"p_{data,1:s-1}"), scope)
    assert latex(node, {"p_data": "p_{data}"}) == "p_{data,1:s - 1}"
    node = resolve(parse("M + (1 - M) .* I_S[0]"), scope)
    assert "I_{S}[0]" in ascii_(node)
    assert resolve(parse(ascii_(node)), scope) == node
