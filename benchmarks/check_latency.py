"""Latency of ``derivekit.grade.check`` on every typeable answer of the catalog, and batch
throughput.

Answers come from ``tests/answers/<problem-id>.json`` (``{part: {"latex": [...], "ascii":
[...]}}``; parts marked ``untypeable`` are skipped); a problem without such a file falls back
to each part's ``answer_latex``. Every answer is checked once to warm up, then timed three
times (the median counts). The baseline, measured in the same run, is ``parse`` alone on the
same answers: the ratios say how much resolving, evaluating and comparing add to reading.

    python benchmarks/check_latency.py
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Callable

import numpy as np

from derivekit import grade, registry
from derivekit.errors import DerivekitError
from derivekit.expr.parse import parse

ANSWERS = Path(__file__).resolve().parent.parent / "tests" / "answers"
TARGET_P95_MS = 200.0
STUDENTS = 5


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per answer")
    args = parser.parse_args()

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

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(grade.BATCH_COLUMNS)
            writer.writerows((f"student{s}", pid, part, text)
                             for s in range(STUDENTS) for pid, part, text in rows)
        start = time.perf_counter()
        results = grade.check_batch(grade.read_batch(path), catalog.__getitem__)
        seconds = time.perf_counter() - start
    per_answer_ms = 1000 * seconds / len(results)
    print(f"batch: {len(results)} answers ({STUDENTS} students) in {seconds:.2f} s: "
          f"{len(results) / seconds:.0f} answers/s, {per_answer_ms:.2f} ms per answer "
          f"({per_answer_ms / statistics.mean(check_ms):.2f} x the mean single check)")


if __name__ == "__main__":
    main()
