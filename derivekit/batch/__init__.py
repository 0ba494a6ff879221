"""Grading a class: read its answers robustly, grade many rows sharing each part's work (in
worker processes or on a Dask cluster), and write results in the formats graders use."""

from derivekit.batch.formats import (
    FORMATS,
    describe,
    format_for,
    gradescope,
    prairielearn,
    render,
    summary,
    totals,
    write_results,
)
from derivekit.batch.rows import COLUMNS, Row, read_batch, rows_from_csv, rows_from_json
from derivekit.batch.run import auto_jobs, check_batch

__all__ = ["COLUMNS", "FORMATS", "Row", "auto_jobs", "check_batch", "describe", "format_for",
           "gradescope", "prairielearn", "read_batch", "render", "rows_from_csv",
           "rows_from_json", "summary", "totals", "write_results"]
