"""Word evidence: wordfreq frequency lists (sv, nb, da, en) and hand-picked Nordic markers.

wordfreq has no nynorsk list; the nynorsk markers below (and lingua/fastText) cover it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache, lru_cache

import numpy as np

FREQ_LANGS: tuple[str, ...] = ("sv", "nb", "da", "en")

# Words (lower case) that are good evidence for one language among sv/nb/nn/da/en.
MARKERS: dict[str, frozenset[str]] = {
    "nn": frozenset(
        [
            "eg",
            "ikkje",
            "ein",
            "eit",
            "noko",
            "nokon",
            "nokre",
            "kva",
            "korleis",
            "kvifor",
            "kvar",
            "kven",
            "berre",
            "høyrer",
            "høyre",
            "frå",
            "dei",
            "ho",
            "òg",
            "mykje",
            "heile",
            "fekk",
            "vore",
            "vere",
            "sjølv",
            "gjere",
            "seie",
            "kome",
            "fleire",
            "betre",
            "saman",
            "medan",
            "enno",
            "dykk",
            "hjå",
            "nøgd",
            "kjem",
            "gjer",
            "likar",
            "vart",
            "nokså",
            "ynskjer",
            "meir",
        ]
    ),
    "nb": frozenset(
        [
            "ikke",
            "hva",
            "hvordan",
            "hvorfor",
            "jeg",
            "meg",
            "deg",
            "noe",
            "noen",
            "bare",
            "mye",
            "hele",
            "fikk",
            "vært",
            "være",
            "gjøre",
            "si",
            "komme",
            "flere",
            "bedre",
            "sammen",
            "mens",
            "enda",
            "hver",
            "hvem",
            "fornøyd",
            "veldig",
            "dårlig",
            "kjempe",
            "også",
            "etter",
            "nå",
            "synes",
            "hjelp",
            "takk",
            "tjeneste",
            "bestilling",
        ]
    ),
    "da": frozenset(
        [
            "ikke",
            "hvad",
            "hvordan",
            "hvorfor",
            "jeg",
            "mig",
            "dig",
            "noget",
            "nogen",
            "kun",
            "meget",
            "hele",
            "fik",
            "været",
            "være",
            "gøre",
            "sige",
            "komme",
            "flere",
            "bedre",
            "sammen",
            "mens",
            "endnu",
            "hver",
            "hvem",
            "tilfreds",
            "godt",
            "rigtig",
            "dårlig",
            "af",
            "også",
            "efter",
            "nu",
            "lige",
            "synes",
            "hjælp",
            "tak",
        ]
    ),
    "sv": frozenset(
        [
            "inte",
            "och",
            "är",
            "mycket",
            "bra",
            "väldigt",
            "jag",
            "mig",
            "dig",
            "något",
            "några",
            "bara",
            "hela",
            "fick",
            "varit",
            "vara",
            "göra",
            "säga",
            "komma",
            "fler",
            "bättre",
            "tillsammans",
            "medan",
            "ännu",
            "varje",
            "vem",
            "nöjd",
            "tack",
            "hjälp",
            "av",
            "också",
            "efter",
            "nu",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "and",
            "is",
            "very",
            "good",
            "not",
            "with",
            "but",
            "slow",
            "was",
            "were",
            "this",
            "that",
            "of",
            "to",
            "it",
            "for",
            "you",
            "are",
            "have",
        ]
    ),
}
MARKER_LANGS: tuple[str, ...] = ("sv", "nb", "nn", "da", "en")
NN_SUFFIXES = ("leg", "lege", "ane", "inga", "ingane")
NB_SUFFIXES = ("lig", "lige", "sjon", "sjonen")
DA_SUFFIXES = ("tion", "tionen", "hed", "heden")


_UNKNOWN = (0.0,) * len(FREQ_LANGS)


@cache
def _zipf_table() -> dict[str, tuple[float, ...]]:
    """token -> zipf per frequency language, merged once so a lookup is one dict access."""
    import wordfreq

    table: dict[str, list[float]] = {}
    for j, lang in enumerate(FREQ_LANGS):
        for token, freq in wordfreq.get_frequency_dict(lang, wordlist="small").items():
            table.setdefault(token, [0.0] * len(FREQ_LANGS))[j] = round(math.log10(freq) + 9, 2)
    return {token: tuple(values) for token, values in table.items()}


def zipf(token: str) -> tuple[float, ...]:
    """Zipf frequency (log10 per billion words; 0 when unknown) of a lower-case token."""
    return _zipf_table().get(token, _UNKNOWN)


@lru_cache(maxsize=200_000)
def token_features(token: str) -> tuple[float, ...]:
    """One token's evidence: zipf, known and best-known per frequency language, markers,
    and nynorsk / bokmål / Danish suffixes (20 numbers)."""
    z = zipf(token)
    top = max(z)
    known = tuple(1.0 if v > 0 else 0.0 for v in z)
    best = tuple(1.0 if v > 0 and v == top else 0.0 for v in z)
    markers = tuple(1.0 if token in MARKERS[lang] else 0.0 for lang in MARKER_LANGS)
    suffixes = (
        float(token.endswith(NN_SUFFIXES)),
        float(token.endswith(NB_SUFFIXES)),
        float(token.endswith(DA_SUFFIXES)),
    )
    return (*z, *known, *best, *markers, *suffixes)


N_WORD_FEATURES = 20


def word_feature_matrix(token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """Mean of :func:`token_features` over each text's tokens (zeros for no tokens)."""
    rows: list[tuple[float, ...]] = []
    counts = np.zeros(len(token_lists), dtype=np.int64)
    for i, tokens in enumerate(token_lists):
        counts[i] = len(tokens)
        rows.extend(token_features(t) for t in tokens)
    out = np.zeros((len(token_lists), N_WORD_FEATURES))
    if rows:
        matrix = np.asarray(rows, dtype=np.float64)
        nonempty = counts > 0
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))[nonempty]
        out[nonempty] = np.add.reduceat(matrix, starts, axis=0) / counts[nonempty, None]
    return out


def clear_group(token: str) -> str | None:
    """``en`` or ``nordic`` when the token is common in one and rare in the other, else None."""
    z = zipf(token)
    nordic = max(z[:3])
    english = z[3]
    if token in MARKERS["nn"]:
        nordic = max(nordic, 5.0)
    if english >= 3.0 and english - nordic >= 1.0:
        return "en"
    if nordic >= 3.0 and nordic - english >= 1.0:
        return "nordic"
    return None
