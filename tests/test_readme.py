"""The README's "Add a problem" example is a working problem file."""

from __future__ import annotations

import re
from pathlib import Path

from derivekit import registry
from derivekit.mutants import mutants
from derivekit.verify import verify_part, verify_problem

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_problem_verifies(tmp_path: Path) -> None:
    (code,) = [block for block in re.findall(r"```python\n(.*?)```", README.read_text(),
                                             flags=re.S) if "PROBLEM = Problem(" in block]
    (tmp_path / "example.py").write_text(code)
    problem = registry.catalog(tmp_path)["softmax-regression"]
    assert verify_problem(problem).status == "verified"
    for _, wrong in mutants(problem, problem.parts[0]):
        assert verify_part(problem, wrong).status == "failed"


def test_readme_python_examples_run() -> None:
    """The other Python blocks (assert_gradient, Jupyter) run as written."""
    blocks = [block for block in re.findall(r"```python\n(.*?)```", README.read_text(),
                                            flags=re.S) if "PROBLEM = Problem(" not in block]
    assert len(blocks) >= 2
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102  (our own README)
