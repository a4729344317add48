"""The portal's UI text in English, Swedish and Norwegian (bokmål): one small catalogue.

The language is ``?lang=`` (remembered in a cookie), else ``VOC_UI_LANGUAGE``, else the
browser's Accept-Language, else English. A key missing in a language falls back to English.
"""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("en", "sv", "nb")
# Browser tags that mean one of ours (Norwegian comes as no, nb or nn).
_ALIASES = {"en": "en", "sv": "sv", "nb": "nb", "no": "nb", "nn": "nb"}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "app": "Customer feedback",
        "skip": "Skip to content",
        "overview": "Overview",
        "themes": "Themes",
        "compare": "Compare",
        "cases": "Alerts",
        "uploads": "Uploads",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "workspace": "Workspace",
        "email": "E-mail",
        "password": "Password",
        "login_failed": "The workspace, e-mail or password is wrong.",
        "login_locked": "Too many failed attempts. Wait a few minutes and try again.",
        "signed_in_as": "Signed in as",
        "scope": "Your results cover",
        "filters": "Filters",
        "period_from": "From month",
        "period_to": "To month",
        "language": "Language",
        "all": "All",
        "apply": "Apply",
        "reset": "Reset",
        "nps": "NPS",
        "ci": "95% interval",
        "responses": "Responses",
        "change": "Change vs previous month",
        "significant": "statistically significant",
        "not_significant": "not statistically significant",
        "nps_over_time": "NPS per month with its 95% interval",
        "by_kind": "NPS per survey kind and touchpoint",
        "kind": "Kind",
        "language_mix": "Language mix of comments",
        "low_sample": "few responses: read with care",
        "no_data": "No responses match these filters yet.",
        "theme": "Theme",
        "share": "Share",
        "impact": "Impact on NPS",
        "polarity": "Positive / negative / neutral",
        "trend": "Trend",
        "impact_chart": "Impact of each theme on NPS (points) with 95% interval",
        "drivers": "Improvement priorities (ranked as in the report)",
        "driver_model": "Driver model: each theme's effect with co-mentioned themes held fixed",
        "driver_note": (
            "Regularised logistic regression on these answers (detractor and promoter "
            "odds); compare with the impact each theme has alone."
        ),
        "attributed": "Effect (NPS points)",
        "alone": "Impact alone",
        "mentions": "Mentions",
        "too_few": "Too few answers to fit the driver model.",
        "rank": "Rank",
        "comments_about": "Comments about",
        "score": "Score",
        "date": "Date",
        "correction": "This comment is about",
        "save_correction": "Add correction",
        "correction_saved": "Correction saved as taxonomy version",
        "side_a": "A",
        "side_b": "B",
        "segment": "Segment",
        "difference": "Difference B − A",
        "p_value": "p-value",
        "status": "Status",
        "owner": "Owner",
        "note": "Note",
        "called_on": "Customer called on",
        "save": "Save",
        "history": "History",
        "new": "New",
        "in_progress": "In progress",
        "closed": "Closed",
        "no_cases": "No alerts to follow up.",
        "upload_file": "Survey export (CSV or XLSX)",
        "upload": "Upload and preview",
        "commit_analyse": "Commit and analyse",
        "jobs": "Analyses",
        "previous_page": "Previous",
        "next_page": "Next",
        "forbidden": "Your role does not give access to this page.",
    },
    "sv": {
        "app": "Kundåterkoppling",
        "skip": "Hoppa till innehållet",
        "overview": "Översikt",
        "themes": "Teman",
        "compare": "Jämför",
        "cases": "Larm",
        "uploads": "Uppladdningar",
        "sign_in": "Logga in",
        "sign_out": "Logga ut",
        "workspace": "Arbetsyta",
        "email": "E-post",
        "password": "Lösenord",
        "login_failed": "Arbetsytan, e-postadressen eller lösenordet är fel.",
        "login_locked": "För många misslyckade försök. Vänta några minuter och försök igen.",
        "signed_in_as": "Inloggad som",
        "scope": "Dina resultat gäller",
        "filters": "Filter",
        "period_from": "Från månad",
        "period_to": "Till månad",
        "language": "Språk",
        "all": "Alla",
        "apply": "Använd",
        "reset": "Återställ",
        "nps": "NPS",
        "ci": "95 % intervall",
        "responses": "Svar",
        "change": "Förändring mot föregående månad",
        "significant": "statistiskt säkerställd",
        "not_significant": "inte statistiskt säkerställd",
        "nps_over_time": "NPS per månad med 95 % intervall",
        "by_kind": "NPS per undersökningstyp och kontaktpunkt",
        "kind": "Typ",
        "language_mix": "Kommentarernas språk",
        "low_sample": "få svar: tolka med försiktighet",
        "no_data": "Inga svar matchar filtren än.",
        "theme": "Tema",
        "share": "Andel",
        "impact": "Påverkan på NPS",
        "polarity": "Positiva / negativa / neutrala",
        "trend": "Trend",
        "impact_chart": "Varje temas påverkan på NPS (poäng) med 95 % intervall",
        "drivers": "Förbättringsområden (rangordnade som i rapporten)",
        "driver_model": (
            "Drivkraftsmodell: varje temas effekt när samtidigt nämnda teman hålls fasta"
        ),
        "driver_note": (
            "Regulariserad logistisk regression på dessa svar (odds för "
            "kritiker och ambassadörer); jämför med temats påverkan ensamt."
        ),
        "attributed": "Effekt (NPS-poäng)",
        "alone": "Påverkan ensamt",
        "mentions": "Omnämnanden",
        "too_few": "För få svar för drivkraftsmodellen.",
        "rank": "Rang",
        "comments_about": "Kommentarer om",
        "score": "Betyg",
        "date": "Datum",
        "correction": "Kommentaren handlar om",
        "save_correction": "Lägg till rättelse",
        "correction_saved": "Rättelsen sparad som taxonomiversion",
        "side_a": "A",
        "side_b": "B",
        "segment": "Segment",
        "difference": "Skillnad B − A",
        "p_value": "p-värde",
        "status": "Status",
        "owner": "Ansvarig",
        "note": "Anteckning",
        "called_on": "Kunden ringd den",
        "save": "Spara",
        "history": "Historik",
        "new": "Ny",
        "in_progress": "Pågår",
        "closed": "Stängd",
        "no_cases": "Inga larm att följa upp.",
        "upload_file": "Enkätexport (CSV eller XLSX)",
        "upload": "Ladda upp och förhandsgranska",
        "commit_analyse": "Bekräfta och analysera",
        "jobs": "Analyser",
        "previous_page": "Föregående",
        "next_page": "Nästa",
        "forbidden": "Din roll ger inte tillgång till sidan.",
    },
    "nb": {
        "app": "Kundetilbakemeldinger",
        "skip": "Hopp til innholdet",
        "overview": "Oversikt",
        "themes": "Temaer",
        "compare": "Sammenlign",
        "cases": "Varsler",
        "uploads": "Opplastinger",
        "sign_in": "Logg inn",
        "sign_out": "Logg ut",
        "workspace": "Arbeidsområde",
        "email": "E-post",
        "password": "Passord",
        "login_failed": "Arbeidsområdet, e-postadressen eller passordet er feil.",
        "login_locked": "For mange mislykkede forsøk. Vent noen minutter og prøv igjen.",
        "signed_in_as": "Logget inn som",
        "scope": "Resultatene dine gjelder",
        "filters": "Filtre",
        "period_from": "Fra måned",
        "period_to": "Til måned",
        "language": "Språk",
        "all": "Alle",
        "apply": "Bruk",
        "reset": "Tilbakestill",
        "nps": "NPS",
        "ci": "95 % intervall",
        "responses": "Svar",
        "change": "Endring fra forrige måned",
        "significant": "statistisk signifikant",
        "not_significant": "ikke statistisk signifikant",
        "nps_over_time": "NPS per måned med 95 % intervall",
        "by_kind": "NPS per undersøkelsestype og kontaktpunkt",
        "kind": "Type",
        "language_mix": "Kommentarenes språk",
        "low_sample": "få svar: tolk med forsiktighet",
        "no_data": "Ingen svar passer filtrene ennå.",
        "theme": "Tema",
        "share": "Andel",
        "impact": "Påvirkning på NPS",
        "polarity": "Positive / negative / nøytrale",
        "trend": "Trend",
        "impact_chart": "Hvert temas påvirkning på NPS (poeng) med 95 % intervall",
        "drivers": "Forbedringsområder (rangert som i rapporten)",
        "driver_model": "Drivermodell: hvert temas effekt når samtidig nevnte temaer holdes faste",
        "driver_note": (
            "Regularisert logistisk regresjon på disse svarene (odds for "
            "kritikere og ambassadører); sammenlign med temaets påvirkning alene."
        ),
        "attributed": "Effekt (NPS-poeng)",
        "alone": "Påvirkning alene",
        "mentions": "Omtaler",
        "too_few": "For få svar til drivermodellen.",
        "rank": "Rang",
        "comments_about": "Kommentarer om",
        "score": "Score",
        "date": "Dato",
        "correction": "Kommentaren handler om",
        "save_correction": "Legg til korreksjon",
        "correction_saved": "Korreksjonen lagret som taksonomiversjon",
        "side_a": "A",
        "side_b": "B",
        "segment": "Segment",
        "difference": "Forskjell B − A",
        "p_value": "p-verdi",
        "status": "Status",
        "owner": "Ansvarlig",
        "note": "Notat",
        "called_on": "Kunden ringt den",
        "save": "Lagre",
        "history": "Historikk",
        "new": "Ny",
        "in_progress": "Pågår",
        "closed": "Lukket",
        "no_cases": "Ingen varsler å følge opp.",
        "upload_file": "Undersøkelseseksport (CSV eller XLSX)",
        "upload": "Last opp og forhåndsvis",
        "commit_analyse": "Bekreft og analyser",
        "jobs": "Analyser",
        "previous_page": "Forrige",
        "next_page": "Neste",
        "forbidden": "Rollen din gir ikke tilgang til denne siden.",
    },
}


def choose_language(
    asked: str | None, remembered: str | None, configured: str | None, accept: str
) -> str:
    """The first of: ?lang=, the cookie, the setting, the browser's preference, English."""
    for candidate in (asked, remembered, configured):
        if candidate in LANGUAGES:
            return candidate
    weighted = []
    for i, part in enumerate(accept.split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        base = _ALIASES.get(tag.split("-")[0].strip().lower())
        if base:
            weighted.append((-weight, i, base))
    return min(weighted)[2] if weighted else "en"


def translator(language: str) -> Callable[[str], str]:
    table = MESSAGES.get(language, MESSAGES["en"])

    def t(key: str) -> str:
        return table.get(key) or MESSAGES["en"].get(key, key)

    return t
