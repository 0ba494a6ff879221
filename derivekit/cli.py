"""The ``derivekit`` command: a thin typer layer over library calls.

Heavy libraries (sympy, jax, numpy) are imported inside the commands that need them, so
``derivekit --help`` stays instant. User mistakes (DerivekitError) become one line on stderr
and exit status 2; a problem that fails verification gives exit status 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Callable, Optional, TypeVar

import typer

from derivekit import __version__
from derivekit.errors import DerivekitError
from derivekit.terminal import console as _console
from derivekit.train.cli import TRAIN_HELP, train_command  # typer only: no jax at import

if TYPE_CHECKING:
    from derivekit.model import Problem
    from derivekit.verdict import ProblemVerdict

T = TypeVar("T")

app = typer.Typer(
    name="derivekit",
    help="State deep-learning derivations, derive them, and prove them numerically.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

ProblemsDir = Annotated[
    Optional[Path],
    typer.Option("--problems", help="Problems directory (default: $DERIVEKIT_PROBLEMS or the "
                 "repository's problems/).", show_default=False),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")]

_STATUS_STYLE = {"verified": "green", "failed": "bold red", "error": "bold yellow"}
_WITNESS_MARK = {True: "[green]✓[/]", False: "[bold red]✗[/]", None: "[dim]–[/]"}


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", err=True, fg="red")
    raise typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"derivekit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """derivekit: every closed form proved by an independent numeric witness."""


# --------------------------------------------------------------------------- list / show
@app.command("list")
def list_problems(problems: ProblemsDir = None, json: JsonFlag = False,
                  underivable: Annotated[bool, typer.Option(
                      "--underivable", help="List the derivative parts the matrix deriver "
                      "does not derive, and why.")] = False) -> None:
    """List the problems in the catalog."""
    from derivekit import registry

    catalog = _guard(lambda: registry.catalog(problems))
    if underivable:
        _list_underivable(catalog, json)
        return
    if json:
        import json as json_lib

        typer.echo(json_lib.dumps([
            {"id": p.id, "title": p.title, "seed": p.source.seed, "section": p.source.section,
             "parts": [part.name for part in p.parts]} for p in catalog.values()
        ], indent=2))
        return
    from rich.table import Table

    table = Table("id", "title", "source", "parts", box=None, header_style="bold")
    for p in catalog.values():
        table.add_row(p.id, p.title, f"{p.source.seed[:3]} §{p.source.section}",
                      str(len(p.parts)))
    _console().print(table)


def _list_underivable(catalog: dict[str, Problem], json: bool) -> None:
    from derivekit.model import Derivative

    parts = [(p, part) for p in catalog.values() for part in p.parts
             if isinstance(part, Derivative)]
    left = [(p.id, part.name, part.underivable or "states no expression")
            for p, part in parts if not part.expression]
    if json:
        import json as json_lib

        typer.echo(json_lib.dumps({"derivative_parts": len(parts), "derived": len(parts) -
                                   len(left), "underivable": [
                                       {"problem": p, "part": n, "why": why}
                                       for p, n, why in left]}, indent=2))
        return
    from rich.table import Table

    console = _console()
    if left:
        table = Table("problem", "part", "why", box=None, header_style="bold")
        for row in left:
            table.add_row(*row)
        console.print(table)
    console.print(f"{len(parts) - len(left)} of {len(parts)} derivative parts are derived by "
                  f"the matrix deriver; {len(left)} are not.")


@app.command()
def show(problem_id: Annotated[str, typer.Argument(help="Problem id, e.g. gan-gradients.")],
         problems: ProblemsDir = None) -> None:
    """Show a problem: statement, givens, and the closed form of every part."""
    from derivekit import registry

    problem = _guard(lambda: registry.lookup(problem_id, problems))
    _print_problem(problem)


def _print_problem(problem: Problem, parts: bool = True) -> None:
    console = _console()
    console.print(f"[bold]{problem.id}[/] — {problem.title}")
    console.print(f"[dim]source: {problem.source.seed} §{problem.source.section}[/]")
    console.print(problem.statement, markup=False)
    givens = ", ".join(
        f"{g.name}{_shape_text(g.shape)}" + ("" if g.domain.kind == "real"
                                             else f" ∈ {g.domain.describe()}")
        for g in problem.givens)
    console.print(f"[dim]givens:[/] {givens}", markup=True)
    for part in problem.parts if parts else ():
        layout = getattr(part, "layout", None)
        suffix = f"  [dim]({layout} layout)[/]" if layout else ""
        console.print(f"  [bold]{part.name}[/] [dim]{part.KIND}[/]: ", end="")
        console.print(part.asks, markup=False)
        console.print("      = ", end="")
        console.print(part.answer_latex, markup=False, end="")
        console.print(suffix)


def _shape_text(shape: tuple) -> str:
    return "" if shape == () else "[" + "×".join(map(str, shape)) + "]"


# --------------------------------------------------------------------------- verify
@app.command()
def verify(
    problem_ids: Annotated[Optional[list[str]], typer.Argument(
        help="Problem ids to verify.", show_default=False)] = None,
    all_problems: Annotated[bool, typer.Option("--all", help="Verify every problem.")] = False,
    json: JsonFlag = False,
    junit_xml: Annotated[Optional[Path], typer.Option(
        "--junit-xml", help="Also write JUnit XML here (for CI dashboards).",
        show_default=False)] = None,
    seed: Annotated[int, typer.Option(help="Seed for every random point and sample.")] = 0,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes for several "
                                      "problems (0: one per core).")] = 0,
    timings: Annotated[bool, typer.Option(
        "--timings", help="Also print how long each problem took (output then differs "
        "between runs).")] = False,
    problems: ProblemsDir = None,
    wrong_variants: Annotated[Optional[bool], typer.Option(
        "--wrong-variants/--no-wrong-variants", help="Also require every declared wrong "
        "answer and automatic mutant to be rejected (default: on with --problems).",
        show_default=False)] = None,
) -> None:
    """Derive and numerically witness problems; exit 1 if any part is not verified."""
    from derivekit import registry

    if bool(problem_ids) == all_problems:
        _fail("give problem ids or --all (not both)")
    if junit_xml is not None and junit_xml.is_dir():
        _fail(f"--junit-xml {junit_xml} is a directory")
    if jobs < 0:
        _fail("--jobs must be 0 (auto) or a positive number")
    if all_problems:
        selected = list(_guard(lambda: registry.catalog(problems)).values())
    else:
        selected = [_guard(lambda pid=pid: registry.lookup(pid, problems))
                    for pid in dict.fromkeys(problem_ids or [])]
    from derivekit.verify import verify_problem, verify_with_wrong_variants

    check_wrong = problems is not None if wrong_variants is None else wrong_variants
    work = verify_with_wrong_variants if check_wrong else verify_problem
    verdicts = _run_with_progress(work, selected, seed, jobs)

    from derivekit import verdict as verdict_lib

    if junit_xml is not None:
        junit_xml.parent.mkdir(parents=True, exist_ok=True)
        junit_xml.write_text(verdict_lib.to_junit_xml(verdicts), encoding="utf-8")
    if json:
        typer.echo(verdict_lib.to_json(verdicts))
    elif len(verdicts) <= 3:
        by_id = {p.id: p for p in selected}
        for v in verdicts:
            _print_problem(by_id[v.id], parts=False)
            _print_verdict(v, timings)
    else:
        _print_summary(verdicts, timings)
    if any(v.status != "verified" for v in verdicts):
        raise typer.Exit(1)


def _run_with_progress(work: Callable[[Problem, int], T], selected: list[Problem], seed: int,
                       jobs: int, done: str = "verified") -> list[T]:
    """``work(problem, seed)`` for each problem (in worker processes); on stderr a bar (a
    terminal) or a log line per tenth of the problems."""
    from derivekit.verify import default_jobs, map_problems

    jobs = jobs or default_jobs()
    if len(selected) < 2:
        return map_problems(work, selected, seed, jobs)
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn

    from derivekit.terminal import progress

    with progress((TextColumn(done), BarColumn(), MofNCompleteColumn())) as shown:
        task = shown.add_task(done, total=len(selected), unit="problem")
        return map_problems(work, selected, seed, jobs,
                            on_done=lambda _: shown.update(task, advance=1))


def _print_verdict(v: ProblemVerdict, timings: bool = False) -> None:
    console = _console()
    for p in v.parts:
        mark = {"verified": "[green]✓[/]", "failed": "[bold red]✗[/]"}.get(p.status,
                                                                          "[bold yellow]![/]")
        layout = f", {p.layout} layout" if p.layout else ""
        console.print(f" {mark} [bold]{p.name}[/] [dim]({p.asks}{layout})[/]")
        console.print("     = ", end="")
        console.print(p.answer_latex, markup=False)
        marks = " · ".join(f"{w.name} {_WITNESS_MARK[w.passed]}" for w in p.witnesses)
        console.print(f"     [dim]witnesses:[/] {marks}")
        worst = p.worst
        if worst is not None and p.status == "verified":
            console.print(f"     [dim]max error {p.max_error:.2g} at {worst.points} points; "
                          f"closest to its tolerance: {worst.name} (rtol {worst.rtol:.0e}, "
                          f"atol {worst.atol:.0e})[/]")
        if p.status != "verified":
            console.print("     ", end="")
            console.print(p.message, markup=False, style="red")
    notes = sorted({note for p in v.parts for w in p.witnesses
                    for note in w.detail.split("; ") if "non-smooth" in note})
    for note in notes:
        console.print(f"   [dim]note: {note}[/]")
    elapsed = f", {v.elapsed_s:.2f} s" if timings else ""
    console.print(f"[{_STATUS_STYLE[v.status]}]{v.id}: {v.status}[/] "
                  f"({sum(p.status == 'verified' for p in v.parts)}/{len(v.parts)} parts, "
                  f"seed {v.seed}{elapsed})\n")


def _print_summary(verdicts: list[ProblemVerdict], timings: bool = False) -> None:
    from rich.table import Table

    console = _console()
    table = Table("problem", "status", "parts", "source", *(("time",) if timings else ()),
                  box=None, header_style="bold")
    for v in verdicts:
        ok = sum(p.status == "verified" for p in v.parts)
        table.add_row(v.id, f"[{_STATUS_STYLE[v.status]}]{v.status}[/]",
                      f"{ok}/{len(v.parts)}", v.source,
                      *((f"{v.elapsed_s:.2f} s",) if timings else ()))
    console.print(table)
    for v in verdicts:
        for p in v.parts:
            if p.status != "verified":
                console.print(f"[bold red]{v.id}/{p.name}[/]: ", end="")
                console.print(p.message, markup=False)
    good = sum(v.status == "verified" for v in verdicts)
    console.print(f"{good}/{len(verdicts)} problems verified")


# --------------------------------------------------------------------------- audit
@app.command()
def audit(
    seeds: Annotated[Optional[list[str]], typer.Argument(
        help="Seed files to audit (file name or its number, e.g. 000).",
        show_default=False)] = None,
    all_seeds: Annotated[bool, typer.Option("--all", help="Audit every seed.")] = False,
    json: JsonFlag = False,
    seed: Annotated[int, typer.Option(help="Seed for every random point and sample.")] = 0,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0: one per "
                                      "core).")] = 0,
    problems: ProblemsDir = None,
) -> None:
    """Judge each seed claim against the verified truth: correct, wrong, partly, unverifiable."""
    from derivekit import audit as audit_lib
    from derivekit import registry

    if bool(seeds) == all_seeds:
        _fail("give seed names or --all (not both)")
    if jobs < 0:
        _fail("--jobs must be 0 (auto) or a positive number")
    catalog = list(_guard(lambda: registry.catalog(problems)).values())
    selected = catalog if all_seeds else [p for p in catalog if audit_lib.matches(p, seeds)]
    if not selected:
        known = sorted({p.source.seed for p in catalog})
        _fail(f"no problem cites {', '.join(seeds or [])} (seeds: {', '.join(known)})")
    entries = [e for found in _run_with_progress(audit_lib.audit_problem, selected, seed, jobs,
                                                 "audited") for e in found]
    if json:
        import json as json_lib

        typer.echo(json_lib.dumps(audit_lib.to_dicts(entries), indent=2))
        return
    from rich.table import Table

    style = {"correct": "green", "wrong": "bold red", "partly": "yellow", "unverifiable": "dim"}
    table = Table("seed", "§", "problem / part", "verdict", "claim / detail", box=None,
                  header_style="bold")
    for e in entries:
        table.add_row(e.seed[:3], e.section, f"{e.problem}\n{e.part}",
                      f"[{style[e.verdict]}]{e.verdict}[/]", f"{e.claim}\n[dim]{e.detail}[/]")
    console = _console()
    console.print(table)
    for name, counts in audit_lib.summary(entries).items():
        console.print(f"{name}: " + ", ".join(f"{counts[v]} {v}" for v in audit_lib.VERDICTS))
    why = audit_lib.unverifiable(entries)
    if why:
        console.print(f"{sum(why.values())} claims unverifiable: " + ", ".join(
            f"{n} {kind}" for kind, n in why.items()) + " (each with its reason above)")


# --------------------------------------------------------------------------- sheet
@app.command()
def sheet(
    problem_ids: Annotated[Optional[list[str]], typer.Argument(
        help="Problem ids: one sheet each.", show_default=False)] = None,
    seeds: Annotated[Optional[list[str]], typer.Option(
        "--seed", help="A seed file (or its number): one answer key for all its problems.",
        show_default=False)] = None,
    all_seeds: Annotated[bool, typer.Option("--all", help="One answer key per seed.")] = False,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("sheets"),
    formats: Annotated[Optional[list[str]], typer.Option(
        "--format", help="tex (default) and/or md; repeat for both.",
        show_default=False)] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Compile the .tex with latexmk.")] = False,
    training_log: Annotated[Optional[Path], typer.Option(
        "--training-log", help="A trainer's JSONL metrics: adds training curves.",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option(help="Overwrite files that differ.")] = False,
    problems: ProblemsDir = None,
) -> None:
    """Write LaTeX/Markdown answer sheets: steps, boxed answers, evidence, seed notes."""
    from derivekit import audit as audit_lib
    from derivekit import registry
    from derivekit.sheet import build as build_lib

    if sum(map(bool, (problem_ids, seeds, all_seeds))) != 1:
        _fail("give problem ids, --seed SEED, or --all (one of them)")
    catalog = list(_guard(lambda: registry.catalog(problems)).values())
    if problem_ids:
        chosen = [_guard(lambda pid=pid: registry.lookup(pid, problems))
                  for pid in dict.fromkeys(problem_ids)]
        selections = build_lib.per_problem(chosen)
    else:
        chosen = catalog if all_seeds else [p for p in catalog
                                            if audit_lib.matches(p, seeds or [])]
        if not chosen:
            _fail(f"no problem cites {', '.join(seeds or [])}")
        selections = build_lib.per_seed(chosen)
    formats = formats or ["tex"]
    if pdf and "tex" not in formats:
        formats = ["tex", *formats]
    written = _guard(lambda: build_lib.build(selections, out, formats, training_log, force))
    console = _console()
    for path in written:
        console.print(f"wrote {path}", markup=False)
    if pdf:
        from derivekit.sheet.compile import compile_pdf

        for selection in selections:
            tex = out / f"{selection.stem}.tex"
            console.print(f"wrote {_guard(lambda t=tex: compile_pdf(t))}", markup=False)


# --------------------------------------------------------------------------- check
_VERDICT_STYLE = {"equivalent": "green", "equivalent-wrong-form": "yellow",
                  "not-equivalent": "bold red", "invalid": "bold yellow"}


_NOTATION = (
    "Notation (LaTeX or ASCII): 2\\mathbf{A}, A.T @ x, W^\\top \\delta, \\sigma(a)\\odot(1-\\sigma(a)), "
    "\\|Xw-y\\|^2, \\frac1n\\sum x; entries x_1, X_{:,t} (from 1) or x[0], p[:-1] "
    "(NumPy); \\sum_{i=1}^{n} x_i y_i, \\prod_{j<i} s_j; blocks [a; b]; definitions after "
    "'where': ... where h_0 = x, h_t = tanh(W h_{t-1}); Boolean A \\vee \\bar B, A and not B. "
    "The README's 'Checking typed answers' has the full list."
)


@app.command("check", epilog=_NOTATION)
def check_answer(
    problem_id: Annotated[Optional[str], typer.Argument(help="Problem id.",
                                                        show_default=False)] = None,
    part_name: Annotated[Optional[str], typer.Argument(help="Part name (see derivekit show).",
                                                       show_default=False)] = None,
    answer: Annotated[Optional[str], typer.Option(
        "--answer", "-a", help="The answer, LaTeX or ASCII.", show_default=False)] = None,
    answer_file: Annotated[Optional[Path], typer.Option(
        "--answer-file", help="Read the answer from a file.", show_default=False)] = None,
    batch: Annotated[Optional[Path], typer.Option(
        "--batch", help="CSV with columns student, problem, part, answer (or JSON: see the "
        "README).", show_default=False)] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", help="Batch results file (.csv or .json).", show_default=False)] = None,
    output_format: Annotated[Optional[str], typer.Option(
        "--format", help="Batch results as csv, json, gradescope (results.json) or "
        "prairielearn (default: by --out's suffix; without --out, printed).",
        show_default=False)] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Batch: worker processes (0: as "
                                      "many as pay, up to one per core).")] = 0,
    dask: Annotated[Optional[str], typer.Option(
        "--dask", help="Batch: grade on a Dask cluster, tcp://host:8786 or local:N.",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option(help="Overwrite --out if it exists.")] = False,
    any_layout: Annotated[bool, typer.Option(
        "--any-layout", help="Accept derivatives in either layout (the reply names it).")
    ] = False,
    json: JsonFlag = False,
    seed: Annotated[int, typer.Option(help="Seed for the comparison points.")] = 0,
    problems: ProblemsDir = None,
) -> None:
    """Grade typed answers against the verified truth (exit 0 all equivalent, 1 not)."""
    from derivekit import grade, registry

    if batch is not None:
        if problem_id or part_name or answer is not None or answer_file is not None:
            _fail("--batch takes no problem, part or answer")
        _check_batch(batch, out, output_format, force, json, seed, any_layout, jobs, dask,
                     problems)
    if jobs or dask or output_format:
        _fail("--jobs, --dask and --format are for --batch")
    if not problem_id or not part_name:
        _fail("give PROBLEM PART --answer TEXT (or --batch answers.csv)")
    if (answer is None) == (answer_file is None):
        _fail("give exactly one of --answer or --answer-file")
    if answer_file is not None:
        answer = _guard(lambda: _read_answer(answer_file))
    problem = _guard(lambda: registry.lookup(problem_id, problems))
    part = _guard(lambda: problem.part(part_name))
    feedback = grade.check(problem, part, answer, seed, any_layout=any_layout)
    if json:
        import json as json_lib

        typer.echo(json_lib.dumps(feedback.to_dict(), indent=2))
    else:
        _print_feedback(feedback)
    raise typer.Exit({"equivalent": 0, "equivalent-wrong-form": 1,
                      "not-equivalent": 1}.get(feedback.verdict, 2))


def _read_answer(path: Path) -> str:
    """The answer in ``path``; a longer one is read only past the limit, so that grading
    calls it too long (an ``invalid`` answer, not a usage error)."""
    from derivekit.expr.parse import MAX_LENGTH

    try:
        with path.open(encoding="utf-8") as handle:
            text = handle.read(MAX_LENGTH + 1)
    except (OSError, UnicodeDecodeError) as exc:
        raise DerivekitError(f"cannot read {path}: {exc}") from None
    return text if len(text) > MAX_LENGTH else text.strip()


def _check_batch(path: Path, out: Optional[Path], output_format: Optional[str], force: bool,
                 json: bool, seed: int, any_layout: bool, jobs: int, dask: Optional[str],
                 problems: Optional[Path]) -> None:
    from derivekit import batch

    if jobs < 0:
        _fail("--jobs must be 0 (auto) or a positive number")
    if out is not None or output_format is not None:
        output_format = _guard(lambda: batch.format_for(out, output_format))
    if out is not None and out.exists() and not force:
        _fail(f"{out} exists; pass --force to overwrite")
    if out is not None and not out.parent.is_dir():
        _fail(f"{out.parent} is not a folder (for --out {out})")
    rows = _guard(lambda: batch.read_batch(path))
    if not sys.stderr.isatty():
        results = _guard(lambda: batch.check_batch(rows, problems, seed, any_layout, jobs,
                                                   dask))
    else:
        from rich.progress import Progress

        with Progress(console=_console(stderr=True), transient=True) as progress:
            task = progress.add_task("checking", total=len(rows))
            results = _guard(lambda: batch.check_batch(
                rows, problems, seed, any_layout, jobs, dask,
                on_done=lambda n: progress.advance(task, n)))
    if out is not None:
        _guard(lambda: batch.write_results(results, out, output_format, force))
    if json or (out is None and output_format is not None):
        typer.echo(batch.render(results, "json" if json else output_format), nl=False)
    else:
        _print_batch(results)
    raise typer.Exit(0 if all(r["verdict"] == "equivalent" for r in results) else 1)


def _print_feedback(feedback) -> None:  # noqa: ANN001
    console = _console()
    style = _VERDICT_STYLE[feedback.verdict]
    console.print(f"[{style}]{feedback.verdict}[/]  {feedback.problem}/{feedback.part}")
    if feedback.interpreted:
        console.print(f"your answer was interpreted as: {feedback.interpreted}", markup=False)
    if feedback.layout:
        console.print(f"layout: {feedback.layout}", markup=False)
    if feedback.form:
        console.print(f"form asked: {feedback.form}", markup=False)
    if feedback.diagnosis:
        console.print(f"diagnosis: {feedback.diagnosis}", markup=False)
    console.print(feedback.message, markup=False)
    if feedback.evidence:
        console.print(f"evidence: {feedback.evidence}", markup=False)
    example = feedback.counterexample
    if example:
        console.print(f"counterexample at shapes {example['shapes']}:", markup=False)
        console.print(f"  expected {example['expected']}", markup=False)
        console.print(f"  given    {example['given']}", markup=False)


def _print_batch(results: list) -> None:
    from rich.table import Table

    from derivekit import batch

    counts = batch.summary(results)
    verdicts = list(dict.fromkeys(v for per_part in counts.values() for v in per_part))
    table = Table("problem", "part", *verdicts, box=None, header_style="bold")
    for (problem, part), per_part in counts.items():
        table.add_row(problem or "(none)", part or "(none)",
                      *(str(per_part.get(v, 0)) for v in verdicts))
    console = _console()
    console.print(table)
    console.print(batch.describe(results), markup=False)


# --------------------------------------------------------------------------- derive
GivenOption = Annotated[list[str], typer.Option(
    "--given", "-g", help="NAME:SHAPE[:DOMAIN], repeatable. SHAPE: scalar, n (a column) or "
    "m,n (symbols or numbers); DOMAIN: real (default), positive, invertible.")]
WrtOption = Annotated[str, typer.Option("--wrt", help="The variable to differentiate by.")]


LetOption = Annotated[Optional[list[str]], typer.Option(
    "--let", help="A named intermediate NAME=EXPRESSION (repeatable, in order), e.g. "
    "'z1=W1@x+b1': the expression may use it and the result is written with it.",
    show_default=False)]


def _derive(expression: str, wrt: str, given: list[str], layout: str, seed: int,  # noqa: ANN202
            let: Optional[list[str]] = None):
    import derivekit

    return derivekit.derive(expression, wrt, given, layout=layout, lets=let or [], seed=seed)


class _ExpressionCommand(typer.core.TyperCommand):
    """``derivekit derive "-sum(y.*log(softmax(a)))" …``: an argument that starts with '-' but
    is no option of the command (nor an option's value) is the expression, wherever it
    stands; click would otherwise read ``-sum(…g…)`` as a bundle of short flags."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        takes_value = {name for p in self.params if p.param_type_name == "option"
                       and not p.is_flag for name in p.opts}
        known = {name for p in self.params for name in getattr(p, "opts", ())} | {"--help"}
        expecting, kept, expression = False, [], []
        for arg in args:
            if arg == "--" or "--" in kept or expression:
                kept.append(arg)
            elif not expecting and arg.startswith("-") and arg.split("=")[0] not in known:
                expression.append(arg)
                continue
            else:
                kept.append(arg)
            expecting = arg in takes_value and not expecting
        return super().parse_args(ctx, kept + (["--", *expression] if expression else []))


@app.command(cls=_ExpressionCommand)
def derive(
    expression: Annotated[str, typer.Argument(help="ASCII or LaTeX, e.g. 'log(det(X))', "
                                              "'trace((X@w-t)@(X@w-t).T)', 'sigmoid(w.T@x)', "
                                              "\"-x' A x\".")],
    wrt: WrtOption,
    given: GivenOption,
    layout: Annotated[str, typer.Option(help="denominator (gradient has the variable's "
                                        "shape) or numerator.")] = "denominator",
    at: Annotated[Optional[Path], typer.Option(
        "--at", help="A JSON file of values, one per given: a number (scalar), a list (a "
        "column vector) or a list of rows (a matrix); also print the derivative there.",
        show_default=False)] = None,
    latex: Annotated[bool, typer.Option("--latex", help="Print the result as LaTeX.")] = False,
    json: JsonFlag = False,
    seed: Annotated[int, typer.Option(help="Seed for the witnesses' random points.")] = 0,
    let: LetOption = None,
) -> None:
    """Derive a matrix-form gradient or Jacobian and prove it before printing it."""
    from derivekit.derivation import verified
    from derivekit.expr.render import ascii_
    from derivekit.expr.render import latex as to_latex

    values = _guard(lambda: verified.read_values(at)) if at else None  # before any work
    derived = _guard(lambda: _derive(expression, wrt, given, layout, seed, let))
    value = _guard(lambda: verified.value_at(derived, at, values)) if at else None
    if json:
        import json as json_lib

        typer.echo(json_lib.dumps(verified.to_dict(derived, value), indent=2))
        raise typer.Exit(0 if derived.verified else 1)
    if not derived.verified:
        _fail_verdict(f"derivation of d/d{wrt} failed its witnesses, not shown: "
                      f"{derived.verdict.message}")
    result = derived.display or derived.derivation.result
    text = to_latex(result) if latex else ascii_(result)
    shape = "×".join(map(str, result.shape)) or "scalar"
    console = _console()
    console.print(f"d/d{wrt} ({derived.derivation.layout} layout, {shape}) = {text}",
                  markup=False)
    witnesses = ", ".join(f"{w.name} {_WITNESS_MARK[w.passed]}"
                          for w in derived.verdict.witnesses)
    for name, tree in derived.intermediates.items():
        console.print(f"  where {name} = {to_latex(tree) if latex else ascii_(tree)}",
                      markup=False)
    console.print(f"[green]verified[/]: {witnesses}; max error {derived.verdict.max_error:.1e}")
    if value is not None:
        import numpy as np

        console.print("at the given values:", markup=False)
        console.print(np.array2string(value, precision=10), markup=False)


def _fail_verdict(message: str) -> None:
    typer.secho(f"not verified: {message}", err=True, fg="red")
    raise typer.Exit(1)


@app.command(cls=_ExpressionCommand)
def codegen(
    expression: Annotated[str, typer.Argument(help="As for derive.")],
    wrt: WrtOption,
    given: GivenOption,
    layout: Annotated[str, typer.Option(help="denominator or numerator.")] = "denominator",
    name: Annotated[str, typer.Option(help="Name of the generated function.")] = "derivative",
) -> None:
    """Print a Python module computing the verified derivative with NumPy or JAX arrays."""
    from derivekit.expr.render import ascii_, python_source

    if not name.isidentifier():
        _fail(f"--name {name!r} is not a Python identifier")
    derived = _guard(lambda: _derive(expression, wrt, given, layout, 0))
    if not derived.verified:
        _fail_verdict(derived.verdict.message)
    doc = (f"d/d{wrt} of {ascii_(derived.expression)} ({derived.derivation.layout} layout), "
           f"verified: {ascii_(derived.derivation.result)}")
    typer.echo(python_source(derived.derivation.result, name, derived.shapes, doc))


# --------------------------------------------------------------------------- serve
@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (the default: this machine "
                                      "only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: any free one).")] = 8000,
    problems: ProblemsDir = None,
) -> None:
    """Serve a web page to check answers in the browser (Ctrl-C stops)."""
    from derivekit.web.server import is_loopback
    from derivekit.web.server import serve as run_server

    if not is_loopback(host):
        typer.secho(f"note: listening on {host}: others on the network can use this page",
                    err=True, fg="yellow")
    _guard(lambda: run_server(host, port, problems, announce=lambda url: typer.echo(
        f"derivekit serve: {url} (Ctrl-C stops)")))


def _guard(action):  # noqa: ANN001, ANN202
    """Run a library call; a DerivekitError becomes one line and exit status 2."""
    try:
        return action()
    except DerivekitError as exc:
        _fail(str(exc))


app.command("train", help=TRAIN_HELP, no_args_is_help=True)(train_command)


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except DerivekitError as exc:  # raised outside a guarded call
        typer.secho(f"error: {exc}", err=True, fg="red")
        sys.exit(2)
