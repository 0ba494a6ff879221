"""Choose, verify, render and write answer sheets (no printing: the CLI reports the paths)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from derivekit.audit import audit_problem
from derivekit.errors import DerivekitError
from derivekit.model import Problem
from derivekit.sheet import Solved, latex, markdown
from derivekit.sheet.figures import draw_problem_figure, training_curves
from derivekit.verify import DEFAULT_SEED, verify_problem

FORMATS = {"tex": latex.sheet, "md": markdown.sheet}


@dataclass(frozen=True)
class Selection:
    """One sheet: its file stem, its title, the problems it covers."""

    stem: str
    title: str
    problems: tuple[Problem, ...]


def per_problem(problems: list[Problem]) -> list[Selection]:
    return [Selection(p.id, f"Answer sheet: {p.id}", (p,)) for p in problems]


def per_seed(problems: list[Problem]) -> list[Selection]:
    seeds: dict[str, list[Problem]] = {}
    for p in problems:
        seeds.setdefault(p.source.seed, []).append(p)
    return [Selection(Path(seed).stem, f"Answer key: {seed}", tuple(ps))
            for seed, ps in sorted(seeds.items())]


def build(selections: list[Selection], out: Path, formats: list[str],
          training_log: Path | None = None, force: bool = False,
          seed: int = DEFAULT_SEED) -> list[Path]:
    """Write every selection in every format; returns the written (or unchanged) files.

    An existing file with other content is an error unless ``force``: nothing is overwritten
    silently.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise DerivekitError(f"unknown format {', '.join(unknown)} (use tex or md)")
    if out.exists() and not out.is_dir():
        raise DerivekitError(f"output {out} exists and is not a directory")
    staged: dict[Path, bytes] = {}
    scratch = out / ".derivekit-figures"
    extra = training_curves(training_log, scratch) if training_log else ()
    for selection in selections:
        solved = [solve(p, seed, scratch) for p in selection.problems]
        for fmt in formats:
            text = FORMATS[fmt](selection.title, solved, extra)
            staged[out / f"{selection.stem}.{fmt}"] = text.encode()
    for figure in sorted(scratch.rglob("*")) if scratch.exists() else ():
        if figure.is_file():
            staged[out / figure.relative_to(scratch)] = figure.read_bytes()
    _clean(scratch)
    clashes = [p for p, data in staged.items()
               if p.exists() and p.read_bytes() != data and not force]
    if clashes:
        raise DerivekitError(f"{clashes[0]} exists with other content (pass --force to "
                             "overwrite)")
    for path, data in staged.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    return sorted(staged)


def solve(problem: Problem, seed: int = DEFAULT_SEED, figures_to: Path | None = None) -> Solved:
    """Verify and audit one problem; its figures are drawn into ``figures_to`` when given."""
    verdict = verify_problem(problem, seed)
    figures = tuple(draw_problem_figure(problem.id, f, figures_to)
                    for f in problem.figures) if figures_to else ()
    return Solved(problem, verdict, tuple(audit_problem(problem, seed, verdict)), figures)


def _clean(folder: Path) -> None:
    if not folder.exists():
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    folder.rmdir()
