"""Reading delimited text exports: encoding, delimiter, Excel's ``sep=`` line, quoting.

The file is streamed twice and never held whole: one pass decides the encoding (UTF-8 can
only be trusted once every byte has been seen), the second parses records straight into
the table's columns. Everything stays a string here; what a cell means is decided later.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from voc.errors import InputError
from voc.io.layouts import split_header
from voc.io.sources import HEAD_BYTES
from voc.io.table import RawTable, table_from_records

logger = logging.getLogger(__name__)

DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_CHARS = 64 * 1024
_SAMPLE_RECORDS = 200
_CHUNK = 4 * 1024 * 1024
_SEP_LINE = re.compile(r'^"?sep=(.)"?[ \t]*(?:\r\n|\n|\r|$)', re.IGNORECASE)
# Control characters other than tab and line breaks: never part of a survey answer. A few
# inside a comment (NUL bytes from an export tool, a paste) are removed; a file is called
# binary only when they make up more than this share of it.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
_OTHER_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
BINARY_SHARE = 0.05
# The csv module's own limit (128 kB per field) would abandon the whole file at one huge
# comment; the size of each field is checked per row instead (see table.MAX_FIELD_CHARS),
# and the whole file is already bounded by max_upload_mb.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_text_table(
    stream: BinaryIO, name: str, *, head: bytes | None = None, prefer_tab: bool = False
) -> RawTable:
    """Parse a CSV/TSV/semicolon export from a seekable binary stream into a RawTable.

    Args:
        head: the stream's first bytes, if already read (they are re-read otherwise).
        prefer_tab: break delimiter ties in favour of tabs (the file is named .tsv).
    """
    if head is None:
        stream.seek(0)
        head = stream.read(HEAD_BYTES)
    encoding, errors, notes = detect_encoding(stream, head, name)
    sample = _decode_head(head, encoding)
    body_sample, declared = _strip_sep_line(sample)
    if not body_sample.strip():
        raise InputError(f"{name!r} is empty: expected a header row and at least one data row")
    stream.seek(0, io.SEEK_END)
    truncated = stream.tell() > len(head)
    delimiter = declared or detect_delimiter(
        body_sample, prefer_tab=prefer_tab, truncated=truncated
    )
    logger.info("reading %s as text: encoding %s, delimiter %r", name, encoding, delimiter)

    cleaned = _control_cleaner(stream, encoding, name)
    records = _numbered_records(
        stream, encoding, errors, delimiter, skip_line=declared is not None, cleaned=cleaned
    )
    header, layout, body = split_header(records)
    if not header:
        raise InputError(f"{name!r} is empty: expected a header row and at least one data row")
    table = table_from_records(
        header,
        body,
        source=name,
        file_type="csv",
        encoding=encoding,
        delimiter=delimiter,
        notes=notes + layout.notes,
        layout=layout,
    )
    if cleaned is not None and cleaned.rows:
        table = replace(table, notes=(*table.notes, cleaned.note()))
    last_row, last_cells = _last_record(table)
    oversized = any(s.reason.startswith("a field") for s in table.skipped)
    if (last_cells or oversized) and _ends_inside_quotes(
        ["\n"] if oversized else last_cells, stream, encoding, errors, delimiter, declared
    ):
        raise InputError(
            "a quoted cell that starts in this row is never closed, so every line after it "
            "would be read as part of one cell; add the missing '\"' or remove the stray one",
            row=last_row,
        )
    if table.rows_read == 0:
        raise InputError(f"{name!r} has a header row but no data rows")
    return table


def detect_encoding(stream: BinaryIO, head: bytes, name: str) -> tuple[str, str, tuple[str, ...]]:
    """The encoding to read the stream with, the decode error mode, and notes on damage.

    UTF-8 is tried first because a cp1252 decode never fails; Nordic exports that are not
    UTF-8 are almost always Windows-1252 (Excel's "CSV" on Windows).
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(stream, "utf-16", name), "strict", ()
    if _looks_like_utf16le(head):
        return _strict(stream, "utf-16-le", name), "strict", ()
    if _control_byte_share(head) > BINARY_SHARE:
        raise _binary_error(name)
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    errors = "strict"
    notes: tuple[str, ...] = ()
    bad, good = _scan_utf8(stream)
    if bad and good > bad:
        # A UTF-8 file with a few stray bytes (rows pasted in from another file) must not be
        # read as cp1252, which would garble every å ä ö in it: keep UTF-8 and say so.
        errors = "replace"
        notes = (f"{bad} byte(s) that are not valid UTF-8 were replaced by '\ufffd'",)
    elif bad:
        # Five bytes are undefined in cp1252; latin-1 maps every byte.
        encoding = "cp1252" if _decodes(stream, "cp1252") else "latin-1"
    if _control_share(_decode_head(head, encoding)) > BINARY_SHARE:  # garbage: ~25% controls
        raise _binary_error(name)

    return encoding, errors, notes


def decode_text(data: bytes, name: str) -> tuple[str, str, tuple[str, ...]]:
    """The text of ``data``, the encoding it was read with, and notes on damage found."""
    encoding, errors, notes = detect_encoding(io.BytesIO(data), data[:HEAD_BYTES], name)
    return data.decode(encoding, errors), encoding, notes


def detect_delimiter(text: str, *, prefer_tab: bool = False, truncated: bool | None = None) -> str:
    """The delimiter that splits the header and the rows below it most consistently.

    csv.Sniffer alone misreads files whose comments are full of commas, so every candidate
    is scored by how many rows have the header's field count; Sniffer only breaks ties.

    Args:
        truncated: whether ``text`` is only the start of the file (its last record may be
            cut); by default, whether it is longer than the sample read.
    """
    sample = text[:_SAMPLE_CHARS]
    if truncated is None:
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
    if not records:
        return None
    # The header is the first record as wide as most of them: title or notes rows above
    # it (one or two cells) do not decide the delimiter.
    widths = Counter(len(r) for r in records)
    width = max(widths, key=lambda w: (widths[w], w))
    if width < 2:
        return None
    # Rows above the header count against the delimiter: it must split them too.
    if len(records) == 1:
        return 1.0, width
    fitting = sum(1 for r in records if len(r) == width or (len(r) > width and not any(r[width:])))
    return round(fitting / len(records), 2), width


def _numbered_records(
    stream: BinaryIO,
    encoding: str,
    errors: str,
    delimiter: str,
    *,
    skip_line: bool,
    strict: bool = False,
    cleaned: _CleanedRows | None = None,
) -> Iterator[tuple[int, list[str]]]:
    # A spreadsheet shows one row per record, however many lines a quoted comment spans.
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline="")
    row = 0
    reader = csv.reader(text, delimiter=delimiter, strict=strict)
    try:
        if skip_line:
            text.readline()
        for fields in reader:
            row += 1
            if cleaned is not None:
                fields = cleaned.clean(row, fields)
            yield row, fields
    except csv.Error as exc:
        raise InputError(
            f"cannot split the text into columns at line {reader.line_num} ({exc}); "
            "check for an unclosed quote",
            row=row + 1,
        ) from exc
    except UnicodeDecodeError as exc:  # the encoding pass saw every byte; kept as a guard
        raise InputError(f"cannot decode the text as {encoding} near row {row + 1}") from exc
    finally:
        text.detach()  # closing the wrapper would close the caller's stream


def _last_record(table: RawTable) -> tuple[int, list[str]]:
    # A cell whose quote never closes swallows the rest of the file, so it ends up in the
    # last record: the last kept row or the last row refused for its field count.
    kept = (int(table.cells.index[-1]), list(table.cells.iloc[-1])) if len(table.cells) else None
    refused = (table.skipped[-1].row, [table.skipped[-1].value]) if table.skipped else None
    candidates = [c for c in (kept, refused) if c is not None]
    return max(candidates, key=lambda c: c[0]) if candidates else (0, [])


def _ends_inside_quotes(
    last: list[str],
    stream: BinaryIO,
    encoding: str,
    errors: str,
    delimiter: str,
    declared: str | None,
) -> bool:
    # The lenient reader swallows the rest of the file into a cell whose quote never
    # closes; only the strict reader says so. The second parse runs only when the last
    # cell spans lines, which is where such a cell ends up.
    if not any("\n" in f or "\r" in f for f in last):
        return False
    records = _numbered_records(
        stream, encoding, errors, delimiter, skip_line=declared is not None, strict=True
    )
    try:
        for _ in records:
            pass
    except InputError as exc:
        return "unexpected end of data" in str(exc)
    return False


def _strip_sep_line(text: str) -> tuple[str, str | None]:
    match = _SEP_LINE.match(text)
    if not match:
        return text, None
    return text[match.end() :], match.group(1)


def _decode_head(head: bytes, encoding: str) -> str:
    # The head may end inside a multi-byte character: an incremental decoder drops it.
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(head, final=False)


def _scan_utf8(stream: BinaryIO) -> tuple[int, int]:
    """Bytes that are not UTF-8 (as replacement characters) and other non-ASCII characters."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return 0, 0
    except UnicodeDecodeError:
        pass
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    bad = good = 0
    while True:
        chunk = stream.read(_CHUNK)
        text = decoder.decode(chunk, final=not chunk)
        replaced = text.count("\ufffd")
        bad += replaced
        good += len(text) - len(text.encode("ascii", "ignore")) - replaced
        if not chunk:
            return bad, good


def _decodes(stream: BinaryIO, encoding: str) -> bool:
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _strict(stream: BinaryIO, encoding: str, name: str) -> str:
    if not _decodes(stream, encoding):
        raise InputError(
            f"{name!r} looks like {encoding.upper()} text but cannot be decoded: "
            "expected a UTF-8, UTF-16 or Windows-1252 CSV export"
        )
    return encoding


def _looks_like_utf16le(data: bytes) -> bool:
    sample = data[:4096]
    if len(sample) < 8:
        return False
    odd = sample[1::2]
    even = sample[0::2]
    return odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even)


class _CleanedRows:
    """Removes control characters from records and remembers which rows had them."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.removed = 0

    def clean(self, row: int, fields: list[str]) -> list[str]:
        if not any(_CONTROL_CHARS.search(f) for f in fields):
            return fields
        self.rows.append(row)
        out = []
        for f in fields:
            text, count = _CONTROL_CHARS.subn("", f)
            self.removed += count
            out.append(text)
        return out

    def note(self) -> str:
        shown = ", ".join(map(str, self.rows[:20])) + (", ..." if len(self.rows) > 20 else "")
        return (
            f"{self.removed} control character(s) (NUL or similar, not text) were removed "
            f"from {len(self.rows)} row(s): {shown}; the rest of those rows is kept"
        )


def _control_cleaner(stream: BinaryIO, encoding: str, name: str) -> _CleanedRows | None:
    """A cleaner when the records may hold control characters; InputError when too many.

    UTF-16 has NUL bytes in every ASCII character, so its records are always checked;
    other encodings only when a scan of the bytes finds a control byte.
    """
    if encoding.startswith("utf-16"):
        return _CleanedRows()
    count = _control_bytes_in(stream)
    if not count:
        return None
    stream.seek(0, io.SEEK_END)
    if count > BINARY_SHARE * stream.tell():
        raise _binary_error(name)
    return _CleanedRows()


def _control_bytes_in(stream: BinaryIO) -> int:
    stream.seek(0)
    count = 0
    while chunk := stream.read(_CHUNK):
        count += len(chunk.translate(None, _OTHER_BYTES))
    return count


def _control_byte_share(data: bytes) -> float:
    return len(data.translate(None, _OTHER_BYTES)) / len(data) if data else 0.0


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
