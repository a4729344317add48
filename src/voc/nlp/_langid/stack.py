"""voc's own backend: lingua + fastText + word evidence, combined by a fitted linear model.

Each combiner is a multinomial logistic regression over ~60 features (log-probabilities of
lingua and fastText, wordfreq and marker evidence, the same again for texts of 20 characters
or less). A cascade runs the cheap one (no lingua) first. The weights ship as
``stacker.json``; ``scripts/train_langid.py`` rebuilds them.
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

FEATURE_VERSION = 1
SHORT = 20  # characters; the dev set's shortest length bucket
_FLOOR = 1e-6


def _log_matrix(scores: Sequence[Scores]) -> np.ndarray:
    probs = np.array([[s.get(lang, 0.0) for lang in CANDIDATES] for s in scores], dtype=float)
    return np.log(np.maximum(probs.reshape(len(scores), len(CANDIDATES)), _FLOOR))


def feature_matrix(
    texts: Sequence[str], fasttext: Sequence[Scores], lingua: Sequence[Scores] | None = None
) -> np.ndarray:
    """The combiner's input: one row per cleaned text, from its backend score maps.

    Without ``lingua`` the lingua columns are left out (the cascade's cheap first stage).
    """
    parts = [] if lingua is None else [_log_matrix(lingua)]
    parts += [_log_matrix(fasttext), word_feature_matrix([t.lower().split() for t in texts])]
    base = np.hstack(parts)
    length = np.array([len(t) for t in texts], dtype=float)
    short = (length <= SHORT).astype(float)[:, None]
    return np.hstack([base, base * short, short, np.log(length + 1)[:, None]])


class LanguageStacker:
    """Multinomial logistic regression on standardised features (scikit-learn contract).

    ``fit`` uses scikit-learn; prediction is plain numpy, so a fitted stacker saved with
    :meth:`to_dict` predicts without scikit-learn.
    """

    def __init__(self, C: float = 1.0, max_iter: int = 1000) -> None:
        self.C = C
        self.max_iter = max_iter

    def fit(self, X: np.ndarray, y: Sequence[str]) -> Self:
        from sklearn.linear_model import LogisticRegression

        X = np.asarray(X, dtype=np.float64)
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        model = LogisticRegression(C=self.C, max_iter=self.max_iter)
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
    """Two fitted stackers: ``fast`` (fastText + words) and ``full`` (+ lingua).

    ``full`` is consulted only where ``fast`` is less sure than ``skip_lingua_at``: lingua is
    the costly part, and on clear texts it changes nothing (see docs/langid.md).
    """

    fast: LanguageStacker
    full: LanguageStacker
    skip_lingua_at: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        return {
            "skip_lingua_at": self.skip_lingua_at,
            "fast": self.fast.to_dict(),
            "full": self.full.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cascade:
        return cls(
            fast=LanguageStacker.from_dict(data["fast"]),
            full=LanguageStacker.from_dict(data["full"]),
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
        fasttext = FastTextScorer().predict_proba(texts)
        probs = cascade.fast.predict_proba(feature_matrix(texts, fasttext))
        classes = cascade.fast.classes_
        unsure = np.flatnonzero(probs.max(axis=1) < cascade.skip_lingua_at)
        if unsure.size:
            subset = [texts[int(i)] for i in unsure]
            lingua = LinguaScorer().predict_proba(subset)
            full = cascade.full.predict_proba(
                feature_matrix(subset, [fasttext[int(i)] for i in unsure], lingua)
            )
            order = [cascade.full.classes_.index(c) for c in classes]
            probs[unsure] = full[:, order]
        return [dict(zip(classes, map(float, row), strict=True)) for row in probs]
