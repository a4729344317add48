"""Delimited text exports: encodings, delimiters, Excel's sep= line, quoting, line endings."""

from __future__ import annotations

from pathlib import Path

import pytest

from voc.errors import InputError
from voc.io import load_survey
from voc.io.readers import read_table
from voc.io.text import decode_text, detect_delimiter

MB = 1024 * 1024


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_comma_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", "Score,Comment\n9,Bra jobbat\n3,Dålig service\n".encode())
    loaded = load_survey(path)
    assert loaded.report.encoding == "utf-8"
    assert loaded.report.delimiter == ","
    assert loaded.frame["comment"].tolist() == ["Bra jobbat", "Dålig service"]
    assert loaded.frame["row"].tolist() == [2, 3]


def test_semicolon_cp1252_with_nordic_letters(tmp_path: Path) -> None:
    text = "Betyg;Kommentar;Kontor\n9;Väldigt nöjd, tack;Malmö\n2;För lång kö;Århus\n"
    loaded = load_survey(write(tmp_path, "e.csv", text.encode("cp1252")))
    assert loaded.report.encoding == "cp1252"
    assert loaded.report.delimiter == ";"
    assert loaded.frame["comment"].tolist() == ["Väldigt nöjd, tack", "För lång kö"]
    assert loaded.frame["score"].tolist() == [9, 2]


def test_latin1_bytes_undefined_in_cp1252_still_read(tmp_path: Path) -> None:
    data = "Score;Comment\n9;Blåbær og rødgrød med fløde\n".encode("latin-1") + b"8;x\x81y\n"
    table = read_table(write(tmp_path, "e.csv", data), max_bytes=MB)
    assert table.encoding == "latin-1"
    assert table.cells["Comment"].tolist() == ["Blåbær og rødgrød med fløde", "x\x81y"]


def test_utf8_bom_is_not_part_of_first_header(tmp_path: Path) -> None:
    data = "\ufeffScore,Comment\n10,Toppen\n".encode()
    loaded = load_survey(write(tmp_path, "e.csv", data))
    assert loaded.report.encoding == "utf-8-sig"
    assert loaded.report.mapping.score == "Score"
    assert loaded.frame["score"].tolist() == [10]


def test_excel_sep_line_sets_delimiter_and_is_not_a_row(tmp_path: Path) -> None:
    data = b"sep=;\nScore;Comment, free text\n7;Okej, inget mer\n8;Bra\n"
    loaded = load_survey(write(tmp_path, "e.csv", data))
    assert loaded.report.delimiter == ";"
    assert loaded.report.mapping.comment == "Comment, free text"
    assert loaded.frame["row"].tolist() == [2, 3]


def test_multiline_quoted_comment_is_one_row(tmp_path: Path) -> None:
    data = b'Score,Comment\n4,"Line one,\nline two"\nten,Bad\n'
    loaded = load_survey(write(tmp_path, "e.csv", data))
    assert loaded.frame["comment"].tolist() == ["Line one,\nline two"]
    # The record after a two-line comment is spreadsheet row 3, not line 4.
    assert [(s.row, s.value) for s in loaded.report.skipped] == [(3, "ten")]


def test_crlf_line_endings(tmp_path: Path) -> None:
    data = 'Score,Comment\r\n9,"Snabbt\r\noch bra"\r\n6,Sådär\r\n'.encode()
    loaded = load_survey(write(tmp_path, "e.csv", data))
    assert loaded.frame["comment"].tolist() == ["Snabbt\noch bra", "Sådär"]
    assert loaded.report.rows_read == 2


@pytest.mark.parametrize("name", ["e.tsv", "e.txt", "e.csv"])
def test_tab_separated(tmp_path: Path, name: str) -> None:
    data = "Score\tComment\tOffice\n9\tBra, mycket bra\tOslo\n5\tNja; sådär\tBergen\n"
    loaded = load_survey(write(tmp_path, name, data.encode()))
    assert loaded.report.delimiter == "\t"
    assert loaded.frame["comment"].tolist() == ["Bra, mycket bra", "Nja; sådär"]


def test_pipe_separated(tmp_path: Path) -> None:
    data = b"Score|Comment\n9|Bra, tack\n8|Fint\n"
    assert load_survey(write(tmp_path, "e.csv", data)).report.delimiter == "|"


def test_semicolon_file_with_commas_in_comments_keeps_semicolon() -> None:
    text = "Score;Comment;Office\n" + "".join(
        f"{i % 11};Bra, snabbt, trevligt, tack;Oslo\n" for i in range(30)
    )
    assert detect_delimiter(text) == ";"


def test_comma_file_with_semicolons_in_quoted_comments_keeps_comma() -> None:
    text = "Score,Comment\n" + "".join(f'{i % 11},"ok; men; dyrt"\n' for i in range(30))
    assert detect_delimiter(text) == ","


def test_utf16_unicode_text_export(tmp_path: Path) -> None:
    data = "Score\tComment\n9\tHyggelig\n".encode("utf-16")
    loaded = load_survey(write(tmp_path, "e.txt", data))
    assert loaded.report.encoding == "utf-16"
    assert loaded.frame["comment"].tolist() == ["Hyggelig"]


def test_row_with_extra_fields_is_skipped_not_guessed(tmp_path: Path) -> None:
    data = b"Score,Comment\n9,Bra\n8,Bra,men dyrt\n7,Ok,\n"
    loaded = load_survey(write(tmp_path, "e.csv", data))
    assert loaded.frame["row"].tolist() == [2, 4]
    (skip,) = loaded.report.skipped
    assert (skip.row, skip.column, skip.value) == (3, None, "8,Bra,men dyrt")
    assert skip.reason == "has 3 fields but the header has 2"


def test_blank_rows_inside_count_trailing_ones_do_not(tmp_path: Path) -> None:
    data = b"Score,Comment\n9,Bra\n\n,\n8,Ok\n\n\n"
    loaded = load_survey(write(tmp_path, "e.csv", data))
    assert loaded.report.rows_read == 4
    assert [(s.row, s.reason) for s in loaded.report.skipped] == [
        (3, "empty row"),
        (4, "empty row"),
    ]
    assert loaded.frame["row"].tolist() == [2, 5]


def test_binary_garbage_with_csv_suffix_is_refused(tmp_path: Path) -> None:
    data = bytes(range(256)) * 8
    with pytest.raises(InputError, match="not a text table"):
        load_survey(write(tmp_path, "e.csv", data))


def test_decode_text_reports_the_encoding() -> None:
    assert decode_text("Poäng".encode(), "x") == ("Poäng", "utf-8", ())
    assert decode_text("Poäng".encode("cp1252"), "x") == ("Poäng", "cp1252", ())


def test_utf8_with_a_stray_byte_stays_utf8(tmp_path: Path) -> None:
    data = "Betyg;Kommentar\n9;Väldigt nöjd med rådgivningen\n".encode() + b"8;Sm\xe5tt\n"
    loaded = load_survey(write(tmp_path, "e.csv", data))
    assert loaded.report.encoding == "utf-8"
    assert loaded.frame["comment"].tolist() == ["Väldigt nöjd med rådgivningen", "Sm\ufffdtt"]
    assert loaded.warnings == ("1 byte(s) that are not valid UTF-8 were replaced by '\ufffd'",)


def test_control_characters_without_nul_are_refused(tmp_path: Path) -> None:
    data = bytes(b for b in range(1, 256) if b not in (9, 10, 13)) * 20
    with pytest.raises(InputError, match="binary data"):
        load_survey(write(tmp_path, "e.txt", data))


def test_unclosed_quote_is_refused_not_swallowed(tmp_path: Path) -> None:
    data = b'Score,Comment\n9,Bra\n4,"Never closed\n8,ok\n7,fine\n'
    with pytest.raises(InputError) as caught:
        load_survey(write(tmp_path, "e.csv", data))
    assert str(caught.value).startswith("row 3: a quoted cell that starts in this row is never")
    assert caught.value.row == 3


def test_stray_quote_inside_a_cell_is_kept(tmp_path: Path) -> None:
    data = b'Score,Comment\n9,He said "fine\n8,ok\n'
    loaded = load_survey(write(tmp_path, "e.csv", data))
    assert loaded.frame["comment"].tolist() == ['He said "fine', "ok"]
