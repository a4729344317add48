"""Exports laid out like real ones (issue 14): tool layouts in several languages, title rows,
period columns, honest scale inference, oversized fields."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from voc.analytics import nps_by_month, nps_by_period
from voc.io import load_survey
from voc.io.survey import LoadedSurvey

FIXTURES = Path(__file__).parent / "fixtures"


def csv_bytes(rows: list[list[str]], sep: str = ",") -> io.BytesIO:
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    return io.BytesIO(frame.to_csv(index=False, sep=sep).encode())


def xlsx_bytes(*sheets: tuple[str, list[list[object]]]) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def mapping_of(loaded: LoadedSurvey) -> dict[str, object]:
    m = loaded.report.mapping
    return {
        "score": m.score,
        "comment": m.comment,
        "date": m.date,
        "id": m.response_id,
        "segments": m.segments,
        "header_row": loaded.header_row,
    }


# --- survey-tool layouts, whatever the language --------------------------------------------


def test_qualtrics_in_swedish_maps_with_no_flags_and_checks_the_nps_group() -> None:
    loaded = load_survey(FIXTURES / "qualtrics_sv_indrivia.csv")
    assert loaded.report.layout == "qualtrics"
    assert loaded.report.header_rows == 3
    assert mapping_of(loaded) == {
        "score": "Q1",
        "comment": "Q2",
        "date": "RecordedDate",
        "id": "ResponseId",
        "segments": ["Region"],
        "header_row": 1,
    }
    assert loaded.report.column_labels["Q1"].startswith("Hur troligt är det att du skulle")
    assert loaded.frame["score"].tolist() == [10, 3, 8, 9, 0]
    assert "Q1_NPS_GROUP" not in loaded.frame.columns
    # Row 7: score 9 but Qualtrics' group says 2 (passive): reported, the score is used.
    assert loaded.warnings == (
        "the export's NPS group column 'Q1_NPS_GROUP' disagrees with the score 'Q1' in 1 "
        "row(s): row 7 (score 9, group passive); the score is used (promoter 9-10, passive "
        "7-8, detractor 0-6)",
    )
    # Times in Europe/Stockholm, stored as UTC.
    assert str(loaded.frame["submitted_at"][0]) == "2025-03-02 08:12:40"


@pytest.mark.parametrize(
    ("answer_row", "question", "comment_q"),
    [
        ("Svar", "Hur troligt är det att du skulle rekommendera oss?", "Varför?"),
        ("Svar", "Hvor sannsynlig er det at du vil anbefale oss?", "Hvorfor?"),
        ("Svar", "Kor sannsynleg er det at du vil tilrå oss til ein ven?", "Kvifor?"),
        ("Svar", "Hvor sandsynligt er det, at du vil anbefale os?", "Hvorfor?"),
        ("Antwort", "Wie wahrscheinlich ist es, dass Sie uns empfehlen?", "Warum?"),
        ("Vastaus", "Kuinka todennäköisesti suosittelisit meitä?", "Miksi?"),
        ("Response", "How likely are you to recommend us?", "Why?"),
    ],
)
def test_surveymonkey_answer_row_in_the_account_language(
    answer_row: str, question: str, comment_q: str
) -> None:
    open_answer = {"Svar": "Öppet svar", "Antwort": "Offene Antwort", "Vastaus": "Avoin vastaus"}
    rows = [
        ["Respondent ID", "Collector ID", "End Date", question, comment_q, "Kontor"],
        ["", "", "", answer_row, open_answer.get(answer_row, "Open-Ended Response"), answer_row],
    ]
    rows += [
        [
            str(100 + i),
            "9",
            f"2025-0{1 + i % 3}-0{1 + i % 9}",
            str(i % 11),
            f"text {i} ok",
            "AB"[i % 2],
        ]
        for i in range(12)
    ]
    loaded = load_survey(csv_bytes(rows), filename="sm.csv")
    assert loaded.report.layout == "surveymonkey"
    assert mapping_of(loaded) == {
        "score": question,
        "comment": comment_q,
        "date": "End Date",
        "id": "Respondent ID",
        "segments": ["Kontor"],
        "header_row": 1,
    }
    assert loaded.report.rows_used == 12


@pytest.mark.parametrize(
    ("timestamp", "email", "question", "reason"),
    [
        ("Tidsstämpel", "E-postadress", "Hur troligt är det att du rekommenderar oss?", "Varför?"),
        (
            "Tidsstempel",
            "E-postadresse",
            "Hvor sannsynlig er det at du anbefaler oss?",
            "Begrunnelse",
        ),
        ("Zeitstempel", "E-Mail-Adresse", "Wie wahrscheinlich empfehlen Sie uns?", "Warum?"),
        ("Aikaleima", "Sähköpostiosoite", "Kuinka todennäköisesti suosittelisit meitä?", "Miksi?"),
    ],
)
def test_google_forms_in_several_languages(
    timestamp: str, email: str, question: str, reason: str
) -> None:
    rows = [[timestamp, email, question, reason]]
    rows += [
        [f"2025-03-{1 + i:02d} 10:00:00", f"p{i}@example.com", str(i % 11), f"svar nummer {i}"]
        for i in range(10)
    ]
    loaded = load_survey(csv_bytes(rows), filename="gf.csv")
    assert loaded.report.layout == "google-forms"
    assert mapping_of(loaded) == {
        "score": question,
        "comment": reason,
        "date": timestamp,
        "id": None,
        "segments": [],
        "header_row": 1,
    }


def test_typeform_scores_2_to_10_are_not_called_1_10() -> None:
    rows = [
        [
            "#",
            "How likely are you to recommend us?",
            "Why?",
            "Start Date (UTC)",
            "Submit Date (UTC)",
            "Network ID",
        ]
    ]
    rows += [
        [
            f"tok{i}",
            str(2 + i % 9),
            f"reason {i}",
            "2025-05-01 10:00:00",
            "2025-05-01 10:01:00",
            "n1",
        ]
        for i in range(150)
    ]
    loaded = load_survey(csv_bytes(rows), filename="tf.csv")
    assert loaded.report.layout == "typeform"
    assert mapping_of(loaded)["id"] == "#"
    assert loaded.report.scale == "0-10"
    assert loaded.report.scale_reason.startswith("0-10 assumed (no 0 or 1 in the data)")
    assert loaded.scale is not None and loaded.scale.basis == "assumed"


def test_delighted_layout() -> None:
    rows = [["Response ID", "Email", "Score", "Comment", "Response Timestamp", "Plan"]]
    rows += [
        [
            f"r{i}",
            f"x{i}@example.com",
            str(i % 11),
            f"kommentti {i}",
            f"2025-06-0{1 + i % 9}T10:00:00+02:00",
            "AB"[i % 2],
        ]
        for i in range(10)
    ]
    loaded = load_survey(csv_bytes(rows), filename="d.csv")
    assert loaded.report.layout == "delighted"
    assert mapping_of(loaded) == {
        "score": "Score",
        "comment": "Comment",
        "date": "Response Timestamp",
        "id": "Response ID",
        "segments": ["Plan"],
        "header_row": 1,
    }
    assert str(loaded.frame["submitted_at"][0]) == "2025-06-01 08:00:00"


@pytest.mark.parametrize(
    ("score", "comment", "date"),
    [
        ("Todennäköisyys suositella (0-10)", "Perustelu", "Päivämäärä"),
        ("Weiterempfehlung (0-10)", "Begründung", "Zeitstempel"),
        ("Hvor sandsynligt (0-10)", "Begrundelse", "Dato"),
        ("Kor sannsynleg er det at du vil tilrå oss?", "Kvifor?", "Dato"),
    ],
)
def test_generic_headers_in_more_languages(score: str, comment: str, date: str) -> None:
    rows = [["ID", date, score, comment, "Region"]]
    rows += [
        [f"id{i}", f"2025-0{1 + i % 3}-1{i % 9}", str(i % 11), f"fritt svar {i} här", "NS"[i % 2]]
        for i in range(12)
    ]
    loaded = load_survey(csv_bytes(rows, sep=";"), filename="g.csv")
    assert mapping_of(loaded) == {
        "score": score,
        "comment": comment,
        "date": date,
        "id": "ID",
        "segments": ["Region"],
        "header_row": 1,
    }


# --- header row below titles, notes and blank rows ------------------------------------------


def test_csat_csv_with_title_rows_month_column_and_1_5_scale() -> None:
    loaded = load_survey(FIXTURES / "csat_sv_title_rows.csv")
    assert loaded.report.encoding == "cp1252"
    assert loaded.report.delimiter == ";"
    assert mapping_of(loaded) == {
        "score": "Hur nöjd är du med hjälpen du fick? (1-5)",
        "comment": "Kommentar",
        "date": "Månad",
        "id": "Ärende-ID",
        "segments": ["Team"],
        "header_row": 4,
    }
    assert loaded.frame["row"].tolist() == [5, 6, 7, 8, 9, 10]
    assert loaded.report.scale == "1-5"
    assert loaded.metric == "csat"
    assert loaded.scale is not None and loaded.scale.basis == "question"
    assert loaded.time_granularity == "month"
    assert loaded.warnings[0] == (
        "the header is row 4; 2 row(s) above it that are not part of the table were skipped "
        "(row 1: 'Kundnöjdhet kundtjänst – export'; row 2: 'Filtrerat: alla ärenden')"
    )


def test_xlsx_title_row_and_data_on_the_second_sheet_use_real_header_names() -> None:
    header = [
        "Svar-ID",
        "Dato",
        "Hvor sannsynlig er det at du vil anbefale oss? (0-10)",
        "Kommentar",
        "Kontor",
    ]
    data = [
        [f"s{i}", f"{1 + i % 28:02d}.0{1 + i % 3}.2025", i % 11, f"svar {i} her", "OB"[i % 2]]
        for i in range(20)
    ]
    workbook = xlsx_bytes(
        ("Info", [["Om undersøkelsen"], ["Eksportert 01.12.2025"]]),
        ("Data", [["NPS-undersøkelse 2025 – eksport"], header, *data]),
    )
    loaded = load_survey(workbook, filename="nb.xlsx")
    assert mapping_of(loaded) == {
        "score": header[2],
        "comment": "Kommentar",
        "date": "Dato",
        "id": "Svar-ID",
        "segments": ["Kontor"],
        "header_row": 2,
    }
    assert not any(str(c).startswith("Column ") for c in loaded.frame.columns)
    assert loaded.frame["submitted_at"].notna().all()
    assert loaded.warnings[:2] == (
        "read sheet 'Data' (sheet 2), which holds the table; sheet(s) 'Info' left aside",
        "the header is row 2; 1 row(s) above it that are not part of the table were skipped "
        "(row 1: 'NPS-undersøkelse 2025 – eksport')",
    )


# --- periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "values", "granularity", "first"),
    [
        ("month", ["2025-12", "2025-11"], "month", "2025-12-01"),
        ("Period", ["2025/12", "2025/11"], "month", "2025-12-01"),
        ("Månad", ["12/2025", "11/2025"], "month", "2025-12-01"),
        ("Kvartal", ["2025-Q3", "2025-Q4"], "quarter", "2025-07-01"),
        ("Quarter", ["Q3 2025", "Q4 2025"], "quarter", "2025-07-01"),
        ("Vecka", ["2025-W14", "2025-W15"], "week", "2025-03-31"),
        ("Måned", ["desember 2025", "november 2025"], "month", "2025-12-01"),
        ("Month", ["Dec 2025", "Nov 2025"], "month", "2025-12-01"),
        ("Månad", ["mars 2025", "april 2025"], "month", "2025-03-01"),
        ("Månad", ["maj -25", "jun -25"], "month", "2025-05-01"),
        ("Uke", ["uke 14 2025", "uke 15 2025"], "week", "2025-03-31"),
    ],
)
def test_period_columns_keep_their_granularity(
    header: str, values: list[str], granularity: str, first: str
) -> None:
    rows = [["Score", "Comment", header]]
    rows += [[str(i % 11), f"comment {i}", values[i % 2]] for i in range(20)]
    loaded = load_survey(csv_bytes(rows), filename="p.csv")
    assert loaded.report.mapping.date == header
    assert loaded.time_granularity == granularity
    assert str(loaded.frame["submitted_at"][0].date()) == first
    monthly = nps_by_month(loaded.frame, min_sample=1)
    weekly = nps_by_period(loaded.frame, "W", min_sample=1)
    quarterly = nps_by_period(loaded.frame, "Q", min_sample=1)
    # Never a finer breakdown than the periods hold.
    assert bool(monthly) == (granularity == "month")
    assert bool(weekly) == (granularity == "week")
    assert bool(quarterly) == (granularity in ("month", "quarter"))


def test_workbook_month_cells_read_as_months() -> None:
    import datetime as dt

    rows: list[list[object]] = [["NPS", "Kommentar", "Månad"]]
    rows += [[i % 11, f"k {i}", dt.datetime(2025, 1 + i % 3, 1)] for i in range(12)]
    loaded = load_survey(xlsx_bytes(("Blad1", rows)), filename="m.xlsx")
    assert loaded.time_granularity == "month"
    assert nps_by_period(loaded.frame, "W", min_sample=1) == []


# --- scales -------------------------------------------------------------------------------


def test_question_text_states_the_scale_over_the_data() -> None:
    rows = [["Hur troligt är det att du rekommenderar oss? (1-10)", "Kommentar"]]
    rows += [[str(2 + i % 9), f"k {i}"] for i in range(10)]
    loaded = load_survey(csv_bytes(rows), filename="s.csv")
    assert loaded.report.scale == "1-10"
    assert loaded.scale is not None and loaded.scale.basis == "question"


def test_csat_1_7_from_question_text_skips_answers_above_7() -> None:
    rows = [["Hvor fornøyd er du? (1-7)", "Kommentar"]]
    rows += [[str(1 + i % 7), f"k {i}"] for i in range(14)] + [["9", "nine"]]
    loaded = load_survey(csv_bytes(rows), filename="s.csv")
    assert loaded.report.scale == "1-7"
    assert loaded.metric == "csat"
    assert [(s.row, s.reason) for s in loaded.report.skipped] == [(16, "'9' is out of range 1-7")]


def test_a_file_mixing_1_5_and_0_10_blocks_is_warned_with_its_rows() -> None:
    rng = np.random.default_rng(3)
    low = rng.integers(1, 6, 100)
    high = rng.integers(0, 11, 100)
    rows = [["Score", "Comment"]] + [[str(s), f"c {i}"] for i, s in enumerate([*low, *high])]
    loaded = load_survey(csv_bytes(rows), filename="mixed.csv")
    assert loaded.report.scale == "0-10"
    assert loaded.report.rows_used == 200
    assert loaded.scale is not None
    first = next(i for i, s in enumerate(high) if not 1 <= s <= 5)
    assert loaded.scale.mixed == (
        f"rows 2-{101 + first} ({100 + first} responses in a row) only hold scores 1-5 while "
        "the other rows go up to 10: the file seems to mix a 1-5 scale with 0-10; analyse "
        "them separately",
    )
    assert loaded.scale.mixed[0] in loaded.warnings


def test_a_survey_column_answered_on_1_5_is_warned() -> None:
    rng = np.random.default_rng(4)
    rows = [["Score", "Comment", "Survey"]]
    for i in range(120):
        survey = "CSAT kundtjänst" if i % 2 else "NPS relation"
        score = rng.integers(1, 6) if i % 2 else rng.integers(0, 11)
        rows.append([str(score), f"c {i}", survey])
    loaded = load_survey(csv_bytes(rows), filename="mixed.csv")
    assert loaded.scale is not None
    assert any(
        w.startswith("Survey = 'CSAT kundtjänst' only has scores 1-5 (60 responses, rows 3, 5, 7")
        for w in loaded.scale.mixed
    )


# --- oversized fields ----------------------------------------------------------------------


def test_a_comment_over_128_kb_skips_its_row_only() -> None:
    rows = [["Score", "Comment"]] + [[str(i % 11), f"c {i}"] for i in range(10)]
    rows[4][1] = "x" * 200_000
    loaded = load_survey(csv_bytes(rows), filename="big.csv")
    assert loaded.report.rows_read == 10
    assert loaded.report.rows_used == 9
    (skipped,) = loaded.report.skipped
    assert (skipped.row, skipped.column) == (5, "Comment")
    assert skipped.reason.startswith("a field of 200,000 characters (more than 131,072)")


def test_qualtrics_score_found_by_its_nps_group_whatever_the_language() -> None:
    lines = (FIXTURES / "qualtrics_sv_indrivia.csv").read_text(encoding="utf-8").splitlines()
    questions = lines[1].split(",")
    questions[10] = "Kui tõenäoliselt soovitaksite Indriviat sõbrale või kolleegile?"
    questions[11] = questions[10] + " - Grupp"
    questions[12] = "Milline on teie hinnangu peamine põhjus?"
    lines[1] = ",".join(questions)
    # A second 0-10 question: content alone could not choose between them.
    lines[0] += ",Q3"
    lines[1] += ",Kui rahul olete meie teenindusega?"
    lines[2] += ',"{""ImportId"":""QID3""}"'
    for i in range(3, len(lines)):
        lines[i] += f",{(i * 3) % 11}"
    loaded = load_survey(io.BytesIO("\n".join(lines).encode()), filename="q_et.csv")
    assert loaded.report.mapping.score == "Q1"
    assert loaded.report.mapping.comment == "Q2"
    assert loaded.frame["score"].tolist() == [10, 3, 8, 9, 0]


def test_a_row_split_into_many_text_fields_is_not_taken_for_the_header() -> None:
    data = "Score,Comment\n9,Bra\n" + "8,ok\n" * 5 + "7,bra,men,dyrt,och,långsamt\n" + "6,nja\n" * 5
    loaded = load_survey(io.BytesIO(("Rapport\n" + data).encode()), filename="t.csv")
    assert loaded.header_row == 2
    assert loaded.report.mapping.score == "Score"
    assert [s.row for s in loaded.report.skipped] == [9]


def test_a_month_answered_on_1_5_is_warned() -> None:
    rng = np.random.default_rng(5)
    rows = [["Score", "Comment", "Date"]]
    for i in range(90):
        month = ("2025-01", "2025-02", "2025-03")[i % 3]
        score = rng.integers(1, 6) if month == "2025-02" else rng.integers(0, 11)
        rows.append([str(score), f"c {i}", f"{month}-1{i % 9}"])
    loaded = load_survey(csv_bytes(rows), filename="mixed.csv")
    assert loaded.scale is not None
    assert loaded.scale.mixed[0].startswith(
        "month = '2025-02' only has scores 1-5 (30 responses, rows 3, 6, 9"
    )


def test_qualtrics_without_its_import_id_row_has_two_header_rows() -> None:
    lines = (FIXTURES / "qualtrics_sv_indrivia.csv").read_text(encoding="utf-8").splitlines()
    del lines[2]
    loaded = load_survey(io.BytesIO("\n".join(lines).encode()), filename="q2.csv")
    assert loaded.report.layout == "qualtrics"
    assert loaded.report.header_rows == 2
    assert mapping_of(loaded)["score"] == "Q1"
    assert loaded.frame["row"].tolist() == [3, 4, 5, 6, 7]
    assert loaded.report.rows_read == 5
