"""load_survey: a survey export in, the tidy table and a row-by-row account of it out."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from voc.config import Settings
from voc.errors import InputError
from voc.io.columns import ColumnOverrides, DetectedColumns, detect_columns
from voc.io.dates import parse_dates, to_datetime_series
from voc.io.readers import read_table
from voc.io.scale import choose_scale
from voc.io.table import RawTable
from voc.io.values import ScoreReading, read_score, score_problem
from voc.types import LoadReport, SkippedRow

logger = logging.getLogger(__name__)

#: The tidy table's fixed leading columns; one str column per segment follows them.
FRAME_COLUMNS = ("row", "response_id", "score", "comment", "submitted_at")


@dataclass(frozen=True, eq=False)
class LoadedSurvey:
    """The tidy table of usable responses and the report of how it was read.

    ``frame`` columns, in order: ``row`` (int64, spreadsheet row number, header = 1),
    ``response_id`` (str), ``score`` (int64), ``comment`` (str, "" when empty),
    ``submitted_at`` (datetime64[ns], naive UTC, NaT when missing or unreadable), then one
    str column per segment, named as in the file. ``warnings`` are things worth telling
    the user that did not cost a row (unreadable dates, an id column with repeats).
    """

    frame: pd.DataFrame
    report: LoadReport
    warnings: tuple[str, ...] = field(default=())


def load_survey(
    source: str | Path | pd.DataFrame | BinaryIO,
    *,
    filename: str | None = None,
    overrides: ColumnOverrides | None = None,
    settings: Settings | None = None,
) -> LoadedSurvey:
    """Read a survey export (.csv/.tsv/.txt/.xlsx path, upload or DataFrame) into a tidy table.

    Every data row is either in ``frame`` or in ``report.skipped`` with its reason.

    Args:
        filename: the name of a file-like source (an API upload), used to tell its type.
        overrides: columns to use instead of the detected ones.
        settings: ``max_upload_mb`` and ``scale`` are read from it.

    Raises:
        InputError: the source cannot be read, has no score column, or no usable row.
    """
    settings = settings or Settings()
    table = read_table(source, filename=filename, max_bytes=settings.max_upload_mb * 1024**2)
    detected = detect_columns(table.cells, overrides)
    return build_survey(table, detected, settings)


def build_survey(table: RawTable, detected: DetectedColumns, settings: Settings) -> LoadedSurvey:
    """Validate the rows of ``table`` under ``detected`` and assemble the LoadedSurvey."""
    cells = table.cells
    mapping = detected.mapping
    blank = ~(cells != "").any(axis=1)
    score_cells = cells[mapping.score]
    # Exports repeat a handful of score spellings, so each is read once.
    readings = {text: read_score(text) for text in score_cells.unique()}

    scale, scale_reason = choose_scale(
        _scale_evidence(score_cells[~blank], readings), mapping.score, settings.scale
    )
    problems = {text: score_problem(reading, scale) for text, reading in readings.items()}
    problem = score_cells.map(problems)
    used = ~blank & problem.isna()

    skipped = list(table.skipped)
    skipped += [
        SkippedRow(row=int(row), column=None, value="", reason="empty row")
        for row in cells.index[blank]
    ]
    bad = ~blank & ~used
    skipped += [
        SkippedRow(row=int(row), column=mapping.score, value=text, reason=reason)
        for row, text, reason in zip(cells.index[bad], score_cells[bad], problem[bad], strict=True)
    ]
    skipped.sort(key=lambda s: s.row)
    if not used.any():
        raise InputError(_nothing_usable(table.rows_read, skipped, table.source, scale))

    rows = cells[used]
    scores = [readings[text].whole or 0 for text in rows[mapping.score]]
    warnings = [*table.notes, *detected.notes]
    frame = _tidy_frame(rows, scores, detected, warnings)
    report = LoadReport(
        source=table.source,
        file_type=table.file_type,
        encoding=table.encoding,
        delimiter=table.delimiter,
        rows_read=table.rows_read,
        rows_used=len(frame),
        skipped=skipped,
        mapping=mapping,
        scale=scale,
        scale_reason=scale_reason,
        empty_comments=int((frame["comment"] == "").sum()),
    )
    for warning in warnings:
        logger.warning("%s: %s", table.source, warning)
    logger.info(
        "%s: %d of %d rows used, %d skipped",
        table.source,
        report.rows_used,
        report.rows_read,
        len(skipped),
    )
    return LoadedSurvey(frame=frame, report=report, warnings=tuple(warnings))


def _scale_evidence(score_cells: pd.Series, readings: dict[str, ScoreReading]) -> list[int]:
    evidence: list[int] = []
    for text, count in score_cells.value_counts().items():
        whole = readings[str(text)].whole
        if whole is not None and 0 <= whole <= 10:
            evidence += [whole] * int(count)
    return evidence


def _tidy_frame(
    rows: pd.DataFrame, scores: list[int], detected: DetectedColumns, warnings: list[str]
) -> pd.DataFrame:
    mapping = detected.mapping
    row_numbers = rows.index.to_numpy(dtype="int64")
    index = pd.RangeIndex(len(rows))

    def text(column: str | None) -> pd.Series:
        if column is None:
            return pd.Series([""] * len(rows), index=index, dtype=str)
        return pd.Series(rows[column].to_numpy(), index=index, dtype=str)

    response_id = text(mapping.response_id)
    missing_id = response_id == ""
    response_id[missing_id] = [str(r) for r in row_numbers[missing_id.to_numpy()]]

    comment = text(mapping.comment).str.replace("\r\n", "\n", regex=False)

    if mapping.date is None:
        submitted = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    else:
        raw_dates = text(mapping.date)
        parsed = parse_dates(raw_dates.tolist())
        submitted = to_datetime_series(parsed)
        unreadable = [
            (int(row), value)
            for row, value, when in zip(row_numbers, raw_dates, parsed, strict=True)
            if value and when is None
        ]
        if unreadable:
            first_row, first_value = unreadable[0]
            warnings.append(
                f"{len(unreadable)} of {len(rows)} values in date column {mapping.date!r} "
                f"could not be read as dates (first: row {first_row}, {first_value!r}); "
                "those rows are kept without a date"
            )

    columns: dict[str, pd.Series] = {
        "row": pd.Series(row_numbers, index=index, dtype="int64"),
        "response_id": response_id,
        "score": pd.Series(scores, index=index, dtype="int64"),
        "comment": comment,
        "submitted_at": submitted,
    }
    for segment in mapping.segments:
        columns[segment] = text(segment)
    return pd.DataFrame(columns)


def _nothing_usable(rows_read: int, skipped: list[SkippedRow], source: str, scale: str) -> str:
    problems = [s for s in skipped if s.reason != "empty row"]
    if not problems:
        return f"{source!r} has no usable rows: all {rows_read} data rows are empty"
    first = problems[0]
    where = f"row {first.row}" + (f", column {first.column!r}" if first.column else "")
    return (
        f"{source!r} has no usable rows: none of the {rows_read} data rows has a usable "
        f"{scale} score (first problem: {where}: {first.reason})"
    )
