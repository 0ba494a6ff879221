"""How typed math is read: the notation rules the README states, one case each."""

from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from derivekit.errors import DerivekitError
from derivekit.expr.evaluate import EvaluationError, evaluate
from derivekit.expr.parse import parse
from derivekit.expr.render import ascii_, latex, python_source
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


# --------------------------------------------------------------------------- signals, reshaping
SIGNALS = scope_from({"A": ("a", "b"), "K": ("k", "l"), "T3": ("a", "b", "c"), "S": ("n", "n"),
                      "x": ("m", 1), "a": (), "b": (), "c": (), "k": (), "l": (), "m": (),
                      "n": (), "t": (), "r": ()})
RNG = np.random.default_rng(7)
_M = RNG.normal(size=(3, 3))
VALUES = {"A": RNG.normal(size=(5, 4)), "K": RNG.normal(size=(2, 3)),
          "T3": RNG.normal(size=(5, 4, 2)), "S": _M + _M.T,
          "x": RNG.normal(size=(6, 1)), "t": np.asarray(3.0), "r": np.asarray(2.0)}


def value(text: str, **values: Any) -> np.ndarray:
    node = resolve(parse(text), SIGNALS)
    dims = {"a": 5, "b": 4, "c": 2, "k": 2, "l": 3, "m": 6, "n": 3}
    return np.asarray(evaluate(node, {**VALUES, **{d: np.asarray(float(v)) for d, v in
                                                   dims.items()}, **values}), dtype=float)


def correlation_loops(a: np.ndarray, k: np.ndarray) -> np.ndarray:
    """out_ij = Σ_mn a_{i+m, j+n} k_mn, one entry at a time."""
    p, q = a.shape[0] - k.shape[0] + 1, a.shape[1] - k.shape[1] + 1
    return np.array([[sum(a[i + m, j + n] * k[m, n] for m in range(k.shape[0])
                          for n in range(k.shape[1])) for j in range(q)] for i in range(p)])


def full_convolution_loops(a: np.ndarray, k: np.ndarray) -> np.ndarray:
    """out_ij = Σ_mn a_mn k_{i-m, j-n}, zero outside k."""
    out = np.zeros((a.shape[0] + k.shape[0] - 1, a.shape[1] + k.shape[1] - 1))
    for i, j, m, n in np.ndindex(*out.shape, *a.shape):
        if 0 <= i - m < k.shape[0] and 0 <= j - n < k.shape[1]:
            out[i, j] += a[m, n] * k[i - m, j - n]
    return out


A_, K_ = VALUES["A"], VALUES["K"]


@pytest.mark.parametrize(("text", "expected"), [
    ("xcorr(A, K)", correlation_loops(A_, K_)),
    (r"A \star K", correlation_loops(A_, K_)),
    ("corr(A, K)", correlation_loops(A_, K_)),
    ("conv(A, K)", correlation_loops(A_, K_[::-1, ::-1])),
    ("conv_full(A, K)", full_convolution_loops(A_, K_)),
    (r"\operatorname{conv}_{\text{full}}(K, A)", full_convolution_loops(A_, K_)),
    ("xcorr(pad(A, k-1, l-1), rot180(K))", full_convolution_loops(A_, K_)),
    ("pad(K, 1, 2)", np.block([[np.zeros((1, 7))], [np.zeros((2, 2)), K_, np.zeros((2, 2))],
                              [np.zeros((1, 7))]])),
    ("flip(K)", [[K_[1 - i, 2 - j] for j in range(3)] for i in range(2)]),
    ("flipud(A)", [A_[4 - i] for i in range(5)]),
    ("flip(x)", VALUES["x"][::-1]),
    ("vec(A)", [[A_[i, j]] for i in range(5) for j in range(4)]),  # row-major
    ("reshape(T3, a b, c)", [[VALUES["T3"][i, j, c] for c in range(2)]
                             for i in range(5) for j in range(4)]),
    ("reshape(A, 2, 10)", [[A_.ravel()[10 * i + j] for j in range(10)] for i in range(2)]),
    ("eigmax(S)", max(np.linalg.eigvalsh(VALUES["S"]))),
    (r"\lambda_{\min}(S)", min(np.linalg.eigvalsh(VALUES["S"]))),
    ("(I - S/4)^t", np.linalg.matrix_power(np.eye(3) - VALUES["S"] / 4, 3)),
    ("S^(t - 3)", np.eye(3)),
])
def test_signal_functions_match_loops(text: str, expected: Any) -> None:
    np.testing.assert_allclose(value(text), np.asarray(expected, dtype=float), atol=1e-12)


@pytest.mark.parametrize("text", ["xcorr(A, K)", "conv_full(A, flip(K))", "pad(A, k - 1, 0)",
                                  "reshape(T3, a*b, c)", "vec(A)", "flipud(A)", "eigmin(S)",
                                  "(I - S)^t"])
def test_signal_functions_print_and_read_back(text: str) -> None:
    node = resolve(parse(text), SIGNALS)
    assert resolve(parse(ascii_(node)), SIGNALS) == node
    assert resolve(parse(latex(node)), SIGNALS) == node


@pytest.mark.parametrize(("text", "message"), [
    ("xcorr(A)", "xcorr takes 2 arguments, got 1"),
    ("xcorr(A, x, K)", "xcorr takes 2 arguments, got 3"),
    ("xcorr(T3, K)", "xcorr needs a matrix or a column, got T3 (a×b×c)"),
    ("pad(A, 1/2, 0)", "pad rows 1/2 is not a whole number >= 0"),
    ("pad(A, K, 0)", "pad rows K (k×l) is not a scalar"),
    ("reshape(A, 0, 3)", "reshape rows 0 is not a whole number >= 1"),
    ("reshape([[1, 2, 3]], 2, 2)", "cannot reshape [[1, 2, 3]] (1×3) to 2×2"),
    ("xcorr([[1, 2]], [[1, 2, 3]])", "xcorr: the kernel [[1, 2, 3]] (1×3) is larger than"),
    ("eigmax(A)", "eigmax needs a square symmetric matrix, got A (a×b)"),
    ("vec(t)", "vec needs an array, got t (scalar)"),
    ("0*pad([[1]], 2000, 2000)", "pad would have 1.6e+07 entries (limit 1e+06)"),
    ("0*reshape(x, 10^5, 10^4)", "reshape would have 1e+09 entries (limit 1e+06)"),
])
def test_signal_shape_errors_are_clear(text: str, message: str) -> None:
    with pytest.raises(DerivekitError) as caught:
        resolve(parse(text), SIGNALS)
    assert message in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(("text", "values", "message"), [
    ("pad(A, r, 0)", {"r": np.asarray(2.5)}, "pad rows 2.5 is not a whole number"),
    ("pad(A, r, 0)", {"r": np.asarray(-1.0)}, "pad rows -1 is less than 0"),
    ("pad(A, 99999, 99999)", {}, "would need 4e+10 entries (limit 1e+06)"),
    ("conv_full(pad(A, 400, 400), pad(K, 400, 400))", {}, "entries (limit 1e+06)"),
    ("reshape(A, 10^3, 1)", {}, "cannot reshape 20 entries of A into 1000×1"),
    ("reshape(A, r, 10)", {"r": np.asarray(3.0)}, "cannot reshape 20 entries"),
    ("xcorr(K, A)", {}, "xcorr: the kernel A (5×4) is larger than the input (2×3)"),
    ("eigmax(S @ S + S)", {"S": np.arange(9.0).reshape(3, 3)}, "eigmax needs a symmetric"),
    ("S^t", {"t": np.asarray(1.5)}, "matrix power exponent 1.5 is not a whole number"),
    ("S^t", {"t": np.asarray(65.0)}, "matrix power exponent 65 is outside 0..64"),
])
def test_signal_values_are_checked_before_anything_is_built(text: str, values: dict,
                                                            message: str) -> None:
    start = time.perf_counter()
    with pytest.raises(EvaluationError, match=re.escape(message)):
        value(text, **values)
    assert time.perf_counter() - start < 0.5


def test_generated_source_computes_padding_and_powers(tmp_path: Path) -> None:
    """Sizes and a variable exponent reach ops as ints in the printed module."""
    text = "xcorr(pad(A, k - 1, l - 1), flip(K)) + eigmax(S)*sum(S^t)"
    inputs = {"A": ("a", "b"), "K": ("k", "l"), "S": ("n", "n"), "t": ()}
    path = tmp_path / "generated_f.py"
    path.write_text(python_source(resolve(parse(text), SIGNALS), "f", inputs, "test"))
    spec = importlib.util.spec_from_file_location("generated_f", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    got = module.f(A=A_, K=K_, S=VALUES["S"], t=VALUES["t"])
    np.testing.assert_allclose(got, value(text))


def test_parser_tables_are_cached_in_the_users_cache_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from derivekit.expr import parse as parse_module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("DERIVEKIT_NO_CACHE", raising=False)
    assert parse_module._cache_file() == str(tmp_path / "derivekit" / "grammar.lark")
    monkeypatch.setenv("DERIVEKIT_NO_CACHE", "1")
    assert parse_module._cache_file() is None
    monkeypatch.delenv("DERIVEKIT_NO_CACHE")
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # cannot hold a directory
    assert parse_module._cache_file() is None
