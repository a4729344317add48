"""Reading .xlsx workbooks written with openpyxl, and refusing broken ones."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from voc.errors import InputError
from voc.io import load_survey

HEADERS = [
    "Response ID",
    "Submitted",
    "How likely is it that you would recommend Nordfin to a friend or colleague? (0-10)",
    "What is the main reason for your score?",
    "Touchpoint",
]


def save(workbook: openpyxl.Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def test_xlsx_with_nordfin_headers(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    touchpoints = ["App", "Branch", "Phone"]
    for i in range(9):
        ws.append(
            [
                f"R{i}",
                dt.datetime(2026, 3, 1 + i, 9, 30),
                i + 1,
                f"Kommentar {i}",
                touchpoints[i % 3],
            ]
        )
    ws.append(["R9", dt.datetime(2026, 3, 10), 9.5, "Halvt", "App"])
    loaded = load_survey(save(wb, tmp_path / "e.xlsx"))

    report = loaded.report
    assert (report.file_type, report.encoding, report.delimiter) == ("xlsx", None, None)
    assert report.mapping.score == HEADERS[2]
    assert report.mapping.comment == HEADERS[3]
    assert report.mapping.date == "Submitted"
    assert report.mapping.response_id == "Response ID"
    assert report.mapping.segments == ["Touchpoint"]
    assert loaded.frame["score"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert loaded.frame["submitted_at"].iloc[0] == pd.Timestamp("2026-03-01 09:30")
    assert loaded.frame["submitted_at"].dtype == "datetime64[ns]"
    assert [(s.row, s.value, s.reason) for s in report.skipped] == [
        (11, "9.5", "'9.5' is not a whole number 0-10")
    ]


def test_first_sheet_with_data_and_rows_numbered_as_excel_shows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    first.title = "Info"
    data = wb.create_sheet("Svar")
    data["B3"], data["C3"] = "Betyg", "Kommentar"
    data["B4"], data["C4"] = 9, "Bra"
    data["B6"], data["C6"] = 4, "Dålig"
    loaded = load_survey(save(wb, tmp_path / "e.xlsx"))
    assert loaded.frame["row"].tolist() == [4, 6]
    assert loaded.frame["comment"].tolist() == ["Bra", "Dålig"]
    assert [(s.row, s.reason) for s in loaded.report.skipped] == [(5, "empty row")]


def test_xlsx_upload_detected_from_content_without_a_name(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["NPS", "Comment"])
    ws.append([10, "Toppen"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    loaded = load_survey(buffer)
    assert loaded.report.file_type == "xlsx"
    assert loaded.frame["score"].tolist() == [10]


def test_header_only_workbook(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Score", "Comment"])
    with pytest.raises(InputError, match=re.escape("has a header row but no data rows")):
        load_survey(save(wb, tmp_path / "e.xlsx"))


def test_empty_workbook(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=re.escape("'e.xlsx' is empty")):
        load_survey(save(openpyxl.Workbook(), tmp_path / "e.xlsx"))


def test_truncated_xlsx_is_reported_corrupt(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    good = save(wb, tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "broken.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputError, match=re.escape("'broken.xlsx' is not a valid .xlsx workbook")):
        load_survey(path)


def test_garbage_named_xlsx_is_reported_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    path.write_bytes(b"Score,Comment\n9,Bra\n")
    with pytest.raises(InputError, match=re.escape("corrupt or not an Excel file")):
        load_survey(path)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "e.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match=re.escape("cannot be read as an .xlsx workbook")):
        load_survey(path)


def test_password_protected_workbook(tmp_path: Path) -> None:
    # Encrypted .xlsx files are OLE2 compound documents, not zip archives.
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(InputError) as caught:
        load_survey(path)
    assert "password-protected" in str(caught.value)
    assert "export it as CSV" in str(caught.value)
