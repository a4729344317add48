"""Generate data/sample/: a synthetic NPS survey export for the fictional company Nordfin.

No real customer wrote any of this. Every comment is assembled from the hand-written phrase
pools below, and the structure the voc analyses should find is planted on purpose:

- billing (invoicing errors) and availability (hard to reach) pull NPS down,
- competence (knowledgeable staff) pushes it up,
- price is a mild complaint of passives,
- ui_usability complaints grow month by month after the portal relaunch in 2026-05,
  strongest in Oslo, whose NPS falls with them,
- communication is small and mixed, contact_person rare,
- four churn-risk comments and three rows whose score a reader must reject.

Run it from the repository root:

    /work/venv/bin/python scripts/make_sample.py

It is seeded: the same code always writes the same bytes. At the end it prints every planted
figure, measured on the written table, in Markdown (that is what data/sample/README.md shows),
and it stops with an error when a planted figure drifts out of its intended range.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import re
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

SEED = 20251101
N_ROWS = 720
OUT_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"

SCORE_COL = "How likely is it that you would recommend Nordfin to a friend or colleague? (0-10)"
COMMENT_COL = "What is the main reason for your score?"
COLUMNS = [
    "Response ID",
    "Submitted",
    SCORE_COL,
    COMMENT_COL,
    "Touchpoint",
    "Office",
    "Customer size",
]

# ---------------------------------------------------------------------------------------------
# Calendar: 13 months, 2025-11-01 .. 2026-11-20; the web portal was relaunched in 2026-05.
# ---------------------------------------------------------------------------------------------
MONTHS = [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 12)]
LAST_DAY = datetime(2026, 11, 20, 23, 59)
RELAUNCH = MONTHS.index((2026, 5))
FIRST_HALF = range(0, 6)  # 2025-11 .. 2026-04
LAST_HALF = range(7, 13)  # 2026-06 .. 2026-11
# Share of a month's comments that complain about the portal, from the relaunch on: all
# offices together, and Oslo's part of it (Oslo moved to the new portal first).
UI_SHARE_AFTER_RELAUNCH = [0.04, 0.075, 0.11, 0.145, 0.18, 0.215, 0.25]
UI_SHARE_OSLO = [0.10, 0.20, 0.30, 0.40, 0.50, 0.55, 0.60]
UI_MENTIONS_BEFORE = {1: 1, 3: 1, 4: 1}  # month index -> praise of the old portal
# Answers come in office hours, some in the evening; weekends are quiet.
HOUR_WEIGHTS = dict(
    zip(range(6, 23), [1, 2, 6, 9, 9, 8, 5, 7, 8, 7, 5, 3, 2, 2, 2, 1, 1], strict=True)
)
WEEKEND_WEIGHT = 0.3

# ---------------------------------------------------------------------------------------------
# Who answers
# ---------------------------------------------------------------------------------------------
OFFICES = {
    "Stockholm": 0.28,
    "Göteborg": 0.20,
    "Malmö": 0.14,
    "Oslo": 0.17,
    "Bergen": 0.15,
    "København": 0.06,
}
SIZES = {"Small": 0.38, "Medium": 0.32, "Large": 0.20, "Enterprise": 0.10}
LANG_BY_OFFICE = {
    "Stockholm": {"sv": 0.88, "en": 0.12},
    "Göteborg": {"sv": 0.88, "en": 0.12},
    "Malmö": {"sv": 0.88, "en": 0.12},
    "Oslo": {"nb": 0.86, "en": 0.14},
    "Bergen": {"nb": 0.47, "nn": 0.40, "en": 0.13},
    "København": {"da": 0.70, "en": 0.30},
}
EMPTY_SHARE = 0.15

# NPS groups. Offices differ a little; portal complainers are far more often detractors.
GROUP_MIX = {
    "Stockholm": (0.48, 0.30, 0.22),
    "Göteborg": (0.50, 0.29, 0.21),
    "Malmö": (0.45, 0.31, 0.24),
    "Oslo": (0.48, 0.30, 0.22),
    "Bergen": (0.49, 0.30, 0.21),
    "København": (0.52, 0.28, 0.20),
}
GROUP_MIX_UI_COMPLAINT = (0.08, 0.27, 0.65)
GROUPS = ("promoter", "passive", "detractor")
SCORE_WEIGHTS = {
    "promoter": {9: 48, 10: 52},
    "passive": {7: 42, 8: 58},
    "detractor": {0: 4, 1: 3, 2: 5, 3: 9, 4: 13, 5: 27, 6: 39},
}

# ---------------------------------------------------------------------------------------------
# Planted themes: share of non-empty comments in each NPS group that mention the theme, and
# the polarity of those mentions ("+" praise, "-" complaint, "~" mild complaint).
# ---------------------------------------------------------------------------------------------
THEMES = (
    "competence",
    "availability",
    "ui_usability",
    "price",
    "billing",
    "communication",
    "contact_person",
)
THEME_PLAN = {
    "availability": {"promoter": 0.03, "passive": 0.09, "detractor": 0.36},
    "billing": {"promoter": 0.02, "passive": 0.09, "detractor": 0.34},
    "price": {"promoter": 0.035, "passive": 0.22, "detractor": 0.07},
    "competence": {"promoter": 0.30, "passive": 0.12, "detractor": 0.04},
    "communication": {"promoter": 0.05, "passive": 0.05, "detractor": 0.06},
    "contact_person": {"promoter": 0.04, "passive": 0.02, "detractor": 0.02},
}
POLARITY_PLAN = {
    "availability": {
        "promoter": {"+": 0.6, "-": 0.4},
        "passive": {"-": 0.75, "+": 0.25},
        "detractor": {"-": 1.0},
    },
    "billing": {"promoter": {"+": 0.5, "-": 0.5}, "passive": {"-": 1.0}, "detractor": {"-": 1.0}},
    "price": {
        "promoter": {"+": 0.5, "~": 0.5},
        "passive": {"~": 0.9, "-": 0.1},
        "detractor": {"-": 0.7, "~": 0.3},
    },
    "competence": {"promoter": {"+": 1.0}, "passive": {"+": 1.0}, "detractor": {"+": 1.0}},
    "communication": {
        "promoter": {"+": 1.0},
        "passive": {"+": 0.5, "-": 0.5},
        "detractor": {"-": 1.0},
    },
    "contact_person": {
        "promoter": {"+": 1.0},
        "passive": {"+": 0.6, "-": 0.4},
        "detractor": {"-": 1.0},
    },
}

# Where a comment about a theme was most likely collected.
TOUCHPOINTS = ("Support", "Invoicing", "Onboarding", "Account review", "Collection case")
TOUCHPOINT_MIX = {
    None: (0.32, 0.20, 0.12, 0.16, 0.20),
    "billing": (0.10, 0.70, 0.00, 0.05, 0.15),
    "availability": (0.60, 0.10, 0.05, 0.00, 0.25),
    "ui_usability": (0.40, 0.20, 0.15, 0.00, 0.25),
    "competence": (0.35, 0.00, 0.20, 0.20, 0.25),
    "price": (0.15, 0.25, 0.00, 0.45, 0.15),
    "communication": (0.25, 0.00, 0.25, 0.20, 0.30),
    "contact_person": (0.15, 0.00, 0.15, 0.60, 0.10),
}

# ---------------------------------------------------------------------------------------------
# Phrase pools, written by hand. Keys are "<theme><polarity>" or "generic<polarity>". Phrases
# carry no final punctuation; the writer adds it.
# ---------------------------------------------------------------------------------------------
PHRASES: dict[str, dict[str, list[str]]] = {
    "sv": {
        "competence+": [
            "Kunnig personal",
            "Mycket kunniga handläggare",
            "Duktiga och kunniga medarbetare som vet vad de pratar om",
            "Handläggaren kunde svara på alla mina frågor",
            "Ni kan ert område, det märks",
            "Kompetent personal",
            "Väldigt kunnig person i telefon som förstod problemet och löste det",
            "Proffsiga och kompetenta",
            "Ni har koll på regelverket kring inkasso, det uppskattar vi",
            "Supporten förstod vad problemet var och visste exakt hur det skulle lösas",
            "Bra kunskap om vårt affärssystem",
            "Alltid kunniga svar, man känner sig trygg",
            "Personalen är otroligt kunnig. Fick hjälp med en krånglig avstämning som vår "
            "revisor inte ens förstod",
            "Kunniga konsulter under uppstarten",
            "Duktig handläggare som kan sin sak",
        ],
        "availability-": [
            "Trög support",
            "Lång väntetid i telefon",
            "Svårt att nå er",
            "Fick vänta över 40 minuter i telefonkön. Till slut gav jag upp och mailade istället",
            "Ingen svarar på mejl",
            "Det tar flera dagar att få svar på ett enkelt ärende",
            "Omöjligt att komma fram på telefon",
            "Väntade en vecka på återkoppling",
            "Långa svarstider",
            "Ni svarar aldrig i telefon före lunch",
            "Har ringt tre gånger utan att komma fram",
            "Kön till kundtjänst är alldeles för lång",
            "Svarstiderna på mejl har blivit mycket sämre senaste halvåret. Vi har ärenden som "
            "legat i två veckor",
            "Tar evigheter att få tag på någon",
            "Sega svar",
        ],
        "availability+": [
            "Snabba svar",
            "Alltid lätt att nå er",
            "Kort väntetid i telefon",
            "Fick svar inom en timme",
            "Ni svarar snabbt på mejl",
            "Snabb återkoppling",
            "Kom fram direkt när jag ringde",
            "Alltid någon som svarar",
            "Snabb hantering av mitt ärende",
            "Supporten svarar alltid samma dag",
            "Aldrig någon kö när man ringer",
            "Lätt att få tag på någon",
        ],
        "billing-": [
            "Fakturan fel igen",
            "Felaktiga fakturor",
            "Fakturan var fel, igen. Dåligt",
            "Vi har fått fel belopp på fakturan tre månader i rad",
            "Fakturorna är obegripliga",
            "Fick en faktura på en tjänst vi aldrig beställt",
            "Fel på faktureringen varje månad",
            "Ni dubbelfakturerade oss i mars och det tog ett halvår att få tillbaka pengarna",
            "Otydliga fakturor, vi förstår inte vad vi betalar för",
            "Faktureringen är ett kaos",
            "Fel moms på fakturan",
            "Varför är det alltid fel på fakturan?",
            "Fakturaunderlaget stämmer inte med avtalet",
            "Felaktig fakturering, ni måste skärpa er",
            "Krediterade fakturor dyker upp igen som påminnelser",
        ],
        "billing+": [
            "Tydliga fakturor",
            "Fakturorna är alltid korrekta",
            "Enkla och tydliga fakturor",
            "Aldrig haft fel på en faktura",
            "Bra att fakturorna kommer som e-faktura",
            "Faktureringen fungerar klockrent",
            "Lätt att förstå fakturan",
            "Rätt fakturor i tid varje månad",
            "Fakturaspecifikationen är tydlig",
            "Inga fel på fakturorna på hela året",
            "Smidig fakturering",
            "Fakturorna stämmer alltid med avtalet",
        ],
        "price~": [
            "Lite dyrt men ok",
            "Priset är i överkant",
            "Bra tjänst men lite dyr",
            "Ganska dyrt för vad man får",
            "Priset kunde vara lägre",
            "Avgifterna har gått upp lite väl mycket",
            "Helt ok, men prisökningen i år var inte rolig",
            "Lite höga avgifter",
            "Något dyrare än konkurrenterna",
            "Prisvärt? Inte riktigt, men det fungerar",
            "Dyrt men det funkar",
            "Kostnaden är väl hög för ett litet bolag som vårt",
            "Hade gett högre betyg om priset var lägre",
        ],
        "price-": [
            "Alldeles för dyrt",
            "Orimliga avgifter",
            "Ni tar betalt för allt",
            "Dyrt",
            "Prishöjningen på 12 procent är helt orimlig",
            "Dolda avgifter överallt",
            "Vi betalar alldeles för mycket för det vi får",
            "Skamligt höga avgifter",
            "Priset har höjts två gånger i år",
            "Ni är dyrast på marknaden",
            "Avgiften per ärende är för hög",
            "Kostnaderna springer iväg",
        ],
        "price+": [
            "Prisvärt",
            "Bra pris",
            "Rimliga avgifter",
            "Mycket prisvärt jämfört med andra",
            "Bra värde för pengarna",
            "Konkurrenskraftiga priser",
            "Schyssta priser",
            "Prisvärd tjänst",
            "Rimligt pris för vad man får",
            "Billigare än vår förra leverantör",
            "Ni är värda pengarna",
            "Bra prisnivå",
        ],
        "ui_usability-": [
            "Portalen är krånglig",
            "Nya portalen är sämre än den gamla",
            "Svårt att hitta något i nya kundportalen",
            "Kundportalen är rörig",
            "Efter uppdateringen av portalen hittar jag ingenting",
            "Webbportalen är seg och ologisk",
            "Det tar tio klick att ladda ner en rapport i nya portalen",
            "Portalen loggar ut en hela tiden",
            "Nya gränssnittet är inte användarvänligt",
            "Varför ändrade ni portalen? Den gamla var mycket enklare",
            "Omständlig portal",
            "Kundportalen fungerar dåligt i mobilen",
            "Sökfunktionen i portalen är värdelös",
            'Den "nya förbättrade" portalen är ett steg bakåt',
        ],
        "ui_usability+": [
            "Smidig kundportal",
            "Portalen är enkel att använda",
            "Lätt att hitta i portalen",
            "Bra överblick i webbportalen",
            "Smidigt att följa ärenden i portalen",
            "Kundportalen är lättanvänd",
            "Bra portal",
            "Enkelt att ladda ner rapporter från portalen",
            "Portalen ger bra koll på våra ärenden",
            "Tydlig och enkel webbportal",
            "Gillar att man kan se allt i portalen",
            "Portalen fungerar bra",
        ],
        "communication+": [
            "Bra information",
            "Ni håller oss informerade hela vägen",
            "Tydlig kommunikation",
            "Proaktiva och bra på att informera",
            "Bra att ni hör av er innan problem uppstår",
            "Fick tydlig information om hur ärendet skulle hanteras",
            "Bra uppdateringar om våra inkassoärenden",
            "Tydliga instruktioner vid uppstarten",
            "Bra nyhetsbrev med relevant info",
            "Ni meddelade i god tid om förändringarna",
            "Uppskattar att ni berättar hur det går utan att vi behöver fråga",
            "Tydlig och rak kommunikation",
        ],
        "communication-": [
            "Dålig information",
            "Ingen informerade oss om ändringarna",
            "Otydlig kommunikation",
            "Vi får aldrig veta vad som händer i våra ärenden",
            "Fick ingen information om att rutinerna ändrats",
            "Informationen är svår att förstå",
            "Ni borde informera innan ni ändrar saker",
            "Ingen uppdatering på flera veckor om vårt ärende",
            "Otydliga besked",
            "Olika besked från olika personer",
            "Mejlen från er är svåra att förstå",
            "Vi fick veta om systembytet i sista minuten",
        ],
        "contact_person+": [
            "Min kontaktperson Anna är fantastisk",
            "Bra att ha en egen kontaktperson",
            "Vår kundansvarige är guld värd",
            "Erik är en superbra kundansvarig",
            "Personlig kontakt som känner vårt bolag",
            "Uppskattar att vi har en fast kontaktperson",
            "Vår kontaktperson ställer alltid upp",
            "Lena som är vår kundansvariga är toppen",
            "Skönt att alltid prata med samma person",
            "Fantastisk kundansvarig",
            "Vår account manager är personlig och engagerad",
            "Vår egen handläggare känner till vår historik",
        ],
        "contact_person-": [
            "Vi har bytt kontaktperson tre gånger i år",
            "Saknar en fast kontaktperson",
            "Vår kundansvarige slutade och vi har ingen ny",
            "Vet inte vem som är vår kontaktperson längre",
            "Kontaktpersonen byts hela tiden",
            "Vill ha en egen handläggare",
            "Ingen personlig kontakt längre",
            "Ny kundansvarig varje halvår",
            "Saknar vår gamla kundansvariga",
            "Vi är bara ett nummer, ingen egen kontakt",
            "Får prata med en ny person varje gång",
            "Önskar en dedikerad kontaktperson",
        ],
        "generic+": [
            "Nöjd",
            "Mycket nöjd",
            "Toppen",
            "Bra",
            "Allt fungerar bra",
            "Inget att anmärka",
            "Bra samarbete",
            "Fungerar utmärkt",
            "Inga klagomål",
            "Rekommenderar er gärna",
            "Har varit kund länge och är nöjd",
            "Allt har flutit på bra i år",
            "Kanon",
        ],
        "generic~": [
            "Ok",
            "Fungerar",
            "Helt ok",
            "Inget särskilt",
            "Det funkar",
            "Godkänt",
            "Inget att klaga på egentligen",
            "Medel",
            "Varken bra eller dåligt",
            "Brukar fungera",
            "Ni är ok",
            "Som förväntat",
        ],
        "generic-": [
            "Inte nöjd",
            "Dåligt",
            "Besviken",
            "Har blivit sämre",
            "Kan bli mycket bättre",
            "Inte vad vi förväntade oss",
            "Mycket missnöjd",
            "Sämre än förr",
            "Nej",
            "Inget fungerar som det ska",
            "Förväntade mig mer",
            "Tyvärr inte bra",
        ],
    },
    "nb": {
        "competence+": [
            "Kunnskapsrike ansatte",
            "Svært dyktige saksbehandlere",
            "Flinke folk som kan faget sitt",
            "Saksbehandleren kunne svare på alt jeg lurte på",
            "Dere kan dette, det merkes",
            "Kompetente medarbeidere",
            "Veldig kunnskapsrik person på telefonen som skjønte problemet og løste det",
            "Profesjonelle og kunnskapsrike",
            "God kontroll på regelverket rundt inkasso",
            "Supporten forsto hva problemet var og visste nøyaktig hvordan det skulle løses",
            "God kunnskap om ERP-systemet vårt",
            "Alltid gode og faglige svar",
            "Utrolig flink rådgiver. Hun forklarte hele inkassoprosessen så vi forsto den",
            "Dyktige konsulenter under oppstarten",
            "Dyktig saksbehandler",
        ],
        "availability-": [
            "Treg support",
            "Lang ventetid på telefon",
            "Vanskelig å få tak i dere",
            "Ventet over en halvtime i telefonkø. Ga opp til slutt",
            "Ingen svarer på e-post",
            "Det tar flere dager å få svar på en enkel henvendelse",
            "Umulig å komme gjennom på telefon",
            "Ventet en uke på tilbakemelding",
            "Lang svartid",
            "Dere svarer aldri telefonen",
            "Har ringt tre ganger uten å komme frem",
            "Altfor lang kø hos kundeservice",
            "Svartiden på e-post har blitt mye dårligere. Vi har saker som har ligget i to uker "
            "uten svar",
            "Tar evigheter å få svar",
            "Sene svar",
        ],
        "availability+": [
            "Raske svar",
            "Alltid lett å få tak i dere",
            "Kort ventetid på telefon",
            "Fikk svar innen en time",
            "Dere svarer raskt på e-post",
            "Rask tilbakemelding",
            "Kom gjennom med en gang da jeg ringte",
            "Det er alltid noen som svarer",
            "Rask behandling av saken min",
            "Supporten svarer alltid samme dag",
            "Aldri kø når man ringer",
            "Dere svarer alltid raskt",
        ],
        "billing-": [
            "Feil på fakturaen igjen",
            "Feil fakturaer",
            "Fakturaen var feil. Igjen",
            "Vi har fått feil beløp på fakturaen tre måneder på rad",
            "Fakturaene er uforståelige",
            "Fikk faktura for en tjeneste vi aldri har bestilt",
            "Feil i faktureringen hver måned",
            "Dere fakturerte oss dobbelt i mars og det tok et halvt år å få pengene tilbake",
            "Uklare fakturaer, vi skjønner ikke hva vi betaler for",
            "Faktureringen er et kaos",
            "Feil mva på fakturaen",
            "Hvorfor er det alltid feil på fakturaen?",
            "Fakturagrunnlaget stemmer ikke med avtalen",
            "Feilfakturering, dette må dere skjerpe dere på",
            "Kreditnotaer dukker opp igjen som purringer",
        ],
        "billing+": [
            "Oversiktlige fakturaer",
            "Fakturaene er alltid riktige",
            "Enkle og tydelige fakturaer",
            "Har aldri hatt feil på en faktura",
            "Fint med EHF-faktura",
            "Faktureringen fungerer knirkefritt",
            "Lett å forstå fakturaen",
            "Riktige fakturaer til rett tid",
            "Tydelig fakturaspesifikasjon",
            "Ingen feil på fakturaene i år",
            "Ryddig fakturering",
            "Fakturaene stemmer alltid med avtalen",
        ],
        "price~": [
            "Litt dyrt, men ok",
            "Prisen er i overkant",
            "God tjeneste, men litt dyr",
            "Ganske dyrt for det man får",
            "Prisen kunne vært lavere",
            "Gebyrene har økt litt mye",
            "Helt greit, men prisøkningen i år var ikke morsom",
            "Litt høye gebyrer",
            "Noe dyrere enn konkurrentene",
            "Dyrt, men det fungerer",
            "Kostnaden er vel høy for et lite firma som oss",
            "Hadde gitt høyere score hvis prisen var lavere",
        ],
        "price-": [
            "Altfor dyrt",
            "Urimelige gebyrer",
            "Dere tar betalt for alt",
            "Dyrt som bare det",
            "Prisøkningen på 12 prosent er helt urimelig",
            "Skjulte gebyrer overalt",
            "Vi betaler altfor mye for det vi får",
            "Skammelig høye gebyrer",
            "Prisen har økt to ganger i år",
            "Dere er dyrest i markedet",
            "Gebyret per sak er for høyt",
            "Kostnadene løper løpsk",
        ],
        "price+": [
            "Prisgunstig",
            "God pris",
            "Rimelige gebyrer",
            "Veldig konkurransedyktige priser",
            "Mye for pengene",
            "Fair pris",
            "Greie priser",
            "Rimelig for det man får",
            "Billigere enn forrige leverandør",
            "Dere er verdt pengene",
            "Fornuftig prisnivå",
            "Bra pris sammenlignet med andre",
        ],
        "ui_usability-": [
            "Portalen er tungvint",
            "Den nye portalen er dårligere enn den gamle",
            "Vanskelig å finne frem i den nye kundeportalen",
            "Kundeportalen er rotete",
            "Etter oppdateringen av portalen finner jeg ingenting",
            "Nettportalen er treg og ulogisk",
            "Det tar ti klikk å laste ned en rapport i den nye portalen",
            "Portalen logger meg ut hele tiden",
            "Det nye grensesnittet er ikke brukervennlig",
            "Hvorfor endret dere portalen? Den gamle var mye enklere",
            "Tungvint portal",
            "Kundeportalen fungerer dårlig på mobil",
            "Søkefunksjonen i portalen er ubrukelig",
            "Vanskelig å eksportere saker fra portalen",
            "Nye portalen er et steg tilbake. Vi bruker dobbelt så lang tid på det samme som før",
        ],
        "ui_usability+": [
            "Brukervennlig kundeportal",
            "Portalen er enkel å bruke",
            "Lett å finne frem i portalen",
            "God oversikt i nettportalen",
            "Greit å følge sakene i portalen",
            "Kundeportalen er lettvint",
            "Kjempegrei portal",
            "Enkelt å laste ned rapporter fra portalen",
            "Portalen gir god oversikt over sakene våre",
            "Oversiktlig og enkel nettportal",
            "Liker at man ser alt i portalen",
            "Portalen fungerer fint",
        ],
        "communication+": [
            "God informasjon",
            "Dere holder oss oppdatert hele veien",
            "Tydelig kommunikasjon",
            "Proaktive og flinke til å informere",
            "Fint at dere tar kontakt før problemene oppstår",
            "Fikk tydelig informasjon om hvordan saken skulle håndteres",
            "Gode oppdateringer på inkassosakene våre",
            "Klare instruksjoner ved oppstart",
            "Nyttig nyhetsbrev",
            "Dere varslet om endringene i god tid",
            # "pris" inside "setter pris på" is not about price: a deliberate hard case.
            "Setter pris på at dere forteller hvordan det går uten at vi må spørre",
            "Klar og ærlig kommunikasjon",
        ],
        "communication-": [
            "Dårlig informasjon",
            "Ingen informerte oss om endringene",
            "Uklar kommunikasjon",
            "Vi får aldri vite hva som skjer i sakene våre",
            "Fikk ingen beskjed om at rutinene var endret",
            "Informasjonen er vanskelig å forstå",
            "Dere burde informere før dere endrer ting",
            "Ingen oppdatering på flere uker om saken vår",
            "Uklare beskjeder",
            "Forskjellige beskjeder fra forskjellige folk",
            "E-postene fra dere er vanskelige å forstå",
            "Vi fikk vite om systembyttet i siste liten",
        ],
        "contact_person+": [
            "Kontaktpersonen vår Kari er fantastisk",
            "Fint å ha en egen kontaktperson",
            "Kundeansvarlig er gull verdt",
            "Ole er en kjempegod kundeansvarlig",
            "Personlig kontakt som kjenner bedriften vår",
            "Liker at vi har fast kontaktperson",
            "Kontaktpersonen vår stiller alltid opp",
            "Ingrid, kundeansvarlig hos dere, er topp",
            "Godt å alltid snakke med samme person",
            "Fantastisk kundeansvarlig",
            "Vår account manager er personlig og engasjert",
            "Egen saksbehandler som kjenner historikken vår",
        ],
        "contact_person-": [
            "Vi har byttet kontaktperson tre ganger i år",
            "Savner en fast kontaktperson",
            "Kundeansvarlig sluttet og vi har ikke fått noen ny",
            "Vet ikke hvem som er kontaktpersonen vår lenger",
            "Kontaktpersonen byttes hele tiden",
            "Vil ha egen saksbehandler",
            "Ingen personlig kontakt lenger",
            "Ny kundeansvarlig hvert halvår",
            "Savner den gamle kundeansvarlige vår",
            "Vi er bare et nummer, ingen egen kontakt",
            "Må snakke med en ny person hver gang",
            "Ønsker en dedikert kontaktperson",
        ],
        "generic+": [
            "Fornøyd",
            "Veldig fornøyd",
            "Topp",
            "Bra greier",
            "Alt fungerer fint",
            "Ingenting å utsette",
            "Godt samarbeid",
            "Fungerer utmerket",
            "Ingen klager",
            "Anbefaler dere gjerne",
            "Har vært kunde lenge og er fornøyd",
            "Alt har gått fint i år",
            "Supert",
        ],
        "generic~": [
            "Ok",
            "Fungerer",
            "Helt greit",
            "Ikke noe spesielt",
            "Det funker",
            "Greit nok",
            "Ingenting å klage på egentlig",
            "Middels",
            "Verken bra eller dårlig",
            "Pleier å fungere",
            "Dere er ok",
            "Som forventet",
        ],
        "generic-": [
            "Ikke fornøyd",
            "Dårlig",
            "Skuffet",
            "Har blitt dårligere",
            "Kan bli mye bedre",
            "Ikke det vi forventet",
            "Svært misfornøyd",
            "Dårligere enn før",
            "Nei",
            "Ingenting fungerer som det skal",
            "Forventet mer",
            "Dessverre ikke bra",
        ],
    },
    "nn": {
        "competence+": [
            "Kunnige tilsette",
            "Svært dyktige sakshandsamarar",
            "Dei tilsette kan faget sitt",
            "Sakshandsamaren kunne svare på alt eg lurte på",
            "De kan dette, det merkast",
            "God fagkunnskap hjå dykk",
            "Dyktig rådgjevar som forklarte heile prosessen",
        ],
        "availability-": [
            "Treig kundeservice",
            "Lang ventetid på telefonen kvar gong",
            "Vanskeleg å få tak i dykk",
            "Venta over ein halvtime i telefonkø",
            "Ingen svarar på e-post",
            "Det tek fleire dagar å få svar",
            "Venta ei veke på tilbakemelding",
        ],
        "availability+": [
            "Svarar raskt kvar gong",
            "Alltid lett å få tak i dykk",
            "Kort ventetid når eg ringjer",
            "Fekk svar innan ein time",
            "De svarar alltid raskt",
        ],
        "billing-": [
            "Feil på fakturaen att",
            "Feil fakturaer heile tida",
            "Fakturaen var feil ein gong til",
            "Vi har fått feil beløp tre månader på rad",
            "Fakturaene er uforståelege",
            "Feil i faktureringa kvar månad",
            "Uklare fakturaer, vi skjønar ikkje kva vi betalar for",
        ],
        "billing+": [
            "Oversiktlege fakturaer",
            "Fakturaene er alltid rette",
            "Aldri hatt feil på ein faktura",
            "Ryddig fakturering heile året",
            "Enkle og tydelege fakturaer",
        ],
        "price~": [
            "Litt dyrt, men greitt",
            "Prisen er litt høg",
            "God teneste, men litt dyr",
            "Ganske dyrt for det ein får",
            "Prisen kunne vore lågare",
            "Gebyra har auka litt mykje",
        ],
        "price-": [
            "Altfor dyrt, synest eg",
            "Urimelege gebyr",
            "De tek betalt for alt",
            "Vi betalar altfor mykje for det vi får",
            "Prisauken i år er heilt urimeleg",
        ],
        "price+": [
            "Rimeleg pris",
            "God pris, synest vi",
            "Mykje for pengane",
            "Fornuftige gebyr",
            "Billegare enn førre leverandør",
        ],
        "ui_usability-": [
            "Portalen er tungvinn",
            "Den nye portalen er dårlegare enn den gamle",
            "Vanskeleg å finne fram i den nye kundeportalen",
            "Kundeportalen er rotete og uoversiktleg",
            "Etter oppdateringa av portalen finn eg ingenting",
            "Nettportalen er treig og ulogisk",
            "Portalen loggar meg ut heile tida",
        ],
        "ui_usability+": [
            "Brukarvenleg kundeportal",
            "Portalen er lett å bruke, synest eg",
            "Lett å finne fram i portalen",
            "Nettportalen gjev god oversikt",
            "Portalen verkar fint",
        ],
        "communication+": [
            "God informasjon frå dykk",
            "De held oss oppdaterte heile vegen",
            "Tydeleg kommunikasjon",
            "Flinke til å informere, det likar vi",
            "Fekk tydeleg informasjon om korleis saka skulle handsamast",
        ],
        "communication-": [
            "Dårleg informasjon",
            "Ingen informerte oss om endringane",
            "Uklar kommunikasjon frå dykk",
            "Vi får aldri vite kva som skjer i sakene våre",
            "De burde informere før de endrar ting",
        ],
        "contact_person+": [
            "Kontaktpersonen vår er heilt fantastisk",
            "Fint å ha ein fast kontaktperson",
            "Kundeansvarleg er gull verd",
            "Godt å alltid snakke med same person",
            "Personleg kontakt som kjenner bedrifta vår",
        ],
        "contact_person-": [
            "Vi har bytt kontaktperson tre gonger i år",
            "Saknar ein fast kontaktperson",
            "Ny kundeansvarleg kvart halvår",
            "Veit ikkje kven som er kontaktpersonen vår lenger",
            "Ingen personleg kontakt lenger",
        ],
        "generic+": [
            "Nøgd",
            "Svært nøgd",
            "Alt verkar som det skal",
            "Ikkje noko å klage på",
            "Godt samarbeid heile året",
            "Heilt topp",
        ],
        "generic~": [
            "Ok, ikkje noko meir å seie",
            "Greitt nok",
            "Heilt greitt",
            "Ikkje noko spesielt",
            "Middels, ikkje meir",
            "Det verkar",
        ],
        "generic-": [
            "Ikkje nøgd",
            "Dårleg",
            "Skuffa",
            "Har vorte dårlegare",
            "Forventa meir",
            "Diverre ikkje bra",
        ],
    },
    "da": {
        "competence+": [
            "Meget kompetente medarbejdere",
            "Dygtige folk der kender deres fag",
            "Sagsbehandleren kunne svare på alle mine spørgsmål",
            "I ved hvad I taler om",
            "Stor faglig viden",
            "Kyndig rådgiver der forklarede hele forløbet",
        ],
        "availability-": [
            "Langsom support",
            "Lang ventetid i telefonen",
            "Svært at få fat i jer",
            "Ventede over en halv time i telefonkø",
            "Ingen svarer på vores mails",
            "Det tager flere dage at få svar",
        ],
        "availability+": [
            "Hurtige svar",
            "Altid nemt at få fat i jer",
            "Meget kort ventetid",
            "Fik svar inden for en time",
            "I svarer altid hurtigt",
        ],
        "billing-": [
            "Fejl på fakturaen igen",
            "Forkerte fakturaer",
            "Fakturaen var forkert. Igen",
            "Vi har fået forkert beløb tre måneder i træk",
            "Uforståelige fakturaer",
            "Fejl i faktureringen hver måned",
        ],
        "billing+": [
            "Overskuelige fakturaer",
            "Fakturaerne er altid korrekte",
            "Aldrig haft fejl på en faktura",
            "Nem fakturering",
            "Klare fakturaer",
        ],
        "price~": [
            "Lidt dyrt, men ok",
            "Prisen er i den høje ende",
            "God service, men lidt dyr",
            "Ret dyrt for det man får",
            "Gebyrerne er steget lidt for meget",
        ],
        "price-": [
            "Alt for dyrt",
            "Gebyrerne er urimelige",
            "I tager betaling for alt",
            "Vi betaler alt for meget",
            "Prisstigningen i år er helt urimelig",
        ],
        "price+": [
            "Rigtig god pris",
            "Gebyrerne er rimelige",
            "Meget for pengene",
            "Billigere end vores tidligere leverandør",
            "Fornuftigt prisniveau",
        ],
        "ui_usability-": [
            "Portalen er besværlig",
            "Den nye portal er dårligere end den gamle",
            "Svært at finde rundt i den nye kundeportal",
            "Kundeportalen er rodet",
            "Efter opdateringen af portalen kan jeg ikke finde noget",
            "Portalen logger mig ud hele tiden",
        ],
        "ui_usability+": [
            "Brugervenlig kundeportal",
            "Portalen er nem at bruge",
            "God oversigt i portalen",
            "Portalen fungerer rigtig godt",
            "Nemt at finde rundt i portalen",
        ],
        "communication+": [
            "God information",
            "I holder os opdateret hele vejen",
            "Klar kommunikation",
            "Gode til at informere",
            "Fik klar besked om hvordan sagen ville blive håndteret",
        ],
        "communication-": [
            "Dårlig information",
            "Ingen fortalte os om ændringerne",
            "Uklar kommunikation",
            "Vi ved aldrig hvad der sker i vores sager",
            "I burde informere før I ændrer ting",
        ],
        "contact_person+": [
            "Vores kontaktperson er fantastisk",
            "Dejligt at have en fast kontaktperson",
            "Vores kundeansvarlige er guld værd",
            "Rart altid at tale med den samme person",
            "Personlig kontakt der kender vores firma",
        ],
        "contact_person-": [
            "Vi har skiftet kontaktperson tre gange i år",
            "Vi savner en fast kontaktperson hos jer",
            "Ny kundeansvarlig hvert halve år",
            "Ved ikke hvem vores kontaktperson er længere",
            "Ingen personlig kontakt længere",
        ],
        "generic+": [
            "Tilfreds",
            "Meget tilfreds",
            "Alt fungerer rigtig fint",
            "Intet at klage over",
            "Godt samarbejde",
            "Super tilfreds",
        ],
        "generic~": [
            "Sådan set ok",
            "Det kører",
            "Helt fint, ikke noget at sige",
            "Ikke noget særligt",
            "Middel",
            "Det går nogenlunde",
        ],
        "generic-": [
            "Ikke tilfreds",
            "Dårligt",
            "Meget skuffet",
            "Er blevet dårligere",
            "Forventede mere",
            "Desværre ikke godt",
        ],
    },
    "en": {
        "competence+": [
            "Knowledgeable staff",
            "Very competent case handlers",
            "Skilled people who know what they are talking about",
            "The agent could answer all my questions",
            "You really know your stuff",
            "Competent and professional team",
            "The person I spoke to understood the issue and fixed it",
            "Great expertise",
            "Solid knowledge of Nordic collection rules, which we value a lot",
            "Support understood exactly what the problem was and how to solve it",
            "Good knowledge of our ERP setup",
            "Always expert answers, we feel in safe hands",
            "Your staff is extremely knowledgeable. They helped us with a reconciliation issue "
            "our own auditors could not figure out",
            "Skilled consultants during onboarding",
            "Great people who know the business",
        ],
        "availability-": [
            "Slow support",
            "Long waiting times on the phone",
            "Hard to reach you",
            "Waited 45 minutes on hold. Gave up and sent an email instead",
            "Nobody answers emails",
            "It takes days to get a reply to a simple question",
            "Impossible to get through by phone",
            "Waited a week for a callback",
            "Slow response times",
            "You never pick up the phone",
            "Called three times without getting through",
            "The support queue is way too long",
            "Email response times have got much worse in the last six months. We have tickets "
            "open for two weeks",
            "Takes forever to get hold of anyone",
            "Slow replies",
        ],
        "availability+": [
            "Quick replies",
            "Always easy to reach",
            "Short waiting time on the phone",
            "Got an answer within an hour",
            "Fast email responses",
            "Quick turnaround",
            "Got through straight away when I called",
            "There is always someone answering",
            "Fast handling of my case",
            "Support always replies the same day",
            "Never any queue when calling",
            "Very responsive team",
        ],
        "billing-": [
            "Wrong invoice again",
            "Incorrect invoices",
            "The invoice was wrong. Again",
            "We have been invoiced the wrong amount three months in a row",
            "Invoices are impossible to understand",
            "Got invoiced for a service we never ordered",
            "Invoicing errors every month",
            "You double-billed us in March and it took half a year to get the money back",
            "Unclear invoices, we don't know what we are paying for",
            "Your invoicing is a mess",
            "Wrong VAT on the invoice",
            "Why is the invoice always wrong?",
            "Invoice lines don't match the contract",
            "Billing mistakes all the time",
            "Credited invoices come back as payment reminders",
        ],
        "billing+": [
            "Clear invoices",
            "Invoices are always correct",
            "Simple, easy to read invoices",
            "Never had a wrong invoice",
            "Good that invoices come as e-invoices",
            "Invoicing just works",
            "Easy to understand the invoice",
            "Correct invoices on time every month",
            "Invoice specification is clear",
            "No invoicing errors all year",
            "Smooth billing",
            "Invoices always match the agreement",
        ],
        "price~": [
            "A bit pricey but OK",
            "Price is on the high side",
            "Good service but a bit expensive",
            "Rather expensive for what you get",
            "Could be cheaper",
            "Fees have gone up a bit too much",
            "Fine overall, but this year's price increase was not fun",
            "Slightly high fees",
            "Somewhat more expensive than competitors",
            "Expensive, but it works",
            "Cost is a bit high for a small company like ours",
            "Would give a higher score if the price was lower",
        ],
        "price-": [
            "Way too expensive",
            "Unreasonable fees",
            "You charge for everything",
            "Expensive",
            "A 12% price increase is simply unacceptable",
            "Hidden fees everywhere",
            "We pay far too much for what we get",
            "Outrageous fees",
            "Prices went up twice this year",
            "Most expensive provider on the market",
            "Fee per case is too high",
            "Costs keep climbing",
        ],
        "price+": [
            "Good value for money",
            "Fair price",
            "Reasonable fees",
            "Very competitive pricing",
            "Great value",
            "Fair pricing for what we get",
            "Decent prices",
            "Reasonable for what you get",
            "Cheaper than our previous provider",
            "Worth the money",
            "Sensible price level",
            "Good price compared to others",
        ],
        "ui_usability-": [
            "The portal is clumsy",
            "The new portal is worse than the old one",
            "Hard to find anything in the new customer portal",
            "Customer portal is a mess",
            "After the portal update I can't find anything",
            "The web portal is slow and illogical",
            "It takes ten clicks to download a report in the new portal",
            "The portal keeps logging me out",
            "New interface is not user friendly",
            "Why did you change the portal? The old one was much simpler",
            "Clunky portal",
            "Customer portal doesn't work well on mobile",
            "Search in the portal is useless",
            'The "improved" portal is a step backwards',
        ],
        "ui_usability+": [
            "User-friendly customer portal",
            "The portal is easy to use",
            "Easy to find things in the portal",
            "Good overview in the web portal",
            "Handy to follow cases in the portal",
            "Intuitive portal",
            "Nice portal",
            "Easy to download reports from the portal",
            "The portal gives a good overview of our cases",
            "Clean and simple web portal",
            "Love that you can see everything in the portal",
            "Portal works well",
        ],
        "communication+": [
            "Good information",
            "You keep us informed all the way",
            "Clear communication",
            "Proactive and good at keeping us updated",
            "Nice that you reach out before problems happen",
            "Got clear information on how the case would be handled",
            "Good updates on our collection cases",
            "Clear instructions during onboarding",
            "Useful newsletter",
            "You announced the changes well in advance",
            "Appreciate the proactive status updates",
            "Clear and honest communication",
        ],
        "communication-": [
            "Poor information",
            "Nobody told us about the changes",
            "Unclear communication",
            "We never know what is happening with our cases",
            "Were not informed that the routines had changed",
            "The information is hard to understand",
            "You should inform us before changing things",
            "No update on our case for weeks",
            "Mixed messages",
            "Different answers from different people",
            "Your emails are confusing",
            "We heard about the system change at the last minute",
        ],
        "contact_person+": [
            "My account manager Anna is fantastic",
            "Great to have a dedicated contact person",
            "Our account manager is worth her weight in gold",
            "Erik is a great account manager",
            "Personal contact who knows our company",
            "Appreciate having a fixed contact person",
            "Our contact person always goes the extra mile",
            "Our dedicated account manager is top notch",
            "Nice to always talk to the same person",
            "Fantastic account manager",
            "Our account manager is personal and engaged",
            "Having our own case handler who knows our history is great",
        ],
        "contact_person-": [
            "We have changed contact person three times this year",
            "Miss having a dedicated contact",
            "Our account manager left and we never got a new one",
            "Don't know who our contact person is anymore",
            "The contact person keeps changing",
            "Would like a dedicated case handler",
            "No personal contact anymore",
            "New account manager every six months",
            "Miss our old account manager",
            "We are just a number, no dedicated contact",
            "Have to talk to a new person every time",
            "Wish we had a dedicated account manager",
        ],
        "generic+": [
            "Happy",
            "Very satisfied",
            "Great",
            "Good",
            "Everything works well",
            "Nothing to complain about",
            "Good partnership",
            "Works perfectly",
            "No complaints",
            "Happy to recommend you",
            "Long-time customer and happy",
            "All went smoothly this year",
            "Excellent",
        ],
        "generic~": [
            "Ok",
            "Works",
            "Fine",
            "Nothing special",
            "It does the job",
            "Decent",
            "Nothing to complain about really",
            "Average",
            "Neither good nor bad",
            "Usually works",
            "You're ok",
            "As expected",
        ],
        "generic-": [
            "Not happy",
            "Bad",
            "Disappointed",
            "Has gotten worse",
            "Could be much better",
            "Not what we expected",
            "Very dissatisfied",
            "Worse than before",
            "No",
            "Nothing works as it should",
            "Expected more",
            "Sadly not good",
        ],
    },
}

# Comments about two themes written as a whole, used instead of joining two phrases.
COMBOS: dict[str, dict[frozenset[str], list[str]]] = {
    "sv": {
        frozenset({"competence+", "ui_usability-"}): [
            "Kunnig personal men portalen är krånglig",
            "Handläggarna kan sin sak, men nya portalen är ett steg bakåt",
        ],
        frozenset({"competence+", "billing-"}): [
            "Duktiga handläggare, men fakturorna blir fel hela tiden",
            "Ni kan inkasso men faktureringen är en katastrof",
        ],
        frozenset({"competence+", "availability-"}): [
            "Kunniga när man väl kommer fram, men det tar alldeles för lång tid att nå er",
            "Bra kompetens men svårt att få tag på någon",
        ],
        frozenset({"competence+", "price~"}): [
            "Lite dyrt men kunnig personal som gör jobbet",
            "Dyrt, men ni kan ert område",
        ],
        frozenset({"price-", "availability-"}): [
            "Högre priser och längre väntetid, inte så vi hade tänkt oss",
        ],
        frozenset({"billing-", "availability-"}): [
            "Fakturan var fel och ingen svarar när man ringer om det",
            "Fel på fakturan igen och två veckor utan svar från er",
        ],
        frozenset({"availability+", "price~"}): ["Snabba svar, men priset är i överkant"],
        frozenset({"contact_person+", "billing-"}): [
            "Vår kontaktperson är toppen men fakturorna stämmer aldrig",
        ],
        frozenset({"communication-", "ui_usability-"}): [
            "Ni bytte portal utan att informera oss och nu hittar vi ingenting",
        ],
        frozenset({"competence+", "communication+"}): [
            "Kunniga och bra på att hålla oss informerade",
        ],
    },
    "nb": {
        frozenset({"competence+", "ui_usability-"}): [
            "Flinke folk, men portalen er tungvint",
            "Saksbehandlerne kan faget, men den nye portalen er et steg tilbake",
        ],
        frozenset({"competence+", "billing-"}): [
            "Dyktige folk, men fakturaene blir feil hele tiden",
        ],
        frozenset({"competence+", "availability-"}): [
            "Kunnskapsrike når man først kommer gjennom, men det tar altfor lang tid å nå dere",
        ],
        frozenset({"price~", "availability+"}): ["Dyrt, men dere svarer alltid raskt"],
        frozenset({"price-", "availability-"}): ["Dyrt og vanskelig å få tak i dere"],
        frozenset({"billing-", "availability-"}): [
            "Feil faktura igjen og ingen svarer når jeg ringer",
        ],
        frozenset({"contact_person+", "billing-"}): [
            "Kontaktpersonen vår er topp, men fakturaene stemmer aldri",
        ],
        frozenset({"communication-", "ui_usability-"}): [
            "Dere byttet portal uten å si fra og nå finner vi ingenting",
        ],
        frozenset({"competence+", "communication+"}): [
            "Kunnskapsrike og flinke til å holde oss oppdatert",
        ],
    },
    "nn": {
        frozenset({"competence+", "ui_usability-"}): ["Flinke folk, men portalen er tungvinn"],
        frozenset({"price~", "availability+"}): ["Dyrt, men de svarar alltid raskt"],
    },
    "da": {
        frozenset({"competence+", "billing-"}): ["Dygtige folk, men fakturaerne er tit forkerte"],
        frozenset({"competence+", "ui_usability-"}): ["Kompetente folk, men portalen er besværlig"],
    },
    "en": {
        frozenset({"competence+", "ui_usability-"}): [
            "Great people, but the web portal is clumsy",
            "Knowledgeable staff, shame about the new portal",
        ],
        frozenset({"competence+", "billing-"}): [
            "Skilled case handlers but invoices are wrong all the time",
        ],
        frozenset({"competence+", "availability-"}): [
            "Knowledgeable once you get through, but it takes way too long to reach anyone",
        ],
        frozenset({"price~", "availability+"}): ["Pricey, but you always answer quickly"],
        frozenset({"price-", "availability-"}): ["Expensive and hard to reach"],
        frozenset({"billing-", "availability-"}): [
            "Wrong invoice again and nobody picks up when I call about it",
        ],
        frozenset({"contact_person+", "billing-"}): [
            "Our account manager is great but the invoices never match",
        ],
        frozenset({"communication-", "ui_usability-"}): [
            "You changed the portal without telling us and now we can't find anything",
        ],
        frozenset({"competence+", "communication+"}): [
            "Competent and good at keeping us in the loop",
        ],
    },
}

# How two phrases are joined: {a} first phrase, {b} second phrase lower-cased, {B} as written.
CONTRAST = {
    "sv": ["{a}, men {b}", "{a} men {b}", "{a}. Men {b}", "{a}. {B}"],
    "nb": ["{a}, men {b}", "{a} men {b}", "{a}. Men {b}", "{a}. {B}"],
    "nn": ["{a}, men {b}", "{a}. {B}"],
    "da": ["{a}, men {b}", "{a} men {b}", "{a}. {B}"],
    "en": ["{a}, but {b}", "{a} but {b}", "{a}. But {b}", "{a}. However, {b}", "{a}. {B}"],
}
ADDITIVE = {
    "sv": ["{a} och {b}", "{a}. {B}", "{a}. {B} dessutom", "{a}, {b}"],
    "nb": ["{a} og {b}", "{a}. {B}", "{a}, og {b}", "{a}. {B} i tillegg"],
    "nn": ["{a} og {b}", "{a}. {B}"],
    "da": ["{a} og {b}", "{a}. {B}"],
    "en": ["{a} and {b}", "{a}. Also, {b}", "{a}. {B}", "{a}, and {b}"],
}
CLOSERS = {
    "sv": {
        "+": ["Tack!", "Fortsätt så!", "Tack för ett bra år!", "Mvh"],
        "~": ["Annars ok.", "I övrigt inget att säga."],
        "-": ["Skärpning!", "Inte ok.", "Mycket irriterande.", "Inte första gången."],
    },
    "nb": {
        "+": ["Takk!", "Fortsett sånn!", "Takk for et godt år!"],
        "~": ["Ellers greit.", "Ellers ingenting å si."],
        "-": ["Skjerpings!", "Ikke greit.", "Veldig irriterende.", "Ikke første gang."],
    },
    "nn": {
        "+": ["Takk!", "Hald fram slik!"],
        "~": ["Elles greitt."],
        "-": ["Ikkje greitt.", "Ikkje fyrste gongen."],
    },
    "da": {
        "+": ["Tak!", "Fortsæt sådan!"],
        "~": ["Ellers fint."],
        "-": ["Ikke i orden.", "Ikke første gang."],
    },
    "en": {
        "+": ["Thanks!", "Keep it up!", "Thanks for a great year!"],
        "~": ["Otherwise fine.", "Otherwise ok."],
        "-": ["Not acceptable.", "Very frustrating.", "Not the first time.", "Please fix this."],
    },
}
# Churn warnings, each added to one angry billing or availability comment in its language.
CHURN = [
    ("sv", "Vi kommer att säga upp avtalet"),
    ("sv", "Om det inte blir bättre ser vi oss om efter en annan leverantör"),
    ("nb", "Vi vurderer å si opp avtalen"),
    ("en", "We are looking at switching supplier"),
]
EMOJI = {"+": ["👍", "🙂", "😊", "👏", "🙏"], "~": ["😐", "🤷"], "-": ["😡", "🙁", "👎", "😤"]}
STRIP_DIACRITICS = str.maketrans(
    {
        "å": "a",
        "ä": "a",
        "ö": "o",
        "ø": "o",
        "æ": "ae",
        "Å": "A",
        "Ä": "A",
        "Ö": "O",
        "Ø": "O",
        "Æ": "AE",
    }
)
STRIP_RE = re.compile("[åäöæøÅÄÖÆØ]")
WORD_RE = re.compile(r"[^\W\d_]{5,}")  # words a typo can land in
# Phrases every regeneration must use at least once: quoting and keyword-matching hard cases.
HARD_CASES = {
    'The "improved" portal is a step backwards',
    'Den "nya förbättrade" portalen är ett steg bakåt',
    "Setter pris på at dere forteller hvordan det går uten at vi må spørre",
    "Nettportalen er treg og ulogisk",
    "Fakturagrunnlaget stemmer ikke med avtalen",
    "Fakturaunderlaget stämmer inte med avtalet",
}
SHARED_OK = {"ok"}  # "Ok" is written the same in sv, nb and en; the README says so
KEEP_CAPITAL = {"I", "Anna", "Erik", "Lena", "Kari", "Ole", "Ingrid", "Nordfin"}
GROUP_SIGN = {"promoter": "+", "passive": "~", "detractor": "-"}
# How often each kind of everyday mess appears (per comment).
LOWERCASE_P, TYPO_P, NO_DIACRITICS_P, OPENER_P, CLOSER_P = 0.12, 0.07, 0.11, 0.15, 0.10
CAPS_P = {"promoter": 0.015, "passive": 0.0, "detractor": 0.06}
EMOJI_P = {"promoter": 0.05, "passive": 0.015, "detractor": 0.04}
N_MULTILINE = 3


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------
@dataclass
class Row:
    """One survey response while it is being built."""

    submitted: datetime
    month: int
    rid: str = ""
    office: str = ""
    size: str = ""
    touchpoint: str = ""
    lang: str = ""  # "" means the comment is empty
    group: str = ""
    score: int | str | None = None  # what the export shows
    labels: list[str] = field(default_factory=list)  # e.g. ["billing-", "competence+"]
    churn: str = ""  # the churn warning added to the comment
    bad_score: str = ""  # why a reader must reject the score, "" when it is fine
    noise: set[str] = field(default_factory=set)
    text: str = ""

    @property
    def themes(self) -> list[str]:
        """Theme ids planted in the comment, in canonical order."""
        found = {label[:-1] for label in self.labels}
        return [t for t in THEMES if t in found]


class PhraseBag:
    """Hands out phrases of one pool in shuffled order, reshuffling when it runs dry.

    Hard cases come first, so that they appear even in a pool that is drawn from rarely.
    """

    def __init__(self, rng: random.Random, phrases: Sequence[str]) -> None:
        self.rng = rng
        self.phrases = list(phrases)
        self._left = self.phrases[:]
        rng.shuffle(self._left)
        self._left.sort(key=lambda phrase: phrase in HARD_CASES)  # stable; pop() takes the end

    def draw(self) -> str:
        if not self._left:
            self._left = self.phrases[:]
            self.rng.shuffle(self._left)
        return self._left.pop()


K = TypeVar("K")


def choose(rng: random.Random, weights: Mapping[K, float]) -> K:
    """One key of ``weights``, drawn with the given weights."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def weighted_sample(rng: random.Random, weights: dict[int, float], k: int) -> list[int]:
    """k distinct keys drawn without replacement (Efraimidis-Spirakis), zero weights never."""
    keyed = sorted(
        ((rng.random() ** (1.0 / w), i) for i, w in weights.items() if w > 0), reverse=True
    )
    return [i for _, i in keyed[:k]]


def split_count(n: int, shares: Sequence[float]) -> list[int]:
    """Split n into integer parts proportional to shares (largest remainder)."""
    total = sum(shares)
    exact = [n * s / total for s in shares]
    parts = [int(x) for x in exact]
    order = sorted(range(len(shares)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: n - sum(parts)]:
        parts[i] += 1
    return parts


def make_rows(rng: random.Random) -> list[Row]:
    """720 submission times over 13 months, sorted, with survey-style response ids."""
    weights = [rng.uniform(0.88, 1.12) for _ in MONTHS]
    weights[-1] *= 20 / 30  # the export was taken on 2026-11-20
    months = [m for m, n in enumerate(split_count(N_ROWS, weights)) for _ in range(n)]
    rows = []
    for month in months:
        year, mon = MONTHS[month]
        first = datetime(year, mon, 1)
        days = (datetime(year + mon // 12, mon % 12 + 1, 1) - first).days
        if (year, mon) == MONTHS[-1]:
            days = LAST_DAY.day
        day_weights = {
            d: 1.0 if (first + timedelta(d)).weekday() < 5 else WEEKEND_WEIGHT for d in range(days)
        }
        day, hour = choose(rng, day_weights), choose(rng, HOUR_WEIGHTS)
        stamp = first + timedelta(days=day, hours=hour, minutes=rng.randrange(60))
        rows.append(Row(submitted=stamp, month=month))
    rows.sort(key=lambda r: r.submitted)
    number = 100 + rng.randrange(20)
    for row in rows:
        # Gaps are responses the survey tool discarded (incomplete, test submissions).
        number += 1 if rng.random() > 0.04 else rng.randint(2, 4)
        row.rid = f"R-{number:06d}"
    return rows


def deal(rng: random.Random, members: list[Row], shares: Mapping[str, float]) -> list[str]:
    """Values for members in exact proportion to shares, in random order."""
    values = [
        v
        for v, n in zip(shares, split_count(len(members), list(shares.values())), strict=True)
        for _ in range(n)
    ]
    rng.shuffle(values)
    return values


def assign_profile(rng: random.Random, rows: list[Row]) -> None:
    """Office, customer size, and the comment's language (or none, when it is empty)."""
    for row in rows:
        row.office = choose(rng, OFFICES)
        row.size = choose(rng, SIZES)
    for office, langs in LANG_BY_OFFICE.items():
        members = [r for r in rows if r.office == office]
        mix = {"": EMPTY_SHARE} | {k: v * (1 - EMPTY_SHARE) for k, v in langs.items()}
        for row, lang in zip(members, deal(rng, members, mix), strict=True):
            row.lang = lang


def plant_ui_complaints(rng: random.Random, rows: list[Row]) -> None:
    """Portal complaints from the relaunch on: a growing share each month, Oslo most."""
    for offset, (share, oslo_share) in enumerate(
        zip(UI_SHARE_AFTER_RELAUNCH, UI_SHARE_OSLO, strict=True)
    ):
        month = [i for i, r in enumerate(rows) if r.month == RELAUNCH + offset and r.lang]
        oslo = {i: 1.0 for i in month if rows[i].office == "Oslo"}
        others = {i: 1.0 for i in month if rows[i].office != "Oslo"}
        total = round(share * len(month))
        in_oslo = min(round(oslo_share * len(oslo)), total)
        picked = weighted_sample(rng, oslo, in_oslo) + weighted_sample(rng, others, total - in_oslo)
        for i in picked:
            rows[i].labels.append("ui_usability-")


def period(month: int) -> str:
    """Which half-year a month index falls in; the relaunch month belongs to neither."""
    return "first" if month in FIRST_HALF else "last" if month in LAST_HALF else "relaunch"


def assign_scores(rng: random.Random, rows: list[Row]) -> None:
    """NPS group and 0-10 score; group sizes are exact within each office and half-year.

    Exact proportions (rather than a coin per row) keep office NPS from wandering by chance,
    so the Oslo drop is caused by the planted portal complaints and nothing else.
    """
    strata: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        key = ("ui complaint", "") if row.labels else (row.office, period(row.month))
        strata.setdefault(key, []).append(row)
    for key, members in strata.items():
        mix = GROUP_MIX_UI_COMPLAINT if key[0] == "ui complaint" else GROUP_MIX[key[0]]
        groups = deal(rng, members, dict(zip(GROUPS, mix, strict=True)))
        for row, group in zip(members, groups, strict=True):
            row.group = group
            row.score = choose(rng, SCORE_WEIGHTS[group])


def sign_fits(sign: str, group: str) -> bool:
    """Praise from a detractor or a complaint from a promoter needs company in the comment."""
    return not ((sign == "+" and group == "detractor") or (sign == "-" and group == "promoter"))


def plant_themes(rng: random.Random, rows: list[Row]) -> None:
    """Give each NPS group its planted share of theme mentions, at most two per comment."""
    for theme, plan in THEME_PLAN.items():
        for group, share in plan.items():
            members = [i for i, r in enumerate(rows) if r.lang and r.group == group]
            signs = POLARITY_PLAN[theme][group]
            counts = split_count(round(share * len(members)), list(signs.values()))
            for sign, k in zip(signs, counts, strict=True):
                weights = {}
                for i in members:
                    labels = rows[i].labels
                    if len(labels) >= 2 or any(lab[:-1] == theme for lab in labels):
                        continue
                    fitting = [lab for lab in labels if sign_fits(lab[-1], group)]
                    if sign_fits(sign, group):
                        # A promoter who only complained is the likeliest to praise something.
                        weights[i] = 4.0 if not labels else 1.0 if fitting else 6.0
                    else:
                        has_praise_or_blame = any(lab[-1] != "~" for lab in fitting)
                        weights[i] = 4.0 if has_praise_or_blame else 0.3 if not labels else 0.0
                for i in weighted_sample(rng, weights, k):
                    rows[i].labels.append(theme + sign)
    for month, k in UI_MENTIONS_BEFORE.items():
        weights = {
            i: 1.0
            for i, r in enumerate(rows)
            if r.month == month and r.lang and r.group != "detractor" and not r.labels
        }
        for i in weighted_sample(rng, weights, k):
            rows[i].labels.append("ui_usability+")


def plant_churn(rng: random.Random, rows: list[Row]) -> None:
    """A few angry detractors about billing or availability say they may leave."""
    for lang, warning in CHURN:
        weights = {
            i: 1.0
            for i, r in enumerate(rows)
            if r.lang == lang
            and r.group == "detractor"
            and not r.churn
            and isinstance(r.score, int)
            and r.score <= 4
            and {"billing-", "availability-"} & set(r.labels)
        }
        (i,) = weighted_sample(rng, weights, 1)
        rows[i].churn = warning


def pick_touchpoints(rng: random.Random, rows: list[Row]) -> None:
    """The touchpoint follows the first theme named, so billing mostly comes from Invoicing."""
    for row in rows:
        theme = row.labels[0][:-1] if row.labels else None
        mix = dict(zip(TOUCHPOINTS, TOUCHPOINT_MIX[theme], strict=True))
        row.touchpoint = choose(rng, mix)


def decap(text: str) -> str:
    """Lower-case the first letter unless it starts a name, an acronym or English 'I'."""
    word = text.split(" ", 1)[0].strip(",.")
    if word in KEEP_CAPITAL or (len(word) > 1 and word[1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def join_two(rng: random.Random, lang: str, a: str, b: str, contrast: bool) -> str:
    """Join two phrases with a connector that suits their polarity."""
    if a.endswith("?"):
        return f"{a} {b}"
    template = rng.choice((CONTRAST if contrast else ADDITIVE)[lang])
    # A phrase with its own "but" or several sentences reads best as a sentence of its own.
    own_but = any(w in f" {a} {b} " for w in (" men ", " but ", ", men", ", but"))
    if b.endswith("?") or own_but or (a.count(".") and rng.random() < 0.5):
        template = "{a}. {B}"
    return template.format(a=a, b=decap(b), B=b)


class Writer:
    """Turns a row's labels into a comment a customer could have typed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.bags = {
            (lang, key): PhraseBag(rng, pool)
            for lang, pools in PHRASES.items()
            for key, pool in pools.items()
        }
        self.combos = {
            (lang, key): PhraseBag(rng, pool)
            for lang, pools in COMBOS.items()
            for key, pool in pools.items()
        }

    def phrase(self, lang: str, key: str) -> str:
        return self.bags[lang, key].draw()

    def body(self, row: Row) -> str:
        rng, lang, mood = self.rng, row.lang, GROUP_SIGN[row.group]
        if not row.labels:
            return self.phrase(lang, "generic" + mood)
        if len(row.labels) == 1:
            text = self.phrase(lang, row.labels[0])
            if rng.random() < OPENER_P:
                text = f"{self.phrase(lang, 'generic' + mood)}. {text}"
            return text
        combo = self.combos.get((lang, frozenset(row.labels)))
        if combo and rng.random() < 0.6:
            return combo.draw()
        first, second = rng.sample(row.labels, 2)
        signs = {first[-1], second[-1]}
        contrast = "+" in signs and len(signs) == 2  # praise next to a complaint
        return join_two(rng, lang, self.phrase(lang, first), self.phrase(lang, second), contrast)

    def finish(self, row: Row, text: str) -> str:
        """End punctuation, a closing remark or churn warning."""
        rng, mood = self.rng, GROUP_SIGN[row.group]
        ends = {
            "+": {"": 35, ".": 30, "!": 30, "!!": 5},
            "~": {"": 45, ".": 50, "...": 5},
            "-": {"": 35, ".": 35, "!": 15, "!!": 8, "...": 7},
        }[mood]
        if row.churn:
            stop = "" if text.endswith("?") else "."
            return f"{text.rstrip('.!')}{stop} {row.churn}."
        if text[-1] in "?!.":
            return text
        if rng.random() < CLOSER_P:
            return f"{text}. {rng.choice(CLOSERS[row.lang][mood])}"
        return text + choose(rng, ends)

    def mess_up(self, row: Row, text: str) -> str:
        """Typos, missing å/ä/ö/æ/ø, lower case, shouting, emoji: the way people type."""
        rng = self.rng
        if rng.random() < TYPO_P:
            text = add_typo(rng, text)
            row.noise.add("typo")
        if row.lang != "en" and STRIP_RE.search(text) and rng.random() < NO_DIACRITICS_P:
            text = text.translate(STRIP_DIACRITICS)
            row.noise.add("no_diacritics")
        if rng.random() < CAPS_P[row.group]:
            text = text.upper()
            row.noise.add("all_caps")
        elif rng.random() < LOWERCASE_P:
            text = text.lower()
            row.noise.add("lowercase")
        if rng.random() < EMOJI_P[row.group]:
            text += rng.choice(["", " "]) + rng.choice(EMOJI[GROUP_SIGN[row.group]])
            row.noise.add("emoji")
        return text

    def write(self, row: Row) -> str:
        text = self.finish(row, self.body(row))
        # Churn warnings stay clean so that they are unambiguous to find.
        return text if row.churn else self.mess_up(row, text)


def add_typo(rng: random.Random, text: str) -> str:
    """Swap, drop or double one letter in one longer word."""
    words = list(WORD_RE.finditer(text))
    if not words:
        return text
    m = rng.choice(words)
    w, j = m.group(), rng.randrange(1, len(m.group()) - 2)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind == "drop":
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    return text[: m.start()] + w + text[m.end() :]


def write_comments(rng: random.Random, rows: list[Row]) -> None:
    """Write every non-empty comment, then break a few over two lines as people do."""
    writer = Writer(rng)
    for row in rows:
        if row.lang:
            row.text = writer.write(row)
    weights = {i: 1.0 for i, r in enumerate(rows) if ". " in r.text and not r.churn}
    for i in weighted_sample(rng, weights, N_MULTILINE):
        rows[i].text = rows[i].text.replace(". ", ".\n", 1)
        rows[i].noise.add("multiline")


def plant_bad_scores(rng: random.Random, rows: list[Row]) -> None:
    """Three rows whose score a reader must report: text, out of range, missing."""
    plans = [  # (rows to pick from, condition, what the export shows, why)
        (range(60, 200), lambda r: r.lang == "sv" and r.score == 10, "tio", "score as text"),
        (range(300, 450), lambda r: r.score == 10, 11, "score out of range 0-10"),
        (range(500, 650), lambda r: r.group == "passive", None, "score missing"),
    ]
    for span, fits, shown, why in plans:
        weights = {
            i: 1.0
            for i in span
            if rows[i].lang and not rows[i].labels and not rows[i].noise and fits(rows[i])
        }
        (i,) = weighted_sample(rng, weights, 1)
        rows[i].score, rows[i].bad_score = shown, why


def check_pools() -> None:
    """Each phrase belongs to one language, or the truth file's language would be a guess."""
    owners: dict[str, set[str]] = {}
    for lang, pools in PHRASES.items():
        for phrase in itertools.chain(*pools.values(), *COMBOS.get(lang, {}).values()):
            owners.setdefault(phrase.lower(), set()).add(lang)
    shared = {p: langs for p, langs in owners.items() if len(langs) > 1 and p not in SHARED_OK}
    if shared:
        raise SystemExit(f"phrases in more than one language: {shared}")


def generate(seed: int = SEED) -> list[Row]:
    """Build the whole sample from one seed."""
    check_pools()
    rng = random.Random(seed)
    rows = make_rows(rng)
    assign_profile(rng, rows)
    plant_ui_complaints(rng, rows)
    assign_scores(rng, rows)
    plant_themes(rng, rows)
    plant_churn(rng, rows)
    pick_touchpoints(rng, rows)
    write_comments(rng, rows)
    plant_bad_scores(rng, rows)
    return rows


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------
def export_records(rows: list[Row]) -> list[list[object]]:
    """The export's cells, row by row, in COLUMNS order."""
    return [[r.rid, r.submitted, r.score, r.text, r.touchpoint, r.office, r.size] for r in rows]


def write_csv(rows: list[Row], path: Path) -> None:
    """UTF-8 without BOM, comma-delimited, quoted only where needed, one header row."""
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(COLUMNS)
        for rec in export_records(rows):
            rec[1] = rec[1].strftime("%Y-%m-%d %H:%M")  # type: ignore[attr-defined]
            out.writerow(["" if v is None else v for v in rec])


def write_xlsx(rows: list[Row], path: Path) -> None:
    """One sheet, real date-time cells, numbers as numbers; byte-identical on every run."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Responses"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for rec in export_records(rows):
        ws.append(rec)
    for (cell,) in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.number_format = "yyyy-mm-dd hh:mm"
    for letter, width in zip("ABCDEFG", [12, 17, 18, 70, 16, 12, 14], strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    wb.properties.creator = "voc scripts/make_sample.py"
    wb.properties.created = LAST_DAY
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_pin_zip_dates(buffer.getvalue()))


def _pin_zip_dates(xlsx: bytes) -> bytes:
    """Replace the save-time stamps openpyxl writes, so regenerating gives the same bytes."""
    src, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                stamp = LAST_DAY.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            dst.writestr(
                zipfile.ZipInfo(info.filename, date_time=(2026, 11, 20, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def write_truth(rows: list[Row], path: Path) -> None:
    """Planted themes and language per response, for scoring theme assignment."""
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["Response ID", "themes", "language"])
        for r in rows:
            out.writerow([r.rid, ";".join(r.themes), r.lang])


# ---------------------------------------------------------------------------------------------
# Measured figures (printed as Markdown) and the checks that keep the plant honest
# ---------------------------------------------------------------------------------------------
def frame(rows: list[Row]) -> pd.DataFrame:
    """One line per row with a valid score, as analyses will see the export."""
    records = []
    for n, r in enumerate(rows, start=2):
        if r.bad_score:
            continue
        year, month = MONTHS[r.month]
        rec = {
            "row": n,
            "rid": r.rid,
            "month": f"{year}-{month:02d}",
            "m": r.month,
            "office": r.office,
            "score": r.score,
            "group": r.group,
            "lang": r.lang,
            "commented": bool(r.lang),
            "churn": bool(r.churn),
        }
        rec.update({t: t in r.themes for t in THEMES})
        rec.update(
            {f"{t}_sign": next((lab[-1] for lab in r.labels if lab[:-1] == t), "") for t in THEMES}
        )
        records.append(rec)
    return pd.DataFrame.from_records(records)


def nps(df: pd.DataFrame) -> float:
    return 100.0 * ((df.group == "promoter").mean() - (df.group == "detractor").mean())


def report(rows: list[Row]) -> dict[str, float]:
    """Print every planted figure as Markdown and return the ones the checks use."""
    df = frame(rows)
    commented = df[df.commented]
    fig: dict[str, float] = {}
    print(
        f"Rows in the export: {len(rows)}; with a valid score: {len(df)}; "
        f"with a comment (valid score): {len(commented)} "
        f"({100 * (1 - len(commented) / len(df)):.1f}% of valid rows have an empty comment)\n"
    )

    fig["nps"] = nps(df)
    mix = df.group.value_counts()
    print(
        f"**NPS overall: {fig['nps']:+.1f}** (promoters {mix['promoter']}, passives "
        f"{mix['passive']}, detractors {mix['detractor']}; n = {len(df)})\n"
    )
    hist = df.score.value_counts().sort_index()
    print("Scores: " + ", ".join(f"{s}: {n}" for s, n in hist.items()) + "\n")

    langs = commented.lang.value_counts()
    print(
        "Languages of non-empty comments: "
        + ", ".join(f"{lang} {n} ({100 * n / len(commented):.1f}%)" for lang, n in langs.items())
        + "\n"
    )

    print(
        "| theme | comments | share of comments | promoters | passives | detractors "
        "| mentions P/Pa/D | polarity +/~/- | NPS without | change |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for theme in THEMES:
        hits = commented[commented[theme]]
        by_group = commented.groupby("group")[theme].mean()
        signs = hits[f"{theme}_sign"].value_counts()
        counts = hits.group.value_counts()
        without = nps(df[~df[theme]])
        fig[f"share_{theme}"] = len(hits) / len(commented)
        fig[f"delta_{theme}"] = without - fig["nps"]
        for group in GROUPS:
            fig[f"{theme}_{group}"] = by_group[group]
        print(
            f"| `{theme}` | {len(hits)} | {100 * len(hits) / len(commented):.1f}% | "
            + " | ".join(f"{100 * by_group[g]:.1f}%" for g in GROUPS)
            + " | "
            + "/".join(str(counts.get(g, 0)) for g in GROUPS)
            + f" | {signs.get('+', 0)}/{signs.get('~', 0)}/{signs.get('-', 0)} "
            f"| {without:+.1f} | {without - fig['nps']:+.1f} |"
        )
    print(
        "\n(promoters/passives/detractors: share of that group's non-empty comments that "
        "mention the theme; mentions P/Pa/D: the number of such comments per group; "
        "NPS without: NPS of all valid rows minus those mentioning it; "
        "change: NPS without minus NPS overall)\n"
    )

    print(
        "| month | responses | comments | ui_usability | share | Oslo comments "
        "| Oslo ui_usability |"
    )
    print("|---|---|---|---|---|---|---|")
    responses = df.month.value_counts()
    for (m, label), part in commented.groupby(["m", "month"]):
        oslo = part[part.office == "Oslo"]
        fig[f"ui_month_{m}"] = part.ui_usability.mean()
        print(
            f"| {label} | {responses[label]} | {len(part)} | {part.ui_usability.sum()} | "
            f"{100 * part.ui_usability.mean():.1f}% | {len(oslo)} | {oslo.ui_usability.sum()} |"
        )
    print()

    print("| office | NPS 2025-11..2026-04 (n) | NPS 2026-06..2026-11 (n) | change |")
    print("|---|---|---|---|")
    for office in OFFICES:
        part = df[df.office == office]
        first, last = part[part.m.isin(FIRST_HALF)], part[part.m.isin(LAST_HALF)]
        fig[f"{office}_first"], fig[f"{office}_last"] = nps(first), nps(last)
        print(
            f"| {office} | {nps(first):+.1f} ({len(first)}) | {nps(last):+.1f} ({len(last)}) | "
            f"{nps(last) - nps(first):+.1f} |"
        )
    print()

    churn = df[df.churn]
    print(
        "Churn-risk comments (spreadsheet row, id, score): "
        + "; ".join(f"row {r.row} {r.rid} ({r.score})" for r in churn.itertuples())
    )
    print(
        "Rows a reader must report (spreadsheet row, header = row 1): "
        + "; ".join(
            f"row {n} {r.rid} {'(empty)' if r.score is None else repr(r.score)} ({r.bad_score})"
            for n, r in enumerate(rows, start=2)
            if r.bad_score
        )
    )
    noise = Counter(kind for r in rows for kind in r.noise)
    could_lose = sum(bool(STRIP_RE.search(r.text)) or "no_diacritics" in r.noise for r in rows)
    print(
        "Typing noise (comments): "
        + ", ".join(f"{k} {v}" for k, v in sorted(noise.items()))
        + f"; no_diacritics out of {could_lose} comments that had å/ä/ö/æ/ø to lose"
    )
    multiline = [f"row {n} {r.rid}" for n, r in enumerate(rows, start=2) if "\n" in r.text]
    print("Comments with a line break inside: " + ", ".join(multiline))
    fig.update({f"lang_{k}": v / len(commented) for k, v in langs.items()})
    fig["empty"] = 1 - len(commented) / len(df)
    fig.update({k: v / len(df) for k, v in mix.items()})
    return fig


def check(fig: dict[str, float]) -> None:
    """Stop when a planted figure leaves the range the tests and README promise."""
    ranges = {
        "nps": (10, 30),
        "empty": (0.12, 0.18),
        "promoter": (0.41, 0.49),
        "passive": (0.26, 0.34),
        "detractor": (0.21, 0.29),
        "lang_sv": (0.50, 0.60),
        "lang_nb": (0.18, 0.26),
        "lang_nn": (0.04, 0.08),
        "lang_en": (0.10, 0.16),
        "lang_da": (0.025, 0.06),
        "share_billing": (0.10, 0.14),
        "share_availability": (0.10, 0.14),
        "share_competence": (0.15, 0.20),
        "delta_billing": (5, 99),
        "delta_availability": (5, 99),
        "delta_competence": (-99, -5),
    }
    failed = [
        f"{k} = {fig[k]:.3f} not in {lo}..{hi}"
        for k, (lo, hi) in ranges.items()
        if not lo <= fig[k] <= hi
    ]
    if not fig["price_passive"] > max(fig["price_promoter"], fig["price_detractor"]):
        failed.append("price is not mostly a passives' theme")
    ui_after = [fig[f"ui_month_{m}"] for m in range(RELAUNCH, len(MONTHS))]
    if any(b <= a for a, b in itertools.pairwise(ui_after)):
        failed.append(f"ui_usability share does not rise every month: {ui_after}")
    if max(fig[f"ui_month_{m}"] for m in range(RELAUNCH)) > 0.03:
        failed.append("ui_usability is not nearly absent before the relaunch")
    if fig["Oslo_first"] - fig["Oslo_last"] < 15:
        failed.append("Oslo NPS does not clearly fall")
    if failed:
        raise SystemExit("planted structure is off:\n  " + "\n  ".join(failed))


def verify_files(rows: list[Row]) -> None:
    """Read the written files back: the figures printed are those of the files, cell for cell."""
    expected = [["" if v is None else str(v) for v in rec] for rec in export_records(rows)]
    for rec in expected:
        rec[1] = rec[1][:16]  # str(datetime) has seconds; the export does not
    csv_table = pd.read_csv(OUT_DIR / "nps_export.csv", dtype=str, keep_default_na=False)
    xlsx_table = pd.read_excel(OUT_DIR / "nps_export.xlsx", dtype=str, keep_default_na=False)
    xlsx_table["Submitted"] = xlsx_table["Submitted"].str[:16]
    for name, table in (("csv", csv_table), ("xlsx", xlsx_table)):
        if list(table.columns) != COLUMNS or table.to_numpy().tolist() != expected:
            raise SystemExit(f"{name} file does not hold the generated table")


def main() -> None:
    rows = generate()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_csv(rows, OUT_DIR / "nps_export.csv")
    write_xlsx(rows, OUT_DIR / "nps_export.xlsx")
    write_truth(rows, OUT_DIR / "nps_export_truth.csv")
    verify_files(rows)
    check(report(rows))


if __name__ == "__main__":
    main()
