"""The audit judges seed claims with the same witnesses as the truth, and can flip."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from derivekit import audit, registry
from derivekit.cli import app
from derivekit.model import Claim


def _audit_one(problem_id: str, part_name: str, claim: Claim) -> audit.AuditEntry:
    problem = registry.lookup(problem_id)
    part = replace(problem.part(part_name), claim=claim)
    problem = replace(problem, parts=tuple(part if p.name == part_name else p
                                           for p in problem.parts), prose=())
    (entry,) = [e for e in audit.audit_problem(problem) if e.part == part_name]
    return entry


def test_correct_claim_flips_to_wrong_when_corrupted() -> None:
    right = _audit_one("matrix-gradients", "trace-ATA", Claim("2A", lambda A: 2 * A))
    assert right.verdict == "correct"
    corrupted = _audit_one("matrix-gradients", "trace-ATA", Claim("2A^T", lambda A: 2 * A.T))
    assert corrupted.verdict == "wrong"
    assert corrupted.counterexample is not None
    assert {"shapes", "values", "claimed", "true"} <= set(corrupted.counterexample)


def test_wrong_seed_claim_flips_to_correct_when_corrected() -> None:
    problem = registry.lookup("gan-gradients")
    entry = next(e for e in audit.audit_problem(problem)
                 if e.part == "discriminator-maximises")
    assert entry.verdict == "wrong"  # seed 000 §4.1 swaps the players
    fixed = _audit_one("gan-gradients", "discriminator-maximises",
                       Claim("discriminator maximises", "max", field="sense"))
    assert fixed.verdict == "correct"


def test_partly_needs_the_condition_to_hold() -> None:
    problem = registry.lookup("lstm-jacobian")
    entry = next(e for e in audit.audit_problem(problem) if e.part == "dc-dcprev-total")
    assert entry.verdict == "partly" and "held fixed" in entry.detail
    seed_claim = problem.part("dc-dcprev-total").claim
    broken = replace(seed_claim, holds_value=lambda c_prev: 0 * c_prev @ c_prev.T)
    assert _audit_one("lstm-jacobian", "dc-dcprev-total", broken).verdict == "wrong"


def test_prose_claims_are_unverifiable_with_reason() -> None:
    entry = _audit_one("matrix-gradients", "xTx", Claim("it is obvious", reason="opinion"))
    assert entry.verdict == "unverifiable" and entry.detail == "opinion"


def test_summary_counts_every_entry() -> None:
    entries = [e for p in registry.catalog().values() for e in audit.audit_problem(p)]
    counts = audit.summary(entries)
    assert sum(sum(c.values()) for c in counts.values()) == len(entries)


runner = CliRunner()


def test_cli_audit_json_fields() -> None:
    result = runner.invoke(app, ["audit", "000", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # stderr logs the progress
    assert rows and all({"seed", "section", "problem", "part", "claim", "truth", "verdict",
                         "detail"} <= set(r) for r in rows)
    assert all(r["seed"].startswith("000_") for r in rows)


@pytest.mark.parametrize("args", [["audit"], ["audit", "999"], ["audit", "--all", "000"]])
def test_cli_audit_usage_errors(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "Traceback" not in result.output


# --------------------------------------------------------------------------- judged_by
JUDGED = [("rmsprop-minimum-norm", "1.2.1 (Modified Output)", "hessian-rank", "wrong"),
          ("sgd-minimum-norm", "1.1.1 (Modified Output)", "gram-rank", "wrong"),
          ("sharpen-filter-5x5", "3.1", "flat-region-response", "partly"),
          ("receptive-field-factors", "3.2", "pooling-enlarges", "wrong"),
          ("conv-transpose-unet-counts", "5.3", "pooled-next-layer-weights", "wrong")]
"""Seed 004's prose claims that a part of the problem refutes (or, under a condition the seed
does not state, confirms): Hessian 'positive definite', X^T X 'invertible' for d > n, the
filter 'detects edges', pooling shrinks the receptive field, pooling leaves fewer parameters
for the next layer."""


@pytest.mark.parametrize(("pid", "section", "part", "verdict"), JUDGED,
                         ids=[j[0] for j in JUDGED])
def test_prose_claims_judged_by_a_part(pid: str, section: str, part: str, verdict: str) -> None:
    entries = [e for e in audit.audit_problem(registry.lookup(pid)) if e.part == part
               and e.section == section and not registry.lookup(pid).part(part).claim]
    (entry,) = entries
    assert entry.verdict == verdict, entry.detail
    assert entry.detail.startswith("read as ")
    if verdict == "wrong":
        example = entry.counterexample
        assert example and {"shapes", "values", "claimed", "true"} <= set(example)
        assert example["claimed"] != example["true"]


def test_a_judged_claim_flips_when_its_reading_is_the_truth() -> None:
    problem = registry.lookup("rmsprop-minimum-norm")
    claim = next(c for c in problem.prose if c.judged_by == "hessian-rank")
    fixed = replace(problem, prose=(replace(claim, value=lambda: 1),))
    (entry,) = [e for e in audit.audit_problem(fixed) if e.part == "hessian-rank"]
    assert entry.verdict == "correct"


def test_judged_by_must_name_a_part_and_a_value() -> None:
    from derivekit.errors import ProblemDefinitionError

    problem = registry.lookup("rmsprop-minimum-norm")
    with pytest.raises(ProblemDefinitionError, match="judged_by"):
        replace(problem, prose=(Claim("x", lambda: 1, judged_by="nope", reason="r"),))
    with pytest.raises(ProblemDefinitionError, match="judged_by"):
        replace(problem, prose=(Claim("x", judged_by="hessian-rank", reason="r"),))


def test_a_claim_whose_shapes_do_not_fit_is_wrong_with_the_mismatch() -> None:
    """Seed 003 P2(c)-(d) uses W1^T where W2^T belongs: not even defined unless n = d = K."""
    problem = registry.lookup("two-layer-softmax-gradients")
    entry = next(e for e in audit.audit_problem(problem) if e.part == "grad-b1")
    assert entry.verdict == "wrong"
    assert "not defined at shapes" in entry.detail and "inner sizes differ" in entry.detail
    assert "W1 3×2" in entry.detail and "ValueError" not in entry.detail
    assert entry.counterexample["claimed"].startswith("undefined")
    assert entry.counterexample["shapes"] == {"n": 2, "d": 3, "K": 2}


def test_cli_audit_counts_the_unverifiable_and_why(tmp_path) -> None:  # noqa: ANN001
    import shutil

    problem = registry.lookup("rmsprop-minimum-norm")
    shutil.copy(problem.path, tmp_path)
    result = runner.invoke(app, ["audit", "004", "--problems", str(tmp_path), "-j", "1"])
    assert result.exit_code == 0, result.output
    why = audit.unverifiable(audit.audit_problem(problem))
    assert why == {"prose": 2}  # the convergence assertion and the conclusion: prose
    assert "2 claims unverifiable: 2 prose (each with its reason above)" in result.output
