"""How a language code is shown to a reader: the one place that maps codes to names.

Reports keep the codes (report.json, comments.csv); the terminal summary and report.html
show these names. ``no`` is Norwegian whose written standard could not be told (bokmål and
nynorsk too close to call), not a language beside ``nb`` and ``nn``; its name says so.
"""

from __future__ import annotations

LANGUAGE_NAMES: dict[str, str] = {
    "sv": "Swedish",
    "nb": "Norwegian bokmål",
    "nn": "Norwegian nynorsk",
    "no": "Norwegian (bokmål/nynorsk unclear)",
    "da": "Danish",
    "fi": "Finnish",
    "en": "English",
    "de": "German",
    "is": "Icelandic",
    "und": "undetermined",
}


def language_name(code: str) -> str:
    """The reader's name of a language code; an unknown code is shown as it is."""
    return LANGUAGE_NAMES.get(code, code)
