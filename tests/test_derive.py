"""``derivekit derive``: textbook results that verify, wrong variants that the same witnesses
reject, refusals instead of guesses, the CLI's contract, and generated code that runs."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from typer.testing import CliRunner

from derivekit.cli import app
from derivekit.derivation.matrix import CannotDerive, derivative
from derivekit.derivation import verified
from derivekit.derivation.verified import derive
from derivekit.expr.evaluate import evaluate
from derivekit.expr.parse import parse
from derivekit.expr.render import ascii_
from derivekit.expr.resolve import resolve, scope_from
from derivekit.expr.tree import var
from derivekit.model import POSITIVE
from derivekit.verdict import PartVerdict

runner = CliRunner()

RIDGE = {"X": ("m", "n"), "w": ("n", 1), "t": ("m", 1), "lam": ()}
BCE = {"w": ("n", 1), "x": ("n", 1), "y": ()}
MLP = {"W1": ("h", "n"), "W2": ("k", "h"), "x": ("n", 1), "y": ("k", 1)}
ATTENTION = {"G": ("L", "v"), "Q": ("L", "e"), "K": ("S", "e"), "V": ("S", "v"), "d": ()}
LSTM = {**{f"W{g}": ("n", "n") for g in "fig"}, **{f"U{g}": ("n", "d") for g in "fig"},
        "h": ("n", 1), "x": ("d", 1), "c": ("n", 1)}
QUADRATIC = {"H": ("n", "n"), "x": ("n", 1)}
BILINEAR = {"x": ("m", 1), "A": ("m", "n"), "y": ("n", 1)}
SQUARE = {"X": ("n", "n")}
LOGITS = {"y": ("n", 1), "z": ("n", 1)}
NORMALIZED = {"x": ("n", 1), "N": (), "eps": ()}

BCE_TEXT = "-(y*log(sigmoid(w.T@x)) + (1-y)*log(1-sigmoid(w.T@x)))"
RIDGE_NORM = "norm(X@w-t)^2 + lam*norm(w)^2"
RIDGE_TRACE = "trace((X@w-t)@(X@w-t).T) + lam*trace(w@w.T)"
ATTENTION_TEXT = "trace(G.T@softmax(Q@K.T/sqrt(d))@V)"
MLP_TEXT = "norm(W2@tanh(W1@x) - y)^2/2"
LSTM_TEXT = "sigmoid(Wf@h + Uf@x) .* c + sigmoid(Wi@h + Ui@x) .* tanh(Wg@h + Ug@x)"
LAYERNORM_TEXT = "(x - sum(x)/N)/sqrt(sum((x - sum(x)/N)^2)/N + eps)"
POSITIVE_SCALE = {"d": POSITIVE}

# (text, wrt, givens, expected ASCII in denominator layout or None where the form is not
# a stable textbook string, domains)
CASES = [
    ("x.T@x", "x", {"x": ("n", 1)}, "2*x", None),
    ("trace(A.T@A)", "A", {"A": ("m", "n")}, "2*A", None),
    ("x.T@A@y", "x", BILINEAR, "A @ y", None),
    ("x.T@A@y", "A", BILINEAR, "x @ y.T", None),
    ("A@y", "y", {"A": ("m", "n"), "y": ("n", 1)}, "A.T", None),
    (RIDGE_NORM, "w", RIDGE, "2*lam*w + 2*X.T @ (X @ w - t)", None),
    (RIDGE_TRACE, "w", RIDGE, "2*lam*w + 2*X.T @ (X @ w - t)", None),
    ("log(det(X))", "X", SQUARE, "inv(X).T", None),
    ("det(X)", "X", SQUARE, "det(X)*inv(X).T", None),
    (BCE_TEXT, "w", BCE, "(sigmoid(w.T @ x) - y)*x", None),
    ("x.T@H@x", "x", QUADRATIC, "(H.T + H) @ x", None),
    ("-y.T@logsoftmax(z)", "z", LOGITS, "sum(y)*softmax(z) - y", None),
    (ATTENTION_TEXT, "V", ATTENTION, "softmax(Q @ K.T / sqrt(d)).T @ G", POSITIVE_SCALE),
    (LAYERNORM_TEXT, "x", NORMALIZED, None, {"N": POSITIVE, "eps": POSITIVE}),
    (MLP_TEXT, "W1", MLP, None, None),
    (MLP_TEXT, "W2", MLP, "(W2 @ tanh(W1 @ x) - y) @ tanh(W1 @ x).T", None),
    (LSTM_TEXT, "c", LSTM, "diag(sigmoid(Wf @ h + Uf @ x))", None),
    ("trace(inv(X)@A)", "X", {"X": ("n", "n"), "A": ("n", "n")},
     "-inv(X).T @ A.T @ inv(X).T", None),
    ("trace(X@A@X.T)", "X", {"X": ("m", "n"), "A": ("n", "n")}, "X @ (A + A.T)", None),
]


def _id(case: tuple) -> str:
    return f"d/d{case[1]} {case[0]}"


def random_values(givens: dict[str, tuple], seed: int = 0) -> dict[str, np.ndarray]:
    """Distinct sizes per dimension, positive scalars, a well-conditioned square X."""
    rng = np.random.default_rng(seed)
    sizes = {d: 2 + i for i, d in enumerate(dict.fromkeys(
        d for s in givens.values() for d in s if isinstance(d, str)))}
    values = {}
    for name, shape in givens.items():
        concrete = tuple(sizes.get(d, d) for d in shape)
        values[name] = rng.uniform(0.5, 2.0) if not shape else rng.normal(size=concrete)
    if "X" in givens and givens["X"][0] == givens["X"][1]:
        values["X"] = values["X"] + len(values["X"]) * np.eye(len(values["X"]))
    return values


# --------------------------------------------------------------------------- derive
@pytest.mark.parametrize("case", CASES, ids=_id)
def test_textbook_case_verifies(case: tuple) -> None:
    text, wrt, givens, expected, domains = case
    derived = derive(text, wrt, givens, domains=domains)
    assert derived.verified, derived.verdict.message
    assert {w.name for w in derived.verdict.witnesses} >= {"jax-autodiff", "finite-difference"}
    assert all(w.passed is not False for w in derived.verdict.witnesses)
    if expected is not None:
        assert ascii_(derived.derivation.result) == expected


@pytest.mark.parametrize("case", [c for c in CASES if c[1] in ("X", "w", "x", "W1", "y")],
                         ids=_id)
def test_numerator_layout_is_the_transpose(case: tuple) -> None:
    text, wrt, givens, _, domains = case
    values = random_values(givens)
    denominator = derive(text, wrt, givens, domains=domains)
    numerator = derive(text, wrt, givens, layout="numerator", domains=domains)
    assert numerator.verified and numerator.derivation.layout == "numerator"
    np.testing.assert_allclose(
        np.asarray(evaluate(numerator.derivation.result, values, givens), float),
        np.asarray(evaluate(denominator.derivation.result, values, givens), float).T,
        rtol=1e-12, atol=1e-12)


def test_log_det_numerator_layout_prints_the_inverse() -> None:
    derived = derive("log(det(X))", "X", SQUARE, layout="numerator")
    assert derived.verified and ascii_(derived.derivation.result) == "inv(X)"


# --------------------------------------------------------------------------- wrong answers
def witness(text: str, wrt: str, givens: dict[str, tuple], answer: str,
            layout: str = "denominator", domains: dict[str, Any] | None = None) -> PartVerdict:
    """The witnesses ``derive`` runs, on a hand-written ``answer`` instead of the derived one."""
    scope = scope_from(givens)
    return verified.witness(resolve(parse(text), scope), resolve(parse(answer), scope), givens,
                            wrt, layout, 0, domains)


WRONG = [
    ("log(det(X))", "X", SQUARE, "inv(X)", None),  # transposed
    ("log(det(X))", "X", SQUARE, "-inv(X).T", None),  # sign
    ("det(X)", "X", SQUARE, "inv(X).T", None),  # dropped factor det(X)
    (BCE_TEXT, "w", BCE, "(y - sigmoid(w.T @ x))*x", None),  # sign
    (BCE_TEXT, "w", BCE, "2*(sigmoid(w.T @ x) - y)*x", None),  # factor 2
    (BCE_TEXT, "w", BCE, "sigmoid(w.T @ x)*x", None),  # dropped term
    (RIDGE_TRACE, "w", RIDGE, "2*X.T @ (X @ w - t)", None),  # dropped regulariser
    (RIDGE_NORM, "w", RIDGE, "lam*w + 2*X.T @ (X @ w - t)", None),  # factor 2
    (RIDGE_NORM, "w", RIDGE, "2*lam*w + 2*X.T @ (X @ w + t)", None),  # sign inside
    ("x.T@H@x", "x", QUADRATIC, "2*H @ x", None),  # assumes H symmetric
    ("x.T@H@x", "x", QUADRATIC, "H @ x", None),  # dropped term
    ("trace(X@A@X.T)", "X", {"X": ("m", "n"), "A": ("n", "n")}, "2*X @ A", None),
    ("-y.T@logsoftmax(z)", "z", LOGITS, "softmax(z) - y", None),  # assumes sum(y) = 1
    (ATTENTION_TEXT, "V", ATTENTION, "softmax(K @ Q.T / sqrt(d)) @ G", POSITIVE_SCALE),
    (MLP_TEXT, "W2", MLP, "2*(W2 @ tanh(W1 @ x) - y) @ tanh(W1 @ x).T", None),
    (LSTM_TEXT, "c", LSTM, "diag(sigmoid(Wi @ h + Ui @ x))", None),  # wrong gate
    ("A@y", "y", {"A": ("m", "n"), "y": ("n", 1)}, "A", None),  # numerator as denominator
]


@pytest.mark.parametrize("case", WRONG, ids=lambda c: f"{c[0]} != {c[3]}")
def test_wrong_derivative_is_rejected(case: tuple) -> None:
    text, wrt, givens, answer, domains = case
    verdict = witness(text, wrt, givens, answer, domains=domains)
    assert verdict.status == "failed", verdict.message  # a witness compared and disagreed
    assert verdict.message


@pytest.mark.parametrize("text, wrt, givens, answer", [
    ("log(det(X))", "X", SQUARE, "inv(X.T)"),
    (BCE_TEXT, "w", BCE, "x*(sigmoid(x.T @ w) - y)"),
    ("x.T@H@x", "x", QUADRATIC, "H @ x + H.T @ x"),
])
def test_right_answer_in_another_form_passes_the_same_witnesses(
        text: str, wrt: str, givens: dict, answer: str) -> None:
    assert witness(text, wrt, givens, answer).status == "verified"


def test_wrong_numerator_layout_is_rejected() -> None:
    assert witness("log(det(X))", "X", SQUARE, "inv(X).T", layout="numerator").status != \
        "verified"


# --------------------------------------------------------------------------- refusals
@pytest.mark.parametrize("text, wrt, givens, says", [
    ("eigmax(X)", "X", {"X": ("n", "n")}, "no rule for eigmax"),
    ("X^t", "X", {"X": ("n", "n"), "t": ()}, "variable exponent"),
])
def test_unsupported_construct_raises_cannot_derive(text: str, wrt: str, givens: dict,
                                                    says: str) -> None:
    expression = resolve(parse(text), scope_from(givens))
    with pytest.raises(CannotDerive, match=says):
        derivative(expression, var(wrt, givens[wrt]))


def test_a_constant_has_the_zero_derivative() -> None:
    """Exact, as SymPy and the Matrix Cookbook have it (no guess, no refusal)."""
    derived = derive("2*y", "x", {"x": ("n", 1), "y": ()})
    assert derived.verified and ascii_(derived.derivation.result) == "zeros(n, 1)"


def test_a_matrix_by_a_scalar_is_entry_by_entry() -> None:
    derived = derive("inv(A + x*B)", "x", {"A": ("n", "n"), "B": ("n", "n"), "x": ()})
    assert derived.verified
    assert ascii_(derived.derivation.result) == "-inv(A + x*B) @ B @ inv(A + x*B)"


# --------------------------------------------------------------------------- CLI
def invoke(*args: str):
    return runner.invoke(app, list(args))


def assert_one_line_error(result: Any) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


def test_cli_log_det_prints_inverse_transpose_with_witnesses() -> None:
    result = invoke("derive", "log(det(X))", "--wrt", "X", "--given", "X:n,n")
    assert result.exit_code == 0, result.output
    assert "inv(X).T" in result.output and "verified" in result.output
    assert "jax-autodiff" in result.output and "denominator layout" in result.output


def test_cli_latex() -> None:
    result = invoke("derive", "log(det(X))", "--wrt", "X", "-g", "X:n,n", "--latex")
    assert result.exit_code == 0 and r"\top" in result.output


def test_cli_json_with_value(tmp_path: Path) -> None:
    at = tmp_path / "at.json"
    X = [[2.0, 1.0], [0.5, 3.0]]
    at.write_text(json.dumps({"X": X}))
    result = invoke("derive", "log(det(X))", "--wrt", "X", "-g", "X:n,n", "--json",
                    "--at", str(at))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"expression", "wrt", "kind", "layout", "derivative", "latex", "shape", "status",
            "max_error", "witnesses", "value"} <= set(doc)
    assert doc["derivative"] == "inv(X).T" and doc["layout"] == "denominator"
    assert doc["status"] == "verified" and doc["max_error"] < 1e-6
    assert doc["shape"] == ["n", "n"]
    assert isinstance(doc["value"], list) and all(isinstance(r, list) for r in doc["value"])
    np.testing.assert_allclose(doc["value"], np.linalg.inv(X).T, rtol=1e-12)


def test_cli_cannot_derive_is_one_line() -> None:
    assert_one_line_error(invoke("derive", "eigmax(X)", "--wrt", "X", "-g", "X:n,n"))


@pytest.mark.parametrize("args", [
    ("log(det(X)", "--wrt", "X", "-g", "X:n,n"),  # malformed
    ("log(det(Y))", "--wrt", "X", "-g", "X:n,n"),  # unknown variable
    ("log(det(X))", "--wrt", "X", "-g", "X:n,n,n"),  # bad --given
    ("log(det(X))", "--wrt", "X", "-g", "X"),
    ("log(det(X))", "--wrt", "Z", "-g", "X:n,n"),
    ("log(det(X))", "--wrt", "X", "-g", "X:n,n", "--layout", "diagonal"),
], ids=["malformed", "unknown-variable", "three-dims", "no-shape", "wrt-not-given",
        "bad-layout"])
def test_cli_usage_errors_are_one_line(args: tuple[str, ...]) -> None:
    assert_one_line_error(invoke("derive", *args))


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"Y": 1}', '{"X": [[1, 2, 3]]}'],
                         ids=["invalid", "not-object", "missing", "wrong-shape"])
def test_cli_bad_at_file_is_one_line(tmp_path: Path, content: str) -> None:
    at = tmp_path / "at.json"
    at.write_text(content)
    assert_one_line_error(invoke("derive", "log(det(X))", "--wrt", "X", "-g", "X:n,n",
                                 "--at", str(at)))


# --------------------------------------------------------------------------- codegen
def generated(tmp_path: Path, text: str, *options: str) -> Any:
    """Import the module ``derivekit codegen`` prints (``--`` lets the text start with -)."""
    result = invoke("codegen", *options, "--name", "grad", "--", text)
    assert result.exit_code == 0, result.output
    path = tmp_path / "generated_grad.py"
    path.write_text(result.stdout)
    spec = importlib.util.spec_from_file_location("generated_grad", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.grad


def _mlp_loss(W1: Any, W2: Any, x: Any, y: Any) -> Any:
    r = W2 @ jnp.tanh(W1 @ x) - y
    return jnp.sum(r ** 2) / 2


@pytest.mark.parametrize("text, wrt, givens, reference", [
    (MLP_TEXT, "W1", MLP, _mlp_loss),
    ("log(det(X))", "X", SQUARE, lambda X: jnp.log(jnp.linalg.det(X))),
    (BCE_TEXT, "w", BCE, lambda w, x, y: jnp.sum(
        -(y * jnp.log(jax.nn.sigmoid(w.T @ x)) + (1 - y) * jnp.log(1 - jax.nn.sigmoid(w.T @ x))))),
    ("sum_{i=1}^{n} (x_i - y_i)^2", "x", {"x": ("n", 1), "y": ("n", 1)},
     lambda x, y: jnp.sum((x - y) ** 2)),
    ("prod_{i=1}^{n} x_i", "x", {"x": ("n", 1)}, lambda x: jnp.prod(x)),
], ids=["mlp", "logdet", "bce", "indexed-sum", "indexed-product"])
def test_codegen_runs_on_numpy_and_jax(tmp_path: Path, text: str, wrt: str, givens: dict,
                                       reference: Any) -> None:
    given = [f"{n}:{','.join(map(str, s[:1] if s[1:] == (1,) else s)) or 'scalar'}"
             for n, s in givens.items()]
    grad = generated(tmp_path, text, "--wrt", wrt, *(a for g in given for a in ("-g", g)))
    values = random_values(givens)
    derived = derive(text, wrt, givens)
    expected = np.asarray(evaluate(derived.derivation.result, values, givens), float)
    autodiff = jax.grad(reference, argnums=list(givens).index(wrt))(
        *(jnp.asarray(v) for v in values.values()))
    with_numpy = np.asarray(grad(**values), float)
    with_jax = grad(**{k: jnp.asarray(v) for k, v in values.items()})
    assert isinstance(with_jax, jax.Array)
    for value in (with_numpy, np.asarray(with_jax), np.asarray(autodiff)):
        np.testing.assert_allclose(value, expected, rtol=1e-10, atol=1e-10)


# --------------------------------------------------------------------------- intermediates
MLP_GIVENS = {"W1": ("h", "n"), "W2": ("k", "h"), "x": ("n", 1), "y": ("k", 1), "b1": ("h", 1),
              "b2": ("k", 1)}
MLP_LETS = [("z1", "W1@x+b1"), ("a1", "tanh(z1)"), ("z2", "W2@a1+b2")]


def test_named_intermediates_write_the_backprop_form() -> None:
    derived = derive("sqnorm(z2-y)", "W1", MLP_GIVENS, lets=MLP_LETS)
    assert derived.verified
    assert ascii_(derived.display) == "2*((W2.T @ (z2 - y)) .* (1 - a1^2)) @ x.T"
    assert ascii_(derived.intermediates["z2"]) == "W2 @ a1 + b2"
    assert "z2" not in ascii_(derived.derivation.result)  # the witness sees the givens only


def test_named_intermediates_on_the_cli() -> None:
    args = ["derive", "sqnorm(z2-y)", "--wrt", "W1", "--let", "z1=W1@x+b1", "--let",
            "a1=tanh(z1)", "--let", "z2=W2@a1+b2"]
    for name, (a, b) in MLP_GIVENS.items():
        args += ["-g", f"{name}:{a}" if b == 1 else f"{name}:{a},{b}"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "where z2 = W2 @ a1 + b2" in result.output
    taken = runner.invoke(app, [*args, "--let", "x=2"])
    assert taken.exit_code == 2 and "already taken" in taken.output


def test_an_expression_may_start_with_a_minus() -> None:
    """No ``--`` needed: click keeps an unknown option-like word as the expression."""
    result = invoke("derive", "-x' x", "--wrt", "x", "--given", "x:n,1")
    assert result.exit_code == 0, result.output
    assert "= -2*x" in result.output


@pytest.mark.parametrize("args", [
    ("-sum(y.*log(softmax(a)))", "--wrt", "a", "-g", "a:n", "-g", "y:n"),
    ("--wrt", "a", "-g", "a:n", "-g", "y:n", "-sum(y.*log(softmax(a)))"),
    ("--wrt", "a", "-g", "a:n", "-g", "y:n", "--", "-sum(y.*log(softmax(a)))"),
])
def test_a_leading_minus_expression_anywhere(args: tuple) -> None:
    """``-sum(…log…)`` holds a 'g': click alone would read it as the flag -g."""
    result = invoke("derive", *args)
    assert result.exit_code == 0, result.output
    assert "sum(y)*softmax(a) - y" in result.output


# --------------------------------------------------------------------------- index notation
INDEXED = [
    ("sum_{i=1}^{n} (x_i - y_i)^2", "x", {"x": ("n", 1), "y": ("n", 1)}),
    ("sum_{i=1}^{m} log(1 + exp(-y_i * X[i-1] @ w))", "w",
     {"X": ("m", "d"), "y": ("m", 1), "w": ("d", 1)}),
    ("sum_{i=1}^{m} (X[i-1] @ w)^2", "X", {"X": ("m", "d"), "w": ("d", 1)}),
    ("tanh(x_{1:2})", "x", {"x": (4, 1)}),
    ("X_{2,3} * X_{1,1}", "X", {"X": (3, 3)}),
    ("x[1:]", "x", {"x": ("n", 1)}),
    ("prod_{i=1}^{n} x_i", "x", {"x": ("n", 1)}),
    ("prod_{i=1}^{3} (a + i*b)", "b", {"a": (), "b": ()}),
]


@pytest.mark.parametrize("text, wrt, givens", INDEXED, ids=lambda c: str(c))
def test_sums_and_indices_derive_and_verify(text: str, wrt: str, givens: dict) -> None:
    """Adjoints of an index put the gradient back at its positions (columns of I), and a
    sum's contributions stay inside the sum; the witnesses see the sums unrolled."""
    derived = derive(text, wrt, givens)
    assert derived.verified, derived.verdict.message
    assert {w.name for w in derived.verdict.witnesses} >= {"jax-autodiff", "finite-difference"}


def _indexed_witness(text: str, wrt: str, givens: dict, answer: str) -> PartVerdict:
    scope = scope_from(givens)
    for d in {d for shape in givens.values() for d in shape if isinstance(d, str)}:
        scope.add(d, ())
    return verified.witness(resolve(parse(text), scope), resolve(parse(answer), scope), givens,
                            wrt)


@pytest.mark.parametrize("text, wrt, givens, answer", [
    # the gradient put one position late
    ("sum_{i=1}^{n} (x_i - y_i)^2", "x", {"x": ("n", 1), "y": ("n", 1)},
     "sum_{i=1}^{n-1} 2*(x_i - y_i)*I_n[:, i]"),
    # the two entries' positions swapped
    ("X_{2,3} * X_{1,1}", "X", {"X": (3, 3)},
     "X_{2,3}*I_3[:, 0] @ I_3[:, 0].T + X_{1,1}*I_3[:, 2] @ I_3[:, 1].T"),
    # the last sample dropped
    ("sum_{i=1}^{m} (X[i-1] @ w)^2", "X", {"X": ("m", "d"), "w": ("d", 1)},
     "sum_{i=1}^{m-1} 2*(X[i-1] @ w)*I_m[:, i-1] @ w.T"),
    # only the factors before each one: the product rule half done
    ("prod_{i=1}^{n} x_i", "x", {"x": ("n", 1)},
     "sum_{i=1}^{n} (prod_{j=1}^{i-1} x_j)*I_n[:, i-1]"),
])
def test_wrong_indexed_derivative_is_rejected(text: str, wrt: str, givens: dict,
                                              answer: str) -> None:
    verdict = _indexed_witness(text, wrt, givens, answer)
    assert verdict.status == "failed", verdict.message
