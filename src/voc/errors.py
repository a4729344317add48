"""The error tree of voc: every failure a user can cause says where and what."""

from __future__ import annotations


class VocError(Exception):
    """Base class of every error voc raises on purpose."""


class InputError(VocError):
    """The input file or table cannot be used as it is.

    ``row`` is the 1-based row number as a spreadsheet shows it (the header is row 1),
    ``column`` the column name as written in the file; either may be unknown.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        self.row = row
        self.column = column
        self.detail = message
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class ModelNotFoundError(VocError):
    """An embedding model named in settings cannot be found or loaded offline."""


class TaxonomyError(VocError):
    """The theme taxonomy file is malformed; the message names the line where known."""
