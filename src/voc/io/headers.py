"""Header words that name a column's role, in Swedish, Norwegian, Danish and English.

Finnish words for the score are included because Nordic groups often survey Finland too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Strongest first: a header naming the recommendation question beats a generic "score".
# A trailing "$" means a whole word; otherwise the word may continue ("anbefal" ->
# "anbefale", "anbefaler").
# fmt: off
SCORE_WORDS = (
    "nps$", "recommend", "rekommend", "anbefal", "suosittel", "likely", "sannolik",
    "sannsynlig", "sandsynlig", "score", "betyg", "poäng", "poeng", "point$", "karakter",
    "rating", "arvosana",
)
COMMENT_WORDS = (
    "comment", "kommentar", "why", "varför", "varfor", "hvorfor", "reason", "anledning",
    "begrunnelse", "begrundelse", "grund", "feedback", "fritext", "fritekst", "open ended",
    "open text", "tilbakemelding", "tilbagemelding", "synpunkt", "verbatim", "motivering",
)
DATE_WORDS = (
    "submitted", "besvarad", "svarsdatum", "recorded", "completed", "inskickad", "innsendt",
    "timestamp", "tidsstämpel", "tidsstempel", "tidspunkt", "date", "datum", "dato",
    "created", "skapad", "opprettet", "oprettet", "time$",
)
ID_WORDS = (
    "response id", "respons id", "svar id", "svarsid", "svar nr", "respondent", "id$",
    "uuid", "besvarelse id",
)
# fmt: on


def header_rank(header: str, words: Sequence[str]) -> int | None:
    """Position of the first of ``words`` found in ``header`` (lower = stronger), or None."""
    spaced = re.sub(r"(?<=[a-zåäöæø])(?=[A-ZÅÄÖÆØ])", " ", header)  # ResponseId -> Response Id
    text = " " + " ".join(re.sub(r"[\W_]+", " ", spaced.casefold()).split()) + " "
    for rank, word in enumerate(words):
        needle = f" {word[:-1]} " if word.endswith("$") else f" {word}"
        if needle in text:
            return rank
    return None
