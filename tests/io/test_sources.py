"""Telling file types apart and refusing what cannot be a survey export."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc.config import Settings
from voc.errors import InputError
from voc.io import load_survey
from voc.io.sources import detect_kind

CSV = b"Score,Comment\n9,Bra\n"


@pytest.mark.parametrize("suffix", [".pdf", ".json", ".png", ".docx", ".PDF"])
def test_unknown_file_type(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"export{suffix}"
    path.write_bytes(CSV)
    with pytest.raises(InputError) as caught:
        load_survey(path)
    assert str(caught.value) == (
        f"unsupported file type {suffix.lower()!r}: expected .csv, .tsv, .txt or .xlsx"
    )


def test_old_xls_gets_a_hint() -> None:
    with pytest.raises(InputError, match=r"'\.xls'.*save it as \.xlsx"):
        detect_kind(b"\xd0\xcf\x11\xe0", "old.xls")


def test_upload_type_comes_from_filename() -> None:
    with pytest.raises(InputError, match=re.escape("unsupported file type '.pdf'")):
        load_survey(io.BytesIO(b"%PDF-1.7 ..."), filename="scores.pdf")


def test_png_renamed_to_csv() -> None:
    with pytest.raises(InputError) as caught:
        load_survey(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), filename="e.csv")
    assert "is a PNG image, not a survey export" in str(caught.value)


def test_unnamed_upload_is_sniffed_as_csv() -> None:
    loaded = load_survey(io.BytesIO(CSV))
    assert (loaded.report.source, loaded.report.file_type) == ("upload", "csv")


@pytest.mark.parametrize("data", [b"", b"  \r\n\n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        load_survey(path)
    assert str(caught.value) == (
        "'e.csv' is empty: expected a header row and at least one data row"
    )


def test_header_only(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"Score,Comment\r\n\r\n")
    with pytest.raises(InputError, match=re.escape("'e.csv' has a header row but no data rows")):
        load_survey(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=re.escape("file not found")):
        load_survey(tmp_path / "nope.csv")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(CSV + b"7,Ok\n" * 260_000)  # about 1.2 MB
    with pytest.raises(InputError) as caught:
        load_survey(path, settings=Settings(max_upload_mb=1))
    assert str(caught.value).startswith("'big.csv' is 1.2 MB, larger than the 1 MB limit")


def test_upload_over_the_size_limit_is_not_read() -> None:
    upload = io.BytesIO(CSV + b"7,Ok\n" * 260_000)
    with pytest.raises(
        InputError, match=re.escape("'big.csv' is 1.2 MB, larger than the 1 MB limit")
    ):
        load_survey(upload, filename="big.csv", settings=Settings(max_upload_mb=1))
    assert upload.tell() == 0  # sized by seeking, not by reading


class _Unseekable(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_unseekable_upload_over_the_size_limit_is_not_read_whole() -> None:
    upload = _Unseekable(CSV + b"7,Ok\n" * 260_000)
    with pytest.raises(
        InputError, match=re.escape("'big.csv' is over 1.0 MB, larger than the 1 MB limit")
    ):
        load_survey(upload, filename="big.csv", settings=Settings(max_upload_mb=1))  # type: ignore[arg-type]
    assert upload._data.tell() == 1024 * 1024 + 1


def test_unseekable_and_text_uploads_are_read() -> None:
    assert load_survey(_Unseekable(CSV), filename="e.csv").report.rows_used == 1  # type: ignore[arg-type]
    text = io.StringIO("Score,Comment\n9,Bra\n")
    assert load_survey(text, filename="e.csv").report.rows_used == 1  # type: ignore[arg-type]


def test_upload_is_not_closed() -> None:
    upload = io.BytesIO(CSV)
    load_survey(upload, filename="e.csv")
    assert not upload.closed


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=200), name=st.sampled_from(["e.csv", "e.xlsx", "e.txt", None]))
def test_no_exception_but_input_error_escapes(data: bytes, name: str | None) -> None:
    with contextlib.suppress(InputError):
        load_survey(io.BytesIO(data), filename=name)
