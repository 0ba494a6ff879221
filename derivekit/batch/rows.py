"""A class's answers as rows: read from CSV or JSON so that one broken row costs only itself.

Every problem a row can have (bytes that are not UTF-8, a missing or extra cell, a blank row,
a second answer to the same part, a field longer than the answer limit, a quote left open
that would swallow the rest of the file) is kept as that row's ``error``: the grader
reports it as the row's ``invalid`` result, and every other row is graded. Only a file that
cannot be read at all, or has no header, is an error.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from derivekit.errors import DerivekitError
from derivekit.expr.parse import MAX_LENGTH

COLUMNS = ("student", "problem", "part", "answer")
REQUIRED = COLUMNS[1:]
"""A file without a student column (one student's submission, as Gradescope hands it to an
autograder) has rows with an empty student."""
ECHOED = 120
"""Characters of an oversize field echoed back in the results."""
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
_NOT_TEXT = re.compile("[\ud800-\udfff]")
"""Lone surrogates: bytes that were not UTF-8 (kept as U+DC80..U+DCFF by the
``surrogateescape`` decoder), or a JSON escape of half a character."""


@dataclass(frozen=True)
class Row:
    """One answer as read, where it came from, and why it cannot be graded (``error``)."""

    row: int
    """CSV: the line the row starts on, as a spreadsheet numbers it (the header is 1); JSON:
    the answer's position, from 1."""
    student: str
    problem: str
    part: str
    answer: str
    error: str = ""


def read_batch(path: Path | str) -> list[Row]:
    """The rows of a class's answers: a CSV with a header naming the columns student
    (optional), problem, part, answer (others are ignored), or JSON (see
    :func:`rows_from_json`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DerivekitError(f"cannot read {path}: {exc.strerror or exc}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DerivekitError(f"{path} is UTF-16 text; save it as UTF-8")
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    if path.suffix.lower() == ".json":
        return rows_from_json(text, path)
    return rows_from_csv(text, path)


# --------------------------------------------------------------------------- CSV
def rows_from_csv(text: str, name: Path | str = "answers") -> list[Row]:
    lines = list(io.StringIO(text, newline=""))
    if not lines or not lines[0].strip():
        raise DerivekitError(f"{name}: no header (the first line names the columns "
                             f"{', '.join(COLUMNS)})")
    with _field_limit(len(text) + 1):  # no field can be longer than the file
        header = [h.strip().lower() for h in next(csv.reader(lines[:1]))]
        columns = _columns(header, name)
        rows = list(_records(lines, header, columns))
    if not rows:
        raise DerivekitError(f"{name}: no answers below the header")
    return _mark_duplicates(rows)


def _columns(header: list[str], name: Path | str) -> dict[str, int]:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DerivekitError(f"{name}: missing column(s) {', '.join(missing)} (expected "
                             f"[student,] {', '.join(REQUIRED)}; the first line is the header)")
    twice = sorted({c for c in COLUMNS if header.count(c) > 1})
    if twice:
        raise DerivekitError(f"{name}: column(s) {', '.join(twice)} named twice in the header")
    return {c: header.index(c) for c in COLUMNS if c in header}


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(min(limit, sys.maxsize))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _records(lines: list[str], header: list[str], columns: dict[str, int]) -> Iterator[Row]:
    """Rows from the lines below the header. A record that a quote ran over several lines,
    swallowing what reads as whole rows (or the rest of the file), is taken back: its first
    line is an ``invalid`` row and reading goes on at the next line (so does a line the csv
    module cannot read)."""
    position = 1
    while position < len(lines):
        reader = csv.reader(lines[position:])
        consumed = 0
        while True:
            first = position + consumed
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield _row(first + 1, [], columns, header, f"unreadable CSV: {exc}")
                break
            consumed = reader.line_num
            end = position + consumed
            if (end - first > 1 or end == len(lines)) and _runaway(lines[first:end], header):
                below = "; the lines below it are read as rows" if end - first > 1 else ""
                yield _row(first + 1, next(csv.reader(lines[first:first + 1])), columns,
                           header, f"a quote opened on this row is never closed{below}")
                break
            yield _row(first + 1, cells, columns, header)
        position = first + 1


def _runaway(span: list[str], header: list[str]) -> bool:
    """Whether a record is an unclosed quote: it runs to the end of the file inside quotes,
    or one of its later lines is a whole row by itself."""
    try:
        list(csv.reader(span, strict=True))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return True
    for line in span[1:]:
        cells = next(csv.reader([line]), [])
        if len(cells) == len(header) and all(
                _IDENTIFIER.fullmatch(cells[header.index(c)].strip())
                for c in ("problem", "part")):
            return True
    return False


def _row(number: int, cells: list[str], columns: dict[str, int], header: list[str],
         error: str = "") -> Row:
    fields = {c: cells[columns[c]] if columns.get(c, len(cells)) < len(cells) else ""
              for c in COLUMNS}
    if not error:
        error = _cells_problem(cells, header)
    return _checked(number, fields, error)


def _cells_problem(cells: list[str], header: list[str]) -> str:
    if not any(c.strip() for c in cells):
        return "blank row"
    if len(cells) < len(header):
        absent = [h for h in header[len(cells):] if h in COLUMNS]
        return f"the row has {len(cells)} cells, the header {len(header)}" + (
            f" (no {', '.join(absent)})" if absent else "")
    if len(cells) > len(header):
        return (f"the row has {len(cells)} cells, the header {len(header)}: put an answer "
                f"that contains commas in double quotes")
    return ""


def _checked(number: int, fields: dict[str, str], error: str = "") -> Row:
    """The row with its fields made safe to echo, and the first problem found."""
    for column in COLUMNS:
        value = fields[column]
        bad = _NOT_TEXT.search(value)
        if bad and not error:
            error = f"the {column} is not UTF-8 ({_undecoded(bad.group())}); save the file " \
                    f"as UTF-8"
        if bad:
            value = _NOT_TEXT.sub("\ufffd", value)
        if len(value) > MAX_LENGTH:
            error = error or (f"the {column} is {len(value)} characters long (limit "
                              f"{MAX_LENGTH})")
            value = f"{value[:ECHOED]}… ({len(value)} characters)"
        fields[column] = value if column == "answer" else value.strip()
    if not error:
        absent = [c for c in ("problem", "part") if not fields[c]]
        if absent:
            error = f"no {', '.join(absent)}"
    return Row(number, fields["student"], fields["problem"], fields["part"],
               fields["answer"], error)


def _undecoded(char: str) -> str:
    code = ord(char)
    return f"byte 0x{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"


def _mark_duplicates(rows: list[Row]) -> list[Row]:
    """A second answer by the same student to the same part is ``invalid``: the first is
    graded."""
    first: dict[tuple[str, str, str], int] = {}
    out = []
    for r in rows:
        key = (r.student, r.problem, r.part)
        if r.error:
            out.append(r)
        elif key in first:
            who = f"{r.student}, " if r.student else ""
            out.append(Row(r.row, *key, r.answer, error=(
                f"duplicate of row {first[key]} ({who}{r.problem}/{r.part}): only the first "
                f"answer is graded")))
        else:
            first[key] = r.row
            out.append(r)
    return out


# --------------------------------------------------------------------------- JSON
def rows_from_json(text: str, name: Path | str = "answers") -> list[Row]:
    """Rows from JSON: a list of objects with the CSV's columns, or PrairieLearn-style
    submissions ``{"student": …, "problem": …, "submitted_answers": {part: answer}}`` (one
    such object or a list of them; the problem may be given as ``params.problem``, as in the
    ``data.json`` PrairieLearn hands an external grader); an answer per part, in order."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise DerivekitError(f"{name}: not JSON ({exc})") from None
    items = document if isinstance(document, list) else [document]
    rows: list[Row] = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("submitted_answers"), dict):
            params = item.get("params") if isinstance(item.get("params"), dict) else {}
            problem = item.get("problem", params.get("problem", ""))
            for part, answer in item["submitted_answers"].items():
                rows.append(_json_row(len(rows) + 1, {**item, "problem": problem, "part": part,
                                                      "answer": answer}))
        else:
            rows.append(_json_row(len(rows) + 1, item))
    if not rows:
        raise DerivekitError(f"{name}: no answers")
    return _mark_duplicates(rows)


def _json_row(number: int, item: Any) -> Row:
    if not isinstance(item, dict):
        return _checked(number, dict.fromkeys(COLUMNS, ""),
                        f"not an object with {', '.join(COLUMNS)}")
    fields = {c: item.get(c, "") for c in COLUMNS}
    wrong = [c for c, v in fields.items() if not isinstance(v, str)]
    error = f"the {', '.join(wrong)} should be text" if wrong else ""
    absent = [c for c in REQUIRED if c not in item]
    if absent and not error:
        error = f"no {', '.join(absent)}"
    return _checked(number, {c: v if isinstance(v, str) else json.dumps(v)
                             for c, v in fields.items()}, error)
