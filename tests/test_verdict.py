"""Verdicts are plain data: JSON round-trips, status rules, JUnit escaping."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from derivekit import registry, verdict
from derivekit.verdict import PartVerdict, ProblemVerdict, WitnessResult, part_status
from derivekit.verify import verify_problem


def test_json_round_trip() -> None:
    original = verify_problem(registry.lookup("matrix-gradients"))
    data = json.loads(verdict.to_json([original]))[0]
    rebuilt = verdict.from_dict(data)
    assert verdict.to_dict(rebuilt) == data
    assert rebuilt.status == original.status == "verified"


def test_same_seed_same_bytes() -> None:
    problem = registry.lookup("gan-gradients")
    first = verdict.to_json([verify_problem(problem, seed=3)])
    second = verdict.to_json([verify_problem(problem, seed=3)])
    assert first == second


def test_different_seed_draws_different_points() -> None:
    problem = registry.lookup("matrix-gradients")
    a = verdict.to_json([verify_problem(problem, seed=1)])
    b = verdict.to_json([verify_problem(problem, seed=2)])
    assert a != b


def test_status_rules() -> None:
    ok = WitnessResult("a", True)
    bad = WitnessResult("b", False, detail="off")
    na = WitnessResult("c", None, detail="n/a")
    assert part_status((ok, na)) == "verified"
    assert part_status((ok, bad)) == "failed"
    assert part_status((na,)) == "error"


def test_junit_escapes_messages() -> None:
    part = PartVerdict(name='a<"b">', kind="equation", asks="x", status="failed",
                       answer_latex="x", layout=None,
                       witnesses=(WitnessResult("w", False, detail="<&>"),),
                       message='got <1> & "2"')
    xml = verdict.to_junit_xml([ProblemVerdict("p&q", "t", "s", 0, (part,))])
    root = ET.fromstring(xml)
    assert root.find(".//failure").get("message") == 'got <1> & "2"'
