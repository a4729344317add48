"""Column detection by header words (sv / no / da / en) and by content; overrides."""

from __future__ import annotations

import pandas as pd
import pytest

from voc.errors import InputError
from voc.io import ColumnOverrides
from voc.io.columns import detect_columns
from voc.io.headers import SCORE_WORDS, header_rank
from voc.types import ColumnMapping

SCORES = ["10", "9", "3", "7", "0", "8", "6", "9", "10", "5", "2", "8"]
COMMENTS = [
    "Mycket bra service och snabbt svar",
    "Lang ventetid på telefon",
    "Great advisor, very helpful",
    "Appen krånglar ibland vid inloggning",
    "Aldrig mer, helt värdelöst",
    "Bra men dyrt",
    "Okej upplevelse totalt sett",
    "Hyggelig og kunnskapsrik rådgiver",
    "Smidig onboarding via appen",
    "Svårt att nå kundtjänst",
    "Feil på fakturaen igjen",
    "Snabb återkoppling, tack",
]
OFFICES = ["Oslo", "Malmö", "Oslo", "Bergen", "Malmö", "Oslo"] * 2
DATES = [f"2026-03-{d:02d}" for d in range(1, 13)]


def cells(columns: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame(columns, index=range(2, 2 + len(next(iter(columns.values())))), dtype=str)


def mapping_of(columns: dict[str, list[str]], **overrides: object) -> ColumnMapping:
    return detect_columns(cells(columns), ColumnOverrides(**overrides)).mapping  # type: ignore[arg-type]


def test_nordfin_export_headers() -> None:
    score = "How likely is it that you would recommend Nordfin to a friend or colleague? (0-10)"
    reason = "What is the main reason for your score?"
    mapping = mapping_of(
        {
            "Response ID": [f"R{i}" for i in range(12)],
            "Submitted": DATES,
            score: SCORES,
            reason: COMMENTS,
            "Touchpoint": ["App", "Branch", "Phone"] * 4,
            "Office": OFFICES,
            "Customer size": ["Small", "Large"] * 6,
        }
    )
    assert mapping == ColumnMapping(
        score=score,
        comment=reason,
        date="Submitted",
        response_id="Response ID",
        segments=["Touchpoint", "Office", "Customer size"],
    )


def test_swedish_headers() -> None:
    mapping = mapping_of(
        {
            "Svar-ID": [str(i) for i in range(100, 112)],
            "Svarsdatum": DATES,
            "Hur sannolikt är det att du skulle rekommendera oss till en vän?": SCORES,
            "Varför gav du det betyget?": COMMENTS,
            "Kontor": OFFICES,
        }
    )
    assert mapping == ColumnMapping(
        score="Hur sannolikt är det att du skulle rekommendera oss till en vän?",
        comment="Varför gav du det betyget?",
        date="Svarsdatum",
        response_id="Svar-ID",
        segments=["Kontor"],
    )


def test_norwegian_headers() -> None:
    mapping = mapping_of(
        {
            "Tidspunkt": [f"{d}.03.2026 10:15" for d in range(1, 13)],
            "Region": ["Nord", "Sør"] * 6,
            "Hvor sannsynlig er det at du vil anbefale oss?": SCORES,
            "Begrunnelse": COMMENTS,
        }
    )
    assert (mapping.score, mapping.comment, mapping.date, mapping.segments) == (
        "Hvor sannsynlig er det at du vil anbefale oss?",
        "Begrunnelse",
        "Tidspunkt",
        ["Region"],
    )
    assert mapping.response_id is None


def test_danish_and_english_short_headers() -> None:
    danish = mapping_of({"Dato": DATES, "Karakter": SCORES, "Hvorfor?": COMMENTS})
    assert (danish.score, danish.comment, danish.date) == ("Karakter", "Hvorfor?", "Dato")
    english = mapping_of({"ID": [str(i) for i in range(12)], "NPS": SCORES, "Feedback": COMMENTS})
    assert (english.score, english.comment, english.response_id) == ("NPS", "Feedback", "ID")


def test_score_word_in_a_text_column_does_not_make_it_the_score() -> None:
    mapping = mapping_of({"Reason for score": COMMENTS, "Rating": SCORES})
    assert (mapping.score, mapping.comment) == ("Rating", "Reason for score")


def test_stronger_header_word_wins() -> None:
    mapping = mapping_of({"Score": SCORES, "Recommend (0-10)": SCORES[::-1], "Text": COMMENTS})
    assert mapping.score == "Recommend (0-10)"


def test_camel_case_headers_of_survey_tools() -> None:
    assert header_rank("ResponseId", ("id$",)) == 0
    assert header_rank("RecordedDate", ("date",)) == 0
    assert header_rank("Touchpoint", SCORE_WORDS) is None
    assert header_rank("Paid", ("id$",)) is None


def test_content_decides_when_no_header_matches() -> None:
    mapping = mapping_of({"Q1": SCORES, "Q2": COMMENTS, "Q3": DATES, "Q4": OFFICES})
    assert mapping == ColumnMapping(score="Q1", comment="Q2", date="Q3", segments=["Q4"])


def test_missing_score_column_lists_columns() -> None:
    with pytest.raises(InputError) as caught:
        mapping_of({"A": COMMENTS, "B": OFFICES})
    assert str(caught.value) == "no score column found among ['A', 'B']; pass --score-col NAME"


def test_two_score_like_columns_without_headers_is_ambiguous() -> None:
    with pytest.raises(InputError, match=r"several columns look like 0-10 scores: \['Q1', 'Q2'\]"):
        mapping_of({"Q1": SCORES, "Q2": SCORES[::-1], "Q3": COMMENTS})


def test_repeated_ids_are_not_used_as_ids() -> None:
    detected = detect_columns(
        cells({"Respondent": ["a", "b"] * 6, "NPS": SCORES, "Comment": COMMENTS})
    )
    assert detected.mapping.response_id is None
    assert detected.mapping.respondent == "Respondent"
    assert detected.notes == (
        "column 'Respondent' looks like a response id but has repeated values; row numbers "
        "are used as response ids instead, and the column is kept as the respondent id (to "
        "find duplicate responses)",
    )
    assert detected.mapping.segments == []


def test_segments_exclude_free_text_numbers_and_constants() -> None:
    mapping = mapping_of(
        {
            "NPS": SCORES,
            "Comment": COMMENTS,
            "Seller": ["Anna", "Erik", "Lars", "Anna"] * 3,
            "Email": [f"k{i}@example.se" for i in range(12)],
            "Age": ["31", "45"] * 6,
            "Survey": ["Q1"] * 12,
        }
    )
    assert mapping.segments == ["Seller"]


def test_overrides_are_taken_as_given() -> None:
    mapping = mapping_of(
        {"A": SCORES, "B": COMMENTS, "C": DATES, "D": [str(i) for i in range(12)], "E": OFFICES},
        score="A",
        comment="B",
        date="C",
        response_id="D",
        segments=("E",),
    )
    assert mapping == ColumnMapping(
        score="A", comment="B", date="C", response_id="D", segments=["E"]
    )


def test_override_matches_case_and_spacing_loosely() -> None:
    mapping = mapping_of({"Our Score": SCORES, "Text": COMMENTS}, score="our  score")
    assert mapping.score == "Our Score"


def test_empty_segment_override_turns_segments_off() -> None:
    assert mapping_of({"NPS": SCORES, "Office": OFFICES}, segments=()).segments == []


def test_override_naming_a_missing_column() -> None:
    with pytest.raises(InputError) as caught:
        mapping_of({"NPS": SCORES, "Comment": COMMENTS}, comment="Kommentar")
    assert str(caught.value) == (
        "column 'Kommentar': not found (given for comment); available columns: ['NPS', 'Comment']"
    )
    assert caught.value.column == "Kommentar"


def test_one_column_for_two_roles_is_refused() -> None:
    with pytest.raises(InputError, match="is given for both score and comment"):
        mapping_of({"NPS": SCORES, "Comment": COMMENTS}, score="NPS", comment="NPS")


def test_missing_score_column_message_names_lookalikes() -> None:
    with pytest.raises(InputError) as caught:
        mapping_of({"NPS": ["ten", "nine", "8"], "Comment": ["a", "b", "c"]})
    assert str(caught.value) == (
        "no score column found among ['NPS', 'Comment']; pass --score-col NAME ('NPS' is named "
        "like a score column, but fewer than half of its values are whole numbers 0-10)"
    )


def test_date_header_with_unreadable_values_is_noted() -> None:
    detected = detect_columns(
        cells({"NPS": SCORES, "Date": ["last week", "Q1"] * 6, "Comment": COMMENTS})
    )
    assert detected.mapping.date is None
    assert detected.notes == (
        "column 'Date' is named like a date or period column but most of its values are not "
        "dates or periods this tool can read; responses have no dates (pass --date-col to "
        "force it)",
    )
