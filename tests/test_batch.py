"""`derivekit check --batch`: one broken row costs only itself; results are the same bytes
however they are computed (shared work, worker processes, a real Dask cluster)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derivekit import batch, grade
from derivekit.batch.rows import COLUMNS, rows_from_csv, rows_from_json
from derivekit.cli import app
from derivekit.errors import DerivekitError

runner = CliRunner()
ANSWERS = Path(__file__).parent / "answers"
HOSTILE = Path(__file__).with_name("hostile_answers.txt")
HEADER = b"student,problem,part,answer\n"


def _csv_line(*cells: str) -> bytes:
    handle = io.StringIO()
    csv.writer(handle, lineterminator="\n").writerow(cells)
    return handle.getvalue().encode()


def _results(tmp_path: Path, data: bytes, *options: str) -> tuple[int, list[dict], str]:
    answers, out = tmp_path / "answers.csv", tmp_path / "results.json"
    answers.write_bytes(data)
    out.unlink(missing_ok=True)
    result = runner.invoke(app, ["check", "--batch", str(answers), "-o", str(out), *options])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(out.read_text()) if out.exists() else [], result.output


# --------------------------------------------------------------------------- robustness
HOSTILE_ROWS = [  # (bytes of one or more lines, verdict of each row, words in its message)
    (b"ann,matrix-gradients,xTx,2x\n", ["equivalent"], ""),
    (b"bob,matrix-gradients,xTx,\"2x\xff\"\n", ["invalid"], "not UTF-8 (byte 0xFF)"),
    (b"cat,matrix-gradients,xTx,-2x\n", ["not-equivalent"], "negative"),
    (b"\n", ["invalid"], "blank row"),
    (b",,,\n", ["invalid"], "blank row"),
    (b"dan,matrix-gradients\n", ["invalid"], "no part, answer"),
    (b"eve,matrix-gradients,xTx,x^T A, y\n", ["invalid"], "in double quotes"),
    (b"ann,matrix-gradients,xTx,2*x\n", ["invalid"], "duplicate of row 2"),
    (b"fay,nope,xTx,2x\n", ["invalid"], "unknown problem id 'nope'"),
    (b"gus,matrix-gradients,nope,2x\n", ["invalid"], "nope"),
    (_csv_line("hal", "matrix-gradients", "xTx", "x" * 200_000), ["invalid"],
     "200000 characters long"),
    (_csv_line("s" * 5000, "matrix-gradients", "xTx", "2x"), ["invalid"], "the student is"),
    (b"ida,matrix-gradients,xTx,\"2\x00x\"\n", ["invalid"], "unsupported character"),
    (b"jon,matrix-gradients,xTx,\"2x\n", ["invalid"], "never closed"),
    (b"kim,matrix-gradients,xTx,2 x\r\n", ["equivalent"], ""),
    (b"lea,matrix-gradients,xTx,\"2\n x\"\n", ["equivalent"], ""),
    (b"max,matrix-gradients,xTx,__import__('os').system('true')\n", ["invalid"], ""),
    (b"ned,matrix-gradients,xTx,\"x + x\n", ["invalid"], "never closed"),
]


def test_a_batch_with_hostile_rows_grades_every_other_row(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + HEADER + b"".join(lines for lines, _, _ in HOSTILE_ROWS)
    code, results, output = _results(tmp_path, data)
    assert code == 1, output
    expected = [(verdict, words) for _, verdicts, words in HOSTILE_ROWS for verdict in verdicts]
    assert len(results) == len(expected)
    rows = [r["row"] for r in results]
    assert rows == sorted(rows) and rows[0] == 2
    for result, (verdict, words) in zip(results, expected):
        assert result["verdict"] == verdict, result
        assert words in result["message"], result
    oversize = next(r for r in results if "200000" in r["message"])
    assert len(oversize["answer"]) < 200  # echoed short, not 200 000 characters
    assert "\ufffd" in results[1]["answer"]
    assert f"{len(results)} answers:" in runner.invoke(
        app, ["check", "--batch", str(tmp_path / "answers.csv")]).output


def test_every_hostile_answer_is_its_own_invalid_row() -> None:
    """The single-answer hostile corpus, interleaved with right answers, as one batch."""
    texts = [codecs.decode(line[4:], "unicode_escape") if line.startswith("esc:") else line
             for line in HOSTILE.read_text(encoding="utf-8").split("\n")
             if line and not line.startswith("#")]
    handle = io.StringIO()
    writer = csv.writer(handle)
    writer.writerow(COLUMNS)
    for i, text in enumerate(texts):
        writer.writerow((f"s{i}", "matrix-gradients", "xTx",
                         text.replace("MARKER", "/nonexistent")))
        writer.writerow((f"t{i}", "matrix-gradients", "xTx", "2x"))
    rows = rows_from_csv(handle.getvalue())
    results = batch.check_batch(rows)
    assert len(results) == 2 * len(texts)
    assert [r["verdict"] for r in results[1::2]] == ["equivalent"] * len(texts)
    assert {r["verdict"] for r in results[0::2]} == {"invalid"}


@pytest.mark.parametrize(("data", "words"), [
    (b"", "no header"),
    (b"\n\nann,matrix-gradients,xTx,2x\n", "no header"),
    (b"ann,matrix-gradients,xTx,2x\n", "missing column(s) problem, part, answer"),
    (b"student,problem,answer\nann,matrix-gradients,2x\n", "missing column(s) part"),
    (b"student,problem,part,answer,answer\n", "named twice"),
    (HEADER, "no answers"),
    ("student,problem,part,answer\n".encode("utf-16"), "UTF-16"),
])
def test_only_a_file_without_a_header_or_answers_is_a_usage_error(tmp_path: Path, data: bytes,
                                                                  words: str) -> None:
    code, _, output = _results(tmp_path, data)
    assert code == 2 and words in output and len(output.strip().splitlines()) == 1, output


def test_csv_reading_keeps_the_row_numbers_of_a_spreadsheet() -> None:
    text = ("Student , PROBLEM,part,answer,email\r\n"
            "ann,matrix-gradients,xTx,\"[a;\r\n b]\",a@x\r\n"
            "bob,matrix-gradients,xTx,2x,b@x\r\n")
    rows = rows_from_csv(text)
    assert [(r.row, r.student, r.answer, r.error) for r in rows] == [
        (2, "ann", "[a;\r\n b]", ""), (4, "bob", "2x", "")]


def test_one_students_submission_needs_no_student_column() -> None:
    rows = rows_from_csv("problem,part,answer\nmatrix-gradients,xTx,2x\n,,\n")
    assert [(r.student, r.part, r.error) for r in rows] == [("", "xTx", ""),
                                                           ("", "", "blank row")]
    document = batch.gradescope(batch.check_batch(rows))
    assert [t["name"] for t in document["tests"]] == ["matrix-gradients/xTx", "row 3"]
    assert (document["score"], [t["max_score"] for t in document["tests"]]) == (1.0, [1.0, 0.0])


def test_a_runaway_quote_in_the_middle_costs_one_row() -> None:
    text = ("student,problem,part,answer\nann,p,q,\"2x\nbob,p,q,3x\ncat,p,q,\"4x\"\n")
    rows = rows_from_csv(text)
    assert [(r.student, bool(r.error)) for r in rows] == [("ann", True), ("bob", False),
                                                         ("cat", False)]


def test_json_rows_and_prairielearn_submissions() -> None:
    rows = rows_from_json(json.dumps([
        {"student": "ann", "problem": "matrix-gradients", "part": "xTx", "answer": "2x"},
        {"student": "bob", "problem": "matrix-gradients",
         "submitted_answers": {"xTx": "2x", "trace-ATA": "2A"}},
        {"student": "cat", "problem": "matrix-gradients", "part": "xTx", "answer": 2},
        "not an object",
        {"student": "dan", "problem": "matrix-gradients", "part": "xTx"},
        {"student": "eve", "problem": "matrix-gradients", "part": "xTx", "answer": "\udcff"},
    ]))
    assert [(r.row, r.student, r.part, r.error.split(" (")[0]) for r in rows] == [
        (1, "ann", "xTx", ""), (2, "bob", "xTx", ""), (3, "bob", "trace-ATA", ""),
        (4, "cat", "xTx", "the answer should be text"),
        (5, "", "", "not an object with student, problem, part, answer"),
        (6, "dan", "xTx", "no answer"), (7, "eve", "xTx", "the answer is not UTF-8")]
    with pytest.raises(DerivekitError, match="not JSON"):
        rows_from_json("{")


# --------------------------------------------------------------------------- formats
def _class_csv() -> bytes:
    return HEADER + (b"ann,matrix-gradients,xTx,2x\n"
                     b"ann,matrix-gradients,trace-ATA,A\n"
                     b"ann,matrix-gradients,xTx,2x\n"
                     b"bob,matrix-gradients,xTx,2x\n")


def test_gradescope_results_json(tmp_path: Path) -> None:
    (tmp_path / "answers.csv").write_bytes(_class_csv())
    result = runner.invoke(app, ["check", "--batch", str(tmp_path / "answers.csv"),
                                 "--format", "gradescope"])
    document = json.loads(result.output)
    assert result.exit_code == 1
    assert document["score"] == 2.0 and document["output"].startswith("4 answers: 2 equiv")
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in document["tests"]] == [
        ("ann: matrix-gradients/xTx", 1.0, 1.0, "passed"),
        ("ann: matrix-gradients/trace-ATA", 0.0, 1.0, "failed"),
        ("ann: matrix-gradients/xTx", 0.0, 0.0, "failed"),  # the duplicate counts nothing
        ("bob: matrix-gradients/xTx", 1.0, 1.0, "passed")]
    assert "constant factor" in document["tests"][1]["output"]


def test_prairielearn_per_question_scores(tmp_path: Path) -> None:
    (tmp_path / "answers.csv").write_bytes(_class_csv())
    out = tmp_path / "pl.json"
    result = runner.invoke(app, ["check", "--batch", str(tmp_path / "answers.csv"), "-o",
                                 str(out), "--format", "prairielearn"])
    assert result.exit_code == 1
    ann, bob = json.loads(out.read_text())
    assert (ann["student"], ann["score"], ann["message"]) == ("ann", 0.5, "1 of 2 parts equivalent")
    assert set(ann["partial_scores"]) == {"xTx", "trace-ATA", "row 4"}
    assert ann["partial_scores"]["row 4"]["weight"] == 0
    assert (bob["score"], bob["partial_scores"]["xTx"]["score"]) == (1.0, 1.0)
    assert [(t["name"], t["points"], t["max_points"]) for t in ann["tests"]] == [
        ("xTx", 1.0, 1), ("trace-ATA", 0.0, 1), ("row 4", 0.0, 0)]


def test_a_prairielearn_external_grading_job(tmp_path: Path) -> None:
    """data.json as PrairieLearn hands it to an external grader (the problem in params):
    results.json is one question's object."""
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"params": {"problem": "matrix-gradients"},
                                "submitted_answers": {"xTx": "2x", "trace-ATA": "2A"}}))
    result = runner.invoke(app, ["check", "--batch", str(data), "--format", "prairielearn"])
    document = json.loads(result.output)
    assert result.exit_code == 0
    assert (document["gradable"], document["score"], document["message"]) == (
        True, 1.0, "2 of 2 parts equivalent")


def test_exit_status_and_usage_errors(tmp_path: Path) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_bytes(HEADER + b"ann,matrix-gradients,xTx,2x\n")
    assert runner.invoke(app, ["check", "--batch", str(answers)]).exit_code == 0
    for args in (["--batch", str(tmp_path / "absent.csv")], ["--batch", str(answers), "-j", "-1"],
                 ["--batch", str(answers), "--format", "xml"],
                 ["--batch", str(answers), "-o", str(tmp_path / "r.txt")],
                 ["--batch", str(answers), "--dask", "local:two"],
                 ["--batch", str(answers), "-o", str(tmp_path / "no" / "r.json")],
                 ["--batch", str(tmp_path)],
                 ["matrix-gradients", "xTx", "-a", "2x", "-j", "2"]):
        result = runner.invoke(app, ["check", *args])
        assert result.exit_code == 2 and "Traceback" not in result.output, args
        assert len(result.output.strip().splitlines()) == 1, result.output


# --------------------------------------------------------------------------- same bytes
def _class() -> bytes:
    """Right answers and wrong variants of a few problems' parts, three students each."""
    lines = [HEADER]
    for pid in ("matrix-gradients", "bce-derivation", "mlp-softmax-ce-backprop"):
        corpus = json.loads((ANSWERS / f"{pid}.json").read_text())
        for part, entry in corpus.items():
            texts = [*entry.get("latex", []), *entry.get("ascii", [])][:3]
            texts += [f"-({texts[0]})", f"2 ({texts[0]})"] if texts else []
            for s, text in enumerate(texts * 2):
                lines.append(_csv_line(f"s{s}", pid, part, text))
    return b"".join(lines)


def test_shared_work_gives_the_results_of_grading_each_row_alone() -> None:
    rows = rows_from_csv(_class().decode())
    shared = batch.check_batch(rows)
    assert shared == batch.check_batch(rows, share=False)
    assert {r["verdict"] for r in shared} >= {"equivalent", "not-equivalent"}


def test_worker_processes_write_the_same_bytes(tmp_path: Path) -> None:
    _, one, _ = _results(tmp_path, _class(), "-j", "1")
    single = (tmp_path / "results.json").read_bytes()
    _, two, _ = _results(tmp_path, _class(), "-j", "2")
    assert (tmp_path / "results.json").read_bytes() == single and len(one) == len(two)


@pytest.fixture(scope="module")
def dask_cluster():  # noqa: ANN201
    """A real local Dask cluster: two worker processes of one thread each (dask[distributed]
    is in the dev extra, so CI has it)."""
    import logging

    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        yield cluster


def test_a_dask_cluster_of_two_workers_writes_the_same_bytes(tmp_path: Path,
                                                            dask_cluster) -> None:  # noqa: ANN001
    data = _class() + HEADER.replace(b"student", b"zed", 1)  # one more row, unreadable
    _results(tmp_path, data, "-j", "1")
    single = (tmp_path / "results.json").read_bytes()
    code, _, output = _results(tmp_path, data, "--dask", dask_cluster.scheduler_address)
    assert code == 1, output
    assert (tmp_path / "results.json").read_bytes() == single
    from dask.distributed import Client

    with Client(dask_cluster) as client:  # both workers graded some of it
        learnt = client.run(lambda: len(__import__("derivekit.batch.run").batch.run._WORKER_MEMO))
    assert len(learnt) == 2 and all(learnt.values()), learnt


def test_a_worker_without_the_problem_file_says_so(tmp_path: Path) -> None:
    from derivekit.batch.run import Unit, grade_unit

    with pytest.raises(DerivekitError, match="workers need the problem files"):
        grade_unit(Unit(str(tmp_path / "gone.py"), "xTx", ("2x",)), 0, False)


def test_the_time_limit_holds_in_a_worker_thread() -> None:
    """Dask grades in a task thread, where SIGALRM cannot reach."""
    outcome: list[str] = []

    def spin() -> None:
        try:
            with grade.time_limit(0.2):
                while True:
                    pass
        except grade.AnswerTimeout as exc:
            outcome.append(str(exc))
        time.sleep(0.3)  # nothing arrives after the block
        outcome.append("after")

    thread = threading.Thread(target=spin)
    thread.start()
    thread.join(5)
    assert outcome == ["checking took longer than 0.2 s", "after"]


def test_workers_are_started_only_where_they_pay() -> None:
    from derivekit.verify import default_jobs

    assert batch.auto_jobs(0) == batch.auto_jobs(100) == 1
    assert batch.auto_jobs(10**6) == default_jobs()


def test_unknown_parts_and_problems_say_did_you_mean() -> None:
    rows = rows_from_csv("student,problem,part,answer\nann,matrix-gradient,xTx,2x\n")
    (result,) = batch.check_batch(rows)
    assert result["verdict"] == "invalid" and "did you mean matrix-gradients" in result["message"]
