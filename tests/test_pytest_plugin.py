"""The pytest plugin on scratch course repositories: every part a test item, the witness table
on failure, ``--derivekit-seed``, ``-n`` and ``--junit-xml``."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET

import pytest

PROBLEM = textwrap.dedent('''
    from derivekit.model import Derivative, Given, Problem, Source
    from derivekit.ops import scalar

    PROBLEM = Problem(
        id="quadratic-form",
        title="Gradient of a quadratic form",
        source=Source("course.txt", "1"),
        statement=r"Find $\\nabla_x x^T A x$.",
        givens=(Given("x", ("n", 1)), Given("A", ("n", "n"))),
        shapes=({"n": 2}, {"n": 3}, {"n": 4}),
        parts=(
            Derivative(name="grad", asks="gradient", of=lambda x, A: scalar(x.T @ A @ x),
                       wrt="x", answer=lambda x, A: (A + A.T) @ x, answer_latex="(A+A^T)x",
                       underivable="stated in Python"),
            Derivative(name="grad-symmetric", asks="gradient (A assumed symmetric)",
                       of=lambda x, A: scalar(x.T @ A @ x), wrt="x",
                       answer=lambda x, A: 2 * A @ x, answer_latex="2Ax",
                       underivable="stated in Python"),
        ),
    )
''')


@pytest.fixture
def course(pytester: pytest.Pytester) -> pytest.Pytester:
    (pytester.path / "problems" / "algebra").mkdir(parents=True)
    (pytester.path / "problems" / "algebra" / "quadratic.py").write_text(PROBLEM)
    (pytester.path / "problems" / "algebra" / "_helpers.py").write_text("X = 1\n")
    return pytester


def test_parts_are_tests_and_a_wrong_one_shows_the_witness_table(course) -> None:
    result = course.runpytest("-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "problems/algebra/quadratic.py::grad PASSED*",
        "problems/algebra/quadratic.py::grad-symmetric FAILED*",
        "*quadratic-form/grad-symmetric: failed (derivative, denominator layout)*",
        "witness * result * points * max abs error * max rel error * tolerance * detail",
        "jax-autodiff * DISAGREES * 15 *",
        "finite-difference * DISAGREES *",
    ])


def test_naming_a_problem_file_collects_its_parts_once(course) -> None:
    result = course.runpytest("problems/algebra/quadratic.py", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["problems/algebra/quadratic.py::grad",
                                 "problems/algebra/quadratic.py::grad-symmetric",
                                 "2 tests collected*"])


def test_xdist_junit_and_seed(course) -> None:
    result = course.runpytest_subprocess("-n", "2", "--junit-xml=out.xml",
                                         "--derivekit-seed", "7")
    result.assert_outcomes(passed=1, failed=1)
    cases = ET.parse(course.path / "out.xml").getroot().findall(".//testcase")
    assert sorted(c.get("name") for c in cases) == ["grad", "grad-symmetric"]
    failure = next(c for c in cases if c.get("name") == "grad-symmetric").find("failure")
    assert failure is not None and "DISAGREES" in failure.text
    seven = [line for line in result.outlines if "DISAGREES" in line]
    other = [line for line in course.runpytest("--derivekit-seed", "8").outlines
             if "DISAGREES" in line]
    assert seven and other and seven != other  # other random points


def test_configured_folder_and_a_broken_file(pytester: pytest.Pytester) -> None:
    (pytester.path / "sets").mkdir()
    (pytester.path / "sets" / "quadratic.py").write_text(PROBLEM)
    (pytester.path / "sets" / "broken.py").write_text("PROBLEM = 3\n")
    pytester.makeini("[pytest]\nderivekit_problems = sets\n")
    result = pytester.runpytest("-q", "-k", "not symmetric", "--continue-on-collection-errors")
    result.assert_outcomes(passed=1, errors=1, deselected=1)
    result.stdout.fnmatch_lines(["*sets/broken.py: defines no PROBLEM = Problem(...)*"])
    assert "Traceback" not in result.stdout.str()


def test_a_project_whose_testpaths_leave_problems_out_is_untouched(course) -> None:
    course.makeini("[pytest]\ntestpaths = tests\n")
    (course.path / "tests").mkdir()
    (course.path / "tests" / "test_one.py").write_text("def test_one():\n    pass\n")
    result = course.runpytest("-q")
    result.assert_outcomes(passed=1)
    disabled = course.runpytest("-q", "-p", "no:derivekit", ".")
    disabled.assert_outcomes(passed=1)
