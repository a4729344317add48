"""One entry point for raw reading: a path, an upload or a DataFrame in, a RawTable out."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pandas as pd

from voc.errors import InputError
from voc.io.excel import read_xlsx_table
from voc.io.layouts import header_rows
from voc.io.sources import detect_kind, open_source
from voc.io.table import RawTable, cell_text, table_from_records
from voc.io.text import read_text_table


def read_table(
    source: str | Path | pd.DataFrame | BinaryIO,
    *,
    filename: str | None = None,
    max_bytes: int,
) -> RawTable:
    """Read any supported source into a RawTable of strings.

    Args:
        filename: the name of a file-like source (an upload), used to tell its type.
        max_bytes: larger sources are refused with an InputError.
    """
    if isinstance(source, pd.DataFrame):
        return table_from_frame(source)
    with open_source(source, filename, max_bytes) as opened:
        if detect_kind(opened.head, opened.name) == "xlsx":
            return read_xlsx_table(opened.stream, opened.name)
        return read_text_table(
            opened.stream,
            opened.name,
            head=opened.head,
            prefer_tab=Path(opened.name).suffix.lower() == ".tsv",
        )


def table_from_frame(frame: pd.DataFrame, source: str = "dataframe") -> RawTable:
    """A RawTable from a DataFrame; row numbers are index position + 2, as if exported.

    A frame read with its header rows as data (Qualtrics, SurveyMonkey) is recognised
    as such; its rows are then numbered as in the file.
    """
    if frame.shape[1] == 0:
        raise InputError("the DataFrame has no columns: expected a score column at least")
    if frame.shape[0] == 0:
        raise InputError("the DataFrame has no rows")
    header = [cell_text(c) for c in frame.columns]
    columns = [[cell_text(v) for v in frame.iloc[:, i].tolist()] for i in range(frame.shape[1])]
    records = (
        (position + 2, [column[position] for column in columns])
        for position in range(frame.shape[0])
    )
    names, layout, body = header_rows(header, records)
    return table_from_records(
        names, body, source=source, file_type="dataframe", trim_trailing_blank=False, layout=layout
    )
