"""Run the external table and say what derivekit does not get right, grouped by the rule or
bug it points at; or print the test file's expected-outcome lists.

    python -m tests.external.report                 # Markdown report on stdout
    python -m tests.external.report --out FILE      # … into FILE
    python -m tests.external.report --expected      # NOT_RIGHT_TODAY / CLAIMS_REFUSED
    python -m tests.external.report --write-expected [--out FILE]  # … into the test file
"""

from __future__ import annotations

import argparse
import re
import time
import warnings
from collections import Counter
from pathlib import Path

from tests.external.derivatives import CASES, Case
from tests.external.judge import Outcome, claim_outcome, derivekit_outcome

GROUPS = (
    (r"no rule for matpow", "Matrix powers X^k (no rule for matpow)"),
    (r"no rule for kron", "Kronecker products (no rule for kron)"),
    (r"no rule for pow in|non-constant exponent|power with a variable exponent",
     "Powers with a variable exponent (x^i by i, M^i by m)"),
    (r"ConcretizationTypeError", "Witnesses cannot trace a symbolic exponent (X^j): the "
     "result agrees with JAX, not verified"),
    (r"Jacobian through the transpose", "Jacobian of the transpose of the variable (Aᵀ by A)"),
    (r"no rule for matrix in", "Matrix literals of the variable ([m, 0; 0, m]) in a Jacobian"),
    (r"derivative of a .* value with respect to", "Jacobians of matrix- or row-valued "
     "functions (gradients of scalars and Jacobians of columns only)"),
    (r"Jacobian through a matrix", "Jacobian of a product whose left factor depends on the "
     "variable (x xᵀ x)"),
    (r"does not depend on", "A constant function: the derivative is 0, derivekit refuses"),
    (r"Not Implemented", "abs: SymEngine's Lambdify raises RuntimeError('Not Implemented') "
     "(crash)"),
    (r"cannot invert|values disagree", "Element-wise functions of a matrix argument: "
     "^(-1)/^2 in the result read as matrix inverse/power"),
    (r"LinAlgError|non-finite", "Witnesses draw points outside the domain (singular XᵀAX "
     "for a wide X, log det of a singular matrix): the result is right, not verified"),
    (r"unknown symbol 'tan'", "tan is not in the notation"),
    (r"power 0 of the square matrix", "The notation refuses X^0 (= I)"),
    (r"not expressible", "Not expressible in the notation (refused by notation)"),
)


def group_of(outcome: Outcome) -> str:
    for pattern, title in GROUPS:
        if re.search(pattern, str(outcome)):
            return title
    return "Other"


def run() -> tuple[list[tuple[Case, Outcome]], list[tuple[Case, int, Outcome]], float]:
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    derived = [(case, derivekit_outcome(case)) for case in CASES]
    claims = [(case, i, claim_outcome(case, claim)) for case in CASES
              for i, claim in enumerate(case.claims)]
    return derived, claims, time.perf_counter() - start


def _entry(key: str, text: str, width: int = 76) -> list[str]:
    """``key: "text",`` as Python source lines of at most 100 characters (the text split at
    spaces into adjacent string literals)."""
    chunks, current = [], ""
    for word in text.split(" "):
        if current and len(current) + len(word) > width:
            chunks.append(current)
            current = ""
        current += word + " "
    chunks.append(current[:-1])
    if len(chunks) == 1:
        return [f"    {key}: {text!r},"]
    return [f"    {key}: ("] + [f"        {c!r}" for c in chunks[:-1]] + [
        f"        {chunks[-1]!r}),"]


def expected_lists(derived: list, claims: list) -> str:
    lines = ["NOT_RIGHT_TODAY = {"]
    for case, outcome in derived:
        if outcome.status != "right":
            lines += _entry(repr(case.id), str(outcome))
    lines += ["}", "", "CLAIMS_REFUSED = {"]
    for case, i, outcome in claims:
        if outcome.status == "refused":
            lines += _entry(f"({case.id!r}, {i})", str(outcome))
    return "\n".join(lines + ["}"])


TEST_FILE = Path(__file__).resolve().parents[1] / "test_external_derivatives.py"


def write_expected(derived: list, claims: list, path: Path = TEST_FILE) -> None:
    """Replace the NOT_RIGHT_TODAY and CLAIMS_REFUSED literals of the test file."""
    text = path.read_text(encoding="utf-8")
    new = expected_lists(derived, claims).split("\n\n")
    for name, literal in zip(("NOT_RIGHT_TODAY", "CLAIMS_REFUSED"), new):
        start = text.index(f"{name} = {{")
        end = text.index("\n}\n", start) + 2
        text = text[:start] + literal + text[end:]
    path.write_text(text, encoding="utf-8")


def markdown(derived: list, claims: list, seconds: float) -> str:
    counts = Counter(o.status for _, o in derived)
    claim_counts = Counter(o.status for _, _, o in claims)
    wrong_sources = [(c, i, o) for c, i, o in claims if o.status == "fails"]
    out = [
        "# External derivative cases: what derivekit does not get right",
        "",
        f"{len(CASES)} cases (tests/external/derivatives.py); derivekit: "
        + ", ".join(f"{counts[s]} {s}" for s in ("right", "wrong", "refused", "crash"))
        + f". Sources' printed forms: {claim_counts['holds']} hold, {claim_counts['fails']} "
        f"fail, {claim_counts['refused']} cannot be read by the notation "
        f"({seconds:.0f} s). Regenerate: `python -m tests.external.report --out FILE`.",
    ]
    groups: dict[str, list[tuple[Case, Outcome]]] = {}
    for case, outcome in derived:
        if outcome.status != "right":
            groups.setdefault(group_of(outcome), []).append((case, outcome))
    for title, members in groups.items():
        out += ["", f"## {title} ({len(members)})", ""]
        for case, outcome in members:
            printed = f" — printed `{outcome.result}`" if outcome.result else ""
            out.append(f"- `{case.id}` d/d{case.wrt} `{case.expression}` "
                       f"({'; '.join(case.sources)}): **{outcome.status}**: "
                       f"{outcome.reason}{printed}")
    if wrong_sources:
        out += ["", "## Printed forms the check shows wrong (audit of the sources)", ""]
        for case, i, outcome in wrong_sources:
            claim = case.claims[i]
            marked = "" if not claim.holds else " **(not marked in the table)**"
            out.append(f"- `{case.id}` {claim.source}: `{claim.form}` — {outcome.reason}; "
                       f"{claim.note}{marked}")
    refused = [(c, i, o) for c, i, o in claims if o.status == "refused"]
    if refused:
        out += ["", "## Printed forms the notation cannot read", ""]
        out += [f"- `{c.id}` `{c.claims[i].form}`: {o.reason}" for c, i, o in refused]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the Markdown report here")
    parser.add_argument("--expected", action="store_true",
                        help="print the test file's expected-outcome lists")
    parser.add_argument("--write-expected", action="store_true",
                        help="replace those lists in tests/test_external_derivatives.py")
    args = parser.parse_args()
    derived, claims, seconds = run()
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(markdown(derived, claims, seconds))
    if args.write_expected:
        write_expected(derived, claims)
    if args.expected:
        print(expected_lists(derived, claims))
    elif not args.out and not args.write_expected:
        print(markdown(derived, claims, seconds))


if __name__ == "__main__":
    main()
