"""Redacting personal data from free text before it is stored or embedded.

What is replaced, with a typed placeholder, and how each kind is told apart from the
numbers survey comments are full of (scores, dates, amounts, invoice numbers):

- ``[email]``: e-mail addresses.
- ``[id-number]``: Swedish personnummer / samordningsnummer (date + Luhn check digit),
  Norwegian fødselsnummer / D-number (date + both mod-11 check digits), Danish CPR
  numbers (date, written with the hyphen: since 2007 they carry no check digit, so a bare
  ten-digit run is a CPR only right after the word "CPR").
- ``[phone]``: numbers with a country prefix (+46 70 123 45 67, 0047 912 34 567);
  Swedish/Finnish numbers with the trunk 0 written with separators (070-123 45 67,
  08-123 456 78) or a bare 07 mobile number; Norwegian/Danish eight-digit numbers in
  their usual groupings (912 34 567, 12 34 56 78). Any other digit run counts as a phone
  number only right after a word such as "tel", "ring", "mobil".
- ``[name]``: a name that ends a comment after a sign-off ("Hälsningar Anna", "Mvh Ola
  Nordmann", "Regards, John", "/Anna"). Names elsewhere are left alone: without a
  sign-off, a capitalised word is as often a place, a product or a sentence start.

Numbers are left alone when an invoice, order, account or case word comes just before
them, or a currency or unit just after ("fakturanr 4001234567", "1 200 kr").
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Sequence

PLACEHOLDERS = {
    "email": "[email]",
    "phone": "[phone]",
    "personnummer": "[id-number]",
    "fodselsnummer": "[id-number]",
    "cpr": "[id-number]",
    "name": "[name]",
}

_CONTEXT = 30  # characters before a number searched for a telling word
_SEP = r"[ \u00a0\-/.]"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]+@(?:[\w-]+\.)+[^\W\d_]{2,}(?![\w-])")
# Ten digits (YYMMDD-NNNN, also with "+" for people over 100) or twelve (YYYYMMDD-NNNN).
_SE_DK_ID = re.compile(r"(?<![\w-])(\d{6}|\d{8})([-+]?)(\d{4})(?![\w-])")
_NO_ID = re.compile(r"(?<![\w-])(\d{6}) ?(\d{5})(?![\w-])")
_INTL_PHONE = re.compile(
    rf"(?<![\w+])(\+|00)\d{{1,3}}(?:{_SEP}?(?:\(0\)|\(\d{{1,4}}\))?{_SEP}?\d){{6,13}}(?!\d)"
)
_TRUNK_PHONE = re.compile(r"(?<![\w+/.,-])0[1-9](?:[ \u00a0\-/]?\d){6,10}(?![\d])")
_GROUPED_PHONE = re.compile(
    r"(?<![\w+/.,-])(?:[2-9]\d \d{2} \d{2} \d{2}|[2-9]\d{2} \d{2} \d{3})(?![\d]|[.,]\d)"
)
_BARE_NUMBER = re.compile(r"(?<![\w+/.,-])[1-9]\d{3}[ \u00a0]?\d{4}(?!\d|[.,]\d)")
_GROUP_BEFORE = re.compile(r"\d{3}[ \u00a0]$")
_DATE_SHAPE = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")

_PHONE_WORDS = re.compile(
    r"(?i)\b(?:tel|tlf|telefon\w*|phone|mob|mobil\w*|ring\w*|call|sms|nå mig på|reach me at"
    r"|mitt nummer|my number|numret|nummeret)\b"
)
_NOT_PERSONAL_WORDS = re.compile(
    r"(?i)\b(?:faktura\w*|invoice\w*|order\w*|ordre\w*|ocr|kundn(?:umme)?r|kundenummer"
    r"|ärende\w*|sak\w*|case|ticket|ref\w*|konto\w*|account\w*|avtal\w*|kontrakt\w*"
    r"|bestilling\w*|kvitto\w*|receipt|bankgiro|plusgiro|iban|org\.?\s?nr|artikel\w*)\W*"
    r"(?:nr|nummer|no|number|id)?\.?\W*$"
)
_UNIT_AFTER = re.compile(
    r"(?i)^\s?(?:kr\b|sek|nok|dkk|eur|euro|€|\$|:-|%|st\b|stk|kg|km|mil\b|kvm|m2|ms\b)"
)
_CPR_WORD = re.compile(r"(?i)\bcpr(?:-?n(?:umme)?r\.?)?\W*$")

_SIGN_OFF = (
    r"(?i:(?:med\s+)?(?:vänliga?|venn?lig(?:st|e)?|bästa|beste|kind|best|warm|many)?\s*"
    r"(?:hälsningar|hälsning|hälsn|hilsen|hilsener|hilsning|mvh|m\.v\.h\.?|vh|regards"
    r"|wishes|cheers|sincerely|yours))"
)
_NAME_WORD = r"[A-ZÅÄÖÆØÉÜ][a-zåäöæøéüß]+(?:-[A-ZÅÄÖÆØÉÜ][a-zåäöæøéüß]+)?"
_NAME = rf"{_NAME_WORD}(?:[ \t]+(?:{_NAME_WORD}|[A-ZÅÄÖÆØ]\.)){{0,2}}"
_SIGNED_NAME = re.compile(
    rf"(?<!\w){_SIGN_OFF}[ \t]*[,:\-–]?\s*(?P<name>{_NAME})(?=[ \t]*[.!]*[ \t]*(?:\n|$))"
)
_SLASH_NAME = re.compile(rf"(?:(?<=\s)|^)/[ \t]?(?P<name>{_NAME})(?=[ \t]*(?:\n|$))")
_NOT_NAMES = frozenset(
    {
        "En", "Ett", "Från", "Fra", "From", "Nöjd", "Fornøyd", "Tilfreds", "Kund", "Kunde",
        "Customer", "Client", "The", "Your", "A", "An", "Team", "Vi", "Oss", "Jag", "Jeg",
        "Me", "Us", "Er", "Dere", "Jer", "Ingen", "Anonym", "Anonymous", "Tack", "Takk",
    }
)  # fmt: skip
# Cheap tests that decide which of the patterns above can match at all: most comments
# have no '@', no run of six digits and no sign-off, and skip every pattern.
_LONG_NUMBER = re.compile(r"\d(?:[ \u00a0\-/.()]{0,2}\d){5}")
_ID_HINT = re.compile(r"\d{6}[ +-]?\d{4}")
# A country prefix, a trunk 0 starting a number, or two-digit groups (912 34 567).
_PHONE_HINT = re.compile(r"\+\d|(?<!\d)0[1-9]|(?<!\d)00\d|\d \d\d(?: |$)")
_SIGN_OFF_HINTS = (
    "häls", "vh", "v.h", "hilse", "regards", "wishes", "cheers", "sincerely", "yours",
)  # fmt: skip


def redact(text: str) -> tuple[str, Counter[str]]:
    """``text`` with personal data replaced by placeholders, and a count per kind."""
    counts: Counter[str] = Counter()
    return _redact(text, counts), counts


def redact_texts(texts: Sequence[str]) -> tuple[list[str], Counter[str]]:
    """Each text redacted, and the counts per kind over all of them."""
    counts: Counter[str] = Counter()
    return [_redact(text, counts) for text in texts], counts


def _redact(text: str, counts: Counter[str]) -> str:
    if "@" in text:
        text = _EMAIL.sub(_counting(counts, "email"), text)
    if _LONG_NUMBER.search(text):
        if _ID_HINT.search(text):
            text = _SE_DK_ID.sub(lambda m: _se_dk_id(m, counts), text)
            text = _NO_ID.sub(lambda m: _no_id(m, counts), text)
        if _PHONE_HINT.search(text):
            text = _INTL_PHONE.sub(lambda m: _intl_phone(m, counts), text)
            text = _TRUNK_PHONE.sub(lambda m: _trunk_phone(m, counts), text)
            text = _GROUPED_PHONE.sub(lambda m: _grouped_phone(m, counts), text)
        if _PHONE_WORDS.search(text):
            text = _BARE_NUMBER.sub(lambda m: _bare_number(m, counts), text)
    lowered = text.lower()
    for hint in _SIGN_OFF_HINTS:
        if hint in lowered:
            text = _SIGNED_NAME.sub(lambda m: _name(m, counts), text)
            break
    if "/" in text:
        text = _SLASH_NAME.sub(lambda m: _name(m, counts), text)
    return text


# --- national id numbers -----------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by Swedish personnummer (over YYMMDDNNNN)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def personnummer_valid(number: str) -> bool:
    """A Swedish personnummer or samordningsnummer (10 or 12 digits, separators allowed)."""
    digits = re.sub(r"[-+ ]", "", number)
    if len(digits) == 12:
        if digits[:2] not in {"18", "19", "20"}:
            return False
        centuries: tuple[int, ...] = (int(digits[:2]) * 100,)
        digits = digits[2:]
    elif len(digits) == 10:
        centuries = (1900, 2000)
    else:
        return False
    year, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    if day > 60:  # samordningsnummer: day + 60
        day -= 60
    return _date_exists(centuries, year, month, day) and luhn_valid(digits)


def fodselsnummer_valid(number: str) -> bool:
    """A Norwegian fødselsnummer or D-/H-number: 11 digits with two mod-11 check digits."""
    digits = number.replace(" ", "")
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    day -= 40 if day > 40 else 0  # D-number
    month -= 80 if month > 80 else 40 if month > 40 else 0  # H-number, synthetic test ids
    if not _date_exists((1800, 1900, 2000), year, month, day):
        return False
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d, strict=False)) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d, strict=False)) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 != 10 and k2 != 10 and (k1, k2) == (d[9], d[10])


def cpr_date_valid(number: str) -> bool:
    """Whether a Danish CPR number (DDMMYY-SSSS) starts with a real date."""
    digits = number.replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    return _date_exists((1900, 2000), year, month, day)


def _date_exists(centuries: Sequence[int], year: int, month: int, day: int) -> bool:
    for century in centuries:
        try:
            dt.date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def _se_dk_id(match: re.Match[str], counts: Counter[str]) -> str:
    text = match.string
    number, separator = match.group(0), match.group(2)
    if not separator and (_not_personal(text, match.start()) or number.startswith("07")):
        return number  # a bare 07... is a Swedish mobile number (left to the phone rules)
    if personnummer_valid(number):
        return _replace(counts, "personnummer")
    short = len(match.group(1)) == 6
    cpr_shape = separator == "-" or _CPR_WORD.search(text[: match.start()][-_CONTEXT:])
    if short and cpr_shape and cpr_date_valid(number.replace("-", "")):
        return _replace(counts, "cpr")
    return number


def _no_id(match: re.Match[str], counts: Counter[str]) -> str:
    if _not_personal(match.string, match.start()):
        return match.group(0)
    if fodselsnummer_valid(match.group(1) + match.group(2)):
        return _replace(counts, "fodselsnummer")
    return match.group(0)


# --- phone numbers -----------------------------------------------------------------------


def _intl_phone(match: re.Match[str], counts: Counter[str]) -> str:
    text, start = match.string, match.start()
    span = _trim_groups(match.group(0), max_digits=13 if match.group(1) == "+" else 15)
    digits = _digit_count(span)
    if match.group(1) == "00":
        digits -= 2
        if digits < 10 or _not_personal(text, start) or _unit_after(text, match.end()):
            return match.group(0)
    if digits < 8:
        return match.group(0)
    return _replace(counts, "phone") + match.group(0)[len(span) :]


def _trunk_phone(match: re.Match[str], counts: Counter[str]) -> str:
    text, start, number = match.string, match.start(), match.group(0)
    if _DATE_SHAPE.match(number) or _unit_after(text, match.end()):
        return number
    span = _trim_groups(number, max_digits=10)
    digits = _digit_count(span)
    if not 8 <= digits <= 10:
        return number
    bare = span.isdigit()
    keyword = _phone_word_before(text, start)
    if _not_personal(text, start) and not keyword:
        return number
    if bare and not (keyword or (span.startswith("07") and digits == 10)):
        return number
    return _replace(counts, "phone") + number[len(span) :]


def _grouped_phone(match: re.Match[str], counts: Counter[str]) -> str:
    text, start = match.string, match.start()
    if _unit_after(text, match.end()) or (
        _not_personal(text, start) and not _phone_word_before(text, start)
    ):
        return match.group(0)
    return _replace(counts, "phone")


def _bare_number(match: re.Match[str], counts: Counter[str]) -> str:
    # Eight digits with no telling grouping: a phone number only where the text says so.
    text, start = match.string, match.start()
    if _phone_word_before(text, start) and not _unit_after(text, match.end()):
        return _replace(counts, "phone")
    return match.group(0)


def _trim_groups(span: str, max_digits: int) -> str:
    # A greedy match may run on into the next number ("070-123 45 67 10 gånger"): drop
    # trailing digit groups until the length is a phone number's.
    while _digit_count(span) > max_digits:
        cut = max(span.rfind(" "), span.rfind("-"), span.rfind("/"), span.rfind("."))
        if cut <= 0:
            break
        span = span[:cut].rstrip(" -/.")
    return span


def _digit_count(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _phone_word_before(text: str, start: int) -> bool:
    return bool(_PHONE_WORDS.search(text[max(0, start - _CONTEXT) : start]))


def _not_personal(text: str, start: int) -> bool:
    # A business word just before it, or digits: then it is the tail of a longer number
    # (an IBAN, an OCR reference written in groups).
    before = text[max(0, start - _CONTEXT) : start]
    return bool(_NOT_PERSONAL_WORDS.search(before) or _GROUP_BEFORE.search(before))


def _unit_after(text: str, end: int) -> bool:
    return bool(_UNIT_AFTER.match(text[end : end + 6]))


# --- names -------------------------------------------------------------------------------


def _name(match: re.Match[str], counts: Counter[str]) -> str:
    name = match.group("name")
    if name.split()[0] in _NOT_NAMES:
        return match.group(0)
    start = match.start("name") - match.start()
    return match.group(0)[:start] + _replace(counts, "name")


def _replace(counts: Counter[str], kind: str) -> str:
    counts[kind] += 1
    return PLACEHOLDERS[kind]


def _counting(counts: Counter[str], kind: str) -> Callable[[re.Match[str]], str]:
    def replace(_: re.Match[str]) -> str:
        return _replace(counts, kind)

    return replace
