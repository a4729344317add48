"""One entry point for raw reading: a path, an upload or a DataFrame in, a RawTable out."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pandas as pd

from voc.errors import InputError
from voc.io.excel import read_xlsx_table
from voc.io.sources import detect_kind, read_source_bytes
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
    data, name = read_source_bytes(source, filename, max_bytes)
    if detect_kind(data, name) == "xlsx":
        return read_xlsx_table(data, name)
    return read_text_table(data, name, prefer_tab=Path(name).suffix.lower() == ".tsv")


def table_from_frame(frame: pd.DataFrame, source: str = "dataframe") -> RawTable:
    """A RawTable from a DataFrame; row numbers are index position + 2, as if exported."""
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
    return table_from_records(
        header, records, source=source, file_type="dataframe", trim_trailing_blank=False
    )
