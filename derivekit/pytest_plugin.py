"""pytest plugin (entry point ``pytest11``): in a course repository, ``pytest`` verifies every
part of every problem file as a test item, and a failing part shows its witness table.

Problem files are found under the ini option ``derivekit_problems`` (paths relative to the
ini file; default ``problems`` in the root directory) or ``--derivekit-problems DIR``
(relative to where pytest runs); files starting with ``_`` and conftest.py are not problems.
``--derivekit-seed N`` chooses the random points. Items carry the ``derivekit`` marker, work
with ``-n`` (pytest-xdist: every worker collects the same items) and ``--junit-xml``; ``-p
no:derivekit`` turns the plugin off. The plugin only collects inside the directories pytest
walks, so a project whose ``testpaths`` leaves its problems out (derivekit's own) is not
affected. This module imports nothing heavy until a problem file is collected.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

ROOTS = pytest.StashKey[tuple[Path, ...]]()
SEED = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derivekit", "derivekit problem files")
    group.addoption("--derivekit-problems", action="append", default=[], metavar="DIR",
                    help="collect the problem files under DIR as tests (repeatable; default: "
                         "the ini option derivekit_problems, or problems/ in the root dir)")
    group.addoption("--derivekit-seed", type=int, default=None, metavar="N",
                    help="seed of every random point and sample (default: ini "
                         "derivekit_seed, or 0)")
    parser.addini("derivekit_problems", "folders of derivekit problem files", type="paths",
                  default=[])
    parser.addini("derivekit_seed", "seed of derivekit's random points", default="0")


def pytest_configure(config: pytest.Config) -> None:
    given = [Path(p) for p in config.getoption("derivekit_problems")]
    configured = [Path(p) for p in config.getini("derivekit_problems")]
    roots = given or configured or [config.rootpath / "problems"]
    config.stash[ROOTS] = tuple(p.resolve() for p in roots)
    seed = config.getoption("derivekit_seed")
    config.stash[SEED] = int(config.getini("derivekit_seed") if seed is None else seed)
    config.addinivalue_line("markers", "derivekit: a part of a derivekit problem file")


def _is_problem_file(path: Path, config: pytest.Config) -> bool:
    if path.suffix != ".py" or path.name.startswith("_") or path.name == "conftest.py":
        return False
    path = path.resolve()
    return any(path.is_relative_to(root) for root in config.stash[ROOTS])


def _python_collects(path: Path, parent: pytest.Collector) -> bool:
    """Whether pytest's python plugin takes this file (named on the command line, or matching
    python_files): it then asks :func:`pytest_pycollect_makemodule`, and must not get a
    second node from :func:`pytest_collect_file`."""
    return parent.session.isinitpath(path) or any(
        fnmatch(path.name, pattern) for pattern in parent.config.getini("python_files"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if _is_problem_file(file_path, parent.config) and not _python_collects(file_path, parent):
        return ProblemFile.from_parent(parent, path=file_path)
    return None


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector
                                ) -> pytest.Collector | None:
    if _is_problem_file(module_path, parent.config):
        return ProblemFile.from_parent(parent, path=module_path)
    return None


class ProblemFile(pytest.File):
    """One problem file: one test item per part."""

    def collect(self):  # noqa: ANN201
        from derivekit.errors import DerivekitError
        from derivekit.registry import load_file

        try:
            problem = load_file(self.path)
        except DerivekitError as exc:
            raise self.CollectError(str(exc)) from None
        for part in problem.parts:
            yield PartItem.from_parent(self, name=part.name, problem=problem, part=part)


class PartNotVerified(Exception):
    """A part whose witnesses did not all agree (or that could not be checked)."""

    def __init__(self, verdict: Any) -> None:
        super().__init__(verdict.message)
        self.verdict = verdict


class PartItem(pytest.Item):
    """A part verified as ``derivekit verify --problems`` does it: every applicable witness
    must agree, and every declared wrong answer and automatic mutant must be rejected."""

    def __init__(self, *, problem: Any, part: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = problem
        self.part = part
        self.add_marker("derivekit")

    def runtest(self) -> None:
        from derivekit.verify import verify_part

        verdict = verify_part(self.problem, self.part, self.config.stash[SEED],
                              wrong_variants=True)
        self.user_properties.append(("derivekit_status", verdict.status))
        if verdict.status != "verified":
            raise PartNotVerified(verdict)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, PartNotVerified):
            from derivekit.sheet.text import part_report

            return part_report(excinfo.value.verdict, f"{self.problem.id}/{self.part.name}")
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.problem.id}/{self.part.name} ({self.part.KIND})"
