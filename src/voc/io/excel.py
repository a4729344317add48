"""Reading .xlsx workbooks: the first sheet that holds any data, every cell as text."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

import openpyxl

from voc.errors import InputError
from voc.io.layouts import split_header
from voc.io.table import RawTable, cell_text, table_from_records

logger = logging.getLogger(__name__)


def read_xlsx_table(stream: BinaryIO, name: str) -> RawTable:
    """Read the worksheet of an .xlsx workbook that holds the table into a RawTable.

    That is the sheet with the most rows of two or more filled cells (a cover or notes
    sheet before the data holds few); a sheet passed over is named in the notes.
    """
    rows, notes = _table_sheet_rows(stream, name)
    # openpyxl yields one tuple per sheet row from row 1, so list position + 1 is the row
    # number Excel shows even when the header is not on row 1.
    header, layout, body = split_header(_numbered(rows))
    if not header:
        raise InputError(f"{name!r} is empty: expected a header row and at least one data row")
    table = table_from_records(
        header, body, source=name, file_type="xlsx", layout=layout, notes=notes + layout.notes
    )
    if table.rows_read == 0:
        raise InputError(f"{name!r} has a header row but no data rows")
    return table


def _numbered(rows: list[list[str]]) -> Iterator[tuple[int, list[str]]]:
    for i, row in enumerate(rows):
        yield i + 1, row


def _table_sheet_rows(stream: BinaryIO, name: str) -> tuple[list[list[str]], tuple[str, ...]]:
    try:
        stream.seek(0)
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:
        raise InputError(
            f"{name!r} is not a valid .xlsx workbook (the file is corrupt or truncated): "
            "open it in Excel and save it again, or export it as CSV"
        ) from exc
    # openpyxl reports malformed workbook XML with many exception types (KeyError,
    # ValueError, its own InvalidFileException, lxml errors); all mean the same to a user.
    except Exception as exc:
        raise InputError(
            f"{name!r} cannot be read as an .xlsx workbook ({type(exc).__name__}): "
            "expected a workbook saved by Excel, or a CSV export"
        ) from exc
    best: tuple[int, int, str, list[list[str]]] | None = None
    passed: list[str] = []
    try:
        for position, sheet in enumerate(workbook.worksheets):
            rows = [[cell_text(v) for v in values] for values in sheet.iter_rows(values_only=True)]
            table_rows = sum(1 for r in rows if sum(1 for v in r if v.strip()) >= 2)
            if not any(v.strip() for r in rows for v in r):
                continue
            if best is None or table_rows > best[0]:
                if best is not None:
                    passed.append(best[2])  # an earlier sheet passed over: worth saying
                best = (table_rows, position, sheet.title, rows)
    except Exception as exc:  # same reasoning as above: corrupt sheet XML
        raise InputError(
            f"{name!r} has a worksheet that cannot be read ({type(exc).__name__}): the file "
            "may be corrupt; save it again in Excel or export it as CSV"
        ) from exc
    finally:
        workbook.close()
    if best is None:
        return [], ()
    _, position, title, rows = best
    logger.info("reading sheet %r of %s", title, name)
    notes: tuple[str, ...] = ()
    if passed:
        notes = (
            f"read sheet {title!r} (sheet {position + 1}), which holds the table; "
            f"sheet(s) {', '.join(repr(p) for p in passed)} left aside",
        )
    return rows, notes
