"""load_survey: a survey export in, the tidy table and a row-by-row account of it out."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from voc.analytics.breakdown import TIME_GRANULARITY_ATTR
from voc.config import Settings
from voc.errors import InputError
from voc.io.columns import ColumnOverrides, DetectedColumns, detect_columns
from voc.io.dates import first_of_period, parse_date_column, parse_period_column, period_granularity
from voc.io.dedupe import find_duplicates
from voc.io.headers import PERIOD_WORDS, header_rank
from voc.io.layouts import TableLayout
from voc.io.pii import redact, redact_texts
from voc.io.readers import read_table
from voc.io.scale import CSAT_SCALES, ScaleChoice, infer_scale, mixed_scale_warnings
from voc.io.table import RawTable
from voc.io.values import ScoreReading, read_score, score_problem
from voc.types import ColumnMapping, LoadReport, SkippedRow

logger = logging.getLogger(__name__)

#: The tidy table's fixed leading columns; one str column per segment follows them.
FRAME_COLUMNS = ("row", "response_id", "score", "comment", "submitted_at")


@dataclass(frozen=True, eq=False)
class LoadedSurvey:
    """The tidy table of usable responses and the report of how it was read.

    ``frame`` columns, in order: ``row`` (int64, spreadsheet row number, header = 1),
    ``response_id`` (str), ``score`` (int64), ``comment`` (str, "" when empty),
    ``submitted_at`` (datetime64[ns], naive UTC, NaT when missing or unreadable), then one
    str column per segment, named as in the file. ``comment`` joins the response's comment
    fields (``report.mapping.comment_fields``: the main comment column, then any extra ones
    such as "What should we improve?") with a newline, skipping empty ones, so that the
    clause splitter never runs two answers together; ``comment_fields`` keeps each field's
    own text, one column per field, aligned with ``frame``. All comment text is redacted
    when ``Settings.redact_pii`` is on. ``warnings`` are things worth telling the user that
    did not cost a row (unreadable dates, an id column with repeats).
    """

    frame: pd.DataFrame
    report: LoadReport
    warnings: tuple[str, ...] = field(default=())
    comment_fields: pd.DataFrame = field(default_factory=pd.DataFrame)
    scale: ScaleChoice | None = None
    header_row: int = 1

    @property
    def metric(self) -> str:
        """ "nps" (scale 0-10 or 1-10) or "csat" (scale 1-5 or 1-7), from ``report.scale``."""
        return "csat" if self.report.scale in CSAT_SCALES else "nps"

    @property
    def time_granularity(self) -> str | None:
        """ "week", "month" or "quarter" when the time column holds periods, else None."""
        value = self.frame.attrs.get(TIME_GRANULARITY_ATTR)
        return str(value) if value else None


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
        settings: ``max_upload_mb``, ``scale`` and ``redact_pii`` are read from it.

    Raises:
        InputError: the source cannot be read, has no score column, or no usable row.
    """
    settings = settings or Settings()
    table = read_table(source, filename=filename, max_bytes=settings.max_upload_mb * 1024**2)
    detected = detect_columns(table.cells, overrides, table.layout)
    blank = _blank_rows(table.cells)
    # Columns no role uses are let go before the rows are checked: with them goes their
    # share of the memory (most of it, for exports with many bookkeeping columns).
    groups = _group_columns(detected.mapping, table.layout)
    table = replace(table, cells=table.cells[[*_mapped_columns(detected.mapping), *groups]])
    return build_survey(table, detected, settings, blank=blank)


def build_survey(
    table: RawTable,
    detected: DetectedColumns,
    settings: Settings,
    *,
    blank: pd.Series | None = None,
) -> LoadedSurvey:
    """Validate the rows of ``table`` under ``detected`` and assemble the LoadedSurvey.

    Args:
        blank: which rows are empty in every column, when ``table`` holds only some of
            the file's columns; by default worked out from ``table``.
    """
    cells = table.cells
    mapping = detected.mapping
    if blank is None:
        blank = _blank_rows(cells)
    score_cells = cells[mapping.score]
    # Exports repeat a handful of score spellings, so each is read once.
    readings = {text: read_score(text) for text in score_cells.unique()}

    choice = infer_scale(
        _scale_evidence(score_cells[~blank], readings),
        mapping.score,
        settings.scale,
        question=table.layout.labels.get(mapping.score, ""),
    )
    scale = choice.scale
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
    if not used.any():
        skipped.sort(key=lambda s: s.row)
        raise InputError(_nothing_usable(table.rows_read, skipped, table.source, scale))

    warnings = [*table.notes, *detected.notes]
    keep = used.to_numpy()
    duplicates, duplicate_note = find_duplicates(cells, mapping, keep)
    if duplicates:
        keep = keep & ~cells.index.isin([d.row for d in duplicates])
        skipped += duplicates
    if duplicate_note:
        warnings.append(duplicate_note)
    skipped.sort(key=lambda s: s.row)

    rows = _Rows(cells, keep)
    fields, redactions = _comment_fields(rows, mapping, settings.redact_pii)
    if settings.redact_pii:
        skipped, more = _redact_skipped(skipped)
        redactions.update(more)
    scores = [readings[text].whole or 0 for text in rows.column(mapping.score)]
    frame = _tidy_frame(rows, scores, fields, mapping, warnings, table.layout)
    choice = replace(choice, mixed=_mixed_scales(frame, mapping, scale))
    warnings += choice.mixed
    warnings += _nps_group_disagreements(cells, frame, mapping, table.layout)
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
        scale_reason=choice.reason,
        empty_comments=int((frame["comment"] == "").sum()),
        layout=table.layout.tool,
        header_rows=table.layout.header_rows,
        column_labels=_mapped_labels(mapping, table.layout),
        redactions=dict(sorted(redactions.items())),
        duplicates_removed=len(duplicates),
    )
    for warning in warnings:
        logger.warning("%s: %s", table.source, warning)
    logger.info(
        "%s: %d of %d rows used, %d skipped, %d duplicates, redacted %s",
        table.source,
        report.rows_used,
        report.rows_read,
        len(skipped),
        len(duplicates),
        report.redactions,
    )
    return LoadedSurvey(
        frame=frame,
        report=report,
        warnings=tuple(warnings),
        comment_fields=fields,
        scale=choice,
        header_row=table.layout.header_row,
    )


class _Rows:
    """The kept rows of ``cells``, one column at a time.

    A column's selection is made when it is needed and let go once converted, so the rows
    are never copied for all columns at once.
    """

    def __init__(self, cells: pd.DataFrame, keep: np.ndarray) -> None:
        self.cells = cells
        self.keep = None if keep.all() else keep
        self.numbers = cells.index.to_numpy(dtype="int64")
        if self.keep is not None:
            self.numbers = self.numbers[self.keep]

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, name: str) -> np.ndarray:
        values = self.cells[name].to_numpy(dtype=object)
        return values if self.keep is None else values[self.keep]


def _scale_evidence(score_cells: pd.Series, readings: dict[str, ScoreReading]) -> list[int]:
    evidence: list[int] = []
    for text, count in score_cells.value_counts().items():
        whole = readings[str(text)].whole
        if whole is not None and 0 <= whole <= 10:
            evidence += [whole] * int(count)
    return evidence


def _comment_fields(
    rows: _Rows, mapping: ColumnMapping, redact_pii: bool
) -> tuple[pd.DataFrame, Counter[str]]:
    """One column per comment field, line endings unified, redacted when asked."""
    index = pd.RangeIndex(len(rows))
    total: Counter[str] = Counter()
    fields: dict[str, list[str]] = {}
    for name in mapping.comment_fields:
        texts = [_unix_lines(t) for t in rows.column(name).tolist()]
        if redact_pii:
            texts, counts = redact_texts(texts)
            total.update(counts)
        fields[name] = texts
    frame = pd.DataFrame(
        {n: pd.Series(t, index=index, dtype=str) for n, t in fields.items()}, index=index
    )
    return frame, total


def _unix_lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _joined_comment(fields: pd.DataFrame) -> pd.Series:
    index = fields.index
    if fields.shape[1] == 0:
        return pd.Series([""] * len(index), index=index, dtype=str)
    if fields.shape[1] == 1:
        return fields.iloc[:, 0].astype(str)
    columns = [fields[c].tolist() for c in fields.columns]
    joined = ["\n".join(t for t in texts if t.strip()) for texts in zip(*columns, strict=True)]
    return pd.Series(joined, index=index, dtype=str)


def _redact_skipped(skipped: list[SkippedRow]) -> tuple[list[SkippedRow], Counter[str]]:
    # A row split into too many fields is shown whole in the report: its comment too.
    total: Counter[str] = Counter()
    out = []
    for item in skipped:
        value, counts = redact(item.value)
        if counts:
            total.update(counts)
            item = item.model_copy(update={"value": value})
        out.append(item)
    return out, total


def _blank_rows(cells: pd.DataFrame) -> pd.Series:
    filled = np.zeros(len(cells), dtype=bool)
    for name in cells.columns:  # column by column: no frame-sized temporary
        filled |= cells[name].to_numpy() != ""
    return pd.Series(~filled, index=cells.index)


def _mapped_columns(mapping: ColumnMapping) -> list[str]:
    names = [mapping.score, mapping.date, mapping.response_id, mapping.respondent]
    names += [*mapping.comment_fields, *mapping.segments]
    return list(dict.fromkeys(n for n in names if n))


def _group_columns(mapping: ColumnMapping, layout: TableLayout) -> list[str]:
    """The tool's NPS group columns derived from the score column (Qualtrics' Q1_NPS_GROUP)."""
    return [g for g, score in layout.nps_groups.items() if score == mapping.score]


def _mixed_scales(frame: pd.DataFrame, mapping: ColumnMapping, scale: str) -> tuple[str, ...]:
    groups: dict[str, np.ndarray] = {s: frame[s].to_numpy(dtype=object) for s in mapping.segments}
    dates = frame["submitted_at"]
    if dates.notna().any():
        keys = (dates.dt.year * 100 + dates.dt.month).fillna(0).astype("int64").to_numpy()
        codes, uniques = pd.factorize(keys)
        names = np.array([f"{k // 100}-{k % 100:02d}" if k else "" for k in uniques], dtype=object)
        groups["month"] = names[codes]
    return mixed_scale_warnings(frame["score"].to_numpy(), frame["row"].to_numpy(), groups, scale)


def _nps_group_disagreements(
    cells: pd.DataFrame, frame: pd.DataFrame, mapping: ColumnMapping, layout: TableLayout
) -> list[str]:
    """Rows where the tool's own NPS group (never used as a score) disagrees with the score."""
    out = []
    for group_column in _group_columns(mapping, layout):
        if group_column not in cells.columns:
            continue
        stated = cells.loc[frame["row"].to_numpy(), group_column].map(nps_group_of).to_numpy()
        scores = frame["score"].to_numpy()
        expected = np.where(scores >= 9, "promoter", np.where(scores >= 7, "passive", "detractor"))
        wrong = np.array([g is not None and g != e for g, e in zip(stated, expected, strict=True)])
        if not wrong.any():
            continue
        rows = frame["row"].to_numpy()[wrong]
        shown = ", ".join(
            f"row {r} (score {sc}, group {g})"
            for r, sc, g in list(zip(rows, scores[wrong], stated[wrong], strict=True))[:10]
        )
        out.append(
            f"the export's NPS group column {group_column!r} disagrees with the score "
            f"{mapping.score!r} in {int(wrong.sum())} row(s): {shown}"
            + (", ..." if wrong.sum() > 10 else "")
            + "; the score is used (promoter 9-10, passive 7-8, detractor 0-6)"
        )
    return out


_GROUP_WORDS = (
    ("detractor", ("detract", "kritik", "kritiker", "arvostel", "1")),
    ("passive", ("passi", "neutra", "2")),
    ("promoter", ("promot", "ambassad", "suosittel", "3")),
)


def nps_group_of(value: object) -> str | None:
    """A survey tool's NPS group cell ("3", "Promoter", "Kritiker"): its group, or None."""
    text = str(value).strip().casefold()
    if not text:
        return None
    for group, words in _GROUP_WORDS:
        if any(text == w if w.isdigit() else text.startswith(w) for w in words):
            return group
    return None


def _mapped_labels(mapping: ColumnMapping, layout: TableLayout) -> dict[str, str]:
    return {n: layout.labels[n] for n in _mapped_columns(mapping) if n in layout.labels}


def _tidy_frame(
    rows: _Rows,
    scores: list[int],
    fields: pd.DataFrame,
    mapping: ColumnMapping,
    warnings: list[str],
    layout: TableLayout,
) -> pd.DataFrame:
    row_numbers = rows.numbers
    index = pd.RangeIndex(len(rows))

    def text(column: str | None) -> pd.Series:
        if column is None:
            return pd.Series([""] * len(rows), index=index, dtype=str)
        return pd.Series(rows.column(column), index=index, dtype=str)

    response_id = text(mapping.response_id)
    missing_id = response_id == ""
    response_id[missing_id] = [str(r) for r in row_numbers[missing_id.to_numpy()]]

    granularity: str | None = None
    if mapping.date is None:
        submitted = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    else:
        raw_dates = text(mapping.date)
        values = raw_dates.to_numpy(dtype=object)
        granularity = period_granularity(values)
        if granularity:
            parsed = parse_period_column(values)
        else:
            parsed = parse_date_column(values, layout.timezones.get(mapping.date))
            if _named_like_period(mapping.date, layout):
                # A workbook's month cells ("mmm-yy") are dates on the 1st: still months.
                granularity = first_of_period(parsed)
        submitted = pd.Series(parsed, index=index, dtype="datetime64[ns]")
        bad = (raw_dates != "").to_numpy() & np.isnat(parsed)
        unreadable = [
            (int(row), str(value))
            for row, value in zip(row_numbers[bad], raw_dates[bad], strict=True)
        ]
        if unreadable:
            first_row, first_value = unreadable[0]
            kind = f"{granularity}s" if granularity else "dates"
            warnings.append(
                f"{len(unreadable)} of {len(rows)} values in date column {mapping.date!r} "
                f"could not be read as {kind} (first: row {first_row}, {first_value!r}); "
                "those rows are kept without a date"
            )
        if granularity:
            warnings.append(
                f"the time column {mapping.date!r} holds {granularity}s, not dates: figures "
                f"are given by {granularity}"
                + (" and quarter" if granularity == "month" else "")
                + ", never by a finer period"
            )

    columns: dict[str, pd.Series] = {
        "row": pd.Series(row_numbers, index=index, dtype="int64"),
        "response_id": response_id,
        "score": pd.Series(scores, index=index, dtype="int64"),
        "comment": _joined_comment(fields),
        "submitted_at": submitted,
    }
    for segment in mapping.segments:
        columns[segment] = text(segment)
    frame = pd.DataFrame(columns)
    if granularity:
        frame.attrs[TIME_GRANULARITY_ATTR] = granularity
    return frame


def _named_like_period(name: str, layout: TableLayout) -> bool:
    return any(
        header_rank(text, PERIOD_WORDS) is not None for text in (name, layout.labels.get(name, ""))
    )


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
