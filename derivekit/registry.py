"""Find problem files, load them, look problems up by id (with "did you mean").

Problems live in ``problems/<topic>/<name>.py`` and define ``PROBLEM = Problem(...)``. The
engine never imports a specific problem; it scans the directory. The directory is, in order:
the ``--problems`` option, ``$DERIVEKIT_PROBLEMS``, the ``problems/`` folder beside the
package (a source checkout or editable install), then ``./problems``.

Problem files are Python and run when loaded: treat a problem pack like any plugin. Typed
answers (``derivekit check``) are a different matter and never reach ``eval``.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import sys
from functools import lru_cache
from pathlib import Path

from derivekit.derivation.statement import state
from derivekit.errors import ProblemDefinitionError, UnknownProblemError
from derivekit.model import Problem

ENV_VAR = "DERIVEKIT_PROBLEMS"


def default_root() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    beside_package = Path(__file__).resolve().parent.parent / "problems"
    if beside_package.is_dir():
        return beside_package
    return Path.cwd() / "problems"


def problem_files(root: Path) -> list[Path]:
    if not root.is_dir():
        raise ProblemDefinitionError(
            f"no problems directory at {root} (set ${ENV_VAR} or pass --problems DIR)")
    return sorted(p for p in root.rglob("*.py") if not p.name.startswith("_"))


def load_file(path: Path) -> Problem:
    """Import one problem file and return its ``PROBLEM``."""
    module_name = "derivekit_problem_" + "_".join(path.with_suffix("").parts[-2:]).replace(
        "-", "_")
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ProblemDefinitionError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except ProblemDefinitionError as exc:
        raise ProblemDefinitionError(f"{path}: {exc}") from None
    except SyntaxError as exc:
        raise ProblemDefinitionError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    except Exception as exc:  # a problem file is user code: report it in one line
        raise ProblemDefinitionError(f"{path}: {type(exc).__name__}: {exc}") from None
    problem = getattr(module, "PROBLEM", None)
    if not isinstance(problem, Problem):
        raise ProblemDefinitionError(f"{path}: defines no PROBLEM = Problem(...)")
    problem = state(problem)
    object.__setattr__(problem, "path", str(path))
    return problem


@lru_cache(maxsize=8)
def _catalog(root: Path) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    for path in problem_files(root):
        problem = load_file(path)
        if problem.id in problems:
            raise ProblemDefinitionError(
                f"duplicate problem id {problem.id!r} in {path} and {problems[problem.id].path}")
        problems[problem.id] = problem
    return dict(sorted(problems.items()))


def catalog(root: Path | None = None) -> dict[str, Problem]:
    """All problems under ``root``, by id, sorted."""
    return _catalog((root or default_root()).resolve())


def lookup(problem_id: str, root: Path | None = None) -> Problem:
    problems = catalog(root)
    if problem_id in problems:
        return problems[problem_id]
    close = difflib.get_close_matches(problem_id, problems, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `derivekit list` shows all ids"
    raise UnknownProblemError(f"unknown problem id {problem_id!r}{hint}")
