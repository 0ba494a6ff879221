"""`derivekit check`: every catalog part is gradable from typed LaTeX and ASCII answers.

tests/answers/<problem-id>.json holds, per part, correct answers written several ways (or an
``untypeable`` reason). Wrong variants are made from the first ASCII answer by the same
mutations the engine's rejection tests use (sign flip, factor 2, transpose / other layout)
and must be rejected with the matching diagnosis.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from derivekit import registry
from derivekit.cli import app
from derivekit.grade import check
from derivekit.model import Part, Problem

ANSWERS = Path(__file__).parent / "answers"
CATALOG = registry.catalog()


def _corpus() -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(ANSWERS.glob("*.json"))}


CORPUS = _corpus()
TYPED = [(pid, name, entry) for pid, parts in CORPUS.items() for name, entry in parts.items()
         if "untypeable" not in entry]


def test_every_part_has_typed_answers_or_a_reason() -> None:
    for pid, problem in CATALOG.items():
        assert pid in CORPUS, f"no tests/answers/{pid}.json"
        for part in problem.parts:
            entry = CORPUS[pid].get(part.name)
            assert entry is not None, f"{pid}/{part.name} missing from the corpus"
            if "untypeable" in entry:
                assert entry["untypeable"].strip(), f"{pid}/{part.name}: empty reason"
            else:
                assert entry.get("latex") and entry.get("ascii"), f"{pid}/{part.name}"
                assert len(entry["latex"]) + len(entry["ascii"]) >= 3, f"{pid}/{part.name}"
    typed = len(TYPED)
    total = sum(len(p.parts) for p in CATALOG.values())
    assert typed >= 0.85 * total, f"only {typed}/{total} parts typeable"


@pytest.mark.parametrize(("pid", "name", "entry"), TYPED, ids=[f"{p}/{n}" for p, n, _ in TYPED])
def test_correct_variants_are_equivalent(pid: str, name: str, entry: dict) -> None:
    problem = CATALOG[pid]
    part = problem.part(name)
    for text in entry["latex"] + entry["ascii"]:
        feedback = check(problem, part, text)
        assert feedback.verdict == "equivalent", (text, feedback.message)


FORMED = [(pid, name, entry) for pid, name, entry in TYPED if "wrong_form" in entry]


def test_form_parts_have_wrong_form_answers() -> None:
    """Every form the catalog asks for has answers right in value but not in that form."""
    asked = {part.form.split(" in ")[0] for p in CATALOG.values() for part in p.parts
             if part.form}
    assert asked == {"sum of products", "expanded", "closed form", "matrix form"}
    with_wrong_forms = {CATALOG[pid].part(name).form.split(" in ")[0]
                        for pid, name, _ in FORMED}
    assert with_wrong_forms == asked


@pytest.mark.parametrize(("pid", "name", "entry"), FORMED, ids=[f"{p}/{n}" for p, n, _ in FORMED])
def test_right_value_in_the_wrong_form(pid: str, name: str, entry: dict) -> None:
    problem = CATALOG[pid]
    part = problem.part(name)
    for text in entry["wrong_form"]:
        feedback = check(problem, part, text)
        assert feedback.verdict == "equivalent-wrong-form", (text, feedback.message)
        assert feedback.form == part.form and part.form in feedback.message


def _mutants(text: str, matrix: bool) -> list[tuple[str, set[str]]]:
    """Sign, factor and transpose mutants of the answer (its where-clause kept as it is)."""
    main, where, definitions = text.partition(" where ")
    out = [(f"-({main}){where}{definitions}", {"sign flipped"}),
           (f"2*({main}){where}{definitions}", {"constant factor"})]
    if matrix:
        out.append((f"({main}).T{where}{definitions}", {"transposed", "wrong layout"}))
    return out


@pytest.mark.parametrize(("pid", "name", "entry"), TYPED, ids=[f"{p}/{n}" for p, n, _ in TYPED])
def test_wrong_variants_are_rejected_with_a_diagnosis(pid: str, name: str, entry: dict) -> None:
    problem = CATALOG[pid]
    part = problem.part(name)
    text = entry["ascii"][0]
    main = text.partition(" where ")[0]
    if "," in main or "<" in main or "=" in main:
        pytest.skip("a list, range or equation: mutated piecewise in its own tests")
    _assert_mutants_rejected(problem, part, text)


CALL_ANSWERS = ["conv-layer-gradients/grad-filter", "conv-layer-gradients/grad-input",
                "conv-as-dense-layer/conv-as-matmul",
                "conv-as-dense-layer/conv-layer-as-dense-layer",
                "boxcar-exponential-convolution/convolution-is-flipped-correlation",
                "depthwise-separable-cost/one-by-one-mixes-channels"]
"""Parts whose first ASCII answer is one value written with a call of several arguments
(``xcorr(X, G)``): the test above skips every comma, so their mutants are checked here."""


@pytest.mark.parametrize("key", CALL_ANSWERS)
def test_wrong_variants_of_call_answers_are_rejected(key: str) -> None:
    pid, name = key.split("/")
    problem = CATALOG[pid]
    _assert_mutants_rejected(problem, problem.part(name), CORPUS[pid][name]["ascii"][0])


def _assert_mutants_rejected(problem: Problem, part: Part, text: str) -> None:
    truth = check(problem, part, text)
    assert truth.verdict == "equivalent"
    from derivekit.grade import _points, _truth, _truth_fields

    want = [_truth(problem, part, _truth_fields(part)[-1], v) for _, v in _points(problem, part, 0)]
    if all(np.allclose(w, 0) for w in want):
        pytest.skip("the truth is 0: sign and factor cannot change it")
    matrix = all(w.ndim == 2 and 1 not in w.shape for w in want) and not all(
        w.shape[0] == w.shape[1] and np.allclose(w, w.T) for w in want)
    for wrong, diagnoses in _mutants(text, matrix):
        feedback = check(problem, part, wrong)
        assert feedback.verdict == "not-equivalent", (wrong, feedback.message)
        assert feedback.diagnosis in diagnoses, (wrong, feedback.diagnosis, feedback.message)
        assert feedback.counterexample, wrong


# --------------------------------------------------------------------------- focused cases
def _gan():
    problem = CATALOG["matrix-gradients"]
    return problem, problem.part("trace-ATA")


@pytest.mark.parametrize("text", [r"2\mathbf{A}", "2*A", "A + A", r"(A^\top)^T + A", "A*2",
                                  r"\frac{4A}{2}"])
def test_latex_and_ascii_spellings(text: str) -> None:
    problem, part = _gan()
    assert check(problem, part, text).verdict == "equivalent"


def test_other_layout_is_named() -> None:
    problem = CATALOG["matrix-gradients"]
    feedback = check(problem, problem.part("xTx"), "2x^T")
    assert feedback.verdict == "not-equivalent"
    assert feedback.diagnosis == "wrong layout"
    assert "numerator-layout" in feedback.message


def test_extra_term_is_diagnosed() -> None:
    problem, part = _gan()
    feedback = check(problem, part, "2A + A@A.T@A")
    assert feedback.diagnosis == "extra term"
    assert "A @ A.T @ A" in feedback.message


def test_unknown_symbol_lists_the_givens() -> None:
    problem, part = _gan()
    feedback = check(problem, part, "2B")
    assert feedback.verdict == "invalid"
    assert "unknown symbol 'B'" in feedback.message and "A" in feedback.message


def test_shape_mismatch_says_what_was_expected() -> None:
    problem, part = _gan()
    feedback = check(problem, part, "A@A")
    assert feedback.verdict == "invalid"
    assert "cannot matrix-multiply" in feedback.message


# --------------------------------------------------------------------------- CLI
runner = CliRunner()


def test_cli_single_answer_exit_codes() -> None:
    ok = runner.invoke(app, ["check", "matrix-gradients", "trace-ATA", "--answer", r"2\mathbf A"])
    assert ok.exit_code == 0 and "equivalent" in ok.output
    assert "interpreted as: 2*A" in ok.output
    wrong = runner.invoke(app, ["check", "matrix-gradients", "trace-ATA", "-a", "-2A"])
    assert wrong.exit_code == 1 and "sign flipped" in wrong.output
    bad = runner.invoke(app, ["check", "matrix-gradients", "trace-ATA", "-a", "2*(A"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_cli_json_and_answer_file(tmp_path: Path) -> None:
    answer = tmp_path / "answer.tex"
    answer.write_text("2\\,\\mathbf{A}\n")
    result = runner.invoke(app, ["check", "matrix-gradients", "trace-ATA", "--answer-file",
                                 str(answer), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["verdict"] == "equivalent" and data["interpreted"] == "2*A"


def test_cli_usage_errors_are_one_line() -> None:
    for args in (["check", "nope", "x", "-a", "1"],
                 ["check", "matrix-gradients", "nope", "-a", "1"],
                 ["check", "matrix-gradients", "xTx"],
                 ["check"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_cli_batch(tmp_path: Path) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text("student,problem,part,answer\n"
                       "ann,matrix-gradients,xTx,2x\n"
                       "bob,matrix-gradients,xTx,x^T x\n"
                       "cat,nope,xTx,x\n")
    out = tmp_path / "results.json"
    result = runner.invoke(app, ["check", "--batch", str(answers), "--out", str(out)])
    assert result.exit_code == 1
    rows = json.loads(out.read_text())
    assert [r["verdict"] for r in rows] == ["equivalent", "not-equivalent", "invalid"]
    assert "3 answers: 1 equivalent" in result.output
    again = runner.invoke(app, ["check", "--batch", str(answers), "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    csv_out = tmp_path / "results.csv"
    runner.invoke(app, ["check", "--batch", str(answers), "-o", str(csv_out)])
    assert csv_out.read_text().splitlines()[0].startswith("student,problem,part,answer,verdict")


def test_cli_batch_missing_column(tmp_path: Path) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text("student,problem,answer\nann,matrix-gradients,2x\n")
    result = runner.invoke(app, ["check", "--batch", str(answers)])
    assert result.exit_code == 2 and "missing column(s) part" in result.output


def test_any_layout_accepts_and_names_the_other_layout() -> None:
    problem = CATALOG["matrix-gradients"]
    feedback = check(problem, problem.part("xTx"), "2x^T", any_layout=True)
    assert feedback.verdict == "equivalent" and feedback.layout == "numerator"
    assert check(problem, problem.part("xTx"), "-2x^T", any_layout=True).verdict == \
        "not-equivalent"
    result = runner.invoke(app, ["check", "matrix-gradients", "xTx", "-a", "2x'",
                                 "--any-layout"])
    assert result.exit_code == 0 and "numerator layout" in result.output


def test_equivalence_is_proved_symbolically_where_sympy_can() -> None:
    problem = CATALOG["bce-derivation"]
    feedback = check(problem, problem.part("grad-logit"), r"\sigma(a) - y")
    assert feedback.verdict == "equivalent"
    assert "numeric: 15 points" in feedback.evidence and "symbolic: proved" in feedback.evidence
