"""Reading delimited text exports: encoding, delimiter, Excel's ``sep=`` line, quoting.

Everything stays a string here; what a cell means is decided later.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import unicodedata
from collections.abc import Iterator

from voc.errors import InputError
from voc.io.table import RawTable, table_from_records

logger = logging.getLogger(__name__)

DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_CHARS = 64 * 1024
_SAMPLE_RECORDS = 200
_SEP_LINE = re.compile(r'^"?sep=(.)"?[ \t]*(?:\r\n|\n|\r|$)', re.IGNORECASE)


def read_text_table(data: bytes, name: str, *, prefer_tab: bool = False) -> RawTable:
    """Parse a CSV/TSV/semicolon export into a RawTable of strings."""
    text, encoding, notes = decode_text(data, name)
    text, declared = _strip_sep_line(text)
    if not text.strip():
        raise InputError(f"{name!r} is empty: expected a header row and at least one data row")
    delimiter = declared or detect_delimiter(text, prefer_tab=prefer_tab)
    logger.info("reading %s as text: encoding %s, delimiter %r", name, encoding, delimiter)

    records = _numbered_records(text, delimiter)
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    for row, fields in records:
        if header is None:
            if any(f.strip() for f in fields):
                header = fields
            continue
        body.append((row, fields))
    if header is None:
        raise InputError(f"{name!r} is empty: expected a header row and at least one data row")
    if body and _ends_inside_quotes(body[-1][1], text, delimiter):
        raise InputError(
            "a quoted cell that starts in this row is never closed, so every line after it "
            "would be read as part of one cell; add the missing '\"' or remove the stray one",
            row=body[-1][0],
        )
    table = table_from_records(
        header,
        body,
        source=name,
        file_type="csv",
        encoding=encoding,
        delimiter=delimiter,
        notes=notes,
    )
    if table.rows_read == 0:
        raise InputError(f"{name!r} has a header row but no data rows")
    return table


def decode_text(data: bytes, name: str) -> tuple[str, str, tuple[str, ...]]:
    """The text of ``data``, the encoding it was read with, and notes on damage found.

    UTF-8 is tried first because a cp1252 decode never fails; Nordic exports that are not
    UTF-8 are almost always Windows-1252 (Excel's "CSV" on Windows).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_or_fail(data, "utf-16", name), "utf-16", ()
    if _looks_like_utf16le(data):
        return _decode_or_fail(data, "utf-16-le", name), "utf-16-le", ()
    if b"\x00" in data[:_SAMPLE_CHARS]:
        raise _binary_error(name)
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    notes: tuple[str, ...] = ()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text, encoding, notes = _decode_not_utf8(data, encoding)
    if _control_share(text[:_SAMPLE_CHARS]) > 0.05:  # garbage bytes are ~25% controls
        raise _binary_error(name)
    return text, encoding, notes


def detect_delimiter(text: str, *, prefer_tab: bool = False) -> str:
    """The delimiter that splits the header and the rows below it most consistently.

    csv.Sniffer alone misreads files whose comments are full of commas, so every candidate
    is scored by how many rows have the header's field count; Sniffer only breaks ties.
    """
    sample = text[:_SAMPLE_CHARS]
    truncated = len(text) > _SAMPLE_CHARS
    scores: dict[str, tuple[float, int]] = {}
    for delimiter in DELIMITERS:
        score = _consistency(sample, delimiter, truncated)
        if score is not None:
            scores[delimiter] = score
    if not scores:
        return "\t" if prefer_tab else ","  # a single column: any delimiter reads it
    best = max(scores.values())
    tied = [d for d in DELIMITERS if scores.get(d) == best]
    if len(tied) == 1:
        return tied[0]
    if prefer_tab and "\t" in tied:
        return "\t"
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    return sniffed if sniffed in tied else tied[0]


def _consistency(sample: str, delimiter: str, truncated: bool) -> tuple[float, int] | None:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                records.append(fields)
            if len(records) > _SAMPLE_RECORDS:
                break
    except csv.Error:
        return None
    if truncated and len(records) <= _SAMPLE_RECORDS and records:
        records.pop()  # the sample may end halfway through a record
    if not records or len(records[0]) < 2:
        return None
    width = len(records[0])
    body = records[1:]
    if not body:
        return 1.0, width
    fitting = sum(1 for r in body if len(r) == width or (len(r) > width and not any(r[width:])))
    return round(fitting / len(body), 2), width


def _numbered_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    # A spreadsheet shows one row per record, however many lines a quoted comment spans.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    row = 0
    try:
        for fields in reader:
            row += 1
            yield row, fields
    except csv.Error as exc:
        raise InputError(
            f"cannot split the text into columns at line {reader.line_num} ({exc}); "
            "check for an unclosed quote",
            row=row + 1,
        ) from exc


def _ends_inside_quotes(last: list[str], text: str, delimiter: str) -> bool:
    # The lenient reader swallows the rest of the file into a cell whose quote never
    # closes; only the strict reader says so. The second parse runs only when the last
    # cell spans lines, which is where such a cell ends up.
    if not any("\n" in f or "\r" in f for f in last):
        return False
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _strip_sep_line(text: str) -> tuple[str, str | None]:
    match = _SEP_LINE.match(text)
    if not match:
        return text, None
    return text[match.end() :], match.group(1)


def _decode_not_utf8(data: bytes, utf8_name: str) -> tuple[str, str, tuple[str, ...]]:
    # A UTF-8 file with a few stray bytes (rows pasted in from another file) must not be
    # read as cp1252, which would garble every å ä ö in it: keep UTF-8 when most of its
    # non-ASCII text decodes, and say how many bytes were replaced.
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    good = sum(1 for ch in lenient if ord(ch) > 127) - bad
    if good > bad:
        note = f"{bad} byte(s) that are not valid UTF-8 were replaced by '\ufffd'"
        return lenient, utf8_name, (note,)
    try:
        return data.decode("cp1252"), "cp1252", ()
    except UnicodeDecodeError:
        # Five bytes are undefined in cp1252; latin-1 maps every byte.
        return data.decode("latin-1"), "latin-1", ()


def _decode_or_fail(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name!r} looks like {encoding.upper()} text but cannot be decoded: "
            "expected a UTF-8, UTF-16 or Windows-1252 CSV export"
        ) from exc


def _looks_like_utf16le(data: bytes) -> bool:
    sample = data[:4096]
    if len(sample) < 8:
        return False
    odd = sample[1::2]
    even = sample[0::2]
    return odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even)


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for ch in text if ch not in "\t\n\r\f\v" and unicodedata.category(ch) == "Cc")
    return controls / len(text)


def _binary_error(name: str) -> InputError:
    return InputError(
        f"{name!r} is not a text table (it contains binary data): expected a CSV/TSV text "
        "export or an .xlsx workbook"
    )
