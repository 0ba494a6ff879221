"""Notation the reader gets right the way people write it: a postfix after a name and a
bracket binds to the bracket, comparisons in brackets, Greek letters in exponents, ``w^{*T}``,
logarithms to a base, products glued to defined names, ``|γ| < c``, a given written ``b'``.
Each reading is checked by value against NumPy written here, and a wrong twin is rejected."""

from __future__ import annotations

import numpy as np
import pytest

from derivekit import registry
from derivekit.expr.evaluate import evaluate
from derivekit.expr.parse import parse
from derivekit.expr.render import ascii_
from derivekit.expr.resolve import resolve, scope_from
from derivekit.grade import check

SHAPES = {"u": (3, 1), "W": (3, 2), "x": (2, 1), "b_1": (3, 1), "A": (2, 2), "delta": (3, 1),
          "h": (3, 1), "z": (3, 1), "w": (2, 1), "tau": ()}
RNG = np.random.default_rng(3)
V = {name: RNG.normal(size=shape) for name, shape in SHAPES.items()}
V["tau"] = np.asarray(3.0)
V["x"] = np.abs(V["x"]) + 0.5
u, W, x, b1, A, delta, h, z, w = (V[k] for k in "u W x b_1 A delta h z w".split())
relu = lambda a: np.maximum(a, 0)  # noqa: E731


def value(text: str) -> np.ndarray:
    node = resolve(parse(text), scope_from(SHAPES))
    return np.asarray(evaluate(node, V, SHAPES), dtype=float)


@pytest.mark.parametrize(("text", "expected"), [
    (r"u\,(\mathrm{ReLU}(Wx+b_1))^T", u @ relu(W @ x + b1).T),
    (r"A (A^TA)^{3}", A @ np.linalg.matrix_power(A.T @ A, 3)),
    (r"\delta (h)^T", delta @ h.T),
    (r"\delta\,(h)^\top + 0", delta @ h.T),
    (r"u .* (z > 0)", u * (z > 0)),
    (r"u \odot (z \le 0)", u * (z <= 0)),
    (r"x^\tau", x ** 3.0),
    (r"\log_{10} x", np.log10(x)),
    (r"\log_2(x)", np.log2(x)),
    ("log10(x) + log2(x)", np.log10(x) + np.log2(x)),
    (r"\sigma(z)^T", (1 / (1 + np.exp(-z))).T),
])
def test_reading(text: str, expected: np.ndarray) -> None:
    np.testing.assert_allclose(value(text), expected, rtol=1e-12)


def test_the_old_misreadings_are_gone() -> None:
    """``(u·group)^T`` and ``(A A^T A)^64`` were the readings before."""
    assert ascii_(resolve(parse(r"A (A^TA)^{64}"), scope_from(SHAPES))) == "A @ (A.T @ A)^64"
    assert ascii_(resolve(parse(r"\delta (h)^T"), scope_from(SHAPES))) == "delta @ h.T"


def test_optimum_transposed() -> None:
    scope = scope_from({"w_star": (2, 1), "x": (2, 1)}, {"w_star": r"\mathbf w^*"})
    node = resolve(parse(r"\mathbf w^{*T}x"), scope)
    assert ascii_(node) == "w_star.T @ x"
    assert ascii_(resolve(parse(r"w^{*\top} x"), scope)) == "w_star.T @ x"


CATALOG = registry.catalog()


def _check(pid: str, part: str, text: str):  # noqa: ANN202
    problem = CATALOG[pid]
    return check(problem, problem.part(part), text)


GATE_F = r"\sigma(W_f x_t + U_f h_{t-1} + b_f)"


@pytest.mark.parametrize(("pid", "part", "right", "wrong"), [
    ("lstm-jacobian", "dc-dcprev-fixed-h",  # f_t defined with givens spelled x_t, h_{t-1}
     rf"\operatorname{{diag}}(f_t) \text{{ where }} f_t = {GATE_F}",
     rf"\operatorname{{diag}}(1 - f_t) \text{{ where }} f_t = {GATE_F}"),
    ("rnn-bptt-stability", "constant-jacobian-stability",  # |γ| < c; b' is the given bb
     r"|\gamma|<\frac{1}{\sqrt{p_1q_1ab'}}", r"|\gamma|<\frac{1}{\sqrt{p_1q_1b'}}"),
    ("rnn-bptt-stability", "constant-jacobian-stability",
     r"\gamma<\frac{1}{\sqrt{p_1q_1ab'}}", r"\gamma<\frac{2}{\sqrt{p_1q_1ab'}}"),
    ("hypergradient-two-gd-steps", "dloss-deta",  # Xw_1 glued to a defined w_1
     r"g_2^T(-(I - \eta H) g_0 - g_1) \text{ where } g_k = \frac2n X^T(Xw_k - t) + "
     r"2\lambda w_k, w_{k+1} = w_k - \eta g_k, H = \frac2n X^TX + 2\lambda I",
     r"g_2^T(-g_0 - g_1) \text{ where } g_k = \frac2n X^T(Xw_k - t) + "
     r"2\lambda w_k, w_{k+1} = w_k - \eta g_k"),
])
def test_catalog_answers_in_that_notation(pid: str, part: str, right: str, wrong: str) -> None:
    feedback = _check(pid, part, right)
    assert feedback.verdict == "equivalent", feedback.message
    assert _check(pid, part, wrong).verdict == "not-equivalent"


def test_missing_term_diagnosis_never_crashes() -> None:
    """The part's sheet wording has a term of another shape: that term explains nothing."""
    feedback = _check("hypergradient-two-gd-steps", "dloss-deta",
                      r"-g_2^T(g_0+g_1) \text{ where } g_k = \frac2n X^T(Xw_k - t) + "
                      r"2\lambda w_k, w_{k+1} = w_k - \eta g_k")
    assert feedback.verdict == "not-equivalent", feedback.message
    assert "ValueError" not in feedback.message and feedback.counterexample


# --------------------------------------------------------------------------- element-wise
@pytest.mark.parametrize("text", [r"y \log(\hat y)", r"y * \log(\hat y)", r"y\,\log\hat y"])
def test_same_shape_operands_side_by_side_are_element_wise(text: str) -> None:
    problem = CATALOG["bce-derivation"]
    scope_shapes = {g.name: g.shape for g in problem.givens}
    from derivekit.grade import scope_for

    node = resolve(parse(text), scope_for(problem, problem.part("loss")))
    assert ascii_(node) == "y .* log(yhat)"  # the reply shows the reading
    values = {"y": np.array([[1.0], [0.0], [1.0]]), "yhat": np.array([[0.2], [0.5], [0.9]])}
    np.testing.assert_allclose(evaluate(node, values, scope_shapes),
                               values["y"] * np.log(values["yhat"]))


def test_matrix_products_stay_matrix_products() -> None:
    """Same-shape square matrices multiply as matrices; only products that cannot be matrix
    products or scalings are read element-wise."""
    assert ascii_(resolve(parse("A A"), scope_from(SHAPES))) == "A @ A"
    assert ascii_(resolve(parse("u z"), scope_from(SHAPES))) == "u .* z"
    with pytest.raises(Exception, match="cannot multiply"):
        resolve(parse("u x"), scope_from(SHAPES))  # 3x1 by 2x1: no reading at all


def test_a_summand_is_missing_the_sum_over_samples() -> None:
    feedback = _check("bce-derivation", "loss", r"-y\log(\hat{y}) - (1-y)\log(1-\hat{y})")
    assert feedback.verdict == "not-equivalent" and feedback.diagnosis == "missing sum"
    assert "missing the sum over samples" in feedback.message
    assert ".*" in feedback.interpreted
    assert _check("bce-derivation", "loss", r"y\log(\hat{y})").diagnosis == "wrong shape"
    summed = _check("bce-derivation", "loss", r"-\sum(y\log(\hat{y}) + (1-y)\log(1-\hat{y}))")
    assert summed.verdict == "equivalent", summed.message


def test_terms_after_a_sum_that_use_its_index_belong_to_it() -> None:
    text = r"\sum_{i=1}^m y_i\log\hat y_i+(1-y_i)\log(1-\hat y_i)"
    assert _check("bce-derivation", "log-likelihood", text).verdict == "equivalent"
    loss = _check("bce-derivation", "loss", r"-\sum_i y_i\log\hat y_i+(1-y_i)\log(1-\hat y_i)")
    assert loss.verdict == "equivalent", loss.message
    extra = _check("bce-derivation", "log-likelihood", text + r" + \sum_i y_i")
    assert extra.diagnosis == "extra term"  # a sum of its own is not swallowed


def test_a_postfix_after_a_call_transposes_the_call() -> None:
    """``ones(N, 1).T`` is the transposed call; only a name that is not a function binds its
    postfix to the bracket (``δ (h)^T``)."""
    from derivekit.expr.parse import parse
    from derivekit.expr.render import ascii_
    from derivekit.expr.resolve import resolve, scope_from

    scope = scope_from({"x": ("N", 1)})
    scope.add("N", ())
    assert ascii_(resolve(parse("ones(N, 1).T @ x"), scope)) == "ones(1, N) @ x"
