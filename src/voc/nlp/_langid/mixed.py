"""Mixed-language comments: Nordic and English words side by side.

Word evidence decides, not the backend: a token counts for English or for the Nordic group
only when it is common in one and clearly rarer in the other (see ``clear_group``), so
loanwords such as "service", "support" or "ok" count for neither.
"""

from __future__ import annotations

from collections.abc import Sequence

from voc.nlp._langid.lexicon import clear_group

_MIN_CLEAR = 3  # clear tokens needed before calling anything mixed
_MIN_SHARE = 0.2  # the minority side's share of the clear tokens


def is_mixed(text: str) -> bool:
    """True when a cleaned text has clear English and clear Nordic words in it."""
    tokens = text.lower().split()
    if len(tokens) < _MIN_CLEAR:
        return False
    groups = [g for t in tokens if (g := clear_group(t)) is not None]
    english = groups.count("en")
    nordic = len(groups) - english
    total = english + nordic
    return total >= _MIN_CLEAR and min(english, nordic) >= max(1, _MIN_SHARE * total)


def mixed_flags(texts: Sequence[str], main: Sequence[str]) -> list[bool]:
    """:func:`is_mixed` for each cleaned text; ``und`` texts are never mixed."""
    return [lang != "und" and is_mixed(text) for text, lang in zip(texts, main, strict=True)]
