"""Boolean formulas and table-valued parts: the logic notation, answers graded as truth tables
over a part's ``answer_inputs``, and weights graded through a part's ``answer_reader``."""

from __future__ import annotations

import numpy as np
import pytest

from derivekit import registry
from derivekit.errors import DerivekitError, ProblemDefinitionError
from derivekit.expr import parse as parse_module
from derivekit.expr.evaluate import evaluate
from derivekit.expr.parse import parse
from derivekit.expr.render import ascii_, latex
from derivekit.expr.resolve import Scope, resolve, scope_from
from derivekit.grade import Feedback, check
from derivekit.model import Equation, Given, Part, Problem, Source

XOR = registry.lookup("xor-of-ors-network")
HAMMING = registry.lookup("hamming-code-network")
SOP = XOR.part("sum-of-products")
PARITY = HAMMING.part("parity-sop")
NETWORK = HAMMING.part("network")


def _boolean_scope() -> tuple[Scope, dict[str, np.ndarray]]:
    scope = Scope()
    for name in SOP.answer_inputs:
        scope.add(name, (), boolean=True)
    return scope, {k: np.asarray(v, dtype=float) for k, v in SOP.answer_inputs.items()}


SCOPE, ROWS = _boolean_scope()


def _table(text: str, scope: Scope = SCOPE) -> np.ndarray:
    return np.asarray(evaluate(resolve(parse(text), scope), ROWS), dtype=float)


# --------------------------------------------------------------------------- notation
@pytest.mark.parametrize(("text", "meaning"), [
    ("A or B and C", "A or B and C"),  # and binds tighter than or
    ("(A or B) and C", "(A or B) and C"),
    ("A xor B or C", "A xor B or C"),  # xor between and and or
    ("A or B xor C", "A or B xor C"),
    ("not A B", "not(A)*B"),  # not takes one factor
    ("not (A B)", "not(A*B)"),
    (r"\bar AB\bar C", "not(A)*B*not(C)"),  # LaTeX: \bar takes one letter unless braced
    (r"\overline{AB}", "not(A*B)"),
    (r"\overline{A}\,\bar{B}", "not(A)*not(B)"),
    (r"\neg\lnot A", "not(not(A))"),
    (r"A \wedge B \land C \vee D \lor A \oplus B", "A and B and C or D or A xor B"),
    ("\u00acA \u2227 B \u2228 C \u2295 D", "not(A) and B or C xor D"),
    ("~A and !B", "not(A) and not(B)"),
    ("A AND NOT B OR C XOR D", "A and not(B) or C xor D"),
    ("A + B or C", "A + B or C"),  # logic sits below arithmetic
])
def test_logic_notation(text: str, meaning: str) -> None:
    assert ascii_(resolve(parse(text), SCOPE)) == meaning


@pytest.mark.parametrize("text", [
    r"ACD\vee\bar BCD\vee\bar AB\bar C\vee\bar AB\bar D", "(A xor B) or not (C and D)",
    r"\overline{A \vee \bar B} \oplus C", "not not A or B xor C and not D",
])
def test_printed_logic_reads_back_to_the_same_table(text: str) -> None:
    node = resolve(parse(text), SCOPE)
    want = _table(text)
    np.testing.assert_array_equal(_table(ascii_(node)), want)
    np.testing.assert_array_equal(_table(latex(node)), want)


def test_values_follow_the_truth_tables() -> None:
    a, b = ROWS["A"], ROWS["B"]
    np.testing.assert_array_equal(_table("A or B"), np.maximum(a, b))
    np.testing.assert_array_equal(_table("A and B"), a * b)
    np.testing.assert_array_equal(_table("A xor B"), (a + b) % 2)
    np.testing.assert_array_equal(_table("not A"), 1 - a)


def test_decorations_of_real_names_are_unchanged() -> None:
    """\\bar x is not ¬x unless x is a Boolean input; hats and tildes still make names."""
    scope = scope_from({"x": (), "yhat": (), "lam": ()},
                       {"yhat": r"\hat y", "lam": r"\tilde\lambda"})
    with pytest.raises(DerivekitError, match="unknown symbol 'xbar'"):
        resolve(parse(r"\bar x"), scope)
    assert ascii_(resolve(parse(r"\hat y x"), scope)) == "yhat*x"
    assert ascii_(resolve(parse(r"2\tilde\lambda x"), scope)) == "2*lam*x"


def test_words_inside_names_and_subscripts_are_names() -> None:
    scope = scope_from({"order": (), "x_or": (), "andy": ()})
    assert ascii_(resolve(parse("order + x_{or} + andy"), scope)) == "order + x_or + andy"


def test_logic_of_real_values_is_invalid() -> None:
    problem = registry.lookup("matrix-gradients")
    for text in (r"\neg x", "x or x", r"\overline{x^T x}"):
        feedback = check(problem, problem.part("xTx"), text)
        assert feedback.verdict == "invalid", text
        assert "needs values 0 or 1" in feedback.message and "\n" not in feedback.message


@pytest.mark.parametrize("text", ["not " * 10_000 + "A", "~" * 10_000 + "A",
                                  "\\neg " * 10_000 + "A", "A or " * 10_000 + "A"])
def test_logic_depth_is_bounded_without_the_length_limit(text: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "MAX_LENGTH", 10**6)
    with pytest.raises(parse_module.InvalidAnswer):
        parse(text)


def test_named_tuple_items_keep_their_values() -> None:
    from derivekit.grade import _split_answer

    part = XOR.parts[0]
    assert _split_answer("H_1 = A, H_2 = B or C", part) == [" A,  B or C"]
    for text, value in (("x = a, b", " a,  b"), ("a, b", "a,  b"), (r"(1-\beta)\,g", None),
                        ("f(a, b) = c", " c"), (r"16\cdot6\cdot6=576\neq400", "576"),
                        (r"32\to16\to8", "32, 16, 8"), (r"-D\ \to 0", r"-D\ ")):
        assert _split_answer(text, part) == [text if value is None else value], text


# --------------------------------------------------------------------------- truth tables
def test_sum_of_products_is_graded_as_a_table() -> None:
    feedback = check(XOR, SOP, "A C D or not B C D or not A B not C or not A B not D")
    assert feedback.verdict == "equivalent", feedback.message
    assert feedback.interpreted == "A*C*D or not(B)*C*D or not(A)*B*not(C) or not(A)*B*not(D)"
    assert r"\overline{B} C D" in feedback.interpreted_latex
    # the same function in another form is the same table, but not the form asked
    other = check(XOR, SOP, r"(A\vee\bar B)\oplus(\bar C\vee\bar D)")
    assert other.verdict == "equivalent-wrong-form" and other.form == "sum of products"
    assert "not a product of inputs" in other.message


def _given_table(feedback: Feedback) -> np.ndarray:
    return np.asarray(feedback.counterexample["given"])


@pytest.mark.parametrize(("part", "text", "wrong"), [
    (SOP, r"ACD\vee\bar BCD\vee\bar A\bar B\bar C\vee\bar A\bar B\bar D", 0),
    (PARITY, "D1 xor D2 xor D3, D1 xor D3 xor D4, D2 xor D3 xor D4", 0),
], ids=["de-morgan-slip", "d3-for-d4"])
def test_the_problems_own_wrong_formulas_are_rejected(part: Part, text: str, wrong: int) -> None:
    problem = XOR if part is SOP else HAMMING
    feedback = check(problem, part, text)
    assert feedback.verdict == "not-equivalent", feedback.message
    np.testing.assert_array_equal(_given_table(feedback), part.wrong[wrong].value())


def test_a_dropped_term_is_named() -> None:
    feedback = check(XOR, SOP, r"ACD\vee\bar BCD\vee\bar AB\bar C")
    assert feedback.verdict == "not-equivalent"
    assert feedback.diagnosis == "missing term"
    assert feedback.message == "your answer is missing the term not(A)*B*not(D)"


def test_a_wrong_row_is_located_at_its_inputs() -> None:
    feedback = check(XOR, SOP, r"\bar A \vee C")
    assert feedback.verdict == "not-equivalent"
    assert "where A=" in feedback.message and "D=" in feedback.message


def test_parity_bits_count_and_labels() -> None:
    short = check(HAMMING, PARITY, "D1 xor D2 xor D4, D1 xor D3 xor D4")
    assert short.verdict == "not-equivalent" and short.diagnosis == "wrong shape"
    swapped = check(HAMMING, PARITY, "H_2 = D1 xor D3 xor D4, H_1 = D1 xor D2 xor D4, "
                                     "H_3 = D2 xor D3 xor D4")
    assert swapped.verdict == "not-equivalent"  # labels are not matched: order counts


# --------------------------------------------------------------------------- weights
W_H = "[[1,-1,0,-1],[-1,1,0,-1],[-1,-1,0,1],[1,1,0,1],[1,0,-1,-1],[-1,0,1,-1],[-1,0,-1,1]," \
      "[1,0,1,1],[0,1,-1,-1],[0,-1,1,-1],[0,-1,-1,1],[0,1,1,1]]"
SEED_W_H = "[[1,-1,-1,0],[-1,1,-1,0],[-1,-1,1,0],[1,1,1,0],[1,0,-1,-1],[-1,0,1,-1]," \
           "[-1,0,-1,1],[1,0,1,1],[0,1,-1,-1],[0,-1,1,-1],[0,-1,-1,1],[0,1,1,1]]"
D3_W_H = "[[1,-1,-1,0],[-1,1,-1,0],[-1,-1,1,0],[1,1,1,0]," + W_H[W_H.index("[1,0,-1,-1]"):]
B_H = "[-0.5,-0.5,-0.5,-2.5,-0.5,-0.5,-0.5,-2.5,-0.5,-0.5,-0.5,-2.5]"
W_O = "kron(I_3, [[1,1,1,1]])"


@pytest.mark.parametrize(("text", "wrong"), [
    (f"W_h = {SEED_W_H}, B_h = -0.5, W_o = {W_O}, B_o = -0.5", 0),
    (f"W_h = {W_H}, B_h = -0.5, W_o = {W_O}, B_o = -0.5", 1),
    (f"W_h = {D3_W_H}, B_h = {B_H}, W_o = {W_O}, B_o = -0.5", 2),
], ids=["seed-weights", "and-bias", "d3-for-d4"])
def test_the_problems_own_wrong_weights_are_rejected(text: str, wrong: int) -> None:
    feedback = check(HAMMING, NETWORK, text)
    assert feedback.verdict == "not-equivalent", feedback.message
    np.testing.assert_array_equal(_given_table(feedback), NETWORK.wrong[wrong].value())


@pytest.mark.parametrize(("text", "message"), [
    (f"{W_H}.T, {B_H}, {W_O}, -0.5", "W_h should be 12×4, got 4×12"),
    (f"{W_H}, {B_H}, {W_O}.T, -0.5", "W_o should be 3×12, got 12×3"),
    (f"{W_H}, [[1],[2]], {W_O}, -0.5", "B_h should be 12×1, got 2×1"),
    (f"{W_H}, {B_H}, {W_O}", "expected 4 values (W_h, B_h, W_o, B_o), got 3"),
    (W_H, "expected 4 values (W_h, B_h, W_o, B_o), got 1"),
])
def test_wrong_weight_shapes_are_invalid_in_one_line(text: str, message: str) -> None:
    feedback = check(HAMMING, NETWORK, text)
    assert feedback.verdict == "invalid"
    assert feedback.message == message


# --------------------------------------------------------------------------- model
def test_answer_inputs_may_not_shadow_givens() -> None:
    part = Equation(name="p", asks="", answer_latex="x", lhs=lambda x: x, rhs=lambda x: x,
                    answer_inputs={"x": np.zeros(2)})
    with pytest.raises(ProblemDefinitionError, match="shadow givens"):
        Problem(id="shadow", title="", source=Source("s", "1"), statement="",
                givens=(Given("x"),), parts=(part,))
