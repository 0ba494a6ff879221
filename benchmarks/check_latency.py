"""Latency of ``derivekit.grade.check`` on every typeable answer of the catalog, and batch
throughput on a class.

Answers come from ``tests/answers/<problem-id>.json`` (``{part: {"latex": [...], "ascii":
[...]}}``; parts marked ``untypeable`` are skipped); a problem without such a file falls back
to each part's ``answer_latex``. Every answer is checked once to warm up, then timed three
times (the median counts). The baseline, measured in the same run, is ``parse`` alone on the
same answers: the ratios say how much resolving, evaluating and comparing add to reading.

The class: ``--students`` (300) students answering ``--parts`` (20) parts spread over the
catalog, each answer drawn (seeded) from the part's right answers in the corpus and their
mutants (sign flipped, doubled, transposed), typed with varying spaces. It is graded by
``derivekit.batch.check_batch`` as derivekit graded before batches shared work (every row on
its own: the baseline, measured in the same run), then sharing work at ``-j 1``, ``-j 2``
and on a local Dask cluster of two worker processes; and once more with every answer's text
made distinct (padding), so that only the work shared per part and per answer tree helps.

    python benchmarks/check_latency.py [--students 300] [--parts 20] [--latency/--no-latency]
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import statistics
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from derivekit import batch, grade, registry
from derivekit.batch.rows import Row
from derivekit.errors import DerivekitError
from derivekit.expr.parse import parse

ANSWERS = Path(__file__).resolve().parent.parent / "tests" / "answers"
TARGET_P95_MS = 200.0
TARGET_BATCH_RATIO = 4.0
MUTANTS = ("-({})", "2 ({})", "({})^T")


def answers() -> tuple[list[tuple[str, str, str]], int]:
    """(problem id, part name, answer) for every typeable answer; and the parts skipped."""
    out, skipped = [], 0
    for problem in registry.catalog().values():
        path = ANSWERS / f"{problem.id}.json"
        corpus = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        for part in problem.parts:
            entry = corpus.get(part.name)
            if entry is None:
                texts = [part.answer_latex]
            elif "untypeable" in entry:
                skipped += 1
                continue
            else:
                texts = [*entry.get("latex", []), *entry.get("ascii", [])]
            out.extend((problem.id, part.name, t) for t in texts)
    return out, skipped


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def parse_only(text: str) -> None:
    try:
        parse(text)
    except DerivekitError:
        pass


def percentiles(ms: list[float]) -> tuple[float, float, float]:
    return (float(np.percentile(ms, 50)), float(np.percentile(ms, 95)), max(ms))


def latency(args: argparse.Namespace) -> None:
    catalog = registry.catalog()
    rows, skipped = answers()
    verdicts: Counter[str] = Counter()
    check_ms, parse_ms, slowest = [], [], []
    for problem_id, part_name, text in rows:
        problem = catalog[problem_id]
        part = problem.part(part_name)
        verdicts[grade.check(problem, part, text).verdict] += 1  # warm-up
        ms = median_ms(lambda: grade.check(problem, part, text), args.repeat)
        check_ms.append(ms)
        parse_ms.append(median_ms(lambda: parse_only(grade._split_answer(text, part)[-1]),
                                  args.repeat))
        slowest.append((ms, f"{problem_id}/{part_name}: {text[:50]}"))

    c50, c95, cmax = percentiles(check_ms)
    p50, p95, pmax = percentiles(parse_ms)
    print(f"answers: {len(rows)} over {len({r[:2] for r in rows})} parts "
          f"({skipped} untypeable parts skipped); verdicts: "
          + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())))
    print(f"{'warm single check':28s} p50 {c50:7.2f} ms  p95 {c95:7.2f} ms  max {cmax:7.2f} ms")
    print(f"{'baseline: parse alone':28s} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  max {pmax:7.2f} ms")
    print(f"{'check / parse':28s} p50 {c50 / p50:7.1f} x   p95 {c95 / p95:7.1f} x")
    print(f"target p95 <= {TARGET_P95_MS:g} ms: {'ok' if c95 <= TARGET_P95_MS else 'MISSED'}")
    print("slowest: " + "; ".join(f"{ms:.0f} ms {what}" for ms, what in
                                  sorted(slowest, reverse=True)[:3]))


def a_class(students: int, parts: int, seed: int = 0) -> list[Row]:
    """``students`` x ``parts`` answers: right ones from the corpus and (for a plain formula)
    their mutants, in varying spacing, drawn with a fixed seed."""
    corpus, _ = answers()
    by_part: dict[tuple[str, str], list[str]] = {}
    for problem_id, part_name, text in corpus:
        by_part.setdefault((problem_id, part_name), []).append(text)
    chosen = list(by_part)[::max(1, len(by_part) // parts)][:parts]
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(students):
        for problem_id, part_name in chosen:
            right = by_part[problem_id, part_name]
            text = right[rng.integers(len(right))]
            if rng.random() < 0.3 and not any(c in text for c in ("where", "=", ",")):
                text = MUTANTS[rng.integers(len(MUTANTS))].format(text)
            text = text.replace("+", [" + ", "+", "  +"][rng.integers(3)])
            rows.append(Row(len(rows) + 2, f"student{s:04d}", problem_id, part_name, text))
    return rows


def distinct(rows: list[Row]) -> list[Row]:
    """The same answers, each text made unique by spaces around it (the same tree)."""
    return [Row(r.row, r.student, r.problem, r.part,
                " " * (i % 97) + r.answer + " " * (i // 97)) for i, r in enumerate(rows)]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the ``-j`` workers)."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, rows: list[Row], baseline: float | None,
          workers_cpu: Callable[[], float] = lambda: 0.0, **options: object
          ) -> tuple[float, list[str]]:
    """Wall time, answers/s and their ratio to the baseline's; and CPU seconds (this process,
    its workers), which the other jobs on a shared machine disturb less."""
    cpu, workers = cpu_seconds(), workers_cpu()
    start = time.perf_counter()
    results = batch.check_batch(rows, **options)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu + workers_cpu() - workers
    rate = len(rows) / seconds
    ratio = rate / baseline if baseline else 1.0
    print(f"  {label:47s} {seconds:7.2f} s {rate:6.0f} answers/s {ratio:6.2f} x baseline, "
          f"cpu {cpu:6.2f} s")
    return rate, [r["verdict"] for r in results]


def throughput(args: argparse.Namespace) -> None:
    rows = a_class(args.students, args.parts)
    texts = len({(r.problem, r.part, r.answer) for r in rows})
    print(f"class: {args.students} students x {args.parts} parts = {len(rows)} answers "
          f"({texts} distinct texts)")
    batch.check_batch(rows[:args.parts])  # imports and the catalog, before any timing
    baseline, verdicts = timed("baseline: every row on its own (before)", rows, None,
                               share=False)
    print("  verdicts: " + ", ".join(f"{n} {v}" for v, n in sorted(Counter(verdicts).items())))
    for name, variant in (("as typed", rows), ("every text distinct", distinct(rows))):
        auto = batch.auto_jobs(len({(r.problem, r.part, r.answer) for r in variant}))
        met = []
        for label, options in ((f"default (-j 0: {auto} process)", {"jobs": 0}),
                               ("-j 1", {"jobs": 1}), ("-j 2", {"jobs": 2}),
                               ("Dask, 2 workers", {})):
            if not options:
                with local_cluster() as (address, workers_cpu):
                    rate, got = timed(f"{name}: {label}", variant, baseline, workers_cpu,
                                      dask=address)
            else:
                rate, got = timed(f"{name}: {label}", variant, baseline, **options)
            changed = sum(a != b for a, b in zip(got, verdicts))
            if changed:  # only an answer at the time limit can: the machine is loaded
                print(f"    {changed} verdicts differ from the baseline's")
            ok = rate / baseline >= TARGET_BATCH_RATIO
            met.append(f"{label.split(' (')[0]} {'ok' if ok else 'MISSED'}")
        print(f"    target >= {TARGET_BATCH_RATIO:g} x baseline (2 cores): " + ", ".join(met))


@contextmanager
def local_cluster() -> Iterator[tuple[str, Callable[[], float]]]:
    """A fresh local Dask cluster of 2 worker processes (its start-up is not timed; the
    workers' first imports of derivekit are, as in a worker process of ``-j``), and a way to
    read its workers' CPU seconds."""
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield cluster.scheduler_address, lambda: sum(client.run(worker_cpu_seconds).values())


def worker_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per answer")
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--parts", type=int, default=20)
    parser.add_argument("--latency", action=argparse.BooleanOptionalAction, default=True,
                        help="also time single checks over the whole corpus")
    args = parser.parse_args()
    if args.latency:
        latency(args)
    throughput(args)


if __name__ == "__main__":
    main()
