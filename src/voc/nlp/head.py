"""The supervised theme head: per-theme logistic regression over three kinds of evidence.

For each text the features are (1) its sentence embedding, centred like the prototypes,
(2) the prototype model's log-odds for every theme (what the taxonomy's seeds, labels,
definitions and corrections say, zero-shot) and (3) folded character n-grams (the
survey's own words, compounds and misspellings). One binary logistic regression per theme
keeps themes independent, so a comment can carry several, and its output is a probability:
it is fitted without class re-weighting, so 0.5 means "half of such comments carry the
theme" (checked per bin by ``bench/themes.py``).

A head belongs to one taxonomy and one embedder: it stores their ids, and
:meth:`ThemeHead.load` refuses a file made for other ones rather than mis-scoring.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from voc.errors import ModelNotFoundError
from voc.nlp.lexical import LexicalVectorizer

HEAD_FORMAT = 2
# Polarity classes of the head's sentiment regression, in column order.
POLARITY_CLASSES = ("negative", "neutral", "positive")
_LOGIT_CLIP = 8.0


def prototype_logits(probabilities: np.ndarray) -> np.ndarray:
    """Prototype probabilities as clipped log-odds: linear features for the head."""
    p = np.clip(probabilities.astype(np.float64), 1e-6, 1 - 1e-6)
    return np.clip(np.log(p / (1 - p)), -_LOGIT_CLIP, _LOGIT_CLIP).astype(np.float32)


class ThemeHead:
    """Per-theme logistic regression on [embedding, prototype log-odds, n-grams].

    Args:
        C: inverse regularisation strength of every theme's regression.
        embedding_weight, prototype_weight, lexical_weight: scale of each feature block
            (0 drops the block: how the ablation in bench/themes.py is run).
        min_positives: a theme with fewer labelled examples gets no regression; the
            hybrid model scores it with the prototypes alone.
        ngram_range, min_df: passed to :class:`~voc.nlp.lexical.LexicalVectorizer`.
    """

    def __init__(
        self,
        *,
        C: float = 16.0,
        embedding_weight: float = 1.0,
        prototype_weight: float = 0.25,
        lexical_weight: float = 1.0,
        min_positives: int = 5,
        ngram_range: tuple[int, int] = (2, 5),
        min_df: int = 2,
    ):
        self.C = C
        self.embedding_weight = embedding_weight
        self.prototype_weight = prototype_weight
        self.lexical_weight = lexical_weight
        self.min_positives = min_positives
        self.ngram_range = ngram_range
        self.min_df = min_df

    # --- features -------------------------------------------------------------------
    def _features(
        self, texts: Sequence[str], embeddings: np.ndarray, prototypes: np.ndarray
    ) -> sp.csr_matrix:
        blocks: list[Any] = []
        if self.embedding_weight:
            blocks.append(sp.csr_matrix(embeddings * self.embedding_weight, dtype=np.float32))
        if self.prototype_weight:
            blocks.append(
                sp.csr_matrix(
                    prototype_logits(prototypes) * self.prototype_weight, dtype=np.float32
                )
            )
        if self.lexical_ is not None:
            blocks.append(self.lexical_.transform(texts) * self.lexical_weight)
        if not blocks:
            raise ValueError("the head needs at least one feature block")
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    # --- fitting --------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        prototypes: np.ndarray,
        labels: np.ndarray,
        theme_ids: Sequence[str],
        sample_weight: np.ndarray | None = None,
        polarity: np.ndarray | None = None,
    ) -> ThemeHead:
        """Fit one regression per theme.

        Args:
            texts: the training comments (for the n-grams).
            embeddings: (n, dim) centred, normalised vectors of ``texts``.
            prototypes: (n, themes) prototype probabilities of ``texts``.
            labels: (n, themes) 1 where the comment carries the theme, 0 where it does
                not, -1 where unknown (a correction says what a text *is* about, not what
                it is not; such cells are left out of that theme's regression).
            theme_ids: the column order of ``prototypes`` and ``labels``.
            polarity: optional (n,) index into :data:`POLARITY_CLASSES` of what the text
                says about its theme(s), -1 where unknown or mixed: fits the sentiment
                regression that gives a found theme its polarity.
        """
        labels = np.asarray(labels)
        if labels.shape != (len(texts), len(theme_ids)):
            raise ValueError("labels must be (texts, themes)")
        self.theme_ids_ = list(theme_ids)
        self.lexical_: LexicalVectorizer | None = (
            LexicalVectorizer(self.ngram_range, self.min_df).fit(texts)
            if self.lexical_weight
            else None
        )
        features = self._features(texts, embeddings, prototypes)
        weights = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight)
        self.coef_ = np.zeros((len(theme_ids), features.shape[1]), dtype=np.float32)
        self.intercept_ = np.zeros(len(theme_ids), dtype=np.float32)
        self.fitted_ = np.zeros(len(theme_ids), dtype=bool)
        for t in range(len(theme_ids)):
            known = labels[:, t] >= 0
            y = labels[known, t]
            if y.sum() < self.min_positives or (y == 0).sum() < self.min_positives:
                continue
            # The dual problem: far fewer training texts than n-gram columns, so liblinear
            # converges about 4x faster there to the same optimum (coefficients agree to 1e-3).
            # Its coordinate descent visits rows in a random order: seeded, so a refit is
            # identical.
            regression = LogisticRegression(
                C=self.C, max_iter=2000, solver="liblinear", dual=True, random_state=0
            )
            regression.fit(features[known], y, sample_weight=weights[known])
            self.coef_[t] = regression.coef_[0]
            self.intercept_[t] = regression.intercept_[0]
            self.fitted_[t] = True
        self.polarity_coef_: np.ndarray | None = None
        self.polarity_intercept_: np.ndarray | None = None
        if polarity is not None:
            self._fit_polarity(features, np.asarray(polarity), weights)
        return self

    def _fit_polarity(self, features: sp.csr_matrix, polarity: np.ndarray, weights: Any) -> None:
        known = polarity >= 0
        classes = np.unique(polarity[known])
        if len(classes) < 2 or known.sum() < 2 * self.min_positives:
            return
        regression = LogisticRegression(C=self.C, max_iter=2000)
        regression.fit(features[known], polarity[known], sample_weight=weights[known])
        coef = np.zeros((len(POLARITY_CLASSES), features.shape[1]), dtype=np.float32)
        intercept = np.full(len(POLARITY_CLASSES), -30.0, dtype=np.float32)
        if len(classes) == 2:  # binary: sklearn keeps one row for the second class
            coef[classes[1]], intercept[classes[1]] = regression.coef_[0], regression.intercept_[0]
            intercept[classes[0]] = 0.0
        else:
            coef[classes], intercept[classes] = regression.coef_, regression.intercept_
        self.polarity_coef_, self.polarity_intercept_ = coef, intercept

    def predict_polarity(
        self, texts: Sequence[str], embeddings: np.ndarray, prototypes: np.ndarray
    ) -> np.ndarray | None:
        """(n, 3) probabilities of negative / neutral / positive; None without that model."""
        if self.polarity_coef_ is None or not len(texts):
            return None
        return self._polarity_of(self._features(texts, embeddings, prototypes))

    def predict_proba(
        self, texts: Sequence[str], embeddings: np.ndarray, prototypes: np.ndarray
    ) -> np.ndarray:
        """(n, themes) probabilities; columns of themes without a regression are NaN."""
        if not len(texts):
            return np.zeros((0, len(self.theme_ids_)), dtype=np.float32)
        return self._proba_of(self._features(texts, embeddings, prototypes))

    def predict(
        self, texts: Sequence[str], embeddings: np.ndarray, prototypes: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """:meth:`predict_proba` and :meth:`predict_polarity` from one feature matrix.

        The character n-grams are most of the head's cost at scoring time; both outputs
        read the same features, so they are built once.
        """
        if not len(texts):
            return self.predict_proba(texts, embeddings, prototypes), None
        features = self._features(texts, embeddings, prototypes)
        polarity = None if self.polarity_coef_ is None else self._polarity_of(features)
        return self._proba_of(features), polarity

    def _proba_of(self, features: sp.csr_matrix) -> np.ndarray:
        logits = features @ self.coef_.T + self.intercept_
        probs = 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))
        probs[:, ~self.fitted_] = np.nan
        return probs.astype(np.float32)

    def _polarity_of(self, features: sp.csr_matrix) -> np.ndarray:
        assert self.polarity_coef_ is not None and self.polarity_intercept_ is not None
        logits = np.asarray(
            features @ self.polarity_coef_.T + self.polarity_intercept_, dtype=np.float64
        )
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)

    # --- persistence ----------------------------------------------------------------
    def save(self, path: Path | str, **meta: Any) -> Path:
        """Write the head as one ``.npz`` (weights, n-gram table, parameters, ``meta``)."""
        path = Path(path)
        state = self.lexical_.to_state() if self.lexical_ is not None else None
        info = {
            "format": HEAD_FORMAT,
            "params": {
                "C": self.C,
                "embedding_weight": self.embedding_weight,
                "prototype_weight": self.prototype_weight,
                "lexical_weight": self.lexical_weight,
                "min_positives": self.min_positives,
                "ngram_range": list(self.ngram_range),
                "min_df": self.min_df,
            },
            "theme_ids": self.theme_ids_,
            "lexical": (
                {
                    k: state[k]
                    for k in ("ngram_range", "min_df", "max_features", "strip_punctuation")
                }
                if state is not None
                else None
            ),
            "terms": state["terms"] if state is not None else [],
            "meta": meta,
        }
        arrays: dict[str, np.ndarray] = {
            "info": np.frombuffer(json.dumps(info).encode("utf-8"), dtype=np.uint8),
            "coef": self.coef_.astype(np.float16),
            "intercept": self.intercept_,
            "fitted": self.fitted_,
        }
        if state is not None:
            arrays["idf"] = state["idf"]
        if self.polarity_coef_ is not None and self.polarity_intercept_ is not None:
            arrays["polarity_coef"] = self.polarity_coef_.astype(np.float16)
            arrays["polarity_intercept"] = self.polarity_intercept_
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue())
        return path

    @classmethod
    def load(cls, path: Path | str) -> tuple[ThemeHead, dict[str, Any]]:
        """Read a head written by :meth:`save`; returns it and its ``meta``."""
        path = Path(path)
        if not path.is_file():
            raise ModelNotFoundError(f"theme head {path} does not exist")
        with np.load(path) as stored:
            info = json.loads(stored["info"].tobytes().decode("utf-8"))
            if info.get("format") != HEAD_FORMAT:
                raise ModelNotFoundError(
                    f"theme head {path} has format {info.get('format')}, expected {HEAD_FORMAT}"
                )
            params = dict(info["params"])
            params["ngram_range"] = tuple(params["ngram_range"])
            head = cls(**params)
            head.theme_ids_ = list(info["theme_ids"])
            head.coef_ = stored["coef"].astype(np.float32)
            head.intercept_ = stored["intercept"].astype(np.float32)
            head.fitted_ = stored["fitted"].astype(bool)
            head.polarity_coef_ = (
                stored["polarity_coef"].astype(np.float32) if "polarity_coef" in stored else None
            )
            head.polarity_intercept_ = (
                stored["polarity_intercept"].astype(np.float32)
                if "polarity_intercept" in stored
                else None
            )
            head.lexical_ = (
                LexicalVectorizer.from_state(
                    {**info["lexical"], "terms": info["terms"], "idf": stored["idf"]}
                )
                if info["lexical"] is not None
                else None
            )
        return head, dict(info["meta"])
