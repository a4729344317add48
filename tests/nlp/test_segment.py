import pytest

from voc.nlp.segment import segment


@pytest.mark.parametrize(
    ("comment", "clauses"),
    [
        ("Kunnig personal men portalen är krånglig", ["Kunnig personal", "men portalen är krånglig"]),
        ("Great people, but the web portal is clumsy.",
         ["Great people", "but the web portal is clumsy."]),
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
