"""Cleaning before language identification: what is left once URLs, numbers and emoji go."""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|@\w+|#(?=\w)", re.IGNORECASE)
_MAY_HOLD_URL = re.compile(r"[@#]|://|www\.", re.IGNORECASE)
_NOT_LETTER = re.compile(r"[^\w'’-]+|[\d_]+")
_SPACES = re.compile(r"\s+")

# Written the same in every candidate language: they say nothing about which one it is.
NEUTRAL_TOKENS = frozenset({"ok", "okay", "lol", "xd", "hmm", "hm", "mm", "xx"})


def clean(text: str) -> str:
    """Return ``text`` with URLs, e-mails, handles, digits, emoji and punctuation removed."""
    text = unicodedata.normalize("NFC", text)
    if _MAY_HOLD_URL.search(text):  # most comments hold none; skip the costly pattern
        text = _URL.sub(" ", text)
    text = _NOT_LETTER.sub(" ", text)
    text = text.replace("’", "'")
    return _SPACES.sub(" ", text).strip(" '-")


def letter_count(text: str) -> int:
    """How many letters ``text`` holds."""
    return sum(ch.isalpha() for ch in text)


def has_two_letters(text: str) -> bool:
    """True when ``text`` holds at least two letters (stops looking at the second)."""
    found = 0
    for ch in text:
        if ch.isalpha():
            found += 1
            if found == 2:
                return True
    return False


def is_undecidable(cleaned: str) -> bool:
    """True for text with fewer than two letters or only language-neutral tokens ("ok")."""
    if not has_two_letters(cleaned):
        return True
    return all(tok.lower() in NEUTRAL_TOKENS for tok in cleaned.split())
