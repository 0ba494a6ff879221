"""Side by side: SymPy's MatrixSymbol calculus and ``derivekit derive``.

Two tables. *Textbook*: 22 cases each stated three times (derivekit text, a SymPy
MatrixSymbol expression, a JAX function); JAX float64 autodiff of the JAX function, at a
random point with concrete sizes, is the reference both results are checked against
(denominator layout: a gradient has the variable's shape, a Jacobian of a column f by a
column x is (∂f/∂x)ᵀ, as SymPy returns). Times are medians over REPEAT runs.

*External*: the cases of tests/external/derivatives.py (SymPy's own test_derivatives.py and
the Matrix Cookbook). Each derivekit expression is translated mechanically into a SymPy
MatrixSymbol expression (:func:`to_sympy`), SymPy's ``.diff`` is evaluated on explicit
matrices at the first point of each of the table's 3 shape sets and compared with the
table's truth (JAX autodiff of the expression); derivekit is judged by the table's own test
(tests/external/judge.py). One timed run per case unless --external-repeat.

    python benchmarks/vs_sympy.py [--markdown] [--repeat N] [--table textbook|external|both]
                                  [--external-repeat N] [--cases sympy-,mc-1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from derivekit.derivation.matrix import derivative
from derivekit.derivation.verified import derive
from derivekit.errors import DerivekitError
from derivekit.expr.evaluate import evaluate
from derivekit.expr.parse import parse
from derivekit.expr.render import ascii_
from derivekit.expr.resolve import resolve, scope_from
from derivekit.expr.tree import var
from derivekit.model import POSITIVE

jax.config.update("jax_enable_x64", True)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.external: the table

SIZES = {"m": 4, "n": 3, "h": 5, "k": 2, "p": 2, "q": 3, "d": 3, "L": 2, "S": 4, "e": 3, "v": 2}
"""Concrete sizes of the symbolic dimensions (distinct where it matters, so shapes bite)."""
TOLERANCE = 1e-8
WIDTH = 44

_U = sp.Dummy("u")
SIGMOID = sp.Lambda(_U, 1 / (1 + sp.exp(-_U)))


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    wrt: str
    givens: dict[str, tuple]
    sympy: Callable[[dict[str, Any]], Any]
    """The function from SymPy symbols (MatrixSymbol, or Symbol for scalars)."""
    jax: Callable[[dict[str, Any]], Any]
    positive: tuple[str, ...] = ()
    invertible: tuple[str, ...] = ()


def _ones(rows: Any, cols: Any) -> Any:
    return sp.OneMatrix(rows, cols)


def _lse(z: Any) -> Any:
    """log Σ exp(z) as a SymPy scalar."""
    return sp.log((_ones(1, z.shape[0]) * z.applyfunc(sp.exp))[0, 0])


def _row_softmax(Z: Any) -> Any:
    E = Z.applyfunc(sp.exp)
    inverse_sums = (E * _ones(E.shape[1], 1)).applyfunc(lambda u: 1 / u)
    return sp.HadamardProduct(E, inverse_sums * _ones(1, E.shape[1]))


def _sympy_bce(s: dict[str, Any]) -> Any:
    p = SIGMOID((s["w"].T * s["x"])[0, 0])
    return -(s["y"] * sp.log(p) + (1 - s["y"]) * sp.log(1 - p))


def _sympy_layernorm(s: dict[str, Any]) -> Any:
    x, N, n = s["x"], s["N"], s["x"].shape[0]
    r = x - _ones(n, 1) * (_ones(1, n) * x) / N
    return r / sp.sqrt((r.T * r)[0, 0] / N + s["eps"])


def _sympy_mlp(s: dict[str, Any]) -> Any:
    r = s["W2"] * (s["W1"] * s["x"]).applyfunc(sp.tanh) - s["y"]
    return r.T * r / 2


def _sympy_lstm(s: dict[str, Any]) -> Any:
    def gate(name: str, fn: Any) -> Any:
        return (s["W" + name] * s["h"] + s["U" + name] * s["x"]).applyfunc(fn)

    return (sp.HadamardProduct(gate("f", SIGMOID), s["c"])
            + sp.HadamardProduct(gate("i", SIGMOID), gate("g", sp.tanh)))


def _jax_lstm(v: dict[str, Any]) -> Any:
    def gate(name: str) -> Any:
        return v["W" + name] @ v["h"] + v["U" + name] @ v["x"]

    return (jax.nn.sigmoid(gate("f")) * v["c"]
            + jax.nn.sigmoid(gate("i")) * jnp.tanh(gate("g")))


def _jax_layernorm(v: dict[str, Any]) -> Any:
    r = v["x"] - jnp.sum(v["x"]) / v["N"]
    return r / jnp.sqrt(jnp.sum(r ** 2) / v["N"] + v["eps"])


def _jax_mlp(v: dict[str, Any]) -> Any:
    r = v["W2"] @ jnp.tanh(v["W1"] @ v["x"]) - v["y"]
    return jnp.sum(r ** 2) / 2


def _jax_bce(v: dict[str, Any]) -> Any:
    p = jax.nn.sigmoid(v["w"].T @ v["x"])
    return -(v["y"] * jnp.log(p) + (1 - v["y"]) * jnp.log(1 - p))


def _jax_attention(v: dict[str, Any]) -> Any:
    return jnp.trace(v["G"].T @ jax.nn.softmax(v["Q"] @ v["K"].T / jnp.sqrt(v["d"]), axis=1)
                     @ v["V"])


MLP = {"W1": ("h", "n"), "W2": ("k", "h"), "x": ("n", 1), "y": ("k", 1)}
RIDGE = {"X": ("m", "n"), "w": ("n", 1), "t": ("m", 1), "lam": ()}
LSTM = {**{f"W{g}": ("n", "n") for g in "fig"}, **{f"U{g}": ("n", "d") for g in "fig"},
        "h": ("n", 1), "x": ("d", 1), "c": ("n", 1)}
LSTM_TEXT = "sigmoid(Wf@h + Uf@x) .* c + sigmoid(Wi@h + Ui@x) .* tanh(Wg@h + Ug@x)"
LAYERNORM_TEXT = "(x - sum(x)/N)/sqrt(sum((x - sum(x)/N)^2)/N + eps)"
MLP_TEXT = "norm(W2@tanh(W1@x) - y)^2/2"

CASES = (
    Case("xᵀx", "x.T@x", "x", {"x": ("n", 1)},
         lambda s: s["x"].T * s["x"], lambda v: v["x"].T @ v["x"]),
    Case("tr(AᵀA)", "trace(A.T@A)", "A", {"A": ("m", "n")},
         lambda s: sp.trace(s["A"].T * s["A"]), lambda v: jnp.trace(v["A"].T @ v["A"])),
    Case("xᵀAy by x", "x.T@A@y", "x", {"x": ("m", 1), "A": ("m", "n"), "y": ("n", 1)},
         lambda s: s["x"].T * s["A"] * s["y"], lambda v: v["x"].T @ v["A"] @ v["y"]),
    Case("xᵀAy by A", "x.T@A@y", "A", {"x": ("m", 1), "A": ("m", "n"), "y": ("n", 1)},
         lambda s: s["x"].T * s["A"] * s["y"], lambda v: v["x"].T @ v["A"] @ v["y"]),
    Case("Ay (Jacobian)", "A@y", "y", {"A": ("m", "n"), "y": ("n", 1)},
         lambda s: s["A"] * s["y"], lambda v: v["A"] @ v["y"]),
    Case("ridge, norm form", "norm(X@w-t)^2 + lam*norm(w)^2", "w", RIDGE,
         lambda s: ((s["X"] * s["w"] - s["t"]).T * (s["X"] * s["w"] - s["t"])
                    + s["lam"] * s["w"].T * s["w"]),
         lambda v: jnp.sum((v["X"] @ v["w"] - v["t"]) ** 2) + v["lam"] * jnp.sum(v["w"] ** 2)),
    Case("ridge, trace form", "trace((X@w-t)@(X@w-t).T) + lam*trace(w@w.T)", "w", RIDGE,
         lambda s: (sp.trace((s["X"] * s["w"] - s["t"]) * (s["X"] * s["w"] - s["t"]).T)
                    + s["lam"] * sp.trace(s["w"] * s["w"].T)),
         lambda v: jnp.sum((v["X"] @ v["w"] - v["t"]) ** 2) + v["lam"] * jnp.sum(v["w"] ** 2)),
    Case("log det X", "log(det(X))", "X", {"X": ("n", "n")},
         lambda s: sp.log(sp.det(s["X"])), lambda v: jnp.log(jnp.linalg.det(v["X"])),
         invertible=("X",)),
    Case("det X", "det(X)", "X", {"X": ("n", "n")},
         lambda s: sp.det(s["X"]), lambda v: jnp.linalg.det(v["X"]), invertible=("X",)),
    Case("BCE σ(wᵀx)", "-(y*log(sigmoid(w.T@x)) + (1-y)*log(1-sigmoid(w.T@x)))", "w",
         {"w": ("n", 1), "x": ("n", 1), "y": ()}, _sympy_bce, _jax_bce),
    Case("xᵀHx, H non-symmetric", "x.T@H@x", "x", {"H": ("n", "n"), "x": ("n", 1)},
         lambda s: s["x"].T * s["H"] * s["x"], lambda v: v["x"].T @ v["H"] @ v["x"]),
    Case("softmax CE by logits", "-y.T@logsoftmax(z)", "z", {"y": ("n", 1), "z": ("n", 1)},
         lambda s: -s["y"].T * (s["z"] - _ones(s["z"].shape[0], 1) * _lse(s["z"])),
         lambda v: -v["y"].T @ jax.nn.log_softmax(v["z"], axis=0)),
    Case("logsumexp", "log(sum(exp(z)))", "z", {"z": ("n", 1)},
         lambda s: _lse(s["z"]), lambda v: jax.nn.logsumexp(v["z"])),
    Case("∂/∂V ⟨G, softmax(QKᵀ/√d)V⟩", "trace(G.T@softmax(Q@K.T/sqrt(d))@V)", "V",
         {"G": ("L", "v"), "Q": ("L", "e"), "K": ("S", "e"), "V": ("S", "v"), "d": ()},
         lambda s: sp.trace(s["G"].T * _row_softmax(s["Q"] * s["K"].T / sp.sqrt(s["d"]))
                            * s["V"]),
         _jax_attention, positive=("d",)),
    Case("LayerNorm Jacobian", LAYERNORM_TEXT, "x", {"x": ("n", 1), "N": (), "eps": ()},
         _sympy_layernorm, _jax_layernorm, positive=("N", "eps")),
    Case("2-layer MLP ∂/∂W1", MLP_TEXT, "W1", MLP, _sympy_mlp, _jax_mlp),
    Case("2-layer MLP ∂/∂W2", MLP_TEXT, "W2", MLP, _sympy_mlp, _jax_mlp),
    Case("LSTM ∂c_t/∂c_{t-1}", LSTM_TEXT, "c", LSTM, _sympy_lstm, _jax_lstm),
    Case("tr(X⁻¹A)", "trace(inv(X)@A)", "X", {"X": ("n", "n"), "A": ("n", "n")},
         lambda s: sp.trace(sp.Inverse(s["X"]) * s["A"]),
         lambda v: jnp.trace(jnp.linalg.inv(v["X"]) @ v["A"]), invertible=("X",)),
    Case("tr(XAXᵀ)", "trace(X@A@X.T)", "X", {"X": ("m", "n"), "A": ("n", "n")},
         lambda s: sp.trace(s["X"] * s["A"] * s["X"].T),
         lambda v: jnp.trace(v["X"] @ v["A"] @ v["X"].T)),
    Case("σ(Wx) Jacobian", "sigmoid(W@x)", "x", {"W": ("m", "n"), "x": ("n", 1)},
         lambda s: (s["W"] * s["x"]).applyfunc(SIGMOID), lambda v: jax.nn.sigmoid(v["W"] @ v["x"])),
    Case("‖AXB − C‖²_F", "norm(A@X@B - C)^2", "X",
         {"A": ("m", "n"), "X": ("n", "p"), "B": ("p", "q"), "C": ("m", "q")},
         lambda s: sp.trace((s["A"] * s["X"] * s["B"] - s["C"]).T
                            * (s["A"] * s["X"] * s["B"] - s["C"])),
         lambda v: jnp.sum((v["A"] @ v["X"] @ v["B"] - v["C"]) ** 2)),
)


# --------------------------------------------------------------------------- reference
def concrete(shape: tuple) -> tuple[int, ...]:
    return tuple(SIZES[d] if isinstance(d, str) else d for d in shape)


def point(case: Case, seed: int) -> dict[str, np.ndarray]:
    """A random float64 point inside the function's domain."""
    rng = np.random.default_rng(seed)
    values = {}
    for name, shape in case.givens.items():
        value = rng.normal(size=concrete(shape))
        if name in case.positive:
            value = rng.uniform(0.5, 2.0, size=value.shape)
        if name in case.invertible:
            value = value + value.shape[0] * np.eye(value.shape[0])
        values[name] = value
    return values


def reference(case: Case, values: dict[str, np.ndarray]) -> np.ndarray:
    """JAX autodiff, denominator layout."""
    def f(u: Any) -> Any:
        return case.jax({**{k: jnp.asarray(v) for k, v in values.items()}, case.wrt: u})

    u = jnp.asarray(values[case.wrt])
    out = f(u)
    if out.size == 1:
        return np.asarray(jax.grad(lambda a: jnp.sum(f(a)))(u))
    return np.asarray(jax.jacobian(f)(u)).reshape(out.shape[0], u.shape[0]).T


def verdict(value: np.ndarray | None, expected: np.ndarray) -> str:
    """right / wrong / silent 0 (zero where the truth is not) / wrong shape / cannot evaluate.
    A 4-d array (SymPy's derivative of a matrix by a matrix, the variable's indices first)
    is read as the (size wrt × size f) denominator Jacobian."""
    if value is None:
        return "cannot evaluate"
    value, expected = np.asarray(value, float), np.squeeze(expected)
    if value.ndim == 4 and value.size == expected.size:
        value = value.reshape(expected.shape)
    value = np.squeeze(value)
    if value.shape != expected.shape:
        return f"wrong shape {value.shape}"
    scale = 1 + float(np.abs(expected).max(initial=0))
    if np.allclose(value, expected, rtol=TOLERANCE, atol=TOLERANCE * scale):
        return "right"
    return "silent 0" if not value.any() else "wrong"


# --------------------------------------------------------------------------- sympy
def sympy_symbols(case: Case) -> dict[str, Any]:
    dims = {d: sp.Symbol(d, integer=True, positive=True) for d in SIZES}
    return {name: sp.MatrixSymbol(name, *(dims[d] if isinstance(d, str) else d for d in shape))
            if shape else sp.Symbol(name) for name, shape in case.givens.items()}


def sympy_derive(case: Case) -> Any:
    symbols = sympy_symbols(case)
    return case.sympy(symbols).diff(symbols[case.wrt])


def sympy_value(result: Any, values: dict[str, np.ndarray],
                sizes: dict[str, int] = SIZES) -> np.ndarray | None:
    """SymPy's result with concrete sizes and numbers substituted, made explicit."""
    expr = result.xreplace({sp.Symbol(d, integer=True, positive=True): sp.Integer(s)
                            for d, s in sizes.items()})
    replace = {m: sp.ImmutableMatrix(values[m.name]) for m in expr.atoms(sp.MatrixSymbol)}
    replace.update({s: sp.Float(values[s.name].item()) for s in expr.free_symbols
                    if isinstance(s, sp.Symbol) and s.name in values})
    expr = expr.xreplace(replace)
    try:
        expr = expr.replace(  # SymPy leaves a Hadamard power of explicit entries unevaluated
            lambda e: isinstance(e, sp.HadamardPower) and not e.free_symbols,
            lambda e: sp.ImmutableMatrix(e.base.as_explicit()).applyfunc(lambda u: u ** e.exp))
        explicit = (expr.as_explicit() if hasattr(expr, "as_explicit") else expr).doit()
        if isinstance(explicit, sp.Expr) and not getattr(explicit, "is_Matrix", False):
            return np.asarray(float(explicit))
        return np.array(sp.Array(explicit).tolist(), dtype=float)
    except (TypeError, ValueError, AttributeError, NotImplementedError, IndexError,
            KeyError):
        return None


def sympy_row(case: Case, values: dict[str, np.ndarray], expected: np.ndarray,
              repeat: int) -> tuple[str, str, float | None]:
    try:
        seconds, result = timed(lambda: sympy_derive(case), repeat)
    except Exception as exc:  # noqa: BLE001  (whatever SymPy raises is the finding)
        return "", f"raises: {type(exc).__name__}", None
    text = str(result)
    if result.has(sp.Derivative):
        return text, "unevaluated", seconds
    return text, verdict(sympy_value(result, values), expected), seconds


# --------------------------------------------------------------------------- derivekit
def derivation_only(case: Case) -> Any:
    expression = resolve(parse(case.text), scope_from(case.givens))
    return derivative(expression, var(case.wrt, case.givens[case.wrt]))


def derivekit_row(case: Case, values: dict[str, np.ndarray], expected: np.ndarray,
                  repeat: int) -> tuple[str, str, float | None, float | None]:
    domains = {name: POSITIVE for name in case.positive}
    try:
        bare, _ = timed(lambda: derivation_only(case), repeat)
        full, derived = timed(lambda: derive(case.text, case.wrt, case.givens,
                                             domains=domains), repeat)
    except DerivekitError as exc:
        return str(exc), "cannot derive", None, None
    text = ascii_(derived.derivation.result)
    if not derived.verified:
        return text, f"not verified ({derived.verdict.status})", bare, full
    value = np.asarray(evaluate(derived.derivation.result, values, case.givens), float)
    return text, verdict(value, expected), bare, full


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds over ``repeat`` runs, and the last result."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


# --------------------------------------------------------------------------- table
HEADER = ("case", "SymPy 1.14 result", "SymPy", "ms", "derivekit result", "derivekit",
          "derive ms", "+witness ms")


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= WIDTH else text[:WIDTH - 1] + "…"


def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{1000 * seconds:.1f}"


def rows(repeat: int, seed: int) -> list[tuple[str, ...]]:
    out = []
    for case in CASES:
        values = point(case, seed)
        expected = reference(case, values)
        sympy_text, sympy_verdict, sympy_s = sympy_row(case, values, expected, repeat)
        dk_text, dk_verdict, bare_s, full_s = derivekit_row(case, values, expected, repeat)
        out.append((case.name, short(sympy_text), sympy_verdict, ms(sympy_s), short(dk_text),
                    dk_verdict, ms(bare_s), ms(full_s)))
    return out


def table(body: list[tuple[str, ...]], markdown: bool,
          header: tuple[str, ...] = HEADER) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |",
                 "| " + " | ".join("---:" if h.endswith("ms") else "---" for h in header) + " |"]
        return "\n".join(lines + ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
                                  for row in body])
    widths = [max(len(r[i]) for r in (header, *body)) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
                     for row in (header, *body))



# --------------------------------------------------------------------------- external table
class NotTranslatable(Exception):
    """A derivekit construct with no SymPy MatrixSymbol counterpart here."""


_ELEMENTWISE = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log,
                "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "arctan": sp.atan,
                "arcsin": sp.asin, "arccos": sp.acos, "arctanh": sp.atanh, "arcsinh": sp.asinh,
                "sqrt": sp.sqrt, "abs": sp.Abs, "sigmoid": SIGMOID}
_RECIPROCAL = sp.Lambda(_U, 1 / _U)


def _is_matrix(e: Any) -> bool:
    return isinstance(e, sp.MatrixBase) or getattr(e, "is_Matrix", False)


def _as_scalar(e: Any) -> Any:
    """A 1×1 matrix where SymPy needs a scalar (a coefficient, a denominator, a sum with a
    number): its trace, as SymPy's own tests write x / trace(x.T @ x)."""
    return sp.Trace(e) if _is_matrix(e) and e.shape == (1, 1) else e


def to_sympy(node: Any, symbols: dict[str, Any], dims: dict[str, Any]) -> Any:
    """derivekit's typed tree as a SymPy MatrixSymbol expression, the way SymPy's tests
    write one: ``@`` is ``*``, ``.*`` hadamard_product, a power of a square matrix MatPow
    and of anything else (a 1×1 included) HadamardPower, an element-wise function
    ``applyfunc`` (a 1×1 square root HadamardPower ½), A ./ B A ∘ B.applyfunc(1/u), ``sum``
    1ᵀA1, a squared norm xᵀx or tr(XᵀX), a 1×1 factor multiplied on the side it fits."""
    def go(n: Any) -> Any:
        return to_sympy(n, symbols, dims)

    op, args = node.op, node.args
    if op == "var":
        if node.value in symbols:
            return symbols[node.value]
        return dims[node.value]
    if op == "const":
        return sp.Rational(node.value.numerator, node.value.denominator)
    if op in ("add", "sub"):
        a, b = go(args[0]), go(args[1])
        if _is_matrix(a) != _is_matrix(b) or (_is_matrix(a) and a.shape != b.shape):
            a, b = _as_scalar(a), _as_scalar(b)
        return a + b if op == "add" else a - b
    if op == "neg":
        return -go(args[0])
    if op == "scale":
        s, a = go(args[0]), go(args[1])
        if _is_matrix(s) and _is_matrix(a) and a.shape[1] == 1:
            return a * s
        if _is_matrix(s) and _is_matrix(a) and a.shape[0] == 1:
            return s * a
        return _as_scalar(s) * a
    if op == "matmul":
        return go(args[0]) * go(args[1])
    if op == "hadamard":
        return sp.hadamard_product(go(args[0]), go(args[1]))
    if op == "div":
        a, b = go(args[0]), go(args[1])
        if not _is_matrix(b) or b.shape == (1, 1):
            return a * (1 / _as_scalar(b)) if _is_matrix(a) else _as_scalar(a) / _as_scalar(b)
        inverse = b.applyfunc(_RECIPROCAL)
        return sp.hadamard_product(a, inverse) if _is_matrix(a) else a * inverse
    if op in ("pow", "matpow"):
        base, k = go(args[0]), go(args[1])
        if not _is_matrix(base):
            return base ** k
        return sp.MatPow(base, k) if op == "matpow" else sp.HadamardPower(base, k)
    if op == "T":
        a = go(args[0])
        return a.T if _is_matrix(a) else a
    if op == "trace":
        return sp.Trace(go(args[0]))
    if op == "det":
        return sp.Determinant(go(args[0]))
    if op == "inv":
        return sp.Inverse(go(args[0]))
    if op == "kron":
        return sp.KroneckerProduct(go(args[0]), go(args[1]))
    if op == "total" and args[0].op == "hadamard" and args[0].args[0] == args[0].args[1]:
        a = go(args[0].args[0])  # a squared norm, as a SymPy user writes one
        return a.T * a if a.shape[1] == 1 else sp.Trace(a.T * a)
    if op == "total":
        a = go(args[0])
        if not _is_matrix(a):
            return a
        rows, cols = a.shape
        return sp.OneMatrix(1, rows) * a * sp.OneMatrix(cols, 1)
    if op == "identity":
        return sp.Identity(dims.get(node.shape[0], node.shape[0]))
    if op == "ones":
        return sp.OneMatrix(*(dims.get(d, d) for d in node.shape))
    if op == "matrix":
        rows, cols = node.shape
        entries = [go(a) for a in args]
        return sp.ImmutableMatrix(rows, cols, entries)
    if op == "index" and all(spec == ("at",) for spec in node.value[1]):
        array, *ends = (go(a) for a in args)
        at = [e - 1 if node.value[0] else e for e in ends]
        return array[at[0], at[1] if len(at) > 1 else 0]
    if op in _ELEMENTWISE:
        a = go(args[0])
        if not _is_matrix(a):
            return _ELEMENTWISE[op](a)
        if op == "sqrt" and a.shape == (1, 1):
            return sp.HadamardPower(a, sp.S.Half)
        return a.applyfunc(_ELEMENTWISE[op])
    raise NotTranslatable(op)


def external_symbols(case: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    dims = {d: sp.Symbol(d, integer=True, positive=True) for d in case.dimensions}
    symbols = {}
    for name, shape in case.shapes.items():
        symbols[name] = (sp.MatrixSymbol(name, *(dims.get(d, d) for d in shape)) if shape
                         else sp.Symbol(name))
    return symbols, dims


def sympy_layout(case: Any) -> str:
    """SymPy's: the derivative by a scalar has f's shape; otherwise the variable's indices
    come first (a gradient has X's shape, a Jacobian of columns is (∂f/∂x)ᵀ)."""
    return "entrywise" if not case.shapes[case.wrt] else "denominator"


def sympy_external(case: Any, repeat: int) -> tuple[str, float | None, str]:
    """(verdict, seconds, SymPy's result as text)."""
    from tests.external import judge

    try:
        node = judge.expression(case)
    except judge.NoTruth:
        return "n/a", None, ""
    symbols, dims = external_symbols(case)
    try:
        expression = to_sympy(node, symbols, dims)
    except NotTranslatable as exc:
        return f"n/a ({exc})", None, ""
    try:
        seconds, result = timed(lambda: sp.diff(expression, symbols[case.wrt]), repeat)
    except Exception as exc:  # noqa: BLE001  (whatever SymPy raises is the finding)
        return f"refused ({type(exc).__name__})", None, ""
    text = str(result)
    if result.has(sp.Derivative) or "ArrayDerivative" in text:
        return "refused (unevaluated)", seconds, text
    worst = "right"
    for dims_values, points, truths in judge.points_and_truths(case, sympy_layout(case)):
        value = sympy_numeric(result, points[0], dims_values)
        found = verdict(value, truths[0])
        if found != "right":
            worst = found
            break
    return worst, seconds, text


def sympy_numeric(result: Any, values: dict[str, np.ndarray],
                  sizes: dict[str, int]) -> np.ndarray | None:
    """SymPy's result evaluated by NumPy (``lambdify``; the table's own text, never user
    input), falling back to explicit substitution where lambdify cannot print it: making a
    long result explicit at 4×4 takes SymPy minutes."""
    result = result.xreplace({sp.Symbol(d, integer=True, positive=True): sp.Integer(n)
                              for d, n in sizes.items()})
    matrices = sorted(result.atoms(sp.MatrixSymbol), key=str)
    scalars = sorted((s for s in result.free_symbols if isinstance(s, sp.Symbol)), key=str)
    arguments = [*matrices, *scalars]
    numbers = {k: float(v) for k, v in values.items() if np.size(v) == 1}
    try:
        function = sp.lambdify(arguments, result, "numpy")
        with np.errstate(all="ignore"):
            out = function(*[values[m.name] for m in matrices],
                           *[numbers[s.name] for s in scalars])
        out = np.asarray(out, dtype=float)
        if out.ndim <= 2 and np.all(np.isfinite(out)):
            return out
    except Exception:  # noqa: BLE001  (anything lambdify cannot do: evaluate explicitly)
        pass
    return sympy_value(result, values, sizes)


def derivekit_external(case: Any, repeat: int) -> tuple[str, float | None, float | None, str]:
    """(verdict with its reason, derivation-only seconds, derive() seconds, result)."""
    from tests.external import judge

    outcome = None
    samples = []
    for _ in range(repeat):
        outcome = judge.derivekit_outcome(case)
        samples.append(outcome.seconds)
    bare = None
    if outcome.seconds is not None:
        node = judge.expression(case)
        try:
            bare, _ = timed(lambda: derivative(node, var(case.wrt, case.shapes[case.wrt])),
                            repeat)
        except DerivekitError:
            pass
    full = statistics.median(samples) if outcome.seconds is not None else None
    return str(outcome), bare, full, outcome.result


EXTERNAL_HEADER = ("case", "source", "d/d · expression", "SymPy", "SymPy ms", "derivekit",
                   "derive ms", "+witness ms")
OUTCOMES = ("right", "wrong", "silent 0", "refused", "crash", "cannot evaluate", "n/a")


def _kind(verdict: str) -> str:
    for kind in OUTCOMES:
        if verdict.startswith(kind):
            return kind
    return "wrong" if verdict.startswith("wrong shape") else verdict


def _origin(case: Any) -> str:
    return " + ".join(sorted({s.split(" ")[0] if s.startswith("SymPy") else
                              "Cookbook" if s.startswith("Matrix") else "issue 17"
                              for s in case.sources}))


def external_rows(repeat: int, prefixes: tuple[str, ...] = ("",)) -> list[tuple[str, ...]]:
    from tests.external.derivatives import CASES

    out = []
    for case in (c for c in CASES if c.id.startswith(prefixes)):
        sympy_verdict, sympy_s, _ = sympy_external(case, repeat)
        dk_verdict, bare_s, full_s, _ = derivekit_external(case, repeat)
        out.append((case.id, _origin(case), short(f"d/d{case.wrt} {case.expression}"),
                    sympy_verdict, ms(sympy_s), short(dk_verdict), ms(bare_s), ms(full_s)))
    return out


def external_summary(body: list[tuple[str, ...]]) -> str:
    sympy_counts = Counter(_kind(r[3]) for r in body)
    dk_counts = Counter(_kind(r[5]) for r in body)
    both = sum(_kind(r[3]) == "right" and _kind(r[5]) == "right" for r in body)
    return (f"{len(body)} external cases. SymPy {sp.__version__}: "
            + ", ".join(f"{sympy_counts[k]} {k}" for k in OUTCOMES if sympy_counts[k])
            + ". derivekit: " + ", ".join(f"{dk_counts[k]} {k}" for k in OUTCOMES
                                          if dk_counts[k])
            + f". Both right: {both}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="Print a Markdown table.")
    parser.add_argument("--repeat", type=int, default=3, help="Timing runs per derivation.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the check point.")
    parser.add_argument("--table", choices=("textbook", "external", "both"), default="both")
    parser.add_argument("--external-repeat", type=int, default=1,
                        help="Timing runs per derivation in the external table.")
    parser.add_argument("--cases", default="",
                        help="External cases whose id starts with one of these (comma-"
                             "separated: sympy-,mc-1).")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.table in ("textbook", "both"):
        body = rows(args.repeat, args.seed)
        print(table(body, args.markdown))
        sympy_right = sum(row[2] == "right" for row in body)
        derivekit_right = sum(row[5] == "right" for row in body)
        print(f"\nSymPy {sp.__version__}: {sympy_right}/{len(body)} right, derivekit "
              f"{derivekit_right}/{len(body)} right ({time.perf_counter() - started:.0f} s)\n")
    if args.table in ("external", "both"):
        warnings.simplefilter("ignore")  # NumPy's overflow warnings at SymPy's values
        body = external_rows(args.external_repeat, tuple(args.cases.split(",")))
        print(table(body, args.markdown, EXTERNAL_HEADER))
        print(f"\n{external_summary(body)} ({time.perf_counter() - started:.0f} s total)")


if __name__ == "__main__":
    main()
