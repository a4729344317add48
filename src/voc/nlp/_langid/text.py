"""Cleaning before language identification: what is left once URLs, numbers and emoji go."""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|@\w+|#(?=\w)", re.IGNORECASE)
_NOT_LETTER = re.compile(r"[^\w'’-]+|[\d_]+")
_SPACES = re.compile(r"\s+")

# Written the same in every candidate language: they say nothing about which one it is.
NEUTRAL_TOKENS = frozenset({"ok", "okay", "lol", "xd", "hmm", "hm", "mm", "xx"})


def clean(text: str) -> str:
    """Return ``text`` with URLs, e-mails, handles, digits, emoji and punctuation removed."""
    text = unicodedata.normalize("NFC", text)
    text = _URL.sub(" ", text)
    text = _NOT_LETTER.sub(" ", text)
    text = text.replace("’", "'")
    return _SPACES.sub(" ", text).strip(" '-")


def letter_count(text: str) -> int:
    """How many letters ``text`` holds."""
    return sum(ch.isalpha() for ch in text)


def is_undecidable(cleaned: str) -> bool:
    """True for text with fewer than two letters or only language-neutral tokens ("ok")."""
    if letter_count(cleaned) < 2:
        return True
    return all(tok.lower() in NEUTRAL_TOKENS for tok in cleaned.split())
