"""Survey-tool exports as their tools write them: header rows, mapped columns, rows, values.

One fixture per layout in tests/io/fixtures (see its README for the documentation each
follows); each test pins the exact mapping, the row counts and a few values.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from voc.io import FRAME_COLUMNS, LoadedSurvey, load_survey
from voc.io.layouts import detect_layout
from voc.types import ColumnMapping

FIXTURES = Path(__file__).parent / "fixtures"
NPS_QUESTION = "How likely is it that you would recommend Nordfin to a friend or colleague?"


def load(name: str) -> LoadedSurvey:
    return load_survey(FIXTURES / name)


def test_qualtrics_three_header_rows() -> None:
    loaded = load("qualtrics_nps.csv")
    report = loaded.report
    assert (report.layout, report.header_rows) == ("qualtrics", 3)
    assert (report.encoding, report.delimiter) == ("utf-8-sig", ",")
    # The derived Q1_NPS_GROUP (1-3) is never the score; metadata never becomes a segment.
    assert report.mapping == ColumnMapping(
        score="Q1",
        comment="Q2",
        extra_comments=["Q3", "Q4"],
        date="RecordedDate",
        response_id="ResponseId",
        segments=["Touchpoint", "Office"],
    )
    assert report.column_labels == {
        "Q1": NPS_QUESTION,
        "Q2": "What is the main reason for your score?",
        "Q3": "What do we do well?",
        "Q4": "What should we improve?",
        "RecordedDate": "Recorded Date",
        "ResponseId": "Response ID",
    }
    assert (report.rows_read, report.rows_used) == (10, 9)
    assert [(s.row, s.column, s.reason) for s in report.skipped] == [(8, "Q1", "score is empty")]
    frame = loaded.frame
    assert frame["row"].tolist()[:3] == [4, 5, 6]  # data starts below the three header rows
    assert frame["response_id"].iloc[0] == "R_1a2B3c4D5e6F7g8"
    assert frame["score"].tolist() == [10, 3, 8, 9, 5, 10, 7, 0, 9]
    assert (
        frame["comment"].iloc[0] == "Snabb och kunnig rådgivare\nPersonalen är trevlig och kunnig"
    )
    assert frame["comment"].iloc[1] == "Lang ventetid på telefon\nRing meg tilbake på [phone]"
    # Europe/Stockholm: UTC+1 in winter, UTC+2 after the last Sunday of March.
    assert frame["submitted_at"].iloc[0] == pd.Timestamp("2026-03-02 08:12:40")
    assert frame["submitted_at"].iloc[3] == pd.Timestamp("2026-04-02 08:00:00")
    assert report.redactions == {"email": 1, "phone": 1}


def test_qualtrics_comment_fields_stay_apart() -> None:
    loaded = load("qualtrics_nps.csv")
    fields = loaded.comment_fields
    assert list(fields.columns) == ["Q2", "Q3", "Q4"]
    assert len(fields) == len(loaded.frame)
    assert fields.iloc[1].tolist() == [
        "Lang ventetid på telefon",
        "",
        "Ring meg tilbake på [phone]",
    ]


def test_qualtrics_xlsx_export_has_the_same_header_rows(tmp_path: Path) -> None:
    with (FIXTURES / "qualtrics_nps.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / "qualtrics.xlsx"
    workbook.save(path)
    loaded = load_survey(path)
    assert (loaded.report.layout, loaded.report.file_type) == ("qualtrics", "xlsx")
    assert loaded.report.mapping == load("qualtrics_nps.csv").report.mapping
    assert loaded.frame["score"].tolist() == [10, 3, 8, 9, 5, 10, 7, 0, 9]


def test_surveymonkey_two_header_rows() -> None:
    loaded = load("surveymonkey_nps.csv")
    report = loaded.report
    assert (report.layout, report.header_rows, report.delimiter) == ("surveymonkey", 2, ",")
    assert report.mapping == ColumnMapping(
        score=NPS_QUESTION,
        comment="What is the main reason for your score?",
        date="End Date",
        response_id="Respondent ID",
        segments=["Custom Data 1", "Which office do you visit most often?"],
    )
    assert (report.rows_read, report.rows_used) == (5, 4)
    assert [s.row for s in report.skipped] == [6]
    frame = loaded.frame
    assert frame["response_id"].tolist() == [
        "114227960001",
        "114227960002",
        "114227960003",
        "114227960005",
    ]
    assert frame["score"].tolist() == [10, 6, 9, 8]
    # US order (AM/PM), 12-hour clock.
    assert frame["submitted_at"].tolist()[:2] == [
        pd.Timestamp("2026-03-14 09:12:30"),
        pd.Timestamp("2026-03-02 13:05:00"),
    ]
    assert "anna.svensson@example.se" not in frame.to_string()


def test_surveymonkey_multiple_choice_columns_are_named_by_option() -> None:
    header = ["Respondent ID", "Which of our services do you use?", "", "", "Score"]
    answers = ["", "Mobile app", "Branch", "Phone", "Response"]
    names, layout = detect_layout(header, [answers, ["1", "Mobile app", "", "", "9"]])
    assert layout.tool == "surveymonkey"
    assert names == [
        "Respondent ID",
        "Which of our services do you use? - Mobile app",
        "Which of our services do you use? - Branch",
        "Which of our services do you use? - Phone",
        "Score",
    ]


def test_typeform() -> None:
    loaded = load("typeform_nps.csv")
    report = loaded.report
    assert (report.layout, report.header_rows) == ("typeform", 1)
    assert report.mapping == ColumnMapping(
        score="On a scale from 0 to 10, how likely are you to recommend Nordfin to a friend?",
        comment="What's the main reason for your score?",
        date="Submit Date (UTC)",
        response_id="#",
        segments=["office"],
    )
    assert (report.rows_read, report.rows_used, report.skipped) == (6, 6, [])
    assert report.scale_reason == "The scale is 0-10 because the score column's header says 0-10."
    frame = loaded.frame
    assert frame["response_id"].iloc[0] == "x8k2m1q9w7e3r5t6"
    assert frame["comment"].tolist()[:2] == [
        "Smooth onboarding 👍",
        "Wrong invoice twice.\nNobody called back.",
    ]
    assert frame["comment"].iloc[3] == "Kunnig rådgivare, tack! Hälsningar [name]"
    assert frame["submitted_at"].iloc[0] == pd.Timestamp("2026-03-02 08:15:23")
    assert "Network ID" not in frame.columns


def test_google_forms() -> None:
    loaded = load("google_forms_nps.csv")
    report = loaded.report
    assert report.layout == "google-forms"
    assert report.mapping == ColumnMapping(
        score="Hur troligt är det att du skulle rekommendera oss till en vän eller kollega?",
        comment="Varför gav du det betyget?",
        extra_comments=["Vad kan vi göra bättre?"],
        date="Timestamp",
        segments=["Vilket kontor besökte du?"],
    )
    assert (report.rows_read, report.rows_used) == (6, 6)
    frame = loaded.frame
    assert frame["score"].tolist() == [9, 4, 10, 7, 8, 6]
    assert frame["comment"].tolist()[:3] == [
        "Trevligt bemötande\nLängre öppettider",
        "Lång kö\nFler som svarar i telefon",
        "",
    ]
    # 3/14/2026 settles the column as month first, so 3/2/2026 is 2 March.
    assert frame["submitted_at"].iloc[0] == pd.Timestamp("2026-03-02 08:15:23")
    assert frame["response_id"].tolist()[:2] == ["2", "3"]


def test_delighted() -> None:
    loaded = load("delighted_nps.csv")
    report = loaded.report
    assert report.layout == "delighted"
    assert report.mapping == ColumnMapping(
        score="Score",
        comment="Comment",
        date="Response Timestamp",
        response_id="Response ID",
        respondent="Person ID",
        segments=["Plan", "Country", "Touchpoint"],
    )
    assert (report.rows_read, report.rows_used, report.duplicates_removed) == (5, 4, 1)
    (duplicate,) = report.skipped
    assert (duplicate.row, duplicate.column, duplicate.value) == (5, "Response ID", "202")
    assert duplicate.reason == ("duplicate of row 3: same response id, date, score and comment")
    frame = loaded.frame
    assert frame["response_id"].tolist() == ["201", "202", "203", "204"]
    assert frame["submitted_at"].tolist()[::3] == [
        pd.Timestamp("2026-03-02 07:15:23"),  # +0100
        pd.Timestamp("2026-04-02 07:00:00"),  # +0200
    ]
    assert frame["Plan"].tolist() == ["Premium", "Basic", "Basic", "Premium"]


def test_quicksearch_style_tnps_with_nordic_quirks() -> None:
    loaded = load("quicksearch_tnps.csv")
    report = loaded.report
    assert (report.layout, report.encoding, report.delimiter) == ("generic", "cp1252", ";")
    assert report.mapping == ColumnMapping(
        score="Betyg (0-10)",
        comment="Kommentar",
        extra_comments=["Vad kan vi göra bättre?"],
        date="Datum",
        respondent="Kundnummer",
        segments=["Kontaktpunkt", "Kontor", "Region", "Säljare"],
    )
    assert list(loaded.frame.columns) == [
        *FRAME_COLUMNS,
        "Kontaktpunkt",
        "Kontor",
        "Region",
        "Säljare",
    ]
    assert (report.rows_read, report.rows_used, report.duplicates_removed) == (10, 8, 1)
    assert [(s.row, s.column, s.value, s.reason) for s in report.skipped] == [
        (5, "Kundnummer", "10077", "duplicate of row 3: same respondent, date, score and comment"),
        (7, "Betyg (0-10)", "tio", "'tio' is not a number 0-10"),
    ]
    frame = loaded.frame
    assert frame["score"].tolist() == [9, 3, 8, 7, 10, 6, 9, 8]  # "8,0" is 8
    assert frame["submitted_at"].iloc[0] == pd.Timestamp("2026-03-02 08:15")
    assert frame["Säljare"].tolist()[:2] == ["Åsa Ek", "Örjan Lind"]
    # A quoted comment over two lines (CRLF inside), then the improvement field.
    assert frame["comment"].iloc[1] == (
        "Leveransen var två veckor sen.\nFakturanr 4001234567 stämde inte heller.\nHåll tiderna"
    )
    # Invoice numbers and amounts are not personal data; the personnummer is.
    assert frame["comment"].iloc[2].startswith("Bra, men 1 200 kr i avgift")
    assert frame["comment"].iloc[3] == "Kontakta mig, personnummer [id-number]\nSnabbare offert"
    assert report.redactions == {"personnummer": 1}


def test_norwegian_utf8_bom_semicolon_and_nordic_dates() -> None:
    loaded = load("nordic_nb_utf8_bom.csv")
    report = loaded.report
    assert (report.encoding, report.delimiter) == ("utf-8-sig", ";")
    assert report.mapping == ColumnMapping(
        score="Hvor sannsynlig er det at du vil anbefale oss til en venn? (0-10)",
        comment="Hvorfor?",
        date="Dato",
        response_id="Svar-ID",
        segments=["Avdeling"],
    )
    assert report.rows_used == 6
    assert loaded.frame["submitted_at"].tolist()[:4] == [
        pd.Timestamp("2026-11-22"),
        pd.Timestamp("2026-11-23 14:03"),
        pd.Timestamp("2026-11-24"),  # Excel serial 46350
        pd.Timestamp("2026-11-24 09:30"),
    ]


def test_header_rows_in_a_dataframe_read_without_headers_are_recognised() -> None:
    with (FIXTURES / "qualtrics_nps.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    loaded = load_survey(frame)
    assert loaded.report.layout == "qualtrics"
    assert loaded.report.mapping.score == "Q1"
    assert loaded.report.rows_used == 9


@pytest.mark.parametrize(
    ("header", "tool"),
    [
        (["Timestamp", "Score", "Why?"], "google-forms"),
        (["#", "Score", "Submit Date (UTC)"], "typeform"),
        (["Score", "Comment", "Response Timestamp"], "delighted"),
        (["Score", "Comment", "Date"], "generic"),
    ],
)
def test_single_row_layouts_are_told_by_their_names(header: list[str], tool: str) -> None:
    assert detect_layout(header, [["9", "Bra", "2026-03-02"]])[1].tool == tool


def test_a_data_row_that_says_response_is_not_a_second_header(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("Type,Score\nResponse,9\nResponse,7\n", encoding="utf-8")
    loaded = load_survey(path)
    assert (loaded.report.layout, loaded.report.rows_used) == ("generic", 2)


def test_header_time_zone_is_respected_for_generic_exports() -> None:
    data = "Score,Submitted (UTC+02:00)\n9,2026-06-01 12:00\n7,2026-06-01 13:00+00:00\n"
    loaded = load_survey(io.BytesIO(data.encode()), filename="e.csv")
    assert loaded.frame["submitted_at"].tolist() == [
        pd.Timestamp("2026-06-01 10:00"),
        pd.Timestamp("2026-06-01 13:00"),  # its own offset wins over the header's
    ]
