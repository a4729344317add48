"""The raw table every reader produces: header names and string cells keyed by spreadsheet row.

Readers differ in how they get cells out of a file; from here on a CSV, a workbook and a
DataFrame look the same, so column detection and row validation are written once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from voc.errors import InputError
from voc.io.layouts import HeaderLayout, TableLayout
from voc.types import SkippedRow

_SHARE_LIMIT = 100_000
LAYOUT_ATTR = "voc_layout"
_BLOCK_ROWS = 4096
#: A field longer than this (the csv module's own default limit, 128 kB) is no survey
#: answer: its row is skipped and reported, the rest of the file is read.
MAX_FIELD_CHARS = 131_072


@dataclass(frozen=True, eq=False)
class RawTable:
    """A table as read, before any interpretation.

    ``cells`` holds one column of str cells (object dtype, each stripped of surrounding
    whitespace) per header name (stripped, made unique), indexed by the row number a
    spreadsheet shows (header = row 1).
    ``skipped`` holds rows that could not even be split into the header's columns;
    ``notes`` things worth telling the user that cost no row (e.g. replaced bytes);
    ``layout`` what the header rows say (survey tool, question texts, time zones).
    """

    cells: pd.DataFrame
    source: str
    file_type: str
    encoding: str | None = None
    delimiter: str | None = None
    skipped: tuple[SkippedRow, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())
    layout: TableLayout = field(default_factory=TableLayout)

    @property
    def rows_read(self) -> int:
        return len(self.cells) + len(self.skipped)


def cell_text(value: object) -> str:
    """One cell as text: empty for missing, whole floats without '.0', datetimes in ISO form."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        # Spreadsheets store every number as a float; a score of 9 must read as "9".
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def table_from_records(
    header: Sequence[str],
    records: Iterable[tuple[int, Sequence[str]]],
    *,
    source: str,
    file_type: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    notes: tuple[str, ...] = (),
    trim_trailing_blank: bool = True,
    layout: HeaderLayout | None = None,
) -> RawTable:
    """Build a RawTable from a header and ``(row number, fields)`` records.

    Short records are padded with empty cells; a record with more non-empty fields than
    the header has columns is listed as skipped rather than guessed at. Records are
    consumed as they come into per-column lists, so a streamed file is never held twice.
    """
    names = _column_names(header)
    width = len(names)
    builder = _ColumnBuilder(width)
    skipped: list[SkippedRow] = []
    for row, fields in records:
        if fields and max(map(len, fields)) > MAX_FIELD_CHARS:
            skipped.append(_oversized(row, fields, names))
            continue
        if len(fields) != width:
            if len(fields) > width and any(f.strip() for f in fields[width:]):
                values = [f.strip() for f in fields]
                skipped.append(
                    SkippedRow(
                        row=row,
                        column=None,
                        value=(delimiter or ",").join(values)[:200],
                        reason=f"has {len(values)} fields but the header has {width}",
                    )
                )
                continue
            fields = [*fields[:width], *([""] * (width - len(fields)))]
        builder.add(row, fields)
    columns, row_numbers, last_filled = builder.finish()

    if trim_trailing_blank:
        # Files often end in empty lines or formatted-but-empty rows; a spreadsheet user
        # does not think of those as rows of the survey.
        del row_numbers[last_filled:]
        for column in columns:
            del column[last_filled:]

    keep = [i for i, name in enumerate(names) if name is not None or any(columns[i])]
    final_names = [names[i] or f"Column {column_letter(i)}" for i in keep]
    if not final_names:
        raise InputError(f"{source!r} has no column headers: expected a header row")
    final_names = _dedupe(final_names)
    data: dict[str, np.ndarray] = {}
    for name, i in zip(final_names, keep, strict=True):
        data[name] = np.array(columns[i], dtype=object)
        columns[i] = []  # free the list while the next column is converted
    index = pd.Index(row_numbers, dtype="int64", name="row")
    # object, not pandas' str dtype: python-backed str columns make every comparison slow.
    cells = pd.DataFrame(data, index=index, dtype=object, copy=False)
    by_position = dict(zip(keep, final_names, strict=True))
    table_layout = (layout or HeaderLayout()).by_name(by_position)
    # Also on the frame, for callers that pass only ``cells`` on to detect_columns.
    cells.attrs[LAYOUT_ATTR] = table_layout
    return RawTable(
        cells=cells,
        source=source,
        file_type=file_type,
        encoding=encoding,
        delimiter=delimiter,
        skipped=tuple(skipped),
        notes=notes,
        layout=table_layout,
    )


def _oversized(row: int, fields: Sequence[str], names: Sequence[str | None]) -> SkippedRow:
    position = max(range(len(fields)), key=lambda i: len(fields[i]))
    name = names[position] if position < len(names) else None
    column = name or f"Column {column_letter(position)}"
    return SkippedRow(
        row=row,
        column=column,
        value=fields[position][:200],
        reason=(
            f"a field of {len(fields[position]):,} characters (more than "
            f"{MAX_FIELD_CHARS:,}) cannot be a survey answer; the row is left out"
        ),
    )


class _ColumnBuilder:
    """Rows in, one list of stripped cells per column out.

    Rows are gathered in blocks and transposed at C speed. Segment, score and date columns
    repeat a few values, so each column shares one str object per distinct value (as
    pandas' parser does) until it shows many distinct values; free text then costs no
    dictionary.
    """

    def __init__(self, width: int) -> None:
        self.columns: list[list[str]] = [[] for _ in range(width)]
        self.shared: list[dict[str, str] | None] = [{} for _ in range(width)]
        self.rows: list[int] = []
        self.block: list[Sequence[str]] = []
        self.last_filled = 0  # kept rows up to and including the last non-blank one

    def add(self, row: int, fields: Sequence[str]) -> None:
        self.rows.append(row)
        self.block.append(fields)
        if len(self.block) >= _BLOCK_ROWS:
            self._flush()

    def finish(self) -> tuple[list[list[str]], list[int], int]:
        self._flush()
        return self.columns, self.rows, self.last_filled

    def _flush(self) -> None:
        if not self.block:
            return
        start = len(self.columns[0]) if self.columns else len(self.rows) - len(self.block)
        for i, cells in enumerate(zip(*self.block, strict=True)):
            values = list(map(str.strip, cells))
            cache = self.shared[i]
            if cache is not None:
                values = list(map(cache.setdefault, values, values))
                if len(cache) > _SHARE_LIMIT:
                    self.shared[i] = None
            self.columns[i].extend(values)
        for offset in range(len(self.block) - 1, -1, -1):
            if any(column[start + offset] for column in self.columns):
                self.last_filled = start + offset + 1
                break
        self.block = []


def _column_names(header: Sequence[str]) -> list[str | None]:
    names: list[str | None] = []
    for raw in header:
        name = raw.strip().lstrip("\ufeff").strip()
        names.append(name or None)
    # Trailing delimiters give nameless columns at the end; they are dropped when empty.
    return names


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        if name in seen:
            seen[name] += 1
            candidate = f"{name}.{seen[name]}"
            while candidate in seen:
                seen[name] += 1
                candidate = f"{name}.{seen[name]}"
            seen[candidate] = 0
            result.append(candidate)
        else:
            seen[name] = 0
            result.append(name)
    return result
