"""Fit the combiners of voc's language backend and write src/voc/nlp/_langid/stacker.json.

    python scripts/train_langid.py [--dev ../shared/data/langid/dev.csv] [--folds 5]

voc's backend (voc.nlp._langid.stack) is a cascade of two logistic regressions over
fastText / lingua log-probabilities and wordfreq / marker evidence: ``fast`` without lingua,
``full`` with it. Both are fitted on the shared dev set (the only labelled sv/nb/nn/da/en
data at hand). The script prints 5-fold held-out figures first, then fits on all rows and
writes the weights. Deterministic: seeded folds, lbfgs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from voc.nlp._langid.backends import FastTextScorer, LinguaScorer
from voc.nlp._langid.stack import Cascade, LanguageStacker, feature_matrix
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


def fit_cascade(
    texts: list[str], y: np.ndarray, fasttext: list, lingua: list, skip_lingua_at: float
) -> Cascade:
    """Fit both stages on the given rows."""
    fast = LanguageStacker().fit(feature_matrix(texts, fasttext), y)
    full = LanguageStacker().fit(feature_matrix(texts, fasttext, lingua), y)
    return Cascade(fast=fast, full=full, skip_lingua_at=skip_lingua_at)


def fold_indices(y: np.ndarray, folds: int = FOLDS) -> list[tuple[np.ndarray, np.ndarray]]:
    """The seeded stratified folds that both this script and bench/langid.py use."""
    splitter = StratifiedKFold(folds, shuffle=True, random_state=SEED)
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
    for train, test in fold_indices(y, args.folds):
        pick = lambda rows, idx: [rows[i] for i in idx]  # noqa: E731
        model = fit_cascade(
            pick(texts, train), y[train], pick(fasttext, train), pick(lingua, train), 0.0
        )
        for name, stage in (("fast", model.fast), ("full", model.full)):
            X = feature_matrix(
                pick(texts, test),
                pick(fasttext, test),
                pick(lingua, test) if name == "full" else None,
            )
            p = stage.predict_proba(X)
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
