"""Repeated responses: removed and listed when who answered is known, counted otherwise."""

from __future__ import annotations

import io

import pandas as pd

from voc.io import ColumnOverrides, load_survey
from voc.io.dedupe import find_duplicates
from voc.types import ColumnMapping


def load_csv(text: str, overrides: ColumnOverrides | None = None):  # type: ignore[no-untyped-def]
    return load_survey(io.BytesIO(text.encode()), filename="e.csv", overrides=overrides)


def test_exact_repeats_are_removed_and_listed() -> None:
    loaded = load_csv(
        "Response ID,Date,Score,Comment\n"
        "A1,2026-03-02 08:15,9,Bra\n"
        "A2,2026-03-02 09:00,3,Dåligt\n"
        "A1,2026-03-02 08:15,9,Bra\n"
        "A1,2026-03-02 08:15,9,Bra\n"
    )
    report = loaded.report
    assert report.mapping.response_id == "Response ID"  # repeats of whole rows keep the id
    assert (report.rows_read, report.rows_used, report.duplicates_removed) == (4, 2, 2)
    assert [(s.row, s.column, s.value, s.reason) for s in report.skipped] == [
        (4, "Response ID", "A1", "duplicate of row 2: same response id, date, score and comment"),
        (5, "Response ID", "A1", "duplicate of row 2: same response id, date, score and comment"),
    ]
    assert loaded.frame["row"].tolist() == [2, 3]
    assert loaded.warnings == ()


def test_same_respondent_other_answer_is_kept() -> None:
    loaded = load_csv(
        "Kundnummer;Datum;Betyg;Kommentar\n"
        "K1;2026-03-02;9;Bra\n"
        "K1;2026-03-02;9;Bra\n"
        "K1;2026-04-02;9;Bra\n"
        "K1;2026-04-02;7;Bra\n"
        "K2;2026-03-02;9;Bra\n"
    )
    assert loaded.report.mapping.respondent == "Kundnummer"
    assert loaded.report.duplicates_removed == 1
    assert loaded.frame["row"].tolist() == [2, 4, 5, 6]
    assert loaded.report.skipped[0].reason == (
        "duplicate of row 2: same respondent, date, score and comment"
    )


def test_respondent_without_date_never_removes() -> None:
    mapping = ColumnMapping(score="Betyg", comment="Kommentar", respondent="Kund")
    rows = pd.DataFrame(
        {"Kund": ["K1", "K1"], "Betyg": ["9", "9"], "Kommentar": ["Bra", "Bra"]}, index=[2, 3]
    )
    assert find_duplicates(rows, mapping) == ([], None)


def test_without_a_respondent_column_repeats_are_kept_and_counted() -> None:
    loaded = load_csv(
        "Datum,Betyg,Kommentar\n"
        "2026-03-02 08:15,10,Bra\n"
        "2026-03-02 08:15,10,Bra\n"
        "2026-03-02 08:15,10,\n"
        "2026-03-02 08:15,10,\n"
    )
    assert (loaded.report.rows_used, loaded.report.duplicates_removed) == (4, 0)
    assert loaded.warnings == (
        "1 rows repeat an earlier row's date, score and comment exactly; they are kept "
        "because no column says who answered (map a response id or respondent column, "
        "e.g. --id-col, to have repeats removed)",
    )


def test_rows_without_an_id_value_are_never_duplicates() -> None:
    loaded = load_csv("ID,Score,Comment\n,9,Bra\n,9,Bra\nB,9,Bra\n")
    assert loaded.report.duplicates_removed == 0
    assert loaded.report.rows_used == 3


def test_every_comment_field_must_match() -> None:
    loaded = load_csv(
        "ID,Score,Comment,What should we improve?\n"
        "A,9,Bra,Priset\n"
        "A,9,Bra,Väntetiden\n"
        "B,8,Okej,Allt\n",
        overrides=ColumnOverrides(response_id="ID"),
    )
    assert loaded.report.mapping.extra_comments == ["What should we improve?"]
    assert loaded.report.duplicates_removed == 0
