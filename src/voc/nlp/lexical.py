"""Character n-gram features of comments: lexical evidence beside the embedding.

Nordic compounds carry their theme in a part of the word ("fakturahanteringen",
"kundeservicen", "leveringstiden"), and survey answers are full of typos and missing
diacritics ("fakturan ar fel", "kundeservice svarer aldri"). Character n-grams within word
boundaries, taken after folding case and diacritics (å ä -> a, ö ø -> o, æ -> ae), match
all of these where a whole-word vocabulary would not; the embedding brings meaning across
languages, the n-grams bring the survey's own spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d"})
_PUNCTUATION = re.compile(r"[^\w\s]+")


def fold(text: str) -> str:
    """Lower case without diacritics: "Fakturan är FEL" -> "fakturan ar fel"."""
    lowered = text.lower().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_words(text: str) -> str:
    """:func:`fold` with punctuation turned into spaces: "the PHONE." -> "the phone ".

    Character n-grams are taken within words, so a full stop glued to the last word
    ("phone.") would otherwise take away that word's end n-grams ("one ", "ne ").
    """
    return _PUNCTUATION.sub(" ", fold(text))


class LexicalVectorizer:
    """TF-IDF over folded character n-grams (within word boundaries); fit / transform.

    Args:
        ngram_range: n-gram lengths (2-5 covers word stems and compound parts).
        min_df: an n-gram must occur in this many training texts (drops one-off typos).
        max_features: keep the most frequent n-grams only (bounds the head's size).
        strip_punctuation: read punctuation as a word boundary (:func:`fold_words`); heads
            saved before this option existed were fitted without it and load that way.
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (2, 5),
        min_df: int = 2,
        max_features: int | None = 40_000,
        strip_punctuation: bool = True,
    ):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.strip_punctuation = strip_punctuation

    def _vectorizer(self) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            preprocessor=fold_words if self.strip_punctuation else fold,
            lowercase=False,
            sublinear_tf=True,
            min_df=self.min_df,
            max_features=self.max_features,
            dtype=np.float32,
        )

    def fit(self, texts: Sequence[str]) -> LexicalVectorizer:
        """Learn the n-gram vocabulary and its inverse document frequencies."""
        vectorizer = self._vectorizer().fit(list(texts))
        self.vectorizer_ = vectorizer
        self.vocabulary_: dict[str, int] = dict(vectorizer.vocabulary_)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """(n, n-grams) L2-normalised TF-IDF rows; a text's row never depends on the batch."""
        return sp.csr_matrix(self.vectorizer_.transform(list(texts)), dtype=np.float32)

    def to_state(self) -> dict[str, Any]:
        """What :meth:`from_state` needs: parameters, vocabulary in column order, idf."""
        terms = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)
        return {
            "ngram_range": list(self.ngram_range),
            "min_df": self.min_df,
            "max_features": self.max_features,
            "strip_punctuation": self.strip_punctuation,
            "terms": terms,
            "idf": self.vectorizer_.idf_.astype(np.float32),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> LexicalVectorizer:
        """Rebuild a fitted vectorizer without its training texts."""
        low, high = state["ngram_range"]
        model = cls(
            ngram_range=(int(low), int(high)),
            min_df=int(state["min_df"]),
            strip_punctuation=bool(state.get("strip_punctuation", False)),
        )
        model.max_features = state["max_features"]
        vectorizer = model._vectorizer()
        vectorizer.vocabulary_ = {term: i for i, term in enumerate(state["terms"])}
        vectorizer.idf_ = np.asarray(state["idf"], dtype=np.float64)
        model.vectorizer_ = vectorizer
        model.vocabulary_ = dict(vectorizer.vocabulary_)
        return model
