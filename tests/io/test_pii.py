"""PII redaction: real-looking valid numbers are replaced, look-alikes are left alone."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc.config import Settings
from voc.io import load_survey
from voc.io.pii import (
    cpr_date_valid,
    fodselsnummer_valid,
    luhn_valid,
    personnummer_valid,
    redact,
    redact_texts,
)


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("Maila anna.svensson@firma.se tack", "Maila [email] tack", "email"),
        ("mejl: Björn_Ek+nps@exempel.co.uk.", "mejl: [email].", "email"),
        ("Mitt pnr 811218-9876, fixa det", "Mitt pnr [id-number], fixa det", "personnummer"),
        ("19811218-9876", "[id-number]", "personnummer"),
        ("198112189876", "[id-number]", "personnummer"),
        ("8112189876", "[id-number]", "personnummer"),
        ("640823-3234 och 121212+1212", "[id-number] och [id-number]", "personnummer"),
        ("samordningsnr 811278-9873", "samordningsnr [id-number]", "personnummer"),
        ("fødselsnummer 15038512363", "fødselsnummer [id-number]", "fodselsnummer"),
        ("fnr 150385 12444", "fnr [id-number]", "fodselsnummer"),
        ("D-nummer 55038512357", "D-nummer [id-number]", "fodselsnummer"),
        ("CPR 010190-1234 tak", "CPR [id-number] tak", "cpr"),
        ("cpr-nr. 0101901234", "cpr-nr. [id-number]", "cpr"),
        ("ring 070-123 45 67", "ring [phone]", "phone"),
        ("070 123 45 67 efter kl 17", "[phone] efter kl 17", "phone"),
        ("Växel 08-123 456 78.", "Växel [phone].", "phone"),
        ("0701234567", "[phone]", "phone"),
        ("+46 70 123 45 67", "[phone]", "phone"),
        ("+46 (0)70-123 45 67", "[phone]", "phone"),
        ("+46701234567", "[phone]", "phone"),
        ("0046 70 123 45 67", "[phone]", "phone"),
        ("0046701234567", "[phone]", "phone"),
        ("ring meg på 912 34 567", "ring meg på [phone]", "phone"),
        ("tlf 22 12 34 56", "tlf [phone]", "phone"),
        ("+47 912 34 567", "[phone]", "phone"),
        ("+45 12 34 56 78", "[phone]", "phone"),
        ("+358 40 123 4567", "[phone]", "phone"),
        ("call +1 (555) 123-4567", "call [phone]", "phone"),
        ("+44 20 7946 0958", "[phone]", "phone"),
        ("mobil: 91234567", "mobil: [phone]", "phone"),
        ("ring 070-123 45 67 10 gånger", "ring [phone] 10 gånger", "phone"),
        ("betyg 10 070-123 45 67", "betyg 10 [phone]", "phone"),
        ("Bra service.\nHälsningar Anna", "Bra service.\nHälsningar [name]", "name"),
        ("Mvh Ola Nordmann", "Mvh [name]", "name"),
        ("MVH, Per-Olof Ek.", "MVH, [name].", "name"),
        ("Regards, John", "Regards, [name]", "name"),
        ("Best regards,\nJohn Smith", "Best regards,\n[name]", "name"),
        ("Med vänlig hälsning\nAnna-Karin Ek", "Med vänlig hälsning\n[name]", "name"),
        ("Vennlig hilsen Kari Nordmann", "Vennlig hilsen [name]", "name"),
        ("Med venlig hilsen Jens", "Med venlig hilsen [name]", "name"),
        ("Tack för hjälpen! /Anna", "Tack för hjälpen! /[name]", "name"),
    ],
)
def test_redacted(text: str, expected: str, kind: str) -> None:
    redacted, counts = redact(text)
    assert redacted == expected
    assert set(counts) == {kind}


@pytest.mark.parametrize(
    "text",
    [
        "Betyg 10 av 10, 9/10 och 7,5 i snitt",
        "Datum 2026-11-22, 22.11.2026, 02-11-2026, 03/04/2026 kl 08:15",
        "Det kostade 1 200 kr, 12 000 000 kr och 12 34 56 78 kr",
        "Avgiften 199 kr/mån, 2 500 SEK, 3 000 NOK, 45 000 DKK, 99,5 %",
        "fakturanummer 4001234567 stämde inte",
        "faktura nr 0012345678",
        "Ordernr 8112189876 och order 40012345",
        "kundnummer 12 34 56 78, OCR 1234567890123",
        "Invoice number: 0701234567",
        "811218-9875 har fel kontrollsiffra",
        "15038512364 har fel kontrollsiffror",
        "320190-1234 är inget datum",
        "123456-7890",
        "Jag ringde 3 gånger under 2025 och 2026",
        "mellan 08.00 och 17.00, 24/7",
        "20261122 och 1234 5678",
        "Anna på kontoret var jättebra",
        "Mvh Nöjd kund",
        "Hälsningar från Göteborg",
        "Hälsningar Från Oss",
        "Hälsningar Anna och hela familjen",
        "och/eller Anna",
        "IBAN SE45 5000 0000 0583 9825 7466",
    ],
)
def test_left_alone(text: str) -> None:
    assert redact(text) == (text, {})


def test_luhn_and_national_checks() -> None:
    assert luhn_valid("8112189876") and not luhn_valid("8112189875")
    assert personnummer_valid("19811218-9876") and not personnummer_valid("811318-9876")
    assert not personnummer_valid("21811218-9876")  # no such century
    assert fodselsnummer_valid("15038512363") and not fodselsnummer_valid("15038512364")
    assert not fodselsnummer_valid("31028512345")  # 31 February
    assert cpr_date_valid("0101901234") and not cpr_date_valid("3201901234")


def test_counts_add_up_over_a_column() -> None:
    texts, counts = redact_texts(["a@b.se och c@d.no", "ring 0701234567", "inget"])
    assert texts == ["[email] och [email]", "ring [phone]", "inget"]
    assert counts == {"email": 2, "phone": 1}


def test_load_report_counts_redactions_and_setting_turns_it_off() -> None:
    data = (
        "Score;Comment\n"
        "9;Ring mig på 070-123 45 67 eller maila a@b.se\n"
        "3;Mitt personnummer är 811218-9876. Mvh Anna\n"
        "8;Bra, 1 200 kr är okej\n"
    ).encode()
    loaded = load_survey(io.BytesIO(data), filename="e.csv")
    assert loaded.report.redactions == {"email": 1, "name": 1, "personnummer": 1, "phone": 1}
    assert loaded.frame["comment"].tolist() == [
        "Ring mig på [phone] eller maila [email]",
        "Mitt personnummer är [id-number]. Mvh [name]",
        "Bra, 1 200 kr är okej",
    ]
    raw = load_survey(io.BytesIO(data), filename="e.csv", settings=Settings(redact_pii=False))
    assert raw.report.redactions == {}
    assert "070-123 45 67" in raw.frame["comment"].iloc[0]


def test_a_row_shown_whole_in_the_report_is_redacted_too() -> None:
    data = b"Score,Comment\n9,Bra\n4,Ring 070-123 45 67,extra\n"
    loaded = load_survey(io.BytesIO(data), filename="e.csv")
    (skipped,) = loaded.report.skipped
    assert skipped.value == "4,Ring [phone],extra"
    assert loaded.report.redactions == {"phone": 1}


_WORDS = st.sampled_from(
    [
        "Bra",
        "service",
        "10",
        "av",
        "1 200 kr",
        "2026-03-02",
        "22.11.2026",
        "9/10",
        "tack",
        "faktura",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=12))
def test_ordinary_comments_are_never_changed(words: list[str]) -> None:
    text = " ".join(words)
    assert redact(text) == (text, {})
