"""Fit the combiners of voc's language backend and write src/voc/nlp/_langid/stacker.json.

    python scripts/train_langid.py [--dev ../shared/data/langid/dev.csv] [--folds 5]

voc's backend (voc.nlp._langid.stack) is a cascade of two logistic regressions over
fastText / lingua log-probabilities, wordfreq / marker evidence and a nynorsk-vs-bokmål
character n-gram score: ``fast`` without lingua, ``full`` with it. All three models are fitted
on the shared dev set (the only labelled sv/nb/nn/da/en data at hand). The script prints
5-fold held-out figures first, then fits on all rows and writes the weights. Deterministic:
seeded folds, lbfgs, counting.

The n-gram model could memorise the dev set's words, and dev.csv's single words and word
pairs were drawn from the same corpora as its sentences: a model that saw "bustadområde" in a
training sentence labelled nb gets that test word right for a reason real comments don't
share. So whenever the n-gram model scores rows it did not train on (the stackers' own
out-of-fold inputs, the benchmark's held-out fold), the words of those rows' one- and
two-word texts are deleted from its training text first (``hidden_words``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from voc.nlp._langid.backends import FastTextScorer, LinguaScorer
from voc.nlp._langid.ngram import NorwegianStandardNB, StandardSplit
from voc.nlp._langid.stack import SHORT, Cascade, LanguageStacker, feature_matrix
from voc.nlp._langid.text import clean

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "langid" / "dev.csv"
OUT = ROOT / "src" / "voc" / "nlp" / "_langid" / "stacker.json"
FOLDS = 5
SEED = 0


def load_dev(path: Path = DEV) -> pd.DataFrame:
    """The dev set with a ``clean`` column, as detect() hands texts to a backend."""
    frame = pd.read_csv(path, keep_default_na=False)
    frame["clean"] = [clean(t) for t in frame["text"].astype(str)]
    return frame


def short_text_words(texts: list[str], rows: np.ndarray | list[int]) -> frozenset[str]:
    """Lower-case words of the one- and two-word texts among ``rows``."""
    words: set[str] = set()
    for i in rows:
        tokens = texts[i].lower().split()
        if len(tokens) <= 2:
            words.update(tokens)
    return frozenset(words)


def fit_nb_nn(texts: list[str], y: np.ndarray, hidden_words: frozenset[str]) -> NorwegianStandardNB:
    """The nb/nn n-gram model, fitted on ``texts`` with ``hidden_words`` deleted from them."""
    shown = [" ".join(w for w in t.lower().split() if w not in hidden_words) for t in texts]
    return NorwegianStandardNB().fit(shown, list(y))


def out_of_fold_nb_nn(
    texts: list[str], y: np.ndarray, hidden_words: frozenset[str] = frozenset()
) -> np.ndarray:
    """n-gram scores of every row from a model that neither saw the row nor its fold's words."""
    scores = np.zeros(len(texts))
    for train, test in fold_indices(y, seed=SEED + 1):
        hide = hidden_words | short_text_words(texts, test)
        model = fit_nb_nn([texts[i] for i in train], y[train], hide)
        scores[test] = model.score([texts[i].lower().split() for i in test])
    return scores


def fit_cascade(
    texts: list[str],
    y: np.ndarray,
    fasttext: list,
    lingua: list,
    skip_lingua_at: float,
    hidden_words: frozenset[str] = frozenset(),
) -> Cascade:
    """Fit the n-gram model and both stages on the given rows.

    ``hidden_words``: words the n-gram model must not learn (the held-out rows' short texts).
    """
    nb_nn = out_of_fold_nb_nn(texts, y, hidden_words)
    short = np.array([len(t) <= SHORT for t in texts])
    stages = []
    for X in (feature_matrix(texts, fasttext), feature_matrix(texts, fasttext, lingua)):
        stacker = LanguageStacker().fit(X, y)
        split = StandardSplit().fit(stacker.predict_proba(X), stacker.classes_, nb_nn, short, y)
        stages.append((stacker, split))
    (fast, fast_split), (full, full_split) = stages
    return Cascade(
        fast=fast,
        full=full,
        nb_nn=fit_nb_nn(texts, y, hidden_words),
        fast_split=fast_split,
        full_split=full_split,
        skip_lingua_at=skip_lingua_at,
    )


def fold_indices(
    y: np.ndarray, folds: int = FOLDS, seed: int = SEED
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The seeded stratified folds that both this script and bench/langid.py use."""
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(y)), y))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--skip-lingua-at", type=float, default=0.95)
    args = parser.parse_args()
    frame = load_dev(args.dev)
    texts = frame["clean"].tolist()
    y = frame["lang"].to_numpy(dtype=str)
    fasttext = FastTextScorer().predict_proba(texts)
    lingua = LinguaScorer().predict_proba(texts)

    def four(a: np.ndarray) -> np.ndarray:
        return np.where(np.isin(a, ["nb", "nn"]), "no", a)

    short = frame["text"].str.len().to_numpy() <= 20
    pick = lambda rows, idx: [rows[i] for i in idx]  # noqa: E731
    for train, test in fold_indices(y, args.folds):
        model = fit_cascade(
            pick(texts, train),
            y[train],
            pick(fasttext, train),
            pick(lingua, train),
            0.0,
            short_text_words(texts, test),
        )
        nb_nn = model.nb_nn.score([texts[i].lower().split() for i in test])
        short_test = np.array([len(texts[i]) <= SHORT for i in test])
        for name, stage, split in (
            ("fast", model.fast, model.fast_split),
            ("full", model.full, model.full_split),
        ):
            X = feature_matrix(
                pick(texts, test),
                pick(fasttext, test),
                pick(lingua, test) if name == "full" else None,
            )
            p = split.adjust(stage.predict_proba(X), stage.classes_, nb_nn, short_test)
            pred = np.asarray(stage.classes_)[p.argmax(axis=1)]
            hit = four(pred) == four(y[test])
            print(
                f"fold {name}: 4-way {hit.mean():.3f}, <=20 {hit[short[test]].mean():.3f}, "
                f"5-way {(pred == y[test]).mean():.3f}"
            )
    final = fit_cascade(texts, y, fasttext, lingua, args.skip_lingua_at)
    OUT.write_text(json.dumps(final.to_dict(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
