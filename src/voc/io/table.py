"""The raw table every reader produces: header names and string cells keyed by spreadsheet row.

Readers differ in how they get cells out of a file; from here on a CSV, a workbook and a
DataFrame look the same, so column detection and row validation are written once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from voc.errors import InputError
from voc.types import SkippedRow


@dataclass(frozen=True, eq=False)
class RawTable:
    """A table as read, before any interpretation.

    ``cells`` holds one column of str cells (object dtype, each stripped of surrounding
    whitespace) per header name (stripped, made unique), indexed by the row number a
    spreadsheet shows (header = row 1).
    ``skipped`` holds rows that could not even be split into the header's columns;
    ``notes`` things worth telling the user that cost no row (e.g. replaced bytes).
    """

    cells: pd.DataFrame
    source: str
    file_type: str
    encoding: str | None = None
    delimiter: str | None = None
    skipped: tuple[SkippedRow, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

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
) -> RawTable:
    """Build a RawTable from a header and ``(row number, fields)`` records.

    Short records are padded with empty cells; a record with more non-empty fields than
    the header has columns is listed as skipped rather than guessed at.
    """
    names = _column_names(header)
    width = len(names)
    kept: list[list[str]] = []
    row_numbers: list[int] = []
    skipped: list[SkippedRow] = []
    for row, fields in records:
        # Stripped once here so that nothing downstream has to care about padding.
        values = list(map(str.strip, fields))
        if len(values) > width:
            extra = values[width:]
            if any(extra):
                sep = delimiter or ","
                skipped.append(
                    SkippedRow(
                        row=row,
                        column=None,
                        value=sep.join(values)[:200],
                        reason=f"has {len(values)} fields but the header has {width}",
                    )
                )
                continue
            values = values[:width]
        elif len(values) < width:
            values += [""] * (width - len(values))
        kept.append(values)
        row_numbers.append(row)

    if trim_trailing_blank:
        # Files often end in empty lines or formatted-but-empty rows; a spreadsheet user
        # does not think of those as rows of the survey.
        while kept and not any(kept[-1]):
            kept.pop()
            row_numbers.pop()

    keep_columns = [
        i for i, name in enumerate(names) if name is not None or any(r[i] for r in kept)
    ]
    final_names = [names[i] or f"Column {column_letter(i)}" for i in keep_columns]
    if not final_names:
        raise InputError(f"{source!r} has no column headers: expected a header row")
    final_names = _dedupe(final_names)
    data = {name: [r[i] for r in kept] for name, i in zip(final_names, keep_columns, strict=True)}
    index = pd.Index(row_numbers, dtype="int64", name="row")
    # object, not pandas' str dtype: python-backed str columns make every comparison slow.
    cells = pd.DataFrame(data, index=index, dtype=object)
    return RawTable(
        cells=cells,
        source=source,
        file_type=file_type,
        encoding=encoding,
        delimiter=delimiter,
        skipped=tuple(skipped),
        notes=notes,
    )


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
