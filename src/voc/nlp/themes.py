"""Guided theme assignment: taxonomy seed phrases as prototypes in a multilingual space.

Every comment is split into clauses, and each clause into its coordinated parts ("tydliga
fakturor och rimliga priser"); every such view is compared with the seed phrases of every
theme. Because the embedder is multilingual, a Swedish clause matches English and Norwegian
seeds too, so "competence" is one theme whatever language the customer wrote in.

A theme's seeds are its seed phrases plus its labels and description (what the theme covers
in general terms, where seeds are examples). All vectors are centred on the mean of the
taxonomy's phrases first: sentence embedders put every text in one narrow cone, and what
all the phrases share (the embedder's common direction, the domain) tells no theme apart.

The score is a kernel density classifier over the seeds. For a view ``x`` and theme ``t``,
``L_t(x) = log mean_j exp(cos(x, seed_j) / temperature)`` over the seeds of ``t``, and the
same over the *generic anchors* ("ok", "nöjd", "nothing to add", plus the taxonomy's own
``generic`` phrases) gives a "no theme" class. Averaging (not summing) over seeds makes a
theme's weight independent of how many seeds it has. The probability of ``t`` weighs it
against the generic class and, at a quarter weight (``competition``), against the other
themes: ``e^L_t / (e^L_t + e^L_generic + competition * sum_u e^L_u)``. Full competition (a
softmax) would make a clause that names two themes split its mass and keep neither.

A theme is assigned when it is more likely than not (probability >= 0.5, the natural
decision point of a probability, so nothing is tuned to any particular survey). Setting
``threshold=None`` instead calibrates the threshold on the taxonomy itself: each seed
phrase is classified with itself left out (and each generic anchor, which must get no
theme), and the threshold that classifies them best is kept; bench/themes.py reports
both. Several themes per view and per comment are allowed; a comment collects the best
view of each theme it names, so "kunnig personal men portalen är krånglig" is
competence (+) and web portal usability (-).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from voc.nlp.embed import Embedder
from voc.nlp.segment import Segment, coordinated_parts, segment
from voc.nlp.taxonomy import Correction, Taxonomy, Theme
from voc.types import Polarity, ThemeHit

# Comments that say something but name no theme, in sv / nb / en. A view closer to these
# than to any theme is left unassigned instead of being forced into the nearest theme.
# A taxonomy adds its own (``generic:`` in the YAML) for its domain.
# fmt: off
GENERIC_ANCHORS = (
    "ok", "good", "fine", "very satisfied", "nothing to add", "no comment", "great", "bad",
    "bra", "nöjd", "mycket nöjd", "inget att tillägga", "inga kommentarer", "dåligt",
    "toppen", "fornøyd", "veldig fornøyd", "ingenting å tilføye", "ingen kommentar",
    "dårlig", "supert", "godt", "tilfreds", "meget tilfreds",
)
# fmt: on

REASON_EMPTY = "empty comment"
REASON_GENERIC = "generic comment: no theme named (e.g. 'ok', 'nöjd')"
REASON_BELOW = "no theme close enough (below the calibrated threshold)"
# A known theme is plausible but under the threshold: not new, so not for discovery.
REASON_NEAR = "a known theme is possible but below the threshold"

GUIDED_THRESHOLD = 0.5
_THRESHOLD_GRID = np.round(np.arange(0.05, 0.905, 0.01), 2)
_POLARITY_TOP_K = 3


@dataclass(frozen=True)
class ThemeAssignment:
    """The themes of one comment; ``unassigned_reason`` says why when there are none."""

    hits: tuple[ThemeHit, ...]
    unassigned_reason: str | None = None


def _log_mean_exp(scaled: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Row-wise log mean exp over the columns in ``mask`` (-inf cells are left out)."""
    part = scaled[:, mask]
    top = part.max(axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        summed = np.log(np.exp(part - top).sum(axis=1))
        count = np.log(np.isfinite(part).sum(axis=1).clip(min=1))
    return summed + top[:, 0] - count


def _prototypes(theme: Theme) -> list[str]:
    """A theme's labels (each spelling once), description and ``covers`` text, as seeds."""
    texts = list(dict.fromkeys(label for label in theme.labels.values() if label.strip()))
    texts.extend(text for text in (theme.description, theme.covers) if text.strip())
    return texts


class GuidedThemeModel:
    """Assigns taxonomy themes to comments; scikit-learn style ``fit``/``transform``.

    Args:
        taxonomy: the themes, their seed phrases and optional generic phrases.
        embedder: any :class:`~voc.nlp.embed.Embedder`.
        temperature: width of the similarity kernel, in cosine after centring (0.1; e5
            cosines without centring live in a narrow band, where 0.02 suits).
        threshold: probability a theme needs (0.5: more likely than not); None calibrates
            it on the seeds in ``fit`` (leave-one-out).
        threshold_offset: added to the calibrated threshold (positive = stricter).
        polarity_margin: positive vs negative seed evidence closer than this -> neutral.
        competition: how much the other themes count against a theme (1: themes exclude
            each other, as in a softmax; 0: each theme only against the generic class).
        split_coordination: also score the parts of a clause joined by "och"/"og"/"and"/",".
        lowercase: embed lower-cased text; survey casing is noise ("FAKTURAN ÄR FEL") and
            the seeds are written in lower case.
        center: subtract the mean vector of the taxonomy's phrases (seeds, labels,
            descriptions, generic anchors) before comparing. Sentence embedders put every
            text in one narrow cone (e5 cosines of unrelated texts are 0.8); what the
            phrases share (the embedder's common direction and the domain itself) says
            nothing about which theme a comment names.
        label_prototypes: use each theme's labels and description as extra (neutral) seed
            phrases; they name what the theme is about in general terms ("Food: dishes,
            taste, drinks, portions"), where seeds are examples of what customers say.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        embedder: Embedder,
        *,
        temperature: float = 0.1,
        threshold: float | None = 0.5,
        threshold_offset: float = 0.0,
        polarity_margin: float = 0.001,
        competition: float = 0.25,
        split_coordination: bool = True,
        lowercase: bool = True,
        center: bool = True,
        label_prototypes: bool = True,
    ):
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.temperature = temperature
        self.threshold = threshold
        self.threshold_offset = threshold_offset
        self.polarity_margin = polarity_margin
        self.competition = competition
        self.split_coordination = split_coordination
        self.lowercase = lowercase
        self.center = center
        self.label_prototypes = label_prototypes

    # --- fitting ------------------------------------------------------------------
    def fit(self, corrections: Iterable[Correction] = ()) -> GuidedThemeModel:
        """Embed the seed phrases (plus any user corrections) and calibrate the threshold.

        The taxonomy's own ``corrections:`` are not added here; pass them (the pipeline
        passes ``taxonomy.corrections``), so a caller can also fit without them.
        """
        theme_index = {theme_id: i for i, theme_id in enumerate(self.taxonomy.ids)}
        phrases, owners, polarities = [], [], []
        for theme in self.taxonomy.themes:
            for polarity, phrase in theme.seed_phrases():
                phrases.append(phrase)
                owners.append(theme_index[theme.id])
                polarities.append(polarity)
            if self.label_prototypes:
                for text in _prototypes(theme):
                    phrases.append(text)
                    owners.append(theme_index[theme.id])
                    polarities.append(Polarity.NEUTRAL.value)
        n_taxonomy = len(phrases)
        for correction in corrections:
            if correction.theme_id not in theme_index:
                raise KeyError(f"correction names unknown theme {correction.theme_id!r}")
            phrases.append(correction.text)
            owners.append(theme_index[correction.theme_id])
            polarities.append(Polarity(correction.polarity).value)
        generic = list(dict.fromkeys([*GENERIC_ANCHORS, *self.taxonomy.generic]))
        self.theme_ids_ = list(self.taxonomy.ids)
        seed_vectors = self._encode(phrases)
        generic_vectors = self._encode(generic)
        # The centre comes from the taxonomy alone: corrections do not move it, so adding
        # one changes the scores near it and nowhere else.
        self.center_ = (
            np.vstack([seed_vectors[:n_taxonomy], generic_vectors]).mean(axis=0)
            if self.center
            else np.zeros(seed_vectors.shape[1], dtype=np.float32)
        )
        self.seed_vectors_ = self._centred(seed_vectors)
        self.seed_theme_ = np.asarray(owners)
        self.seed_polarity_ = np.asarray(polarities)
        self.generic_vectors_ = self._centred(generic_vectors)
        if self.threshold is None:
            self.calibrated_threshold_ = self._calibrate()
        else:
            self.calibrated_threshold_ = float(self.threshold)
        self.threshold_ = float(self.calibrated_threshold_ + self.threshold_offset)
        # One threshold on calibrated probabilities; kept per theme for reports.
        self.thresholds_ = np.full(len(self.theme_ids_), self.threshold_, dtype=np.float32)
        return self

    def _log_scores(self, seed_sims: np.ndarray, generic_sims: np.ndarray) -> np.ndarray:
        """(n, themes + 1) log kernel densities; the last column is the generic class."""
        scaled = seed_sims.astype(np.float64) / self.temperature
        scaled_generic = generic_sims.astype(np.float64) / self.temperature
        columns = [
            _log_mean_exp(scaled, self.seed_theme_ == t) for t in range(len(self.theme_ids_))
        ]
        columns.append(_log_mean_exp(scaled_generic, np.ones(scaled_generic.shape[1], bool)))
        return np.stack(columns, axis=1)

    def _probabilities(self, logits: np.ndarray) -> np.ndarray:
        """(n, themes) P(theme) against the generic class and, weighted, the other themes.

        With ``competition`` 1 this is a softmax over themes and the generic class (themes
        exclude each other); below 1 a view that names two themes can keep both.
        """
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        themes, generic = shifted[:, :-1], shifted[:, -1:]
        others = themes.sum(axis=1, keepdims=True) - themes
        return themes / (themes + generic + self.competition * others)

    def _calibrate(self) -> float:
        """The threshold that best classifies each seed (and generic anchor) left out."""
        seeds, generic = self.seed_vectors_, self.generic_vectors_
        seed_sims = seeds @ seeds.T
        np.fill_diagonal(seed_sims, -np.inf)
        seed_probs = self._probabilities(self._log_scores(seed_sims, seeds @ generic.T))
        generic_sims = generic @ generic.T
        np.fill_diagonal(generic_sims, -np.inf)
        generic_probs = self._probabilities(self._log_scores(generic @ seeds.T, generic_sims))
        probs = np.vstack([seed_probs, generic_probs])
        truth = np.zeros_like(probs, dtype=bool)
        truth[np.arange(len(seeds)), self.seed_theme_] = True
        best_f1, best_threshold = -1.0, 0.5
        for threshold in _THRESHOLD_GRID:
            predicted = probs >= threshold
            f1 = 2 * (predicted & truth).sum() / max(predicted.sum() + truth.sum(), 1)
            if f1 > best_f1:
                best_f1, best_threshold = f1, float(threshold)
        return best_threshold

    # --- scoring ------------------------------------------------------------------
    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.lowercase:
            texts = [t.lower() for t in texts]
        return self.embedder.encode(list(texts))

    def _centred(self, vectors: np.ndarray) -> np.ndarray:
        """Vectors moved by ``-center_`` and re-normalised (unchanged when not centring)."""
        if not self.center:
            return vectors
        moved = vectors - self.center_
        norms = np.linalg.norm(moved, axis=1, keepdims=True)
        return (moved / np.where(norms > 0, norms, 1.0)).astype(np.float32)

    def _views(self, comment: str, language: str | None) -> list[Segment]:
        views: list[Segment] = []
        for seg in segment(comment, language):
            views.append(seg)
            if self.split_coordination:
                views.extend(coordinated_parts(comment, seg))
        return views

    def theme_probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(n, themes) probability of each theme per text (no segmentation)."""
        return self.probabilities_of(self._centred(self._encode(list(texts))))

    def probabilities_of(self, centred: np.ndarray) -> np.ndarray:
        """(n, themes) probabilities of already centred vectors (see :meth:`centred`)."""
        return self.scored(centred)[0]

    def generic_wins(self, centred: np.ndarray) -> np.ndarray:
        """(n,) True where the generic anchors beat every theme (a comment naming none)."""
        return self.scored(centred)[1]

    def scored(self, centred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`probabilities_of` and :meth:`generic_wins` from one pass over the seeds.

        The kernel density over every seed is most of the prototypes' cost; scoring asks for
        both, so it is computed once.
        """
        logits = self._log_scores(centred @ self.seed_vectors_.T, centred @ self.generic_vectors_.T)
        return self._probabilities(logits), logits.argmax(axis=1) == len(self.theme_ids_)

    def centred(self, texts: Sequence[str]) -> np.ndarray:
        """The texts' vectors as this model compares them: embedded, then centred."""
        return self._centred(self._encode(list(texts)))

    def views(self, comment: str, language: str | None) -> list[Segment]:
        """The clauses (and coordinated parts) of a comment that are scored."""
        return self._views(comment, language)

    def comment_views(self, comment: str, language: str | None) -> list[Segment]:
        """The same as :meth:`views` (the name the hybrid model shares)."""
        return self._views(comment, language)

    def polarity(self, centred: np.ndarray, theme: int) -> Polarity:
        """Polarity of one centred vector for theme column ``theme``, from its seeds."""
        return self._polarity(centred @ self.seed_vectors_.T, theme)

    def texts_to_embed(
        self, comments: Sequence[str], views: Sequence[Sequence[Segment]]
    ) -> list[str]:
        """Every distinct text :meth:`transform` embeds for these comments (their views)."""
        return list(dict.fromkeys(v.text for vs in views for v in vs))

    def embed(self, texts: Sequence[str]) -> None:
        """Embed texts as scoring will (so a cached embedder holds them), in one batch."""
        self._encode(list(texts))

    def transform(
        self,
        comments: Sequence[str],
        languages: Sequence[str | None] | None = None,
        *,
        views: Sequence[Sequence[Segment]] | None = None,
    ) -> list[ThemeAssignment]:
        """Themes of each comment; a comment's result never depends on the rest of the batch.

        Args:
            comments: the raw comments; hit offsets refer to them.
            languages: optional language code per comment (sv / nb / nn / en ...), used for
                sentence splitting only.
            views: the comments' views (from :meth:`comment_views`), to skip segmenting again.
        """
        langs = list(languages) if languages is not None else [None] * len(comments)
        if len(langs) != len(comments):
            raise ValueError("languages must have one entry per comment")
        if views is None:
            views = [self._views(c, g) for c, g in zip(comments, langs, strict=True)]
        elif len(views) != len(comments):
            raise ValueError("views must have one entry per comment")
        views_per_comment = [list(vs) for vs in views]
        unique = self.texts_to_embed(comments, views_per_comment)
        if not unique:
            return [ThemeAssignment((), REASON_EMPTY) for _ in comments]
        vectors = self._centred(self._encode(unique))
        row_of = {text: i for i, text in enumerate(unique)}
        seed_sims = vectors @ self.seed_vectors_.T
        logits = self._log_scores(seed_sims, vectors @ self.generic_vectors_.T)
        probs = self._probabilities(logits)
        generic = logits.argmax(axis=1) == len(self.theme_ids_)
        return [
            self._assign(views, [row_of[v.text] for v in views], probs, generic, seed_sims)
            for views in views_per_comment
        ]

    def _assign(
        self,
        views: list[Segment],
        rows: list[int],
        probs: np.ndarray,
        generic: np.ndarray,
        seed_sims: np.ndarray,
    ) -> ThemeAssignment:
        if not views:
            return ThemeAssignment((), REASON_EMPTY)
        n_themes = len(self.theme_ids_)
        block = probs[rows]
        hits = []
        for t in range(n_themes):
            best = int(np.argmax(block[:, t]))  # first view wins ties: deterministic
            confidence = float(block[best, t])
            if confidence < self.threshold_:
                continue
            view = views[best]
            hits.append(
                ThemeHit(
                    theme_id=self.theme_ids_[t],
                    confidence=round(confidence, 4),
                    polarity=self._polarity(seed_sims[rows[best]], t),
                    start=view.start,
                    end=view.end,
                )
            )
        if hits:
            return ThemeAssignment(tuple(sorted(hits, key=lambda h: (h.start, h.end, h.theme_id))))
        generic_wins = bool(generic[rows].all())
        return ThemeAssignment((), REASON_GENERIC if generic_wins else REASON_BELOW)

    def _polarity(self, sims: np.ndarray, theme: int) -> Polarity:
        """Positive vs negative seeds of the theme: mean of the few closest on each side.

        The same number of seeds on each side, so a theme with five negative seeds and two
        positive ones is not pulled towards either by the count alone.
        """
        own = self.seed_theme_ == theme
        scores = {}
        for polarity in (Polarity.POSITIVE, Polarity.NEGATIVE):
            values = sims[own & (self.seed_polarity_ == polarity.value)]
            scores[polarity] = (
                float(np.sort(values)[-_POLARITY_TOP_K:].mean()) if len(values) else -np.inf
            )
        difference = scores[Polarity.POSITIVE] - scores[Polarity.NEGATIVE]
        if difference > self.polarity_margin:
            return Polarity.POSITIVE
        if difference < -self.polarity_margin:
            return Polarity.NEGATIVE
        return Polarity.NEUTRAL
