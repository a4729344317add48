"""Bokmål or nynorsk? A two-class naive Bayes over character n-grams of words.

The two written standards share most words; what tells them apart is spelling inside words
(-leg/-lig, -ar/-er, -ane/-ene, kv-/hv-, ei/e, ikkje/ikke ...). Naive Bayes over the 1-4
character n-grams of each word (padded with spaces, as scikit-learn's ``char_wb``) learns
those patterns from labelled text. A text's score is the nynorsk-vs-bokmål log-odds summed
over its words, so it is computed per word and cached; the stacker takes it as one feature.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any, Self

import numpy as np

LABELS = ("nb", "nn")  # score > 0 leans nynorsk
_CACHE_LIMIT = 200_000  # words; the cache is emptied when it is full


def word_ngrams(word: str, max_n: int = 4) -> list[str]:
    """Character n-grams (1..max_n) of ``" word "``; a padded word shorter than n gives itself."""
    padded = f" {word} "
    size = len(padded)
    out = list(padded)
    for n in range(2, max_n + 1):
        if size <= n:
            out.append(padded)
            break
        out += [padded[i : i + n] for i in range(size - n + 1)]
    return out


class NorwegianStandardNB:
    """Multinomial naive Bayes, nynorsk vs bokmål, over word character n-grams.

    Args:
        alpha: additive smoothing of the n-gram counts.
        min_count: keep n-grams found in at least this many training texts (the rest are
            mostly one-off names and typos, and they make the table big).
        max_n: longest n-gram.
    """

    def __init__(self, alpha: float = 0.1, min_count: int = 2, max_n: int = 4) -> None:
        self.alpha = alpha
        self.min_count = min_count
        self.max_n = max_n

    def fit(self, texts: Sequence[str], y: Sequence[str]) -> Self:
        """Learn n-gram log-odds from the texts labelled ``nb`` or ``nn`` (others are ignored)."""
        counts = {label: Counter[str]() for label in LABELS}
        doc_freq = Counter[str]()
        for text, label in zip(texts, y, strict=True):
            if label not in counts:
                continue
            grams = [g for word in text.lower().split() for g in word_ngrams(word, self.max_n)]
            counts[label].update(grams)
            doc_freq.update(set(grams))
        vocab = sorted(g for g, n in doc_freq.items() if n >= self.min_count)
        log_probs = {}
        for label in LABELS:
            total = sum(counts[label][g] for g in vocab) + self.alpha * len(vocab)
            log_probs[label] = {g: math.log((counts[label][g] + self.alpha) / total) for g in vocab}
        self.weights_ = {g: round(log_probs["nn"][g] - log_probs["nb"][g], 4) for g in vocab}
        self._reset_cache()
        return self

    def word_score(self, word: str) -> float:
        """Nynorsk-vs-bokmål log-odds of one lower-case word (0 when no n-gram is known)."""
        score = self._cache.get(word)
        if score is None:
            grams = word_ngrams(word, self.max_n)
            score = sum(map(self.weights_.get, grams, repeat(0.0, len(grams))))
            if len(self._cache) >= _CACHE_LIMIT:
                self._reset_cache()
            self._cache[word] = score
        return score

    def score(self, token_lists: Iterable[Sequence[str]]) -> np.ndarray:
        """Summed log-odds per text, from lower-case tokens (positive: nynorsk)."""
        word_score = self.word_score
        return np.array([sum(map(word_score, tokens)) for tokens in token_lists], dtype=float)

    def _reset_cache(self) -> None:
        # Scores are a pure function of the word, so a concurrent reader at worst recomputes.
        self._cache: dict[str, float] = {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "min_count": self.min_count,
            "max_n": self.max_n,
            "weights": self.weights_,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NorwegianStandardNB:
        self = cls(float(data["alpha"]), int(data["min_count"]), int(data["max_n"]))
        self.weights_ = {str(g): float(w) for g, w in data["weights"].items()}
        self._reset_cache()
        return self


class StandardSplit:
    """Moves the nb:nn split of a stage's probabilities by the n-gram score, nothing else.

    A one-feature-set logistic regression on the Norwegian rows: nynorsk-vs-bokmål log-odds
    = a * (the stage's own log-odds) + b * score + c * score * short + d. The nb + nn total,
    and so the 4-way answer's Norwegian mass, is left as the stage gave it; the score's
    say over sv, da and en is none by construction (it is only trained on nb vs nn).

    Args:
        C: inverse L2 strength.
        clip: the score is clipped to [-clip, clip]; naive Bayes sums over many n-grams are
            overconfident on long words.
    """

    def __init__(self, C: float = 1.0, clip: float = 10.0) -> None:
        self.C = C
        self.clip = clip

    def _design(
        self, probs: np.ndarray, classes: Sequence[str], scores: np.ndarray, short: np.ndarray
    ) -> np.ndarray:
        nb, nn = classes.index("nb"), classes.index("nn")
        own = np.log(np.maximum(probs[:, nn], 1e-12)) - np.log(np.maximum(probs[:, nb], 1e-12))
        s = np.clip(np.asarray(scores, dtype=float), -self.clip, self.clip)
        return np.column_stack([own, s, s * np.asarray(short, dtype=float)])

    def fit(
        self,
        probs: np.ndarray,
        classes: Sequence[str],
        scores: np.ndarray,
        short: np.ndarray,
        y: Sequence[str] | np.ndarray,
    ) -> Self:
        """Fit on a stage's probabilities for rows labelled nb or nn (others are ignored)."""
        from sklearn.linear_model import LogisticRegression

        labels = np.asarray(y)
        rows = np.isin(labels, LABELS)
        design = self._design(probs, list(classes), scores, short)[rows]
        model = LogisticRegression(C=self.C).fit(design, labels[rows] == "nn")
        self.coef_ = model.coef_[0].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        return self

    def adjust(
        self, probs: np.ndarray, classes: Sequence[str], scores: np.ndarray, short: np.ndarray
    ) -> np.ndarray:
        """``probs`` with the nb and nn columns re-split (a new array)."""
        classes = list(classes)
        nb, nn = classes.index("nb"), classes.index("nn")
        logit = self._design(probs, classes, scores, short) @ self.coef_ + self.intercept_
        norwegian = probs[:, nb] + probs[:, nn]
        out = probs.copy()
        out[:, nn] = norwegian / (1.0 + np.exp(-logit))
        out[:, nb] = norwegian - out[:, nn]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "C": self.C,
            "clip": self.clip,
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StandardSplit:
        self = cls(float(data["C"]), float(data["clip"]))
        self.coef_ = np.asarray(data["coef"], dtype=np.float64)
        self.intercept_ = float(data["intercept"])
        return self
