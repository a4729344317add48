"""Guided theme assignment: taxonomy seed phrases as prototypes in a multilingual space.

Every comment is split into clauses; each clause is compared with the seed phrases of every
theme. Because the embedder is multilingual, a Swedish clause matches English and Norwegian
seeds too, so "competence" is one theme whatever language the customer wrote in. A clause
gets its best theme when that theme clears its calibrated threshold and beats the generic
anchors ("ok", "nöjd", "nothing to add"); a comment collects the themes of its clauses, so
"kunnig personal men portalen är krånglig" is competence (+) and web portal usability (-).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from voc.nlp.embed import Embedder
from voc.nlp.segment import Segment, segment
from voc.nlp.taxonomy import Taxonomy
from voc.types import Polarity, ThemeHit

# Comments that say something but name no theme. A clause closer to these than to any
# theme seed is left unassigned instead of being forced into the nearest theme.
GENERIC_ANCHORS = (
    "ok", "good", "fine", "very satisfied", "nothing to add", "no comment", "great", "bad",
    "bra", "nöjd", "mycket nöjd", "inget att tillägga", "inga kommentarer", "dåligt", "toppen",
    "fornøyd", "veldig fornøyd", "ingenting å tilføye", "ingen kommentar", "dårlig", "supert",
    "godt", "tilfreds", "meget tilfreds",
)

REASON_EMPTY = "empty comment"
REASON_GENERIC = "generic comment: no theme named (e.g. 'ok', 'nöjd')"
REASON_BELOW = "no theme close enough (below every theme's threshold)"


@dataclass(frozen=True)
class ThemeAssignment:
    """The themes of one comment; ``unassigned_reason`` says why when there are none."""

    hits: tuple[ThemeHit, ...]
    unassigned_reason: str | None = None


@dataclass(frozen=True)
class Correction:
    """A user's correction: this text is about this theme (with this polarity)."""

    text: str
    theme_id: str
    polarity: Polarity = Polarity.NEUTRAL


class GuidedThemeModel:
    """Assigns taxonomy themes to comments; scikit-learn style ``fit``/``transform``.

    Args:
        taxonomy: the themes and their seed phrases.
        embedder: any :class:`~voc.nlp.embed.Embedder`.
        threshold_quantile: per-theme threshold = this quantile of how close *other* themes'
            seeds come to the theme; higher is stricter.
        generic_margin: a clause must beat the generic anchors by this much.
        polarity_margin: positive and negative seed similarity closer than this -> neutral.
    """

    def __init__(self, taxonomy: Taxonomy, embedder: Embedder, *,
                 threshold_quantile: float = 0.75, threshold_offset: float = 0.0,
                 generic_margin: float = 0.0, polarity_margin: float = 0.01):
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.threshold_quantile = threshold_quantile
        self.threshold_offset = threshold_offset
        self.generic_margin = generic_margin
        self.polarity_margin = polarity_margin

    # --- fitting ------------------------------------------------------------------
    def fit(self, corrections: Iterable[Correction] = ()) -> GuidedThemeModel:
        """Embed the seed phrases (plus any user corrections) and calibrate thresholds."""
        theme_index = {theme_id: i for i, theme_id in enumerate(self.taxonomy.ids)}
        phrases, owners, polarities = [], [], []
        for theme in self.taxonomy.themes:
            for polarity, phrase in theme.seed_phrases():
                phrases.append(phrase)
                owners.append(theme_index[theme.id])
                polarities.append(polarity)
        for correction in corrections:
            if correction.theme_id not in theme_index:
                raise KeyError(f"correction names unknown theme {correction.theme_id!r}")
            phrases.append(correction.text)
            owners.append(theme_index[correction.theme_id])
            polarities.append(Polarity(correction.polarity).value)
        self.theme_ids_ = list(self.taxonomy.ids)
        self.seed_vectors_ = self.embedder.encode(phrases)
        self.seed_theme_ = np.asarray(owners)
        self.seed_polarity_ = np.asarray(polarities)
        self.generic_vectors_ = self.embedder.encode(list(GENERIC_ANCHORS))
        self.thresholds_ = self._calibrate()
        return self

    def _calibrate(self) -> np.ndarray:
        """Per theme: how close do seeds of *other* themes come? Clear most of them."""
        sims = self.seed_vectors_ @ self.seed_vectors_.T
        thresholds = np.empty(len(self.theme_ids_), dtype=np.float32)
        for t in range(len(self.theme_ids_)):
            own = self.seed_theme_ == t
            # each foreign seed's best match among this theme's seeds
            foreign_best = sims[~own][:, own].max(axis=1)
            thresholds[t] = np.quantile(foreign_best, self.threshold_quantile)
        return thresholds + self.threshold_offset

    # --- scoring ------------------------------------------------------------------
    def _theme_scores(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Best seed similarity per theme, and per theme and polarity (pos, neg)."""
        sims = vectors @ self.seed_vectors_.T
        n_themes = len(self.theme_ids_)
        best = np.full((len(vectors), n_themes), -1.0, dtype=np.float32)
        best_pos = best.copy()
        best_neg = best.copy()
        for t in range(n_themes):
            own = self.seed_theme_ == t
            best[:, t] = sims[:, own].max(axis=1)
            for polarity, target in (("positive", best_pos), ("negative", best_neg)):
                mask = own & (self.seed_polarity_ == polarity)
                if mask.any():
                    target[:, t] = sims[:, mask].max(axis=1)
        return best, best_pos, best_neg

    def transform(self, comments: Sequence[str]) -> list[ThemeAssignment]:
        """Themes of each comment; a comment's result never depends on the rest of the batch."""
        segments_per_comment = [segment(c) for c in comments]
        flat: list[Segment] = [s for segs in segments_per_comment for s in segs]
        if flat:
            vectors = self.embedder.encode([s.text for s in flat])
            best, best_pos, best_neg = self._theme_scores(vectors)
            generic = (vectors @ self.generic_vectors_.T).max(axis=1)
        results, cursor = [], 0
        for segs in segments_per_comment:
            if not segs:
                results.append(ThemeAssignment((), REASON_EMPTY))
                continue
            rows = range(cursor, cursor + len(segs))
            cursor += len(segs)
            hits: dict[str, ThemeHit] = {}
            saw_generic = False
            for row, seg in zip(rows, segs, strict=True):
                t = int(np.argmax(best[row]))
                score = float(best[row, t])
                if score < self.thresholds_[t]:
                    continue
                if score < generic[row] + self.generic_margin:
                    saw_generic = True
                    continue
                hit = ThemeHit(
                    theme_id=self.theme_ids_[t],
                    confidence=round(self._confidence(score, float(self.thresholds_[t])), 4),
                    polarity=self._polarity(float(best_pos[row, t]), float(best_neg[row, t])),
                    start=seg.start,
                    end=seg.end,
                )
                previous = hits.get(hit.theme_id)
                if previous is None or hit.confidence > previous.confidence:
                    hits[hit.theme_id] = hit
            if hits:
                ordered = tuple(sorted(hits.values(), key=lambda h: h.start))
                results.append(ThemeAssignment(ordered))
            else:
                results.append(ThemeAssignment((), REASON_GENERIC if saw_generic else REASON_BELOW))
        return results

    @staticmethod
    def _confidence(score: float, threshold: float) -> float:
        # Logistic in the distance above threshold; e5 similarities live in a narrow band,
        # so 0.02 of cosine is already a clear difference.
        return float(1.0 / (1.0 + np.exp(-(score - threshold) / 0.02)))

    def _polarity(self, positive: float, negative: float) -> Polarity:
        if positive - negative > self.polarity_margin:
            return Polarity.POSITIVE
        if negative - positive > self.polarity_margin:
            return Polarity.NEGATIVE
        return Polarity.NEUTRAL
