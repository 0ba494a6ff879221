"""Answer sheets: deterministic, escaped, never overwriting silently, compiled by real TeX."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derivekit import registry
from derivekit.cli import app
from derivekit.errors import DerivekitError
from derivekit.sheet import build, compile as compile_lib, error_bound
from derivekit.sheet.latex import escape

REPORTS = Path(__file__).resolve().parents[1] / "reports"
HEADLINE = ("matrix-gradients", "bce-derivation", "gan-gradients", "instance-noise-ridge",
            "lstm-jacobian", "quadratic-gd-eigen")
runner = CliRunner()


def test_reports_are_up_to_date(tmp_path: Path) -> None:
    problems = [registry.lookup(pid) for pid in HEADLINE]
    build.build(build.per_problem(problems), tmp_path, ["tex", "md"])
    for pid in HEADLINE:
        for suffix in (".tex", ".md"):
            fresh = (tmp_path / f"{pid}{suffix}").read_text()
            assert fresh == (REPORTS / f"{pid}{suffix}").read_text(), (
                f"reports/{pid}{suffix} is stale: regenerate (see reports/README.md)")
        assert (REPORTS / f"{pid}.pdf").is_file()


def test_escape_plain_text() -> None:
    assert escape("a_b & 50% #1 {x} ~ ^ \\") == (
        r"a\_b \& 50\% \#1 \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{}")


def test_error_bound_is_an_order_of_magnitude() -> None:
    assert error_bound(0.0) == "0"
    assert error_bound(4.4e-16) == "< 1e-15"
    assert error_bound(1e-9) == "< 1e-8"


def test_refuses_to_overwrite_changed_files(tmp_path: Path) -> None:
    args = ["sheet", "matrix-gradients", "-o", str(tmp_path), "--format", "md"]
    assert runner.invoke(app, args).exit_code == 0
    target = tmp_path / "matrix-gradients.md"
    target.write_text("hand edits\n")
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "--force" in refused.output
    assert target.read_text() == "hand edits\n"
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert target.read_text().startswith("# Answer sheet: matrix-gradients")


def test_seed_selection_writes_one_answer_key(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sheet", "--seed", "002", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    key = (tmp_path / "002_a2d52afd229cfba6.tex").read_text()
    assert "quadratic-gd-eigen" in key and "lstm-jacobian" in key


def test_sheet_usage_errors(tmp_path: Path) -> None:
    assert runner.invoke(app, ["sheet", "-o", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["sheet", "nope", "-o", str(tmp_path)]).exit_code == 2
    bad_format = runner.invoke(app, ["sheet", "matrix-gradients", "-o", str(tmp_path),
                                     "--format", "docx"])
    assert bad_format.exit_code == 2 and "unknown format" in bad_format.output


def test_training_log_adds_curves(tmp_path: Path) -> None:
    log = tmp_path / "metrics.jsonl"
    log.write_text("\n".join(json.dumps({"epoch": e, "train_loss": 2.0 / (e + 1),
                                         "test_accuracy": 0.1 * e}) for e in range(5)))
    out = tmp_path / "out"
    result = runner.invoke(app, ["sheet", "matrix-gradients", "-o", str(out), "--format", "md",
                                 "--training-log", str(log)])
    assert result.exit_code == 0, result.output
    assert (out / "figures" / "training-loss.png").is_file()
    assert "training-accuracy.png" in (out / "matrix-gradients.md").read_text()


def test_bad_training_log(tmp_path: Path) -> None:
    log = tmp_path / "metrics.jsonl"
    log.write_text("{not json\n")
    result = runner.invoke(app, ["sheet", "matrix-gradients", "-o", str(tmp_path / "o"),
                                 "--training-log", str(log)])
    assert result.exit_code == 2 and "cannot read training log" in result.output


def test_missing_tex_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    monkeypatch.setattr(compile_lib.shutil, "which", lambda name: None)
    result = runner.invoke(app, ["sheet", "matrix-gradients", "-o", str(tmp_path), "--pdf"])
    assert result.exit_code == 2 and "apt-get install" in result.output
    assert (tmp_path / "matrix-gradients.tex").is_file()
    with pytest.raises(DerivekitError):
        compile_lib.compile_pdf(tmp_path / "matrix-gradients.tex")


def test_jupyter_markdown() -> None:
    text = registry.lookup("gan-gradients")._repr_markdown_()
    assert text.startswith("### GAN value function") and "\\boxed{" in text


@pytest.mark.skipif(not (compile_lib.latexmk_available() and shutil.which("pdftotext")),
                    reason="TeX or poppler not installed (.ci/run installs them)")
def test_pdf_compiles_and_reads_back(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sheet", "gan-gradients", "-o", str(tmp_path), "--pdf"])
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(tmp_path / "gan-gradients.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "GAN value function" in text
    assert "verified" in text and "derivekit: wrong" in text


SEEDS = sorted({p.source.seed.split("_")[0] for p in registry.catalog().values()})


@pytest.mark.skipif(not compile_lib.latexmk_available(),
                    reason="TeX not installed (.ci/run installs it)")
@pytest.mark.parametrize("seed_number", SEEDS)
def test_every_answer_key_compiles(seed_number: str, tmp_path: Path) -> None:
    """Every problem's LaTeX (statement, steps, answers, notes) goes through real TeX."""
    result = runner.invoke(app, ["sheet", "--seed", seed_number, "-o", str(tmp_path), "--pdf"])
    assert result.exit_code == 0, result.output
    assert list(tmp_path.glob("*.pdf"))


def test_escape_unicode_math() -> None:
    assert escape("∇θ ≤ 1") == r"\ensuremath{\nabla}\ensuremath{\theta} \ensuremath{\le} 1"
    assert escape("§2 — ok") == r"\S{}2 --- ok"
    assert escape("日") == "?"
