"""Problem discovery and validation: clear errors for bad problem files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from derivekit import registry
from derivekit.errors import ProblemDefinitionError, UnknownProblemError
from derivekit.model import SPD, Derivative, Given, Problem, Source

MINIMAL = textwrap.dedent('''
    from derivekit.model import Equation, Problem, Source
    PROBLEM = Problem(id="{id}", title="t", source=Source("s.txt", "1"), statement="s",
                      givens=(), parts=(Equation(name="p", asks="a", answer_latex="1",
                                                 lhs=lambda: 1.0, rhs=lambda: 1.0),))
''')


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text)


def test_lookup_suggests_close_ids() -> None:
    with pytest.raises(UnknownProblemError, match="did you mean lstm-jacobian"):
        registry.lookup("lstm-jacobain")


def test_custom_pack(tmp_path: Path) -> None:
    write(tmp_path, "one.py", MINIMAL.format(id="one-problem"))
    assert list(registry.catalog(tmp_path)) == ["one-problem"]


def test_duplicate_ids(tmp_path: Path) -> None:
    write(tmp_path, "a.py", MINIMAL.format(id="same"))
    write(tmp_path, "b.py", MINIMAL.format(id="same"))
    with pytest.raises(ProblemDefinitionError, match="duplicate problem id"):
        registry.catalog(tmp_path)


def test_file_without_problem(tmp_path: Path) -> None:
    write(tmp_path, "empty.py", "X = 1\n")
    with pytest.raises(ProblemDefinitionError, match="defines no PROBLEM"):
        registry.catalog(tmp_path)


def test_env_var_selects_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "one.py", MINIMAL.format(id="from-env"))
    monkeypatch.setenv(registry.ENV_VAR, str(tmp_path))
    assert "from-env" in registry.catalog()


def _derivative(**kw) -> Derivative:
    base = dict(name="g", asks="a", answer_latex="x", of=lambda x: x, wrt="x",
                answer=lambda x: x)
    return Derivative(**{**base, **kw})


def _problem(**kw) -> Problem:
    base = dict(id="ok-id", title="t", source=Source("s.txt", "1"), statement="s",
                givens=(Given("x", ("n", 1)),), parts=(_derivative(),),
                shapes=({"n": 1}, {"n": 2}, {"n": 3}))
    return Problem(**{**base, **kw})


@pytest.mark.parametrize(("change", "message"), [
    ({"id": "Not Kebab"}, "kebab-case"),
    ({"shapes": ({"n": 1},)}, "at least 3 shape sets"),
    ({"shapes": ({"n": 1}, {"n": 2}, {"m": 3})}, "lacks n"),
    ({"parts": (_derivative(wrt="y"),)}, "is not a given"),
    ({"parts": (_derivative(layout="diagonal"),)}, "layout must be"),
    ({"parts": (_derivative(), _derivative())}, "duplicate part names"),
    ({"parts": ()}, "at least one part"),
    ({"givens": (Given("x", ("n", "n"), SPD),)}, "cannot differentiate"),
])
def test_validation(change: dict, message: str) -> None:
    with pytest.raises(ProblemDefinitionError, match=message):
        _problem(**change)


def test_problem_file_raising_is_one_error(tmp_path: Path) -> None:
    write(tmp_path, "boom.py", "import not_a_module_anywhere\n")
    with pytest.raises(ProblemDefinitionError, match="ModuleNotFoundError"):
        registry.catalog(tmp_path)
