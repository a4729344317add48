"""load_survey end to end: the tidy table, the load report, and every row accounted for."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc.config import Settings
from voc.errors import InputError
from voc.io import FRAME_COLUMNS, ColumnOverrides, LoadedSurvey, load_survey
from voc.types import SkippedRow

FIXTURES = Path(__file__).parent / "fixtures"
NORDFIN = FIXTURES / "nordfin_small.csv"
SCORE_HEADER = "How likely is it that you would recommend Nordfin to a friend or colleague? (0-10)"


@pytest.fixture(scope="module")
def nordfin() -> LoadedSurvey:
    return load_survey(NORDFIN)


def test_nordfin_mapping(nordfin: LoadedSurvey) -> None:
    mapping = nordfin.report.mapping
    assert mapping.score == SCORE_HEADER
    assert mapping.comment == "What is the main reason for your score?"
    assert mapping.date == "Submitted"
    assert mapping.response_id == "Response ID"
    assert mapping.segments == ["Touchpoint", "Office", "Customer size"]


def test_nordfin_frame_columns_and_types(nordfin: LoadedSurvey) -> None:
    frame = nordfin.frame
    assert list(frame.columns) == [*FRAME_COLUMNS, "Touchpoint", "Office", "Customer size"]
    assert str(frame["row"].dtype) == "int64"
    assert str(frame["score"].dtype) == "int64"
    assert str(frame["submitted_at"].dtype) == "datetime64[ns]"
    for column in ["response_id", "comment", "Touchpoint", "Office", "Customer size"]:
        assert pd.api.types.is_string_dtype(frame[column]), column
    assert isinstance(frame.index, pd.RangeIndex)


def test_nordfin_rows(nordfin: LoadedSurvey) -> None:
    frame = nordfin.frame
    assert frame["row"].tolist() == [2, 3, 4, 6, 7, 10, 11, 12, 13]
    assert frame["response_id"].tolist()[:3] == ["R-1001", "R-1002", "R-1003"]
    assert frame["score"].tolist() == [10, 3, 8, 9, 6, 7, 9, 2, 10]
    assert frame["comment"].iloc[1] == "Lang ventetid på telefon.\nIngen ringte tilbake."
    assert frame["comment"].iloc[3] == ""
    assert frame["submitted_at"].iloc[0] == pd.Timestamp("2026-03-02 08:15")
    assert frame["Office"].tolist()[:3] == ["Stockholm", "Oslo", "Göteborg"]


def test_nordfin_report(nordfin: LoadedSurvey) -> None:
    report = nordfin.report
    assert (report.source, report.file_type) == ("nordfin_small.csv", "csv")
    assert (report.encoding, report.delimiter) == ("utf-8", ",")
    assert (report.rows_read, report.rows_used, report.empty_comments) == (12, 9, 1)
    assert report.skipped == [
        SkippedRow(row=5, column=SCORE_HEADER, value="ten", reason="'ten' is not a number 0-10"),
        SkippedRow(row=8, column=SCORE_HEADER, value="11", reason="'11' is out of range 0-10"),
        SkippedRow(row=9, column=SCORE_HEADER, value="", reason="score is empty"),
    ]
    assert report.scale == "0-10"
    assert report.scale_reason == "The scale is 0-10 because the score column's header says 0-10."
    assert nordfin.warnings == ()


def test_dataframe_source_rows_are_index_position_plus_two() -> None:
    frame = pd.DataFrame(
        {
            "NPS": [9, None, 7.0, 12],
            "Kommentar": ["Bra", "Tom", None, "För högt"],
            "Datum": pd.to_datetime(
                pd.Series(["2026-03-01", "2026-03-02", None, "2026-03-04"])
            ).to_numpy(),
        },
        index=[100, 7, 3, 55],
    )
    loaded = load_survey(frame)
    assert loaded.frame["row"].tolist() == [2, 4]
    assert loaded.frame["score"].tolist() == [9, 7]
    assert loaded.frame["comment"].tolist() == ["Bra", ""]
    assert loaded.frame["response_id"].tolist() == ["2", "4"]
    assert loaded.frame["submitted_at"].isna().tolist() == [False, True]
    report = loaded.report
    assert (report.source, report.file_type, report.encoding, report.delimiter) == (
        "dataframe",
        "dataframe",
        None,
        None,
    )
    assert [(s.row, s.reason) for s in report.skipped] == [
        (3, "score is empty"),
        (5, "'12' is out of range 0-10"),
    ]


def test_shared_small_survey_fixture_loads(small_survey: pd.DataFrame) -> None:
    loaded = load_survey(small_survey)
    assert loaded.report.rows_used == 12
    assert loaded.report.mapping.segments == ["Office"]
    assert loaded.frame["response_id"].tolist()[:2] == ["1", "2"]


def test_header_1_10_skips_zero(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("Betyg (1–10),Kommentar\n0,Noll\n1,Ett\n10,Tio\n", encoding="utf-8")
    loaded = load_survey(path)
    assert loaded.report.scale == "1-10"
    assert loaded.frame["score"].tolist() == [1, 10]
    assert [(s.row, s.reason) for s in loaded.report.skipped] == [(2, "'0' is out of range 1-10")]


def test_scale_setting(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("Score,Comment\n0,Noll\n5,Fem\n", encoding="utf-8")
    loaded = load_survey(path, settings=Settings(scale="1-10"))
    assert (loaded.report.scale, loaded.report.rows_used) == ("1-10", 1)


def test_scale_inferred_from_many_scores_without_zero() -> None:
    frame = pd.DataFrame({"Score": [1 + i % 10 for i in range(120)], "Comment": ["x"] * 120})
    assert load_survey(frame).report.scale == "1-10"


def test_unreadable_dates_are_kept_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "Date,Score\n2026-03-14T09:12:00+01:00,9\nsnart,8\n14.3.2026,7\n,6\n", encoding="utf-8"
    )
    loaded = load_survey(path)
    assert loaded.report.rows_used == 4
    assert loaded.frame["submitted_at"].tolist()[0] == pd.Timestamp("2026-03-14 08:12")
    assert loaded.frame["submitted_at"].isna().tolist() == [False, True, False, True]
    assert loaded.warnings == (
        "1 of 4 values in date column 'Date' could not be read as dates (first: row 3, "
        "'snart'); those rows are kept without a date",
    )


def test_no_date_or_comment_column() -> None:
    loaded = load_survey(pd.DataFrame({"NPS": ["9", "10"]}))
    assert loaded.frame["submitted_at"].isna().all()
    assert str(loaded.frame["submitted_at"].dtype) == "datetime64[ns]"
    assert loaded.frame["comment"].tolist() == ["", ""]
    assert loaded.report.empty_comments == 2
    assert loaded.report.mapping.comment is None


def test_missing_ids_fall_back_to_row_numbers() -> None:
    frame = pd.DataFrame({"Response ID": ["a1", "", "c3"], "NPS": ["9", "8", "7"]})
    assert load_survey(frame).frame["response_id"].tolist() == ["a1", "3", "c3"]


def test_overrides_through_load_survey(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("A;B;C\n9;Bra;Oslo\n4;Dårlig;Bergen\n", encoding="utf-8")
    loaded = load_survey(path, overrides=ColumnOverrides(score="A", comment="B", segments=("C",)))
    assert list(loaded.frame.columns) == [*FRAME_COLUMNS, "C"]
    assert loaded.frame["C"].tolist() == ["Oslo", "Bergen"]


def test_missing_score_column_through_load_survey() -> None:
    upload = io.BytesIO(b"A,B\nhej,hopp\nfoo,bar\n")
    with pytest.raises(InputError) as caught:
        load_survey(upload, filename="e.csv")
    assert str(caught.value) == "no score column found among ['A', 'B']; pass --score-col NAME"


def test_no_usable_rows() -> None:
    frame = pd.DataFrame({"NPS": ["ten", "eleven"], "Comment": ["a", "b"]})
    with pytest.raises(InputError) as caught:
        load_survey(frame, overrides=ColumnOverrides(score="NPS"))
    assert str(caught.value) == (
        "'dataframe' has no usable rows: none of the 2 data rows has a usable 0-10 score "
        "(first problem: row 2, column 'NPS': 'ten' is not a number 0-10)"
    )


_CELLS = st.sampled_from(["", " ", "0", "7", "10", "9,0", "7.5", "11", "-1", "ten", "8 "])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_CELLS, st.sampled_from(["", "Bra", "Dålig"])), min_size=1, max_size=30))
def test_every_row_is_used_or_skipped(rows: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["NPS", "Comment"])
    try:
        loaded = load_survey(
            frame, overrides=ColumnOverrides(score="NPS"), settings=Settings(scale="0-10")
        )
    except InputError as error:
        assert "no usable rows" in str(error)
        return
    used = loaded.frame["row"].tolist()
    skipped = [s.row for s in loaded.report.skipped]
    assert sorted(used + skipped) == list(range(2, len(rows) + 2))
    assert loaded.report.rows_read == loaded.report.rows_used + len(skipped) == len(rows)
