"""Fuzzing the readers: whatever the bytes, a loaded table or one InputError, and quickly.

Each example runs under a hard time limit (an interval timer), so a hang fails the test
instead of stalling the suite; hypothesis' deadline also flags slow examples.
"""

from __future__ import annotations

import contextlib
import csv
import io
import signal
from collections.abc import Iterator
from datetime import timedelta

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voc.errors import InputError
from voc.io import load_survey
from voc.io.readers import read_table

MB = 1024 * 1024
LIMIT_S = 10  # far above the few milliseconds an example takes
FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=3),
    suppress_health_check=[HealthCheck.too_slow],
)
DELIMITERS = [",", ";", "\t", "|"]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]
NEWLINES = ["\n", "\r\n"]
_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöæø", min_size=1, max_size=8)
_CELL = st.text(alphabet="abcåäöæø xyz0123456789,;\t|\"'\n.-", max_size=12)


class Hang(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Hang in the test if the block runs longer than ``seconds``."""

    def stop(signum: int, frame: object) -> None:
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def load_or_input_error(data: bytes, name: str | None) -> None:
    with time_limit(LIMIT_S), contextlib.suppress(InputError):
        loaded = load_survey(io.BytesIO(data), filename=name)
        report = loaded.report
        assert report.rows_used == len(loaded.frame) > 0
        assert report.rows_read == report.rows_used + len(report.skipped)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    header = draw(st.lists(_NAME, min_size=1, max_size=5, unique=True))
    rows = draw(st.lists(st.lists(_CELL, min_size=len(header), max_size=len(header)), max_size=8))
    return header, rows


def encode_table(
    header: list[str], rows: list[list[str]], delimiter: str, newline: str, sep_line: bool
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return (f"sep={delimiter}{newline}" if sep_line else "") + buffer.getvalue()


@FUZZ
@given(
    table=tables(),
    delimiter=st.sampled_from(DELIMITERS),
    encoding=st.sampled_from(ENCODINGS),
    newline=st.sampled_from(NEWLINES),
    sep_line=st.booleans(),
    name=st.sampled_from(["e.csv", "e.tsv", "e.txt", None]),
)
def test_random_tables_in_any_delimiter_encoding_and_line_ending(
    table: tuple[list[str], list[list[str]]],
    delimiter: str,
    encoding: str,
    newline: str,
    sep_line: bool,
    name: str | None,
) -> None:
    header, rows = table
    text = encode_table(header, rows, delimiter, newline, sep_line)
    load_or_input_error(text.encode(encoding), name)


@FUZZ
@given(
    table=tables(),
    delimiter=st.sampled_from(DELIMITERS),
    encoding=st.sampled_from(ENCODINGS),
    newline=st.sampled_from(NEWLINES),
)
def test_declared_delimiter_round_trips_every_cell(
    table: tuple[list[str], list[list[str]]], delimiter: str, encoding: str, newline: str
) -> None:
    header, rows = table
    expected = [[cell.strip() for cell in row] for row in rows]
    while expected and not any(expected[-1]):
        expected.pop()  # trailing blank rows are not survey rows
    data = encode_table(header, rows, delimiter, newline, sep_line=True).encode(encoding)
    with time_limit(LIMIT_S):
        try:
            result = read_table(io.BytesIO(data), filename="e.csv", max_bytes=MB)
        except InputError as error:
            assert not expected, f"a readable table was refused: {error}"
            return
    assert result.delimiter == delimiter
    assert list(result.cells.columns) == header
    assert result.cells.to_numpy().tolist() == expected
    assert result.cells.index.tolist() == list(range(2, 2 + len(expected)))


@FUZZ
@given(
    table=tables(),
    delimiter=st.sampled_from(DELIMITERS),
    encoding=st.sampled_from(ENCODINGS),
    cut=st.floats(min_value=0, max_value=1),
)
def test_truncated_text_files(
    table: tuple[list[str], list[list[str]]], delimiter: str, encoding: str, cut: float
) -> None:
    header, rows = table
    rows = [*rows, ["9", *(["Bra"] * (len(header) - 1))]]
    data = encode_table(header, rows, delimiter, "\r\n", sep_line=False).encode(encoding)
    load_or_input_error(data[: int(len(data) * cut)], "e.csv")


@FUZZ
@given(
    prefix=st.sampled_from(
        [b"", b"Score,Comment\n", b"sep=;\nBetyg;Kommentar\r\n", b"\xef\xbb\xbf"]
    ),
    data=st.binary(max_size=2000),
    name=st.sampled_from(["e.csv", "e.xlsx", "e.txt", None]),
)
def test_random_bytes_after_a_plausible_start(prefix: bytes, data: bytes, name: str | None) -> None:
    load_or_input_error(prefix + data, name)


def _workbook_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Response ID", "Score", "Comment", "Office"])
    for i in range(30):
        sheet.append([f"R{i}", i % 11, f"Kommentar nummer {i} med å ä ö", ["Oslo", "Umeå"][i % 2]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WORKBOOK = _workbook_bytes()


def test_the_unbroken_workbook_loads() -> None:
    assert load_survey(io.BytesIO(WORKBOOK), filename="e.xlsx").report.rows_used == 30


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(WORKBOOK) - 1))
def test_truncated_xlsx(cut: int) -> None:
    with pytest.raises(InputError), time_limit(LIMIT_S):
        load_survey(io.BytesIO(WORKBOOK[:cut]), filename="e.xlsx")


@FUZZ
@given(
    flips=st.lists(
        st.tuples(st.integers(0, len(WORKBOOK) - 1), st.integers(1, 255)), min_size=1, max_size=8
    )
)
def test_corrupted_xlsx(flips: list[tuple[int, int]]) -> None:
    data = bytearray(WORKBOOK)
    for position, mask in flips:
        data[position] ^= mask
    load_or_input_error(bytes(data), "e.xlsx")
