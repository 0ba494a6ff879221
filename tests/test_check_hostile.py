"""Hostile and malformed answers: each grades ``invalid`` in one clear line, within the time
limit, and nothing in it is ever run (a marker file the injections try to create stays absent).

The corpus is ``tests/hostile_answers.txt`` (its format is described at its top); inputs too big
for a text file (megabyte strings, 10k-deep nesting) are generated here, and hypothesis
generates arbitrary text and valid expressions.
"""

from __future__ import annotations

import builtins
import codecs
import json
import os
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from derivekit import registry
from derivekit.cli import app
from derivekit.errors import DerivekitError
from derivekit.expr import parse as parse_module
from derivekit.expr.evaluate import evaluate
from derivekit.expr.parse import parse
from derivekit.expr.render import ascii_
from derivekit.expr.resolve import resolve, scope_from
from derivekit.grade import TIMEOUT_S, VERDICTS, check

CORPUS = Path(__file__).with_name("hostile_answers.txt")
TARGETS = [("matrix-gradients", "xTx"), ("mlp-softmax-ce-backprop", "grad-W")]
"""A vector answer over x, y, A; a matrix answer over x, W, V, b1, b2, y."""
MARGIN_S = 0.5
"""Slack over the timeout for the signal to land and the feedback to be built."""
KNOWN_FAILURES: dict[str, str] = {}
"""Reported, not yet fixed in derivekit; strict, so a fix makes these fail until removed."""

HYPOTHESIS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.too_slow])
"""Modest and reproducible: the same examples on every run."""


def corpus_lines() -> list[str]:
    """The corpus as typed, ``MARKER`` still in place (see the file's header)."""
    out = []
    for line in CORPUS.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        out.append(codecs.decode(line[4:], "unicode_escape") if line.startswith("esc:")
                   else line)
    return out


@pytest.fixture(scope="module")
def marker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file every injection tries to create; it must never exist."""
    return tmp_path_factory.mktemp("hostile") / "MARKER-created"


@contextmanager
def no_execution() -> Iterator[list[str]]:
    """Spies on the ways an answer could be run, only while grading (pytest itself compiles):
    each call is recorded, and refused."""
    import sympy

    calls: list[str] = []

    def spy(name: str) -> Callable[..., Any]:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            calls.append(f"{name}{args[:1]!r}")
            raise AssertionError(f"{name} called while grading")
        return refuse

    with pytest.MonkeyPatch.context() as patch:
        for owner, name in [(builtins, "eval"), (builtins, "exec"), (builtins, "compile"),
                            (os, "system"), (os, "popen"), (subprocess, "Popen"),
                            (sympy, "sympify"), (sympy, "parse_expr")]:
            if hasattr(owner, name):
                patch.setattr(owner, name, spy(f"{owner.__name__}.{name}"))
        yield calls


def grade(problem_id: str, part_name: str, text: str) -> tuple[Any, float]:
    problem = registry.lookup(problem_id)
    start = time.perf_counter()
    feedback = check(problem, problem.part(part_name), text)
    return feedback, time.perf_counter() - start


def assert_clear(feedback: Any, elapsed: float) -> None:
    """A verdict, one short line of message, within the time limit."""
    assert feedback.verdict in VERDICTS
    message = feedback.message
    assert message and "\n" not in message and "\r" not in message and len(message) < 300, \
        message
    assert "Traceback" not in message
    assert elapsed <= TIMEOUT_S + MARGIN_S, f"{elapsed:.2f} s"


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    """Lark's parser and the first evaluation are built once, outside the timed checks."""
    for problem_id, part_name in TARGETS:
        grade(problem_id, part_name, "x")


def corpus_params() -> list[Any]:
    return [pytest.param(text, id=f"{i:03d}", marks=[pytest.mark.xfail(
        strict=True, reason=KNOWN_FAILURES[text])] if text in KNOWN_FAILURES else [])
        for i, text in enumerate(corpus_lines())]


def test_corpus_is_large_and_covers_each_family() -> None:
    lines = corpus_lines()
    assert len(lines) >= 110 and len(set(lines)) == len(lines)
    for needle in ("__import__", "\\write18", "\\input", "9**9**9", "\u200d", "\u202e", "\x00",
                   "DROP TABLE", "Symbol(", "^T^T^T", "\\left("):
        assert any(needle in line for line in lines), needle


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t[0])
@pytest.mark.parametrize("text", corpus_params())
def test_hostile_answer_is_invalid(text: str, target: tuple[str, str], marker: Path) -> None:
    with no_execution() as calls:
        feedback, elapsed = grade(*target, text.replace("MARKER", str(marker)))
    assert_clear(feedback, elapsed)
    assert feedback.verdict == "invalid", (feedback.verdict, feedback.message)
    assert not calls and not marker.exists()


GENERATED = {
    "megabyte of digits": "1" * 1_000_000,
    "megabyte of x+": "x+" * 500_000 + "x",
    "megabyte of look-alikes": "\u0445" * 1_000_000,
    "megabyte of LaTeX": "\\frac{" * 200_000,
    "10k-deep parentheses": "(" * 10_000 + "x" + ")" * 10_000,
    "10k-deep braces": "{" * 10_000 + "x" + "}" * 10_000,
    "10k-deep sqrt": "\\sqrt{" * 10_000 + "x" + "}" * 10_000,
    "10k transposes": "x" + "'" * 10_000,
    "10k unclosed": "(" * 10_000,
    "long + chain": "+".join(["x"] * 999),
    "long * chain": "*".join(["2"] * 999),
    "long - chain": "-" * 1999 + "x",
    "long juxtaposition": "x" * 2000,
    "long transpose chain": "x" + ".T" * 999,
    "long unknown name": "q" * 1999,
    "long unknown command": "\\" + "a" * 1999,
    "long subscript": "x_{" + "1" * 1990 + "}",
    "long norm subscript": "||x||_{" + "3" * 1990 + "}",
}
GENERATED_FAILURES: dict[str, str] = {}


@pytest.mark.parametrize("text", [
    pytest.param(text, id=name, marks=[pytest.mark.xfail(
        strict=True, reason=GENERATED_FAILURES[name])] if name in GENERATED_FAILURES else [])
    for name, text in GENERATED.items()])
def test_generated_oversized_answer(text: str) -> None:
    for target in TARGETS:
        with no_execution() as calls:
            feedback, elapsed = grade(*target, text)
        assert not calls
        assert_clear(feedback, elapsed)
        assert feedback.verdict in ("invalid", "not-equivalent"), feedback.message
        if len(text) > parse_module.MAX_LENGTH:
            assert feedback.verdict == "invalid" and "too long" in feedback.message


@pytest.mark.parametrize("text", [GENERATED["10k-deep parentheses"], GENERATED["10k transposes"],
                                  "-" * 10_000 + "x", "x" + "^T" * 10_000,
                                  "|" * 10_000 + "x"],
                         ids=["parens", "primes", "negations", "^T", "bars"])
def test_depth_is_bounded_without_the_length_limit(text: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Even past the length limit, 10k levels give InvalidAnswer, never RecursionError."""
    monkeypatch.setattr(parse_module, "MAX_LENGTH", 10**6)
    with pytest.raises(parse_module.InvalidAnswer):
        parse(text)


@pytest.mark.parametrize(("text", "factor", "offset"), [
    ("x+" * 10_000 + "x", 10_001, 0), ("x-" * 10_000 + "x", -9_999, 0),
    (" + ".join(f"(x - {k})" for k in range(5000)), 5000, -sum(range(5000)))],
    ids=["sum", "difference", "bracketed terms"])
def test_a_flat_chain_is_one_level_deep(text: str, factor: int, offset: int,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """``x+x+…`` is a chain, not nesting: it parses, and the typed tree (balanced) evaluates
    without deep recursion, to the value of the sum."""
    monkeypatch.setattr(parse_module, "MAX_LENGTH", 10**6)
    node = resolve(parse(text), SCOPE)
    np.testing.assert_allclose(evaluate(node, VALUES, SHAPES), factor * VALUES["x"] + offset)


def test_a_flat_chain_within_the_limit_is_graded() -> None:
    """1999 characters of ``x+x+…`` were once refused as "nested more than 60 deep"."""
    feedback, elapsed = grade(*TARGETS[0], "+".join(["x"] * 1000)[:1999])
    assert_clear(feedback, elapsed)
    assert feedback.verdict == "not-equivalent" and feedback.diagnosis == "constant factor"


# --------------------------------------------------------------------------- hypothesis
TOKENS = ["x", "y", "A", "W", "2", "0", "9", "0.5", "+", "-", "*", "/", "^", "@", "'", ".T",
          "(", ")", "{", "}", "[", "]", ",", ";", "|", "||", "=", "<", "_", "&", " ",
          "\\frac", "\\sqrt", "\\sum", "\\left(", "\\right)", "\\mathbf", "\\top", "\\cdot",
          "\\begin{bmatrix}", "\\end{bmatrix}", "\\\\", "\\input", "\\x", "sigmoid", "tanh",
          "exp", "log", "max", "\\sigma", "__import__", "\u0445", "\u200d", "\u2212", "\u00b7",
          "\\prod", "_{i=1}^{3}", "_{i<9}", "x_i", "x[0]", "[:", ":", "-1]", " where ", "h_t",
          "h_{t-1}", "h_0", "\\vee", "\\neg", " or ", "\\mathbf 1", "ones", "\\star", "I"]
token_soup = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
printable = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=200)


@HYPOTHESIS
@given(st.one_of(st.text(max_size=200), token_soup))
def test_check_never_raises_on_any_text(text: str) -> None:
    feedback, elapsed = grade(*TARGETS[1], text)
    assert_clear(feedback, elapsed)


@HYPOTHESIS
@given(st.one_of(printable, token_soup.filter(str.isascii)))
def test_parse_raises_only_invalid_answer(text: str) -> None:
    try:
        parse(text)
    except DerivekitError:
        pass


SHAPES = {"x": ("m", 1), "A": ("m", "m"), "m": ()}
SCOPE = scope_from(SHAPES)
VALUES = {"m": np.asarray(3.0), "x": np.array([[0.3], [-1.2], [0.7]]),
          "A": np.array([[0.5, -0.1, 0.2], [1.1, 0.4, -0.6], [0.0, -0.9, 0.3]])}


def expressions(depth: int = 3) -> dict[str, st.SearchStrategy[str]]:
    """ASCII text of well-shaped expressions by kind: scalars ``s``, columns ``c`` (m x 1) and
    square matrices ``m``, fully parenthesized so that the text fixes the tree."""
    if depth == 0:
        return {"s": st.sampled_from(["0", "1", "2", "3", "0.5", "1.25", "(x.T @ x)"]),
                "c": st.just("x"), "m": st.sampled_from(["A", "(x @ x.T)"])}
    sub = expressions(depth - 1)
    s, c, m = sub["s"], sub["c"], sub["m"]

    def binary(left: st.SearchStrategy[str], ops: list[str],
               right: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(lambda a, op, b: f"({a} {op} {b})", left, st.sampled_from(ops), right)

    return {
        "s": st.one_of(s, binary(s, ["+", "-", "*"], s), s.map(lambda a: f"sigmoid({a})"),
                       c.map(lambda a: f"(({a}).T @ {a})"), c.map(lambda a: f"({a})[-1]"),
                       s.map(lambda a: f"(sum_{{i=1}}^{{3}} (x_{{i}} * {a}))"),
                       s.map(lambda a: f"(prod_{{j=0}}^{{1}} (x[j] + {a}))")),
        "c": st.one_of(c, binary(c, ["+", "-"], c), binary(s, ["*"], c), binary(m, ["@"], c),
                       c.map(lambda a: f"sigmoid({a})"), c.map(lambda a: f"(({a}).T).T"),
                       m.map(lambda a: f"({a})[:, 0]"), m.map(lambda a: f"({a})[:, -1]")),
        "m": st.one_of(m, binary(m, ["+", "-", "@"], m), binary(s, ["*"], m),
                       m.map(lambda a: f"({a}).T"), binary(c, ["@"], c.map(lambda a: f"{a}.T"))),
    }


@HYPOTHESIS
@given(st.one_of(*expressions().values()))
def test_printed_expressions_read_back_to_the_same_value(text: str) -> None:
    node = resolve(parse(text), SCOPE)
    printed = ascii_(node)
    again = resolve(parse(printed), SCOPE)
    want = np.asarray(evaluate(node, VALUES, SHAPES), dtype=float)
    got = np.asarray(evaluate(again, VALUES, SHAPES), dtype=float)
    assert got.shape == want.shape, f"{text} -> {printed}"  # zeros print sized: zeros(m, 1)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=f"{text} -> {printed}")


# --------------------------------------------------------------------------- CLI
@pytest.mark.parametrize("text", ["__import__('os').system('touch MARKER')",
                                  "\\immediate\\write18{touch MARKER}", "2^{99999}",
                                  "x" * 3000, "2\u0445", "(" * 100])
@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["human", "json"])
def test_cli_check_hostile_answer(text: str, json_flag: list[str], marker: Path) -> None:
    result = CliRunner().invoke(app, ["check", *TARGETS[0], "--answer",
                                      text.replace("MARKER", str(marker)), *json_flag])
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, (
        AssertionError, ArithmeticError, LookupError, TypeError, ValueError, RecursionError))
    if json_flag:
        payload = json.loads(result.output)
        assert payload["verdict"] == "invalid" and "\n" not in payload["message"]
    else:
        header, message = result.output.rstrip("\n").split("\n")
        assert header.startswith("invalid") and 0 < len(message) < 300
    assert not marker.exists()


def test_cli_answer_file_too_long_is_an_invalid_answer(tmp_path: Path) -> None:
    answer = tmp_path / "answer.tex"
    answer.write_text("x+" * 1_000_000 + "x")
    result = CliRunner().invoke(app, ["check", *TARGETS[0], "--answer-file", str(answer),
                                      "--json"])
    payload = json.loads(result.output)
    assert payload["verdict"] == "invalid" and "too long" in payload["message"]
    assert result.exit_code == 2 and "Traceback" not in result.output


@pytest.mark.parametrize("text", ["e^{e^{e^{e^{e^{x}}}}}", "log(-x)", "x/0*x", "1/(x-x)",
                                  "sqrt(-x)", "exp(1000*x)/exp(1000*x)"])
def test_replies_carry_no_warnings(text: str) -> None:
    """Overflow and invalid values in an answer are values to compare (inf, nan), never a
    NumPy RuntimeWarning printed beside the verdict."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        feedback, _ = grade(*TARGETS[0], text)
    assert feedback.verdict in ("not-equivalent", "invalid"), feedback.message
    result = CliRunner().invoke(app, ["check", *TARGETS[0], "-a", text])
    assert "Warning" not in result.output and "/" + "numpy" not in result.output
    header = result.output.splitlines()[0]
    assert header.split()[0] in VERDICTS


@pytest.mark.parametrize("text", [
    r"\sum_{i=1}^{10000}\sum_{j=1}^{10000}\sum_{k=1}^{10000} x_1",
    "ones(1000,1000)@ones(1000,1000)", "prod_{i=1}^{10000} x_1"])
def test_cost_bound_refuses_up_front(text: str) -> None:
    """Refused by the cost bound before any work (so well within the time limit)."""
    feedback, elapsed = grade(*TARGETS[0], text)
    assert feedback.verdict == "invalid" and "operations" in feedback.message
    assert elapsed < 0.5 * TIMEOUT_S


def test_marker_never_created(marker: Path) -> None:
    """Last in the file: after every hostile answer above, nothing was written."""
    assert not marker.exists()
