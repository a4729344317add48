"""voc's own backend: lingua + fastText + word evidence, combined by a fitted linear model.

Each combiner is a multinomial logistic regression over ~60 features (log-probabilities of
lingua and fastText, wordfreq and marker evidence, the same again for texts of 20 characters
or less); a character n-gram model then re-splits its nb:nn share (``ngram.py``). A cascade
runs the cheap combiner (no lingua) first. The weights ship as ``stacker.json``;
``scripts/train_langid.py`` rebuilds them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Self

import numpy as np

from voc.nlp._langid.backends import CANDIDATES, FastTextScorer, LinguaScorer, Scores
from voc.nlp._langid.lexicon import word_feature_matrix
from voc.nlp._langid.ngram import NorwegianStandardNB, StandardSplit

FEATURE_VERSION = 1
SHORT = 20  # characters; the dev set's shortest length bucket
_FLOOR = 1e-6


def _log_matrix(scores: Sequence[Scores] | np.ndarray) -> np.ndarray:
    """Floored log-probabilities, columns in CANDIDATES order (maps or such a matrix)."""
    if isinstance(scores, np.ndarray):
        probs = scores
    else:
        rows = [[s.get(lang, 0.0) for lang in CANDIDATES] for s in scores]
        probs = np.array(rows, dtype=float).reshape(len(scores), len(CANDIDATES))
    return np.log(np.maximum(probs, _FLOOR))


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-case words of cleaned texts, as the word features and the n-gram model see them."""
    return [t.lower().split() for t in texts]


def text_features(texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> np.ndarray:
    """What both stages share: word evidence (from :func:`tokenize`) and the text's length."""
    words = word_feature_matrix(tokens)
    length = np.array([len(t) for t in texts], dtype=float)[:, None]
    return np.hstack([words, length])


def stage_matrix(
    shared: np.ndarray,
    fasttext: Sequence[Scores] | np.ndarray,
    lingua: Sequence[Scores] | None = None,
) -> np.ndarray:
    """One stage's input from :func:`text_features` rows and the backends' score maps.

    Without ``lingua`` the lingua columns are left out (the cascade's cheap first stage).
    """
    parts = [] if lingua is None else [_log_matrix(lingua)]
    parts += [_log_matrix(fasttext), shared[:, :-1]]
    base = np.hstack(parts)
    length = shared[:, -1:]
    short = (length <= SHORT).astype(float)
    return np.hstack([base, base * short, short, np.log(length + 1)])


def feature_matrix(
    texts: Sequence[str], fasttext: Sequence[Scores], lingua: Sequence[Scores] | None = None
) -> np.ndarray:
    """The combiner's input: one row per cleaned text (see :func:`stage_matrix`)."""
    return stage_matrix(text_features(texts, tokenize(texts)), fasttext, lingua)


class LanguageStacker:
    """Multinomial logistic regression on standardised features (scikit-learn contract).

    ``fit`` uses scikit-learn; prediction is plain numpy, so a fitted stacker saved with
    :meth:`to_dict` predicts without scikit-learn.
    """

    def __init__(self, C: float = 1.0, max_iter: int = 2000, tol: float = 1e-6) -> None:
        self.C = C
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X: np.ndarray, y: Sequence[str] | np.ndarray) -> Self:
        from sklearn.linear_model import LogisticRegression

        X = np.asarray(X, dtype=np.float64)
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        # A tight tolerance: with sklearn's default the weights move by ~0.02 with BLAS noise.
        model = LogisticRegression(C=self.C, max_iter=self.max_iter, tol=self.tol)
        model.fit((X - self.mean_) / self.scale_, np.asarray(y))
        self.classes_ = tuple(str(c) for c in model.classes_)
        self.coef_ = model.coef_.astype(np.float64)
        self.intercept_ = model.intercept_.astype(np.float64)
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        z = ((np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_) @ self.coef_.T
        z += self.intercept_
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature_version": FEATURE_VERSION,
            "C": self.C,
            "classes": list(self.classes_),
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LanguageStacker:
        if data.get("feature_version") != FEATURE_VERSION:
            raise ValueError("stacker weights were made for another feature version")
        self = cls(C=float(data["C"]))
        self.classes_ = tuple(data["classes"])
        self.mean_ = np.asarray(data["mean"], dtype=np.float64)
        self.scale_ = np.asarray(data["scale"], dtype=np.float64)
        self.coef_ = np.asarray(data["coef"], dtype=np.float64)
        self.intercept_ = np.asarray(data["intercept"], dtype=np.float64)
        return self


@dataclass(frozen=True)
class Cascade:
    """Two fitted stackers, ``fast`` (fastText + words) and ``full`` (+ lingua), and the
    nb/nn n-gram model with one :class:`StandardSplit` per stage.

    ``full`` is consulted only where ``fast`` is less sure than ``skip_lingua_at``: lingua is
    the costly part, and on clear texts it changes nothing (see docs/langid.md).
    """

    fast: LanguageStacker
    full: LanguageStacker
    nb_nn: NorwegianStandardNB
    fast_split: StandardSplit
    full_split: StandardSplit
    skip_lingua_at: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        return {
            "skip_lingua_at": self.skip_lingua_at,
            "fast": self.fast.to_dict(),
            "full": self.full.to_dict(),
            "fast_split": self.fast_split.to_dict(),
            "full_split": self.full_split.to_dict(),
            "nb_nn": self.nb_nn.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cascade:
        return cls(
            fast=LanguageStacker.from_dict(data["fast"]),
            full=LanguageStacker.from_dict(data["full"]),
            nb_nn=NorwegianStandardNB.from_dict(data["nb_nn"]),
            fast_split=StandardSplit.from_dict(data["fast_split"]),
            full_split=StandardSplit.from_dict(data["full_split"]),
            skip_lingua_at=float(data["skip_lingua_at"]),
        )


@cache
def shipped_cascade() -> Cascade:
    """The combiner weights bundled with voc (``stacker.json``)."""
    raw = files("voc.nlp._langid").joinpath("stacker.json").read_text(encoding="utf-8")
    return Cascade.from_dict(json.loads(raw))


class VocScorer:
    """voc's default backend: fastText and word evidence, then lingua where still unsure."""

    name = "voc"

    def __init__(self, cascade: Cascade | None = None) -> None:
        self.cascade = cascade

    def predict_proba(self, texts: Sequence[str]) -> list[Scores]:
        if not texts:
            return []
        cascade = self.cascade or shipped_cascade()
        fasttext = FastTextScorer().predict_matrix(texts)
        tokens = tokenize(texts)
        shared = text_features(texts, tokens)
        short = shared[:, -1] <= SHORT
        nb_nn = _LazyScores(cascade.nb_nn, tokens)
        classes = cascade.fast.classes_
        probs = cascade.fast.predict_proba(stage_matrix(shared, fasttext))
        probs = cascade.fast_split.adjust(probs, classes, nb_nn.where(probs, classes), short)
        unsure = np.flatnonzero(probs.max(axis=1) < cascade.skip_lingua_at)
        if unsure.size:
            lingua = LinguaScorer().predict_proba([texts[i] for i in unsure.tolist()])
            full = cascade.full.predict_proba(
                stage_matrix(shared[unsure], fasttext[unsure], lingua)
            )
            full_classes = cascade.full.classes_
            scores = nb_nn.where(full, full_classes, rows=unsure)
            full = cascade.full_split.adjust(full, full_classes, scores, short[unsure])
            probs[unsure] = full[:, [full_classes.index(c) for c in classes]]
        return [dict(zip(classes, row, strict=True)) for row in probs.tolist()]


# Below this nb + nn probability the split cannot matter (it moves at most that much mass
# between two languages that are not in the running), so the n-gram score is not computed.
_NORWEGIAN_MIN = 0.01


class _LazyScores:
    """n-gram scores of a batch, computed only for texts with some Norwegian probability."""

    def __init__(self, model: NorwegianStandardNB, tokens: Sequence[Sequence[str]]) -> None:
        self.model = model
        self.tokens = tokens
        self.scores = np.zeros(len(tokens))
        self.done = np.zeros(len(tokens), dtype=bool)

    def where(
        self, probs: np.ndarray, classes: Sequence[str], rows: np.ndarray | None = None
    ) -> np.ndarray:
        """Scores for ``rows`` (default: all), 0 where ``probs`` gives Norwegian too little."""
        rows = np.arange(len(self.tokens)) if rows is None else rows
        norwegian = probs[:, list(classes).index("nb")] + probs[:, list(classes).index("nn")]
        todo = rows[(norwegian >= _NORWEGIAN_MIN) & ~self.done[rows]]
        if todo.size:
            self.scores[todo] = self.model.score([self.tokens[i] for i in todo.tolist()])
            self.done[todo] = True
        return np.where(norwegian >= _NORWEGIAN_MIN, self.scores[rows], 0.0)
