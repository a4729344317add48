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
    "rating", "arvosana", "empfehl", "weiterempfehl", "wahrscheinlich", "tilrå", "tilra",
    "sannsynleg", "todennäköi", "bewertung", "vurdering",
)
COMMENT_WORDS = (
    "comment", "kommentar", "why", "varför", "varfor", "hvorfor", "reason", "anledning",
    "begrunnelse", "begrundelse", "grund", "feedback", "fritext", "fritekst", "open ended",
    "open text", "tilbakemelding", "tilbagemelding", "synpunkt", "verbatim", "motivering",
    "kvifor", "grunngjev", "warum", "begründung", "anmerkung", "kommentti", "miksi",
    "perustelu", "palaute", "syy$",
)
# Follow-up questions that are comments too, asked beside the reason for the score:
# "What do we do well?" / "What should we improve?" become further comment fields.
FOLLOW_UP_WORDS = (
    "improve", "better", "förbättr", "bättre", "forbedr", "bedre", "do well", "doing well",
    "gör bra", "gör vi bra", "gjør bra", "gjør vi bra", "gør godt", "gør vi godt",
    "anything else", "other comments", "övrig", "något annat", "noe annet", "andet",
    "suggest", "förslag", "forslag", "like most",
)
DATE_WORDS = (
    "submit", "besvarad", "svarsdatum", "recorded", "completed", "end date", "inskickad",
    "innsendt", "response timestamp", "timestamp", "tidsstämpel", "tidsstempel",
    "tidspunkt", "date", "datum", "dato", "created", "skapad", "opprettet", "oprettet",
    "time$", "zeitstempel", "eingereicht", "erstellt", "päivämäärä", "pvm", "aikaleima",
    "vastattu", "lähetetty", "tidsmerke",
)
# A period the response belongs to (a month, week or quarter), not a timestamp.
PERIOD_WORDS = (
    "month$", "månad", "manad", "måned", "maned", "mnd$", "period", "kvartal", "quarter",
    "vecka$", "veckonummer", "uke$", "ukenummer", "uge$", "week$", "monat", "quartal",
    "woche$", "kuukausi", "vuosineljännes", "neljännes", "viikko", "jakso", "year month",
    "år månad", "år måned", "yyyy mm",
)
ID_WORDS = (
    "response id", "respons id", "svar id", "svarsid", "svar nr", "respondent", "id$",
    "uuid", "besvarelse id",
)
# Who answered (a customer or account): may repeat, used to find duplicate responses.
RESPONDENT_WORDS = (
    "respondent", "customer id", "customer number", "customer no", "kund id", "kundnummer",
    "kundnr", "kunde id", "kundenummer", "kundenr", "account id", "account number",
    "person id", "contact id", "kontakt id",
)
# Whole headers that name the customer itself ("Kund": "Bergström Bygg AB").
RESPONDENT_HEADERS = frozenset(
    {"customer", "kund", "kunde", "account", "client", "klient", "company", "företag", "firma"}
)
# Columns about a person: never offered as a segment (their values would show in reports).
PERSONAL_WORDS = (
    "name$", "namn", "navn", "first name", "last name", "förnamn", "efternamn", "fornavn",
    "etternavn", "efternavn", "kundnamn", "kundenavn", "kontaktperson", "email", "e mail",
    "e post", "epost", "mail$", "phone", "telefon", "tlf", "mobil", "ip address", "ip adress",
    "address", "adress", "adresse", "latitude", "longitude", "personnummer",
    "fødselsnummer", "fodselsnummer", "cpr",
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
