"""Word evidence: wordfreq frequency lists (sv, nb, da, en) and hand-picked Nordic markers.

wordfreq has no nynorsk list; the nynorsk markers below (and lingua/fastText) cover it.
"""

from __future__ import annotations

import math
import threading
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


class _TokenTable:
    """Feature rows of the tokens seen so far, in one array, so a batch is one gather.

    Bounded: when a batch would take it past ``limit`` rows it starts afresh. Ids and the
    array are read under one lock, so a batch never mixes two generations of the table.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._start()

    def _start(self) -> None:
        self._index: dict[str, int] = {}
        self._rows = np.zeros((4096, N_WORD_FEATURES))

    def gather(self, tokens: list[str]) -> np.ndarray:
        """The feature rows of ``tokens``, in order."""
        with self._lock:
            if len(self._index) + len(tokens) > self.limit:
                self._start()
            index = self._index
            new = list(dict.fromkeys(t for t in tokens if t not in index))
            if new:
                self._append(new)
            ids = [index[t] for t in tokens]
            rows = self._rows
        return rows[ids]

    def _append(self, tokens: list[str]) -> None:
        start = len(self._index)
        end = start + len(tokens)
        if end > len(self._rows):
            grown = np.zeros((max(end, 2 * len(self._rows)), N_WORD_FEATURES))
            grown[:start] = self._rows[:start]
            self._rows = grown
        self._rows[start:end] = token_feature_rows(tokens)
        self._index.update(zip(tokens, range(start, end), strict=True))


def token_feature_rows(tokens: Sequence[str]) -> np.ndarray:
    """:func:`token_features` of many tokens at once (one row each)."""
    table = _zipf_table()
    z = np.array([table.get(t, _UNKNOWN) for t in tokens], dtype=float).reshape(-1, 4)
    top = z.max(axis=1, keepdims=True)
    known = (z > 0).astype(float)
    best = ((z > 0) & (z == top)).astype(float)
    flags = np.array(
        [
            [
                *(t in MARKERS[lang] for lang in MARKER_LANGS),
                t.endswith(NN_SUFFIXES),
                t.endswith(NB_SUFFIXES),
                t.endswith(DA_SUFFIXES),
            ]
            for t in tokens
        ],
        dtype=float,
    ).reshape(-1, len(MARKER_LANGS) + 3)
    return np.hstack([z, known, best, flags])


_TABLE = _TokenTable()


def word_feature_matrix(token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """Mean of :func:`token_features` over each text's tokens (zeros for no tokens)."""
    counts = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    out = np.zeros((len(token_lists), N_WORD_FEATURES))
    flat = [t for tokens in token_lists for t in tokens]
    if flat:
        matrix = _TABLE.gather(flat)
        nonempty = counts > 0
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))[nonempty]
        out[nonempty] = np.add.reduceat(matrix, starts, axis=0) / counts[nonempty, None]
    return out


@lru_cache(maxsize=100_000)
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


# A word "spelled the same" in two languages: common in both (zipf >= 3, about once per
# million words) and about as common in the runner-up as in the most frequent (within 1).
_SHARED_MIN_ZIPF = 3.0
_SHARED_MAX_GAP = 1.0


def is_shared_spelling(token: str) -> bool:
    """True for a common word of two or more of sv/nb/da/en ("bra", "service", "god", "tak")."""
    first, second = sorted(zipf(token), reverse=True)[:2]
    return second >= _SHARED_MIN_ZIPF and first - second <= _SHARED_MAX_GAP


def all_shared_spelling(text: str) -> bool:
    """True when every word of a cleaned text is :func:`is_shared_spelling` (and it has one)."""
    tokens = text.lower().split()
    return bool(tokens) and all(is_shared_spelling(t) for t in tokens)
