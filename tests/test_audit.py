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
