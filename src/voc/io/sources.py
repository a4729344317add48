"""Getting the bytes of an export and deciding what kind of file it is.

The suffix says what the user meant; the first bytes say what the file is. Both are
checked so that a PNG renamed to .csv or an encrypted workbook fails with a clear message
instead of a parser traceback.

A file on disk is opened, not read: the readers stream it, so a 200 MB export is never
held in memory as bytes and as text at once. A seekable binary upload (the API's BytesIO)
is streamed as it is; any other file-like object is read once, up to the size limit.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from voc.errors import InputError

FileKind = Literal["csv", "xlsx"]

TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
EXCEL_SUFFIXES = frozenset({".xlsx"})
EXPECTED = "expected .csv, .tsv, .txt or .xlsx"

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Formats people upload by mistake, named so the message can say what was received.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)


HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class OpenedSource:
    """A seekable binary stream over the export, its name, size and first bytes."""

    stream: BinaryIO
    name: str
    size: int
    head: bytes


@contextmanager
def open_source(
    source: str | Path | BinaryIO, filename: str | None, max_bytes: int
) -> Iterator[OpenedSource]:
    """Open a path or file-like source for streaming; InputError if missing or too large."""
    if isinstance(source, str | Path):
        path = Path(source)
        name = filename or path.name
        if not path.is_file():
            raise InputError(f"file not found: '{path}' (expected a .csv, .tsv, .txt or .xlsx)")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(_too_large(name, size, max_bytes))
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise InputError(f"cannot read '{path}': {exc.strerror or exc}") from exc
        with stream:
            try:
                head = stream.read(HEAD_BYTES)
                stream.seek(0)
            except OSError as exc:
                raise InputError(f"cannot read '{path}': {exc.strerror or exc}") from exc
            yield OpenedSource(stream, name, size, head)
        return
    name = filename or Path(str(getattr(source, "name", "") or "upload")).name
    upload_size = _seekable_size(source)
    if upload_size is not None:
        # A seekable binary upload (the API's BytesIO) is streamed as it is: no copy.
        if upload_size > max_bytes:
            raise InputError(_too_large(name, upload_size, max_bytes))
        head = source.read(HEAD_BYTES)
        source.seek(0)
        if isinstance(head, bytes):
            yield OpenedSource(source, name, upload_size, head)
            return
    data, name = read_source_bytes(source, filename, max_bytes)
    yield OpenedSource(io.BytesIO(data), name, len(data), data[:HEAD_BYTES])


def _seekable_size(source: BinaryIO) -> int | None:
    """The size of a seekable binary stream positioned at its start, else None."""
    if isinstance(source, io.TextIOBase):
        return None
    try:
        if not source.seekable() or source.tell() != 0:
            return None
        size = source.seek(0, io.SEEK_END)
        source.seek(0)
    except (AttributeError, OSError, ValueError):
        return None
    return int(size)


def read_source_bytes(
    source: str | Path | BinaryIO, filename: str | None, max_bytes: int
) -> tuple[bytes, str]:
    """The content of a path or file-like source and the name to report it by."""
    if isinstance(source, str | Path):
        path = Path(source)
        name = filename or path.name
        if not path.is_file():
            raise InputError(f"file not found: '{path}' (expected a .csv, .tsv, .txt or .xlsx)")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(_too_large(name, size, max_bytes))
        try:
            return path.read_bytes(), name
        except OSError as exc:
            raise InputError(f"cannot read '{path}': {exc.strerror or exc}") from exc

    name = filename or Path(str(getattr(source, "name", "") or "upload")).name
    try:
        data = source.read(max_bytes + 1)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the upload {name!r}: {exc}") from exc
    if isinstance(data, str):  # a text-mode file was passed where bytes were expected
        data = data.encode("utf-8")
    if len(data) > max_bytes:
        raise InputError(_too_large(name, len(data), max_bytes, at_least=True))
    return bytes(data), name


def detect_kind(data: bytes, name: str) -> FileKind:
    """Whether to read ``data`` (the file or its first bytes) as text or as a workbook.

    Raises InputError when it is neither.
    """
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in TEXT_SUFFIXES | EXCEL_SUFFIXES:
        hint = " (save it as .xlsx or export it as CSV)" if suffix in {".xls", ".xlsb"} else ""
        raise InputError(f"unsupported file type {suffix!r}: {EXPECTED}{hint}")
    if not data.strip():
        raise InputError(f"{name!r} is empty: expected a header row and at least one data row")
    if data.startswith(_OLE2):
        raise InputError(
            f"{name!r} is a password-protected (encrypted) workbook or an old .xls file: "
            "remove the password and save it as .xlsx, or export it as CSV"
        )
    if data.startswith(_ZIP):
        return "xlsx"
    if suffix in EXCEL_SUFFIXES:
        raise InputError(
            f"{name!r} is not a valid .xlsx workbook (the file is corrupt or not an Excel "
            "file): expected an .xlsx saved by Excel, or a CSV export"
        )
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name!r} is {what}, not a survey export: {EXPECTED}")
    return "csv"


def _too_large(name: str, size: int, max_bytes: int, *, at_least: bool = False) -> str:
    mb = 1024 * 1024
    amount = f"{'over ' if at_least else ''}{size / mb:.1f} MB"
    return (
        f"{name!r} is {amount}, larger than the {max_bytes // mb} MB limit "
        "(setting max_upload_mb): split the export or raise the limit"
    )
