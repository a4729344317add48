"""Hybrid theme assignment: prototypes (zero-shot) plus a supervised head, per clause.

:class:`~voc.nlp.themes.GuidedThemeModel` scores every clause against the taxonomy's
seeds, labels, definitions (``covers``) and corrections: it needs no examples, so a user's
new theme works from a few seed phrases. What prototypes cannot learn is how customers
really phrase a theme in each language, so a :class:`~voc.nlp.head.ThemeHead` trained on
labelled comments sits on top: its inputs are the embedding, the prototype log-odds and
character n-grams. A theme the head knows gets the head's probability; a theme it does not
know (a user's own) keeps the prototype probability. The same 0.5 decides both, because
both are calibrated probabilities.

Scoring is per view (the whole comment, its clauses and their coordinated parts), and a
comment carries a theme when its best view does: "kunnig personal men portalen är
krånglig" is two themes with two evidence spans. Corrections in the taxonomy file are
extra prototypes *and*, where the labelled set is at hand, extra training rows of the
head (refitted in seconds).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from voc.nlp.embed import Embedder
from voc.nlp.generic import GENERIC_MIN, GenericDetector
from voc.nlp.head import POLARITY_CLASSES, ThemeHead
from voc.nlp.segment import Segment
from voc.nlp.taxonomy import Correction, Taxonomy
from voc.nlp.themes import (
    REASON_BELOW,
    REASON_EMPTY,
    REASON_GENERIC,
    REASON_NEAR,
    GuidedThemeModel,
    ThemeAssignment,
)
from voc.types import Polarity, ThemeHit

# The decision threshold on the head's calibrated probabilities. 0.5 would maximise
# accuracy; a theme missed costs an impact estimate as much as a theme wrongly given, and
# the F1-best point of calibrated probabilities lies below 0.5. Chosen by the
# leave-one-writer-out protocol (bench/themes.py --part corpus), not on any test writer.
HYBRID_THRESHOLD = 0.35
# Below the threshold but at least this likely: "a known theme is possible" (REASON_NEAR).
# Such comments are kept out of discovery, which is for what the taxonomy does not cover.
# Leave one writer out (bench/generic_reasons.py): at 0.1, 44 of the 260 missed themed
# comments still reach discovery (134 at 0.2), and every off-taxonomy comment that did
# still does; 0.05 was the first value that held some of those back.
NEAR_MISS = 0.1
CORRECTION_WEIGHT = 3.0
# A view (clause) of a training comment counts less than a whole labelled comment: its
# label is inferred, not given.
VIEW_WEIGHT = 0.5
# Adaptation (see HybridThemeModel.transform_adapted).
ADAPT_FOLDS = 2
ADAPT_CONFIDENT = 0.8
ADAPT_WEIGHT = 0.5
ADAPT_MIN_COMMENTS = 40


@dataclass(frozen=True)
class LabelledComments:
    """Comments with known themes: the head's training set.

    ``labels`` is (comments, themes) with 1 = carries the theme, 0 = does not;
    ``languages`` (optional, one code per comment) picks each comment's sentence splitter;
    ``polarity`` (optional, like ``labels``) is the index in
    :data:`~voc.nlp.head.POLARITY_CLASSES` of each carried theme's sentiment, -1 elsewhere;
    ``off_taxonomy`` (optional, one flag per comment) marks comments with no theme because
    their subject is outside the themes (not generic): the generic detector skips them.
    """

    texts: tuple[str, ...]
    theme_ids: tuple[str, ...]
    labels: np.ndarray
    languages: tuple[str | None, ...] | None = None
    weights: np.ndarray | None = None
    polarity: np.ndarray | None = None
    off_taxonomy: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.texts)

    def sample_weights(self) -> np.ndarray:
        """Each comment's weight in the head's fit (1 unless given)."""
        return np.ones(len(self.texts)) if self.weights is None else np.asarray(self.weights)

    def extended(
        self,
        texts: Sequence[str],
        labels: np.ndarray,
        languages: Sequence[str | None],
        weight: float,
    ) -> LabelledComments:
        """These comments plus more (labels in this set's theme order; -1 = unknown)."""
        own_languages = self.languages or (None,) * len(self.texts)
        return LabelledComments(
            texts=(*self.texts, *texts),
            theme_ids=self.theme_ids,
            labels=np.vstack([self.labels, np.asarray(labels, dtype=self.labels.dtype)]),
            languages=(*own_languages, *languages),
            weights=np.concatenate([self.sample_weights(), np.full(len(texts), weight)]),
            polarity=None
            if self.polarity is None
            else np.vstack([self.polarity, np.full((len(texts), len(self.theme_ids)), -1)]),
            off_taxonomy=None
            if self.off_taxonomy is None
            else np.concatenate([self.off_taxonomy, np.zeros(len(texts), dtype=bool)]),
        )

    def generic_and_themed(self) -> tuple[np.ndarray, np.ndarray]:
        """Which comments are generic (every label known and 0, not off-taxonomy) and which
        carry a theme: the generic detector's positives and negatives."""
        labels = np.asarray(self.labels)
        known = (labels >= 0).all(axis=1)
        themed = (labels == 1).any(axis=1)
        off = (
            np.zeros(len(self.texts), dtype=bool)
            if self.off_taxonomy is None
            else np.asarray(self.off_taxonomy, dtype=bool)
        )
        return known & ~themed & ~off, themed

    def aligned_polarity(self, theme_ids: Sequence[str]) -> np.ndarray:
        """Polarity codes in ``theme_ids`` order (-1 where unknown)."""
        out = np.full((len(self.texts), len(theme_ids)), -1, dtype=np.int8)
        if self.polarity is None:
            return out
        index = {t: i for i, t in enumerate(self.theme_ids)}
        for column, theme_id in enumerate(theme_ids):
            if theme_id in index:
                out[:, column] = self.polarity[:, index[theme_id]]
        return out

    def aligned(self, theme_ids: Sequence[str]) -> np.ndarray:
        """Labels in ``theme_ids`` order; a theme the set does not know is -1 (unknown)."""
        out = np.full((len(self.texts), len(theme_ids)), -1, dtype=np.int8)
        index = {t: i for i, t in enumerate(self.theme_ids)}
        for column, theme_id in enumerate(theme_ids):
            if theme_id in index:
                out[:, column] = self.labels[:, index[theme_id]]
        return out


class HybridThemeModel:
    """Assigns taxonomy themes with prototypes plus a supervised head; fit / transform.

    Args:
        taxonomy: the themes (seeds, labels, covers, corrections).
        embedder: any :class:`~voc.nlp.embed.Embedder`.
        training: labelled comments to fit the head on in :meth:`fit`.
        head: an already fitted head (used as is unless corrections or ``training`` ask
            for a refit).
        head_params: parameters of a head fitted here (see :class:`ThemeHead`).
        threshold: probability a theme needs (:data:`HYBRID_THRESHOLD`).
        views: "max" scores the whole comment and every clause and keeps the best;
            "comment" scores and embeds the whole comment only (faster; the evidence span
            is the whole comment).
        generic_min: an unassigned comment the generic detector (fitted on ``training``,
            :mod:`voc.nlp.generic`) gives at least this probability is generic, not a
            candidate for discovery.
        near_miss: an unassigned comment whose best theme has at least this probability is
            a near miss of a known theme (kept out of discovery too).
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        embedder: Embedder,
        *,
        training: LabelledComments | None = None,
        head: ThemeHead | None = None,
        head_params: dict[str, object] | None = None,
        threshold: float = HYBRID_THRESHOLD,
        views: str = "max",
        view_training: bool = True,
        generic_min: float = GENERIC_MIN,
        near_miss: float = NEAR_MISS,
    ):
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.training = training
        self.head = head
        self.head_params = head_params
        self.threshold = threshold
        self.views = views
        self.view_training = view_training
        self.generic_min = generic_min
        self.near_miss = near_miss

    # --- fitting ------------------------------------------------------------------
    def fit(self, corrections: Iterable[Correction] = ()) -> HybridThemeModel:
        """Embed the prototypes; fit the head on ``training`` plus ``corrections``."""
        corrections = tuple(corrections)
        self._corrections = corrections
        self.prototypes_ = GuidedThemeModel(self.taxonomy, self.embedder).fit(corrections)
        self.theme_ids_ = list(self.prototypes_.theme_ids_)
        self.threshold_ = float(self.threshold)
        self.head_: ThemeHead | None
        if self.training is not None and (self.head is None or corrections or self.head_params):
            self.head_ = self._fit_head(self.training, corrections)
        elif self.head is not None:
            self.head_ = self.head
        else:
            self.head_ = None
        self._head_columns = self._columns()
        self.generic_ = GenericDetector()
        if self.training is not None:
            generic, themed = self.training.generic_and_themed()
            vectors = self.prototypes_.centred(list(self.training.texts))
            self.generic_.fit(vectors, generic, themed)
        return self

    def _fit_head(
        self, training: LabelledComments, corrections: tuple[Correction, ...]
    ) -> ThemeHead:
        """Fit on whole comments, then again with their views as extra instances.

        Scoring takes a comment's best view, so the head must also read clauses. A view of
        a comment that lacks a theme is a negative of that theme; of a comment that has
        it, the view the first fit likes best is its positive (multiple-instance
        learning: the label says *some* view names the theme, not which).
        """
        texts = list(training.texts)
        labels = training.aligned(self.theme_ids_)
        polarity = training.aligned_polarity(self.theme_ids_)
        weights = training.sample_weights()
        if corrections:
            extra = np.full((len(corrections), len(self.theme_ids_)), -1, dtype=np.int8)
            extra_polarity = extra.copy()
            for row, correction in enumerate(corrections):
                column = self.theme_ids_.index(correction.theme_id)
                extra[row, column] = 1
                if correction.polarity != Polarity.NEUTRAL:  # neutral: not stated
                    extra_polarity[row, column] = POLARITY_CLASSES.index(correction.polarity.value)
            texts += [c.text for c in corrections]
            labels = np.vstack([labels, extra])
            polarity = np.vstack([polarity, extra_polarity])
            weights = np.concatenate([weights, np.full(len(corrections), CORRECTION_WEIGHT)])
        if not self.view_training:
            return self._head_on(texts, labels, weights, _one_polarity(polarity))
        head = self._head_on(texts, labels, weights)
        languages = list(training.languages or [None] * len(training.texts))
        languages += [None] * len(corrections)
        owner: list[int] = []
        view_texts: list[str] = []
        for i, (text, language) in enumerate(zip(texts, languages, strict=True)):
            views = dict.fromkeys(v.text for v in self.prototypes_.views(text, language))
            views.pop(text.strip(), None)
            owner.extend([i] * len(views))
            view_texts.extend(views)
        if not view_texts:
            return self._head_on(texts, labels, weights, _one_polarity(polarity))
        centred = self.prototypes_.centred(view_texts)
        probs = head.predict_proba(view_texts, centred, self._protos(centred))
        owners = np.asarray(owner)
        # Views of a comment without the theme: negatives; with it: unknown, except the
        # comment's best view for the theme, which is its positive.
        view_labels = np.where(labels[owners] == 0, 0, -1).astype(np.int8)
        view_polarity = np.full(view_labels.shape, -1, dtype=np.int8)
        for t in np.flatnonzero(head.fitted_):
            for comment in np.flatnonzero(labels[:, t] == 1):
                rows = np.flatnonzero(owners == comment)
                if len(rows):
                    best = rows[int(np.argmax(probs[rows, t]))]
                    view_labels[best, t] = 1
                    view_polarity[best, t] = polarity[comment, t]
        return self._head_on(
            texts + view_texts,
            np.vstack([labels, view_labels]),
            np.concatenate([weights, weights[owners] * VIEW_WEIGHT]),
            _one_polarity(np.vstack([polarity, view_polarity])),
        )

    def _protos(self, centred: np.ndarray) -> np.ndarray:
        return self.prototypes_.probabilities_of(centred)

    def _head_on(
        self,
        texts: list[str],
        labels: np.ndarray,
        weights: np.ndarray,
        polarity: np.ndarray | None = None,
    ) -> ThemeHead:
        centred = self.prototypes_.centred(texts)
        head = ThemeHead(**(self.head_params or {}))  # type: ignore[arg-type]
        return head.fit(
            texts,
            centred,
            self._protos(centred),
            labels,
            self.theme_ids_,
            sample_weight=weights,
            polarity=polarity,
        )

    # --- adaptation to one survey ---------------------------------------------------
    def transform_adapted(
        self,
        comments: Sequence[str],
        languages: Sequence[str | None] | None = None,
        *,
        folds: int = ADAPT_FOLDS,
        confident: float = ADAPT_CONFIDENT,
    ) -> tuple[list[ThemeAssignment], np.ndarray]:
        """:meth:`transform_scored` with the head re-fitted on this survey's own words.

        The survey's confident decisions (a theme at ``confident`` or more is a positive,
        at ``1 - confident`` or less a negative, anything between unknown) join the
        training set, and the head is re-fitted. Cross-fitted: the comments are split into
        ``folds`` by position, and each fold is scored by a head that saw only the other
        folds' pseudo-labels, so no comment labels itself. Unlike :meth:`transform`, a
        comment's result here depends on the survey it is in; that is the point.
        """
        langs = list(languages) if languages is not None else [None] * len(comments)
        first, probs = self.transform_scored(comments, langs)
        if self.training is None or len(comments) < ADAPT_MIN_COMMENTS:
            return first, probs
        pseudo = np.full(probs.shape, -1, dtype=np.int8)
        pseudo[probs >= confident] = 1
        pseudo[probs <= 1 - confident] = 0
        pseudo[[not c.strip() for c in comments]] = -1
        own_columns = [self.theme_ids_.index(t) for t in self.training.theme_ids]
        fold_of = np.arange(len(comments)) % folds
        assignments: list[ThemeAssignment] = list(first)
        adapted = probs.copy()
        for fold in range(folds):
            others = np.flatnonzero(fold_of != fold).tolist()
            mine = np.flatnonzero(fold_of == fold).tolist()
            training = self.training.extended(
                [comments[i] for i in others],
                pseudo[np.ix_(np.asarray(others), np.asarray(own_columns))],
                [langs[i] for i in others],
                ADAPT_WEIGHT,
            )
            model = HybridThemeModel(
                self.taxonomy,
                self.embedder,
                training=training,
                head_params=self.head_params,
                threshold=self.threshold,
                views=self.views,
                view_training=self.view_training,
                generic_min=self.generic_min,
                near_miss=self.near_miss,
            )
            model.prototypes_ = self.prototypes_
            model.generic_ = self.generic_
            model.theme_ids_ = self.theme_ids_
            model.threshold_ = self.threshold_
            model.head_ = model._fit_head(training, self._corrections)
            model._head_columns = model._columns()
            found, scored = model.transform_scored(
                [comments[i] for i in mine], [langs[i] for i in mine]
            )
            for i, assignment, row in zip(mine, found, scored, strict=True):
                assignments[i] = assignment
                adapted[i] = row
        return assignments, adapted

    def _columns(self) -> np.ndarray:
        """Per taxonomy theme, its column in the head (-1: prototypes only)."""
        if self.head_ is None:
            return np.full(len(self.theme_ids_), -1)
        index = {t: i for i, t in enumerate(self.head_.theme_ids_)}
        return np.array(
            [
                index[t] if t in index and self.head_.fitted_[index[t]] else -1
                for t in self.theme_ids_
            ]
        )

    # --- scoring ------------------------------------------------------------------
    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(n, themes) probability of each theme per text, without segmentation."""
        texts = list(texts)
        centred = self.prototypes_.centred(texts)
        return self._combine(texts, centred, self.prototypes_.probabilities_of(centred))

    def _combine(self, texts: list[str], centred: np.ndarray, prototypes: np.ndarray) -> np.ndarray:
        known = self._head_columns >= 0
        if self.head_ is None or not known.any() or not texts:
            return prototypes.astype(np.float32).copy()
        head_protos = _reorder(prototypes, self.theme_ids_, self.head_.theme_ids_)
        return self._head_over(prototypes, self.head_.predict_proba(texts, centred, head_protos))

    def _combine_with_sentiment(
        self, texts: list[str], centred: np.ndarray, prototypes: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """:meth:`_combine`, plus each text's (n, 3) negative / neutral / positive from the
        head where it has a sentiment model: one feature matrix serves both."""
        if self.head_ is None or not texts:
            return self._combine(texts, centred, prototypes), None
        head_protos = _reorder(prototypes, self.theme_ids_, self.head_.theme_ids_)
        head_probs, sentiment = self.head_.predict(texts, centred, head_protos)
        return self._head_over(prototypes, head_probs), sentiment

    def _head_over(self, prototypes: np.ndarray, head_probs: np.ndarray) -> np.ndarray:
        """The prototype probabilities with every theme the head knows replaced by the head's."""
        probs = prototypes.astype(np.float32).copy()
        known = self._head_columns >= 0
        probs[:, known] = head_probs[:, self._head_columns[known]]
        return probs

    def transform(
        self,
        comments: Sequence[str],
        languages: Sequence[str | None] | None = None,
        *,
        views: Sequence[Sequence[Segment]] | None = None,
    ) -> list[ThemeAssignment]:
        """Themes of each comment; a comment's result never depends on the rest of the batch."""
        return self.transform_scored(comments, languages, views=views)[0]

    def comment_views(self, comment: str, language: str | None) -> list[Segment]:
        """The clauses (and coordinated parts) of a comment that are scored.

        With ``views="comment"`` that is the whole comment alone: one text embedded per
        comment (the fast bulk path), and a theme's evidence is the whole comment.
        """
        if self.views == "comment":
            stripped = comment.strip()
            if not stripped:
                return []
            start = len(comment) - len(comment.lstrip())
            return [Segment(stripped, start, start + len(stripped))]
        return self.prototypes_.views(comment, language)

    def texts_to_embed(
        self, comments: Sequence[str], views: Sequence[Sequence[Segment]]
    ) -> list[str]:
        """Every distinct text :meth:`transform_scored` embeds for these comments.

        A one-clause comment's clause is the comment itself, so it is embedded once.
        """
        wholes = [c.strip() for c in comments]
        return list(
            dict.fromkeys([*(w for w in wholes if w), *(v.text for vs in views for v in vs)])
        )

    def embed(self, texts: Sequence[str]) -> None:
        """Embed texts as scoring will (so a cached embedder holds them), in one batch."""
        self.prototypes_.centred(texts)

    def transform_scored(
        self,
        comments: Sequence[str],
        languages: Sequence[str | None] | None = None,
        *,
        views: Sequence[Sequence[Segment]] | None = None,
    ) -> tuple[list[ThemeAssignment], np.ndarray]:
        """:meth:`transform` plus the (comments, themes) probabilities it decided on.

        A comment's probability of a theme is that of its best view (with ``views="max"``)
        or of the whole comment (``views="comment"``); a theme is assigned where it reaches
        ``threshold``. The matrix is what calibration is checked on. ``views`` (one list
        per comment, from :meth:`comment_views`) skips segmenting again.
        """
        langs = list(languages) if languages is not None else [None] * len(comments)
        if len(langs) != len(comments):
            raise ValueError("languages must have one entry per comment")
        n_themes = len(self.theme_ids_)
        decided = np.zeros((len(comments), n_themes), dtype=np.float32)
        if views is None:
            views = [self.comment_views(c, g) for c, g in zip(comments, langs, strict=True)]
        elif len(views) != len(comments):
            raise ValueError("views must have one entry per comment")
        wholes = [c.strip() for c in comments]
        unique = self.texts_to_embed(comments, views)
        if not unique:
            return [ThemeAssignment((), REASON_EMPTY) for _ in comments], decided
        centred = self.prototypes_.centred(unique)
        prototypes, generic = self.prototypes_.scored(centred)
        probs, sentiment = self._combine_with_sentiment(unique, centred, prototypes)
        generic_probability = self.generic_.predict_proba(centred)
        row_of = {text: i for i, text in enumerate(unique)}
        assignments = []
        for i, (whole, comment_views) in enumerate(zip(wholes, views, strict=True)):
            if not comment_views or not whole:
                assignments.append(ThemeAssignment((), REASON_EMPTY))
                continue
            view_rows = [row_of[v.text] for v in comment_views]
            whole_row = row_of[whole]
            block = probs[view_rows]
            best = block.argmax(axis=0)  # first view wins ties: deterministic
            if self.views == "comment":
                decided[i] = probs[whole_row]
            else:
                decided[i] = np.maximum(block.max(axis=0), probs[whole_row])
            hits = []
            for t in np.flatnonzero(decided[i] >= self.threshold_).tolist():
                view = comment_views[int(best[t])]
                row = view_rows[int(best[t])]
                if sentiment is not None:
                    # The sentiment of the clause around the evidence: "förstod vad
                    # problemet var och löste det" is praise though one part names a
                    # problem, and a contrast clause ("men portalen ...") is its own.
                    clause = view_rows[_enclosing(comment_views, int(best[t]))]
                    polarity = Polarity(POLARITY_CLASSES[int(np.argmax(sentiment[clause]))])
                else:
                    polarity = self.prototypes_.polarity(centred[row], t)
                hits.append(
                    ThemeHit(
                        theme_id=self.theme_ids_[t],
                        confidence=round(float(decided[i, t]), 4),
                        polarity=polarity,
                        start=view.start,
                        end=view.end,
                    )
                )
            if hits:
                ordered = tuple(sorted(hits, key=lambda h: (h.start, h.end, h.theme_id)))
                assignments.append(ThemeAssignment(ordered))
            else:
                generic_wins = bool(generic[[whole_row, *view_rows]].all())
                if generic_wins or generic_probability[whole_row] >= self.generic_min:
                    reason = REASON_GENERIC
                elif float(decided[i].max()) >= self.near_miss:
                    reason = REASON_NEAR
                else:
                    reason = REASON_BELOW
                assignments.append(ThemeAssignment((), reason))
        return assignments, decided


def _enclosing(views: Sequence[Segment], index: int) -> int:
    """The first view (a clause comes before its coordinated parts) that contains view ``index``."""
    inner = views[index]
    for position, view in enumerate(views):
        if view.start <= inner.start and inner.end <= view.end:
            return position
    return index


def _one_polarity(polarity: np.ndarray) -> np.ndarray:
    """Per row, the one polarity all its themes share; -1 where none or mixed."""
    out = np.full(len(polarity), -1, dtype=np.int8)
    for row, codes in enumerate(polarity):
        stated = set(codes[codes >= 0].tolist())
        if len(stated) == 1:
            out[row] = stated.pop()
    return out


def _reorder(matrix: np.ndarray, columns: Sequence[str], wanted: Sequence[str]) -> np.ndarray:
    """``matrix``'s columns in ``wanted`` order; a missing column is all 0.5 (no evidence)."""
    index = {t: i for i, t in enumerate(columns)}
    out = np.full((matrix.shape[0], len(wanted)), 0.5, dtype=np.float32)
    for j, theme_id in enumerate(wanted):
        if theme_id in index:
            out[:, j] = matrix[:, index[theme_id]]
    return out
