import pytest

from voc.nlp.segment import coordinated_parts, segment


@pytest.mark.parametrize(
    ("comment", "clauses"),
    [
        (
            "Kunnig personal men portalen är krånglig",
            ["Kunnig personal", "men portalen är krånglig"],
        ),
        (
            "Great people, but the web portal is clumsy.",
            ["Great people", "but the web portal is clumsy."],
        ),
        ("Dyrt, men dere svarer alltid raskt", ["Dyrt", "men dere svarer alltid raskt"]),
        ("Bra! Snabba svar. Fakturan fel", ["Bra!", "Snabba svar.", "Fakturan fel"]),
        ("Bra!", ["Bra!"]),
        ("", []),
        ("   ", []),
    ],
)
def test_segments_split_sentences_and_contrast_clauses(comment: str, clauses: list[str]) -> None:
    assert [s.text for s in segment(comment)] == clauses


def test_offsets_point_back_into_the_comment() -> None:
    comment = "Bra folk.\nMen fakturorna – de är ALLTID fel, dock snabba svar"
    for seg in segment(comment):
        assert comment[seg.start : seg.end] == seg.text
        assert seg.text == seg.text.strip()


def test_contrast_word_inside_another_word_does_not_split() -> None:
    assert [s.text for s in segment("Mentorn var bra")] == ["Mentorn var bra"]


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert [s.text for s in segment("Bra folk t.ex. Anna. Men fakturan är fel", "sv")] == [
        "Bra folk t.ex. Anna.",
        "Men fakturan är fel",
    ]
    assert [s.text for s in segment("ca. 40 min i kö. Dåligt", "sv")] == [
        "ca. 40 min i kö.",
        "Dåligt",
    ]
    assert [s.text for s in segment("Good people, e.g. Anna.  But slow", "en")] == [
        "Good people, e.g. Anna.",
        "But slow",
    ]


def test_line_breaks_dashes_and_semicolons_end_sentences() -> None:
    comment = "bra folk\nmen dyrt; snabba svar - fakturan fel"
    assert [s.text for s in segment(comment)] == [
        "bra folk",
        "men dyrt",
        "snabba svar",
        "fakturan fel",
    ]


@pytest.mark.parametrize(
    ("comment", "clauses"),
    [
        ("fast kontaktperson hela tiden", ["fast kontaktperson hela tiden"]),
        ("Bra, fast dyrt", ["Bra", "fast dyrt"]),
        ("Bra, även om priset är högt", ["Bra", "även om priset är högt"]),
        ("Greit nok, selv om portalen er treg", ["Greit nok", "selv om portalen er treg"]),
    ],
)
def test_contrast_words_that_need_a_comma_or_two_words(comment: str, clauses: list[str]) -> None:
    assert [s.text for s in segment(comment)] == clauses


@pytest.mark.parametrize("language", ["sv", "nb", "nn", "en", "da", "fi", None])
def test_every_language_keeps_offsets(language: str | None) -> None:
    comment = "  Kunnig personal.\n\nMen portalen, t.ex. sökningen, är seg!!  "
    segments = segment(comment, language)
    assert segments
    for seg in segments:
        assert comment[seg.start : seg.end] == seg.text


def test_coordinated_parts_keep_offsets() -> None:
    comment = "Bra! Tydliga fakturor och rimliga priser, snabba svar"
    clause = segment(comment)[1]
    parts = coordinated_parts(comment, clause)
    assert [p.text for p in parts] == ["Tydliga fakturor", "rimliga priser", "snabba svar"]
    assert all(comment[p.start : p.end] == p.text for p in parts)
    assert coordinated_parts("Kunnig personal", segment("Kunnig personal")[0]) == []
