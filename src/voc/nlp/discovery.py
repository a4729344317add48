"""Theme discovery: propose new themes from what the taxonomy left unassigned.

The idea is BERTopic's (embed -> reduce -> cluster -> represent, each step swappable) with
its known failures fixed:

* **Cross-language alignment.** Multilingual embeddings of a Swedish and a Norwegian
  comment on the same subject are close, but every language also shifts its comments in
  a direction of its own, so plain clustering tends to find "the Swedish comments". Each
  language's mean vector is removed before clustering, so one theme holds all languages
  and gets a label and quotes in each.
* **Outliers.** HDBSCAN leaves 30-50% of short comments as noise. Here every comment is
  assigned to its nearest theme centroid when it is about as close as the theme's own
  members; the rest (at most ``max_outlier_share``) stay outliers, each with a reason.
* **Small data.** Below ``small_data_below`` comments, UMAP's neighbour graph is too thin
  to trust: clustering runs on the vectors themselves (agglomerative, cosine), which works
  from 30 comments up.
* **Determinism and consistency.** ``random_state`` reaches UMAP; assignment is nearest
  centroid in the embedding space, so ``transform`` on one comment equals its row in a
  batch, and ``fit`` then ``transform`` on the same data reproduces ``labels_``.
* **Keywords.** c-TF-IDF with sv / nb / nn / da / en stop words (see :mod:`voc.nlp.keywords`).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from voc.nlp.embed import Embedder
from voc.nlp.keywords import class_tfidf

log = logging.getLogger(__name__)

OUTLIER = -1
REASON_FAR = "far from every theme: closest theme {topic} at similarity {sim:.2f}"
REASON_NO_TOPICS = "too few similar comments to form any theme"
_FORMAT_VERSION = 1
# Without UMAP + HDBSCAN the agglomerative path needs an n x n matrix: fine up to here.
_FALLBACK_MAX = 5000
# Cutoffs sit this far below the similarity that set them: far above float32 rounding
# of a 384-1024 dimension dot product, far below any difference that matters.
_SLACK = 1e-5


@dataclass(frozen=True)
class DiscoveryQuote:
    """A representative comment of a discovered theme (``index`` is its row in ``fit``)."""

    index: int
    text: str
    language: str
    similarity: float


@dataclass(frozen=True)
class DiscoveredTheme:
    """A proposed new theme: keywords, a short label per language, size and quotes."""

    topic_id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    languages: dict[str, int]
    labels: dict[str, str] = field(default_factory=dict)
    keywords_by_language: dict[str, tuple[str, ...]] = field(default_factory=dict)
    quotes: dict[str, tuple[DiscoveryQuote, ...]] = field(default_factory=dict)
    cohesion: float = 0.0


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32)


class ThemeDiscovery:
    """Clusters comment embeddings into proposed themes; scikit-learn style ``fit``/``transform``.

    Args:
        min_topic_size: smallest theme worth proposing; None picks ``max(3, n // 50)``
            capped at 15, so a 30-comment survey can still show a theme of three.
        n_neighbors, n_components: UMAP's neighbourhood size and output dimension.
        small_data_below: below this many comments cluster without UMAP.
        small_data_cut: in small-data mode, comments join while their average distance is
            below this quantile of all pairwise distances.
        merge_similarity: themes whose centroids are closer than this merge into one.
        max_outlier_share: at most this share of comments stays unassigned.
        align_languages: remove each language's mean vector before clustering.
        n_keywords, n_quotes: keywords per theme; quotes per theme and language.
        random_state: seeds UMAP; the same input gives the same themes.
    """

    def __init__(
        self,
        *,
        min_topic_size: int | None = None,
        n_neighbors: int = 15,
        n_components: int = 5,
        small_data_below: int = 200,
        small_data_cut: float = 0.2,
        merge_similarity: float = 0.9,
        max_outlier_share: float = 0.10,
        align_languages: bool = True,
        n_keywords: int = 8,
        n_quotes: int = 3,
        random_state: int = 0,
    ):
        self.min_topic_size = min_topic_size
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.small_data_below = small_data_below
        self.small_data_cut = small_data_cut
        self.merge_similarity = merge_similarity
        self.max_outlier_share = max_outlier_share
        self.align_languages = align_languages
        self.n_keywords = n_keywords
        self.n_quotes = n_quotes
        self.random_state = random_state

    # --- geometry -------------------------------------------------------------------
    def _aligned(self, embeddings: np.ndarray, languages: Sequence[str] | None) -> np.ndarray:
        x = np.asarray(embeddings, dtype=np.float32)
        if not len(x):
            return x
        if self.align_languages:
            langs = list(languages) if languages is not None else [""] * len(x)
            x = x - np.stack([self.language_means_.get(g, self.global_mean_) for g in langs])
        if len(self.nuisance_):
            x = x - (x @ self.nuisance_.T) @ self.nuisance_
        return _normalise(x)

    def _fit_means(self, x: np.ndarray, languages: Sequence[str] | None) -> None:
        self.global_mean_ = x.mean(axis=0)
        self.language_means_: dict[str, np.ndarray] = {}
        if languages is None:
            return
        counts = Counter(languages)
        for lang, n in counts.items():
            # A language with a handful of comments has a noisy mean: shrink it to the
            # global mean rather than let three comments define "Norwegian".
            rows = np.fromiter((i for i, g in enumerate(languages) if g == lang), dtype=int)
            weight = n / (n + 2.0)
            self.language_means_[lang] = (
                weight * x[rows].mean(axis=0) + (1 - weight) * self.global_mean_
            )

    def _min_size(self, n: int) -> int:
        if self.min_topic_size is not None:
            return int(self.min_topic_size)
        return int(min(15, max(3, n // 50)))

    # --- clustering -----------------------------------------------------------------
    def _cluster(self, x: np.ndarray) -> np.ndarray:
        n = len(x)
        size = self._min_size(n)
        if n < self.small_data_below:
            return self._cluster_small(x, size)
        try:
            import hdbscan
            import umap
        except ImportError as exc:
            if n > _FALLBACK_MAX:
                raise ImportError(
                    f"discovery on {n} comments needs umap-learn and hdbscan: "
                    "pip install 'voc[discovery]'"
                ) from exc
            log.warning("umap-learn/hdbscan not installed: clustering %d comments without them", n)
            return self._cluster_small(x, size)

        reducer = umap.UMAP(
            n_neighbors=min(self.n_neighbors, n - 1),
            n_components=self.n_components,
            min_dist=0.0,
            metric="cosine",
            random_state=self.random_state,
            n_jobs=1,
        )
        reduced = reducer.fit_transform(x)
        clusterer = hdbscan.HDBSCAN(
            min_cluster_size=size, min_samples=None, cluster_selection_method="eom"
        )
        return np.asarray(clusterer.fit_predict(reduced), dtype=int)

    def _cluster_small(self, x: np.ndarray, size: int) -> np.ndarray:
        from sklearn.cluster import AgglomerativeClustering

        if len(x) < 2 * size:
            return np.zeros(len(x), dtype=int) if len(x) >= size else np.full(len(x), OUTLIER)
        # Cut the average-linkage tree where merges stop being between similar comments:
        # a low quantile of all pairwise distances is a scale-free bar for any embedder.
        distances = 1.0 - x @ x.T
        cut = float(np.quantile(distances[np.triu_indices(len(x), 1)], self.small_data_cut))
        model = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=cut
        )
        labels = model.fit_predict(x)
        counts = Counter(labels.tolist())
        return np.array([lab if counts[lab] >= size else OUTLIER for lab in labels], dtype=int)

    def _centroids(self, x: np.ndarray, labels: np.ndarray) -> np.ndarray:
        ids = sorted(set(labels.tolist()) - {OUTLIER})
        if not ids:
            return np.zeros((0, x.shape[1]), dtype=np.float32)
        return _normalise(np.stack([x[labels == t].mean(axis=0) for t in ids]))

    def _merge(self, centroids: np.ndarray) -> np.ndarray:
        """Map each cluster to a merged group: centroids above ``merge_similarity`` join."""
        group = np.arange(len(centroids))
        sims = centroids @ centroids.T
        for i in range(len(centroids)):
            for j in range(i + 1, len(centroids)):
                if sims[i, j] >= self.merge_similarity:
                    group[group == group[j]] = group[i]
        _, dense = np.unique(group, return_inverse=True)
        return np.asarray(dense, dtype=int)

    # --- fitting --------------------------------------------------------------------
    def fit(
        self,
        embeddings: np.ndarray,
        texts: Sequence[str],
        languages: Sequence[str] | None = None,
        *,
        nuisance: np.ndarray | None = None,
    ) -> ThemeDiscovery:
        """Find themes in ``embeddings`` (one row per text, any embedder, normalised).

        Args:
            embeddings: (n, dim) vectors of ``texts``.
            texts: the comments, for keywords and quotes.
            languages: language code per comment, for alignment and per-language labels.
            nuisance: (k, dim) directions that must not separate themes, removed before
                clustering; :func:`sentiment_direction` gives the praise/complaint axis, so
                "too harsh with our customers" and "treats our customers with respect"
                land in one theme.
        """
        x_raw = np.asarray(embeddings, dtype=np.float32)
        if x_raw.ndim != 2 or len(x_raw) != len(texts):
            raise ValueError(f"embeddings must be (n, dim) with n == len(texts) == {len(texts)}")
        if languages is not None and len(languages) != len(texts):
            raise ValueError("languages must have one entry per text")
        self.nuisance_ = _orthonormal(nuisance, x_raw.shape[1])
        self._fit_means(x_raw, languages)
        x = self._aligned(x_raw, languages)
        raw_labels = self._cluster(x) if len(x) else np.zeros(0, dtype=int)
        centroids = self._centroids(x, raw_labels)
        if len(centroids):
            groups = self._merge(centroids)
            ids = sorted(set(raw_labels.tolist()) - {OUTLIER})
            remap = {t: int(groups[i]) for i, t in enumerate(ids)}
            raw_labels = np.array([remap.get(t, OUTLIER) for t in raw_labels], dtype=int)
            centroids = self._centroids(x, raw_labels)
        self.centroids_ = centroids
        self.cutoffs_ = self._cutoffs(x, raw_labels)
        # Order themes by size (topic 0 is the largest, as reports list them) and drop any
        # that nearest-centroid assignment left empty; repeat until nothing changes, so
        # that labels_ is exactly what transform gives on the same comments.
        for _ in range(10):
            labels, best, nearest = self._assign(x)
            counts = Counter(labels[labels >= 0].tolist())
            order = sorted(counts, key=lambda t: (-counts[t], t))
            if order == list(range(len(self.centroids_))):
                break
            self.centroids_ = self.centroids_[order]
            self.cutoffs_ = self.cutoffs_[order]
        self.labels_, best, nearest = self._assign(x)
        self.outlier_reasons_ = self._reasons(best, nearest)
        self.topics_ = self._describe(x, texts, languages)
        return self

    def _cutoffs(self, x: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Per theme: how close must a comment be? As close as its least typical members."""
        if not len(self.centroids_):
            return np.zeros(0, dtype=np.float32)
        sims = x @ self.centroids_.T
        ids = sorted(set(labels.tolist()) - {OUTLIER})
        # Every clustered comment stays in (the least similar member sets the bar); noise
        # points join a theme when they are at least that close to it.
        own = np.array([sims[labels == t, i].min() for i, t in enumerate(ids)], dtype=np.float32)
        # Relax every cutoff by the same amount until at most max_outlier_share is left.
        best = sims.max(axis=1)
        margin = best - own[sims.argmax(axis=1)]
        allowed = int(np.floor(self.max_outlier_share * len(x)))
        if (margin < 0).sum() > allowed:
            # After lowering every cutoff by -shift, only margins below shift stay out.
            shift = float(np.sort(margin)[allowed])
            own = own + min(shift, 0.0)
        # A cutoff equals some comment's own similarity (the least typical member, the
        # comment at the outlier cap): without slack, float rounding in a later product
        # (another BLAS path for one row than for a batch) can push that comment out.
        return (own - _SLACK).astype(np.float32)

    def _assign(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not len(self.centroids_) or not len(x):
            return (
                np.full(len(x), OUTLIER, dtype=int),
                np.zeros(len(x)),
                np.full(len(x), OUTLIER, dtype=int),
            )
        sims = x @ self.centroids_.T
        nearest = sims.argmax(axis=1)
        best = sims[np.arange(len(x)), nearest]
        labels = np.where(best >= self.cutoffs_[nearest], nearest, OUTLIER)
        return labels.astype(int), best, nearest.astype(int)

    def _reasons(self, best: np.ndarray, nearest: np.ndarray) -> dict[int, str]:
        reasons = {}
        for i, lab in enumerate(self.labels_):
            if lab != OUTLIER:
                continue
            if nearest[i] == OUTLIER:
                reasons[i] = REASON_NO_TOPICS
            else:
                reasons[i] = REASON_FAR.format(topic=int(nearest[i]), sim=float(best[i]))
        return reasons

    # --- representation -------------------------------------------------------------
    def _describe(
        self, x: np.ndarray, texts: Sequence[str], languages: Sequence[str] | None
    ) -> list[DiscoveredTheme]:
        langs = list(languages) if languages is not None else ["und"] * len(texts)
        labels = self.labels_
        keywords = class_tfidf(texts, labels.tolist(), top_n=self.n_keywords)
        # Per-language keywords: a class per (theme, language) pair.
        lang_ids = {lang: i for i, lang in enumerate(sorted(set(langs)))}
        pair = [
            int(t) * len(lang_ids) + lang_ids[g] if t >= 0 else OUTLIER
            for t, g in zip(labels.tolist(), langs, strict=True)
        ]
        by_pair = class_tfidf(texts, pair, top_n=self.n_keywords, min_df=1)
        sims = x @ self.centroids_.T if len(self.centroids_) else np.zeros((len(x), 0))
        topics = []
        for t in range(len(self.centroids_)):
            rows = np.flatnonzero(labels == t)
            counts = Counter(langs[i] for i in rows)
            words = tuple(w for w, _ in keywords.get(t, []))
            per_lang_words = {
                g: tuple(w for w, _ in by_pair.get(t * len(lang_ids) + lang_ids[g], []))
                for g in sorted(counts)
            }
            quotes = {}
            phrases = {}
            for g in sorted(counts):
                members = [int(i) for i in rows if langs[int(i)] == g]
                members.sort(key=lambda i: (-sims[i, t], i))
                quotes[g] = tuple(
                    DiscoveryQuote(i, texts[i], g, round(float(sims[i, t]), 4))
                    for i in members[: self.n_quotes]
                )
                phrases[g] = central_phrase(
                    [texts[i] for i in members], per_lang_words[g] or words, g
                )
            central = sorted((int(i) for i in rows), key=lambda i: (-sims[i, t], i))
            phrase = central_phrase([texts[i] for i in central], words, None)
            topics.append(
                DiscoveredTheme(
                    topic_id=t,
                    label=phrase or _short_label(words),
                    keywords=words,
                    size=len(rows),
                    languages=dict(sorted(counts.items())),
                    # A language's own label needs two comments in it: one stray member
                    # ("very dissatisfied" among eight "bra samarbete") would label itself.
                    labels={
                        g: phrases.get(g) or _short_label(w or words)
                        for g, w in per_lang_words.items()
                        if counts[g] >= _MIN_LANGUAGE_LABEL
                    },
                    keywords_by_language=per_lang_words,
                    quotes=quotes,
                    cohesion=round(float(sims[rows, t].mean()), 4) if len(rows) else 0.0,
                )
            )
        return topics

    # --- use ------------------------------------------------------------------------
    def transform(
        self, embeddings: np.ndarray, languages: Sequence[str] | None = None
    ) -> np.ndarray:
        """Theme id per comment (``-1`` = outlier); each row is decided on its own.

        Pass ``languages`` as in ``fit``: each comment is aligned with its language's mean
        (a language not seen in ``fit``, or None, uses the overall mean).
        """
        x = self._aligned(np.asarray(embeddings, dtype=np.float32), languages)
        labels, _, _ = self._assign(x)
        return labels

    @property
    def outlier_share(self) -> float:
        """Share of the fitted comments left as outliers."""
        return float((self.labels_ == OUTLIER).mean()) if len(self.labels_) else 0.0

    def save(self, path: Path | str) -> None:
        """Write the fitted model to ``path`` (a folder: ``model.json`` + ``arrays.npz``)."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        params = {k: getattr(self, k) for k in _PARAMS}
        state = {
            "format": _FORMAT_VERSION,
            "params": params,
            "languages": sorted(self.language_means_),
            "topics": [asdict(t) for t in self.topics_],
            "outlier_reasons": {str(k): v for k, v in self.outlier_reasons_.items()},
        }
        (folder / "model.json").write_text(
            json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        arrays = {
            "centroids": self.centroids_,
            "cutoffs": self.cutoffs_,
            "labels": self.labels_,
            "global_mean": self.global_mean_,
            "nuisance": self.nuisance_,
        }
        arrays.update({f"mean__{k}": v for k, v in self.language_means_.items()})
        np.savez(folder / "arrays.npz", **arrays)

    @classmethod
    def load(cls, path: Path | str) -> ThemeDiscovery:
        """Read a model written by :meth:`save`."""
        folder = Path(path)
        state = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        if state.get("format") != _FORMAT_VERSION:
            raise ValueError(f"{folder}: unsupported discovery model format {state.get('format')}")
        model = cls(**state["params"])
        with np.load(folder / "arrays.npz") as arrays:
            model.centroids_ = arrays["centroids"]
            model.cutoffs_ = arrays["cutoffs"]
            model.labels_ = arrays["labels"]
            model.global_mean_ = arrays["global_mean"]
            model.nuisance_ = arrays["nuisance"]
            model.language_means_ = {k: arrays[f"mean__{k}"] for k in state["languages"]}
        model.outlier_reasons_ = {int(k): v for k, v in state["outlier_reasons"].items()}
        model.topics_ = [_theme_from_dict(t) for t in state["topics"]]
        return model


_PARAMS = (
    "small_data_cut",
    "min_topic_size",
    "n_neighbors",
    "n_components",
    "small_data_below",
    "merge_similarity",
    "max_outlier_share",
    "align_languages",
    "n_keywords",
    "n_quotes",
    "random_state",
)


def _orthonormal(directions: np.ndarray | None, dim: int) -> np.ndarray:
    if directions is None:
        return np.zeros((0, dim), dtype=np.float32)
    d = np.atleast_2d(np.asarray(directions, dtype=np.float64))
    if d.shape[1] != dim:
        raise ValueError(f"nuisance directions must have {dim} columns, got {d.shape[1]}")
    q, _ = np.linalg.qr(d.T)
    return q.T.astype(np.float32)


# Praise and complaint in sv / nb / nn / en with no subject: their difference is the
# sentiment axis of an embedder.
_PRAISE = (
    "very good",
    "excellent",
    "very satisfied",
    "mycket bra",
    "jättebra",
    "mycket nöjd",
    "veldig bra",
    "kjempebra",
    "veldig fornøyd",
    "svært nøgd",
)
_COMPLAINT = (
    "very bad",
    "terrible",
    "very dissatisfied",
    "mycket dåligt",
    "uselt",
    "mycket missnöjd",
    "veldig dårlig",
    "elendig",
    "veldig misfornøyd",
    "svært misnøgd",
)


def sentiment_direction(embedder: Embedder) -> np.ndarray:
    """(1, dim) unit vector from complaint to praise in ``embedder``'s space."""
    axis = embedder.encode(list(_PRAISE)).mean(axis=0) - embedder.encode(list(_COMPLAINT)).mean(
        axis=0
    )
    return (axis / np.linalg.norm(axis))[None, :].astype(np.float32)


_PHRASE_WORDS = (2, 9)
_MIN_LANGUAGE_LABEL = 2
_PHRASE_CANDIDATES = 5


def central_phrase(
    members: Sequence[str], keywords: Sequence[str], language: str | None
) -> str | None:
    """A label a person would write: a short clause from the most central comments.

    Of the ``_PHRASE_CANDIDATES`` comments closest to the theme's centre (``members`` in that
    order), the first clause of two to nine words that holds one of the theme's top
    keywords; failing that, the most central comment's first clause, cut to nine words.
    Keywords ("understood / exactly / fixed") say what a cluster shares; a clause
    ("förstod direkt vad felet var") says what customers say.
    """
    from voc.nlp.segment import segment  # spaCy is imported only when labels are made

    top = [k.lower() for k in keywords[:5]]
    first: str | None = None
    for text in members[:_PHRASE_CANDIDATES]:
        for clause in segment(text, language):
            words = clause.text.strip(" .,!?;:").split()
            if first is None and words:
                first = " ".join(words[: _PHRASE_WORDS[1]])
            lowered = clause.text.lower()
            if _PHRASE_WORDS[0] <= len(words) <= _PHRASE_WORDS[1] and any(
                k in lowered for k in top
            ):
                return " ".join(words)
    return first


def _short_label(words: Sequence[str], n: int = 3) -> str:
    return " / ".join(words[:n]) if words else "(no keywords)"


def _theme_from_dict(raw: dict[str, Any]) -> DiscoveredTheme:
    return DiscoveredTheme(
        topic_id=raw["topic_id"],
        label=raw["label"],
        keywords=tuple(raw["keywords"]),
        size=raw["size"],
        languages=raw["languages"],
        labels=raw["labels"],
        keywords_by_language={k: tuple(v) for k, v in raw["keywords_by_language"].items()},
        quotes={k: tuple(DiscoveryQuote(**q) for q in v) for k, v in raw["quotes"].items()},
        cohesion=raw["cohesion"],
    )
