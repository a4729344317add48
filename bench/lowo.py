"""The frozen theme protocol: the Nordic corpus, leave-one-writer-out, and its metrics.

Imported by ``bench/themes.py`` (``--part corpus`` / ``--part holdout``) and by
``scripts/train_theme_head.py``. The protocol is in ``bench/data/nordic_corpus/README.md``:
every figure trains and tunes on the development writers but one and tests on the one left
out; writer ``w6`` is set aside and read only by :func:`load_corpus` with ``holdout=True``.
"""

from __future__ import annotations

import csv
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from voc.nlp.embed import Embedder
from voc.nlp.head import POLARITY_CLASSES
from voc.nlp.hybrid import HYBRID_THRESHOLD, HybridThemeModel, LabelledComments
from voc.nlp.taxonomy import Taxonomy
from voc.nlp.themes import GuidedThemeModel

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT / "bench" / "data" / "nordic_corpus"
OLD_DEV = ROOT / "bench" / "data" / "nordic_themes_dev.csv"
HOLDOUT_WRITER = "w6"
CORPUS_LANGS = ("sv", "nb", "nn", "da", "en")

Labels = dict[str, str]  # theme id -> polarity


def parse_labels(cell: str) -> Labels:
    """``"billing:negative;price:positive"`` -> {"billing": "negative", "price": "positive"}."""
    out: Labels = {}
    for part in str(cell or "").split(";"):
        if ":" in part:
            theme, polarity = part.strip().split(":", 1)
            out[theme.strip()] = polarity.strip()
    return out


def load_corpus(holdout: bool = False) -> pd.DataFrame:
    """The development writers (w0 = the older dev set, w1 ...), or only the set-aside one.

    Columns: id, writer, lang, text, labels (dict), score (float or NaN), company_kind,
    touchpoint, off_taxonomy (True for the dev set's comments about subjects outside the
    themes).
    """
    frames = []
    if not holdout:
        old = pd.read_csv(OLD_DEV, dtype=str, keep_default_na=False)
        frames.append(
            pd.DataFrame(
                {
                    "id": "w0-" + old["id"],
                    "writer": "w0",
                    "lang": old["lang"],
                    "text": old["text"],
                    "labels": old["labels"],
                    "score": "",
                    "company_kind": "",
                    "touchpoint": "",
                    # The dev set's comments about subjects outside the themes
                    # (debtor treatment, security): no theme, but not generic either.
                    "off_taxonomy": old["off_taxonomy"].ne(""),
                }
            )
        )
    for path in sorted(CORPUS_DIR.glob("w*.csv")):
        writer = path.stem
        if (writer == HOLDOUT_WRITER) != holdout:
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if not rows:
            continue
        frame = pd.DataFrame(rows)
        frame = frame[
            ["id", "writer", "lang", "text", "labels", "score", "company_kind", "touchpoint"]
        ]
        frames.append(frame.assign(off_taxonomy=False))
    if not frames:
        return pd.DataFrame(
            columns=["id", "writer", "lang", "text", "labels", "score", "off_taxonomy"]
        )
    data = pd.concat(frames, ignore_index=True)
    data["labels"] = data["labels"].map(parse_labels)
    data["score"] = pd.to_numeric(data["score"], errors="coerce")
    return data


def label_matrix(labels: Sequence[Labels], theme_ids: Sequence[str]) -> np.ndarray:
    """(comments, themes) 0/1 matrix of the themes each comment carries."""
    return np.array([[t in row for t in theme_ids] for row in labels], dtype=np.int8)


def polarity_matrix(labels: Sequence[Labels], ids: Sequence[str]) -> np.ndarray:
    """(comments, themes) index of each carried theme's polarity in POLARITY_CLASSES, else -1."""
    return np.array(
        [
            [POLARITY_CLASSES.index(row[t]) if row.get(t) in POLARITY_CLASSES else -1 for t in ids]
            for row in labels
        ],
        dtype=np.int8,
    )


# --- metrics ----------------------------------------------------------------------------
def prf(gold: Sequence[Labels], pred: Sequence[Labels]) -> tuple[float, float, float]:
    """Micro precision, recall and F1 over (comment, theme) pairs."""
    tp = sum(len(set(g) & set(p)) for g, p in zip(gold, pred, strict=True))
    n_pred = sum(len(p) for p in pred)
    n_gold = sum(len(g) for g in gold)
    return tp / max(n_pred, 1), tp / max(n_gold, 1), 2 * tp / max(n_pred + n_gold, 1)


def theme_f1(gold: Sequence[Labels], pred: Sequence[Labels], theme: str) -> tuple[float, int]:
    """F1 of one theme and its number of gold mentions."""
    tp = sum(theme in g and theme in p for g, p in zip(gold, pred, strict=True))
    n_gold = sum(theme in g for g in gold)
    n = n_gold + sum(theme in p for p in pred)
    return 2 * tp / max(n, 1), n_gold


def polarity_accuracy(gold: Sequence[Labels], pred: Sequence[Labels]) -> float:
    """Share of correctly found themes whose polarity is right too."""
    pairs = [(g[t], p[t]) for g, p in zip(gold, pred, strict=True) for t in set(g) & set(p)]
    return sum(a == b for a, b in pairs) / max(len(pairs), 1)


def calibration_bins(
    probs: np.ndarray, truth: np.ndarray, edges: Sequence[float] = (0, 0.1, 0.3, 0.5, 0.7, 0.9, 1)
) -> list[tuple[str, int, float, float]]:
    """(bin, count, mean predicted, observed rate) over every (comment, theme) cell."""
    out = []
    flat_p, flat_t = probs.ravel(), truth.ravel()
    for low, high in itertools.pairwise(edges):
        inside = (flat_p >= low) & ((flat_p < high) | (high == 1))
        if inside.any():
            out.append(
                (
                    f"{low:.1f}-{high:.1f}",
                    int(inside.sum()),
                    float(flat_p[inside].mean()),
                    float(flat_t[inside].mean()),
                )
            )
    return out


# --- the protocol -----------------------------------------------------------------------
@dataclass
class Predictions:
    """Pooled left-out predictions of one configuration."""

    labels: list[Labels] = field(default_factory=list)
    probs: list[np.ndarray] = field(default_factory=list)
    seconds: float = 0.0
    rows: list[int] = field(default_factory=list)


# fit(train frame) -> predict(test frame) -> (labels per row, (rows, themes) probabilities)
Method = Callable[[pd.DataFrame], Callable[[pd.DataFrame], tuple[list[Labels], np.ndarray]]]


def leave_one_writer_out(data: pd.DataFrame, method: Method) -> Predictions:
    """Train on every writer but one, predict the one left out; pooled, in ``data`` order."""
    out = Predictions()
    order: list[int] = []
    for writer in sorted(data["writer"].unique()):
        test = data[data["writer"] == writer]
        predict = method(data[data["writer"] != writer])
        start = time.perf_counter()
        labels, probs = predict(test)
        out.seconds += time.perf_counter() - start
        out.labels.extend(labels)
        out.probs.append(probs)
        order.extend(test.index.tolist())
    position = {row: i for i, row in enumerate(order)}
    sort = [position[row] for row in data.index]
    out.labels = [out.labels[i] for i in sort]
    stacked = np.vstack(out.probs) if out.probs else np.zeros((0, 0))
    out.probs = [stacked[sort]]
    out.rows = list(data.index)
    return out


# --- methods ----------------------------------------------------------------------------
def hybrid_method(
    taxonomy: Taxonomy,
    embedder: Embedder,
    *,
    supervised: bool = True,
    head_params: dict[str, object] | None = None,
    views: str = "max",
    view_training: bool = True,
    threshold: float = HYBRID_THRESHOLD,
    adapt: bool = False,
) -> Method:
    """The hybrid model (or its prototype part alone) as a protocol method."""
    theme_ids = list(taxonomy.ids)

    def fit(train: pd.DataFrame) -> Callable[[pd.DataFrame], tuple[list[Labels], np.ndarray]]:
        training = LabelledComments(
            tuple(train["text"]),
            tuple(theme_ids),
            label_matrix(train["labels"], theme_ids),
            tuple(train["lang"]),
            polarity=polarity_matrix(train["labels"], theme_ids),
            off_taxonomy=train["off_taxonomy"].to_numpy(dtype=bool)
            if "off_taxonomy" in train
            else None,
        )
        model = HybridThemeModel(
            taxonomy,
            embedder,
            training=training if supervised else None,
            head_params=head_params,
            views=views,
            view_training=view_training,
            threshold=threshold,
        ).fit()

        def predict(test: pd.DataFrame) -> tuple[list[Labels], np.ndarray]:
            score = model.transform_adapted if adapt else model.transform_scored
            found, probs = score(test["text"].tolist(), test["lang"].tolist())
            return [{h.theme_id: h.polarity.value for h in a.hits} for a in found], probs

        return predict

    return fit


def guided_method(taxonomy: Taxonomy, embedder: Embedder) -> Method:
    """The guided (prototype-only) model as it shipped before the hybrid one."""

    def fit(train: pd.DataFrame) -> Callable[[pd.DataFrame], tuple[list[Labels], np.ndarray]]:
        model = GuidedThemeModel(taxonomy, embedder).fit()

        def predict(test: pd.DataFrame) -> tuple[list[Labels], np.ndarray]:
            found = model.transform(test["text"].tolist(), test["lang"].tolist())
            probs = model.theme_probabilities(test["text"].tolist())
            return [{h.theme_id: h.polarity.value for h in a.hits} for a in found], probs

        return predict

    return fit
