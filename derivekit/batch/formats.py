"""Batch results written the ways graders read them: CSV, JSON, a Gradescope autograder
``results.json`` and PrairieLearn-style per-question scores.

Every format has an entry for every input row. A row scores 1 point when its verdict is
``equivalent``, otherwise 0.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Callable

from derivekit.errors import DerivekitError
from derivekit.grade import VERDICTS

Result = dict[str, Any]
CSV_COLUMNS = ("student", "problem", "part", "answer", "verdict", "diagnosis", "message",
               "interpreted", "row")


def summary(results: list[Result]) -> dict[tuple[str, str], dict[str, int]]:
    """Counts of each verdict per (problem, part), in order of first appearance."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for r in results:
        counts = out.setdefault((r["problem"], r["part"]), dict.fromkeys(VERDICTS, 0))
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    return out


def totals(results: list[Result]) -> dict[str, int]:
    """How many rows have each verdict."""
    counts = dict.fromkeys(VERDICTS, 0)
    for r in results:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    return counts


def describe(results: list[Result]) -> str:
    """``3 answers: 1 equivalent, 1 not-equivalent, 1 invalid``."""
    return f"{len(results)} answers: " + ", ".join(f"{n} {v}"
                                                  for v, n in totals(results).items())


def feedback_text(result: Result) -> str:
    """What a student reads about one answer: the verdict and its reasons."""
    lines = [result["verdict"] + (f": {result['message']}" if result["message"] and
                                  result["message"] != result["verdict"] else "")]
    if result.get("interpreted"):
        lines.append(f"your answer was interpreted as: {result['interpreted']}")
    if result.get("diagnosis"):
        lines.append(f"diagnosis: {result['diagnosis']}")
    if result.get("evidence"):
        lines.append(f"evidence: {result['evidence']}")
    return "\n".join(lines)


def _score(result: Result) -> float:
    return 1.0 if result["verdict"] == "equivalent" else 0.0


def _weights(results: list[Result]) -> list[int]:
    """1 point per answer; a blank row or a second answer to a part is worth 0 (it is listed
    with the reason, and does not lower the score)."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for r in results:
        key = (r["student"], r["problem"], r["part"])
        out.append(0 if key in seen or not any(key) else 1)
        seen.add(key)
    return out


def gradescope(results: list[Result]) -> dict[str, Any]:
    """A Gradescope autograder ``results.json``: one test per row, the total as the score.
    Test names carry the student when the rows are from several students."""
    several = len({r["student"] for r in results}) > 1
    tests = []
    for r, weight in zip(results, _weights(results)):
        name = f"{r['problem']}/{r['part']}" if r["problem"] else f"row {r['row']}"
        tests.append({
            "name": f"{r['student']}: {name}" if several and r["student"] else name,
            "number": str(r["row"]),
            "score": _score(r) * weight,
            "max_score": float(weight),
            "status": "passed" if r["verdict"] == "equivalent" else "failed",
            "output": feedback_text(r),
        })
    return {"score": sum(t["score"] for t in tests), "output": describe(results),
            "tests": tests}


def prairielearn(results: list[Result]) -> dict[str, Any] | list[dict[str, Any]]:
    """PrairieLearn-style per-question results: for each student and problem, ``score`` in
    [0, 1] (the weighted mean over its parts), ``gradable``, ``message``, ``partial_scores``
    per part (score, weight, feedback) and ``tests`` (name, points, max_points, message), the
    shape PrairieLearn's external grader reads. One question gives its object (a
    ``results.json`` as is), several a list. A row without a part name, or a second row for
    a part, is keyed ``row N``."""
    questions: dict[tuple[str, str], dict[str, Any]] = {}
    for r, weight in zip(results, _weights(results)):
        question = questions.setdefault((r["student"], r["problem"]), {
            "student": r["student"], "problem": r["problem"], "gradable": True, "score": 0.0,
            "message": "", "partial_scores": {}, "tests": []})
        partial = question["partial_scores"]
        key = r["part"] if r["part"] and r["part"] not in partial else f"row {r['row']}"
        partial[key] = {"score": _score(r), "weight": weight, "feedback": feedback_text(r),
                        "verdict": r["verdict"], "row": r["row"]}
        question["tests"].append({"name": key, "points": _score(r) * weight,
                                  "max_points": weight, "message": feedback_text(r)})
    for question in questions.values():
        parts = [p for p in question["partial_scores"].values() if p["weight"]]
        right = sum(p["score"] for p in parts)
        question["score"] = right / len(parts) if parts else 0.0
        question["message"] = f"{int(right)} of {len(parts)} parts equivalent"
    documents = list(questions.values())
    return documents[0] if len(documents) == 1 else documents


def _csv(results: list[Result]) -> str:
    handle = io.StringIO()
    writer = csv.DictWriter(handle, CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(results)
    return handle.getvalue()


FORMATS: dict[str, Callable[[list[Result]], str]] = {
    "csv": _csv,
    "json": lambda results: json.dumps(results, indent=2) + "\n",
    "gradescope": lambda results: json.dumps(gradescope(results), indent=2) + "\n",
    "prairielearn": lambda results: json.dumps(prairielearn(results), indent=2) + "\n",
}


def format_for(path: Path | None, name: str | None) -> str:
    """The format asked for, or the one the file's suffix names (.csv, .json)."""
    if name is not None:
        if name not in FORMATS:
            raise DerivekitError(f"unknown format {name!r} ({', '.join(FORMATS)})")
        return name
    if path is not None and path.suffix.lower() in (".csv", ".json"):
        return path.suffix.lower()[1:]
    raise DerivekitError(f"{path}: results go to a .csv or .json file (or give --format)")


def render(results: list[Result], name: str) -> str:
    """``results`` as the text of format ``name``."""
    return FORMATS[name](results)


def write_results(results: list[Result], path: Path | str, format: str | None = None,
                  force: bool = False) -> None:
    """Write ``results`` in ``format`` (default: by suffix); an existing file is kept unless
    ``force``."""
    path = Path(path)
    text = render(results, format_for(path, format))
    if path.exists() and not force:
        raise DerivekitError(f"{path} exists; pass --force to overwrite")
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise DerivekitError(f"cannot write {path}: {exc.strerror or exc}") from None
