"""Benchmark of voc's language identification on the shared sv/nb/nn/da/en dev set.

Prints tables (not a timed test). Run from the repository root:

    python bench/langid.py                 # every backend + voc's default, export mode
    python bench/langid.py --backends voc  # just one

The dev set is read from ../shared/data/langid/dev.csv (relative to the repo root); when it
is absent the benchmark says so and exits 0. The process pins itself to one CPU core, so
texts/s is a one-core figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "langid" / "dev.csv"
LANGS = ("sv", "nb", "nn", "da", "en")
BUCKETS = (("<=20", 0, 20), ("21-60", 21, 60), ("61-150", 61, 150), (">150", 151, 10**9))
# Company-like exports: (name, language shares). Drawn from dev.csv with a fixed seed.
EXPORTS = (
    ("SE 85/10/5", {"sv": 0.85, "en": 0.10, "nb": 0.05}),
    ("NO 70/15/15", {"nb": 0.70, "nn": 0.15, "en": 0.15}),
    ("DK 80/15/5", {"da": 0.80, "en": 0.15, "sv": 0.05}),
    ("NN 60/30/10", {"nn": 0.60, "nb": 0.30, "en": 0.10}),
)
EXPORT_SIZE = 400  # one held-out fold holds 400 rows per language
EXPORT_REPEATS = 10


def pin_to_one_core() -> None:
    """Make every figure a one-core figure (BLAS/rayon/OpenMP pools sized 1 as well)."""
    for var in ("RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


@dataclass(frozen=True)
class Scores:
    four_way: float
    macro_f1: float
    nb_nn_f1: float
    by_bucket: dict[str, float]
    und_rate: float


def four(lang: str) -> str:
    return "no" if lang in {"nb", "nn", "no"} else lang


def f1(gold: Sequence[str], pred: Sequence[str], lang: str) -> float:
    tp = sum(g == lang and p == lang for g, p in zip(gold, pred, strict=True))
    fp = sum(g != lang and p == lang for g, p in zip(gold, pred, strict=True))
    fn = sum(g == lang and p != lang for g, p in zip(gold, pred, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def score(texts: Sequence[str], gold: Sequence[str], pred: Sequence[str]) -> Scores:
    hit = [four(g) == four(p) for g, p in zip(gold, pred, strict=True)]
    present = [lang for lang in LANGS if lang in set(gold)]  # macro over languages present
    by_bucket = {}
    for name, lo, hi in BUCKETS:
        sel = [h for t, h in zip(texts, hit, strict=True) if lo <= len(t) <= hi]
        by_bucket[name] = sum(sel) / len(sel) if sel else float("nan")
    return Scores(
        four_way=sum(hit) / len(hit),
        macro_f1=sum(f1(gold, pred, lang) for lang in present) / len(present),
        nb_nn_f1=(f1(gold, pred, "nb") + f1(gold, pred, "nn")) / 2,
        by_bucket=by_bucket,
        und_rate=sum(p == "und" for p in pred) / len(pred),
    )


def run_backend(detect, texts: list[str], backend: str) -> tuple[list[str], float]:  # type: ignore[no-untyped-def]
    detect(texts[:50], backend=backend)  # load models outside the clock
    start = time.perf_counter()
    guesses = detect(texts, backend=backend)
    elapsed = time.perf_counter() - start
    return [g.lang for g in guesses], len(texts) / elapsed


def cross_fitted_backends(texts: list[str], gold: list[str]) -> list[tuple[str, list[int]]]:
    """Refit voc's combiners on 4/5 of dev.csv, register each as a backend for its held-out 1/5.

    voc's shipped weights are fitted on dev.csv itself, so its figures here are held-out:
    every row is scored by a model that never saw it, and whose n-gram model never saw the
    words of the held-out one- and two-word texts (see scripts/train_langid.py).
    """
    import numpy as np

    sys.path.insert(0, str(ROOT / "scripts"))
    from train_langid import fit_cascade, fold_indices, short_text_words

    from voc.nlp._langid.backends import FastTextScorer, LinguaScorer
    from voc.nlp._langid.stack import VocScorer, shipped_cascade
    from voc.nlp._langid.text import clean
    from voc.nlp.langid import register_backend

    cleaned = [clean(t) for t in texts]
    fasttext = FastTextScorer().predict_proba(cleaned)
    lingua = LinguaScorer().predict_proba(cleaned)
    y = np.asarray(gold)
    out = []
    for k, (train, test) in enumerate(fold_indices(y)):
        cascade = fit_cascade(
            [cleaned[i] for i in train],
            y[train],
            [fasttext[i] for i in train],
            [lingua[i] for i in train],
            shipped_cascade().skip_lingua_at,
            hidden_words=short_text_words(cleaned, test),
        )
        register_backend(f"voc-fold{k}", VocScorer(cascade))
        out.append((f"voc-fold{k}", test.tolist()))
    return out


def held_out_guesses(detect, texts: list[str], folds) -> list:  # type: ignore[no-untyped-def]
    guesses: list = [None] * len(texts)
    for backend, idx in folds:
        for i, g in zip(idx, detect([texts[i] for i in idx], backend=backend), strict=True):
            guesses[i] = g
    return guesses


def is_right(lang: str, gold: str) -> bool:
    """Right at the level of the answer given: ``no`` is right for nb and nn."""
    return lang == gold or (lang == "no" and gold in {"nb", "nn"})


CONFIDENCE_BANDS = ((0.0, 0.5), (0.5, 0.8), (0.8, 0.95), (0.95, 1.01))


def calibration(texts: Sequence[str], gold: Sequence[str], guesses: Sequence) -> list[str]:
    """Is ``confidence`` honest? Per band: how many, mean confidence, share right."""
    rows = [
        "| length | confidence | n | share | mean confidence | right | 4-way right |",
        "|" + "---|" * 7,
    ]
    for length, keep in (("<=20", lambda t: len(t) <= 20), ("all", lambda t: True)):
        items = [(g, y) for t, g, y in zip(texts, guesses, gold, strict=True) if keep(t)]
        for lo, hi in CONFIDENCE_BANDS:
            band = [(g, y) for g, y in items if lo <= g.confidence < hi and g.lang != "und"]
            if not band:
                continue
            conf = sum(g.confidence for g, _ in band) / len(band)
            right = sum(is_right(g.lang, y) for g, y in band) / len(band)
            four_right = sum(four(g.lang) == four(y) for g, y in band) / len(band)
            rows.append(
                f"| {length} | {lo:.2f}-{min(hi, 1.0):.2f} | {len(band)} | "
                f"{len(band) / len(items):.1%} | {conf:.3f} | {right:.1%} | {four_right:.1%} |"
            )
    return rows


def export_batches(gold: Sequence[str], folds, seed: int = 0) -> list[tuple[str, str, list[int]]]:  # type: ignore[no-untyped-def]
    """(mix name, backend, row indices) for company-like exports, one fold's rows each."""
    import random

    rng = random.Random(seed)
    batches = []
    for name, shares in EXPORTS:
        for r in range(EXPORT_REPEATS):
            backend, rows = folds[r % len(folds)]
            by_lang: dict[str, list[int]] = {lang: [] for lang in LANGS}
            for i in rows:
                by_lang[gold[i]].append(i)
            idx: list[int] = []
            for lang, share in shares.items():
                idx += rng.sample(by_lang[lang], round(share * EXPORT_SIZE))
            batches.append((name, backend, sorted(idx)))
    return batches


def export_mode(detect, texts: list[str], gold: list[str], folds) -> list[str]:  # type: ignore[no-untyped-def]
    rows = []
    results: dict[str, list[tuple[str, str, str, str, bool]]] = {}
    for name, backend, idx in export_batches(gold, folds):
        batch = [texts[i] for i in idx]
        plain = detect(batch, backend=backend)
        survey = detect(batch, backend=backend, prior="survey")
        for i, a, b in zip(idx, plain, survey, strict=True):
            results.setdefault(name, []).append(
                (texts[i], gold[i], a.lang, b.lang, b.decided_by_prior)
            )
    header = (
        "| export | n | 4-way | 4-way +prior | <=20 | <=20 +prior | 5-way F1 | +prior | by prior |"
    )
    rows += [header, "|" + "---|" * 9]
    for name, items in [*results.items(), ("all", [r for v in results.values() for r in v])]:
        t = [r[0] for r in items]
        g = [r[1] for r in items]
        a = score(t, g, [r[2] for r in items])
        b = score(t, g, [r[3] for r in items])
        by_prior = sum(r[4] for r in items) / len(items)
        rows.append(
            f"| {name} | {len(items)} | {a.four_way:.1%} | {b.four_way:.1%} | "
            f"{a.by_bucket['<=20']:.1%} | {b.by_bucket['<=20']:.1%} | "
            f"{a.macro_f1:.3f} | {b.macro_f1:.3f} | {by_prior:.1%} |"
        )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", nargs="*", help="backends to run (default: all)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N rows")
    parser.add_argument("--no-export", action="store_true", help="skip export mode")
    args = parser.parse_args(argv)
    if not DEV.exists():
        print(f"langid benchmark skipped: {DEV} not found (it lives in the shared folder).")
        return 0
    pin_to_one_core()
    import pandas as pd

    from voc.config import Settings
    from voc.nlp.langid import BACKENDS, detect

    frame = pd.read_csv(DEV, keep_default_na=False)
    if args.limit:
        frame = frame.iloc[: args.limit]
    texts = frame["text"].astype(str).tolist()
    gold = frame["lang"].astype(str).tolist()
    default = Settings().language_backend
    backends = args.backends or list(BACKENDS)
    print(f"dev set: {DEV} ({len(texts)} rows); voc default backend: {default}; one core\n")
    print(
        "| backend | 4-way acc | 5-way macro-F1 | nb/nn F1 | <=20 | 21-60 | 61-150 | >150 "
        "| und | texts/s |"
    )
    print("|" + "---|" * 10)
    folds = None
    held_out: list = []
    if "voc" in backends or default == "voc":
        folds = cross_fitted_backends(texts, gold)
    for backend in backends:
        pred, speed = run_backend(detect, texts, backend)
        name = f"{backend} (default)" if backend == default else backend
        if backend == "voc" and folds is not None:
            held_out = held_out_guesses(detect, texts, folds)
            pred = [g.lang for g in held_out]
            name += " [5-fold held-out]"
        s = score(texts, gold, pred)
        b = s.by_bucket
        print(
            f"| {name} | {s.four_way:.1%} | {s.macro_f1:.3f} | {s.nb_nn_f1:.3f} | "
            f"{b['<=20']:.1%} | {b['21-60']:.1%} | {b['61-150']:.1%} | {b['>150']:.1%} | "
            f"{s.und_rate:.1%} | {speed:,.0f} |",
            flush=True,
        )
    if held_out:
        print(
            "\ncalibration, voc held-out, no prior (right: the answer itself is right, `no` "
            "for nb or nn; 4-way right: sv / no / da / en)\n"
        )
        print("\n".join(calibration(texts, gold, held_out)))
    if not args.no_export:
        if folds is None or default != "voc":
            folds = [(default, list(range(len(texts))))]
        print(
            f"\nexport mode, backend {default} (held-out folds for voc): {EXPORT_REPEATS} "
            f"batches of {EXPORT_SIZE} per mix, without and with prior='survey'\n"
        )
        print("\n".join(export_mode(detect, texts, gold, folds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
