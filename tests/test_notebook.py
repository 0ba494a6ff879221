"""Jupyter display: problems, verdicts, graded answers and derivations render as HTML/LaTeX,
and the data layer does not import the writers that render it."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import derivekit
from derivekit import grade, registry
from derivekit.derivation import verified
from derivekit.expr.render import latex
from derivekit.mutants import mutants
from derivekit.verify import verify_problem

PACKAGE = Path(derivekit.__file__).resolve().parent
FRONT_ENDS = ("derivekit.sheet", "derivekit.web", "derivekit.cli", "derivekit.train.cli")
LOWER_LAYERS = ["model.py", "verdict.py", "verify.py", "audit.py", "grade.py", "points.py",
                "registry.py", "display.py", "ops.py", "mutants.py", "layout.py", "errors.py",
                "checks", "derivation", "witness", "expr"]


@pytest.fixture(scope="module")
def gan():
    return registry.lookup("gan-gradients")


def test_problem_renders_as_html_latex_and_markdown(gan) -> None:
    html = gan._repr_html_()
    assert "<h3>GAN value function" in html and "\\boxed{" in html
    assert "<script" not in html and "\\(\\mathbf{W}_g" in html  # a given, as inline math
    assert "\\boxed{" in gan._repr_latex_() and "\\textbf{GAN value function" in gan._repr_latex_()
    assert gan._repr_markdown_().startswith("### GAN value function")


def test_verdict_html_shows_every_witness(gan) -> None:
    verdict = verify_problem(gan)
    html = verdict._repr_html_()
    for part in verdict.parts:
        for w in part.witnesses:
            assert f"<td>{w.name}</td>" in html
    assert "DISAGREES" not in html and "verified" in html
    assert verdict.parts[0]._repr_html_().count("<tr class=") == len(verdict.parts[0].witnesses)
    assert "\\begin{tabular}" in verdict._repr_latex_()


def test_failed_verdict_html_says_which_witness_disagrees(gan) -> None:
    (_, flipped), *_ = mutants(gan, gan.part("grad-W_d"))
    wrong = replace(gan, parts=(flipped,))
    html = verify_problem(wrong)._repr_html_()
    assert "DISAGREES: " in html and "dk-failed" in html


def test_feedback_html_right_and_wrong() -> None:
    problem = registry.lookup("matrix-gradients")
    right = grade.check(problem, problem.part("trace-ATA"), r"2\mathbf{A}")
    assert "dk-equivalent" in right._repr_html_() and "read as: \\(" in right._repr_html_()
    wrong = grade.check(problem, problem.part("xTx"), "2*x.T")
    html = wrong._repr_html_()
    assert "dk-not-equivalent" in html and "diagnosis: <b>wrong layout</b>" in html
    assert "counterexample" in html and "\\begin{bmatrix}" in html
    assert "not-equivalent" in wrong._repr_latex_()


def test_typed_markup_is_escaped() -> None:
    problem = registry.lookup("matrix-gradients")
    feedback = grade.check(problem, problem.part("xTx"), "<img src=x onerror=alert(1)>")
    html = feedback._repr_html_()
    assert "<img" not in html and "alert(1)&gt;" in html


def test_public_derive_displays_formula_and_witnesses() -> None:
    derived = derivekit.derive("x.T@A@x", wrt="x", givens={"x": ("n",), "A": "n,n"})
    assert derived.verified
    html = derived._repr_html_()
    assert latex(derived.derivation.result).replace("\\", "") in html.replace("\\", "")
    assert "jax-autodiff" in html and "finite-difference" in html and "verified" in html
    assert "\\frac{\\partial}{\\partial x}" in derived._repr_latex_()


def test_public_derive_takes_cli_spellings_and_lets() -> None:
    derived = derivekit.derive("sqnorm(z - y)", wrt="W", givens=["W:k,n", "x:n", "y:k"],
                               lets={"z": "W@x"})
    assert derived.verified and "z" in derived.intermediates


def test_unverified_derivation_hides_its_formula() -> None:
    derived = derivekit.derive("x.T@A@x", wrt="x", givens={"x": "n", "A": "n,n"})
    wrong = verified.witness(derived.expression, derived.expression.args[0], derived.shapes, "x")
    failed = replace(derived, verdict=wrong)
    html = failed._repr_html_()
    assert "not verified" in html and "dk-math" not in html and "DISAGREES" in html
    assert "not verified" in failed._repr_latex_()


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("layer", LOWER_LAYERS)
def test_lower_layers_never_import_front_ends(layer: str) -> None:
    root = PACKAGE / layer
    for path in [root] if root.is_file() else sorted(root.rglob("*.py")):
        reached = {name for name in _imports(path) if name.startswith(FRONT_ENDS)}
        assert not reached, f"{path.relative_to(PACKAGE)} imports {sorted(reached)}"


def test_loading_the_catalog_and_verifying_load_no_writer() -> None:
    code = ("import sys; from derivekit import registry, verify; "
            "p = registry.lookup('matrix-gradients'); verify.verify_part(p, p.parts[0]); "
            "print(sorted(m for m in sys.modules if m.startswith('derivekit.sheet')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
