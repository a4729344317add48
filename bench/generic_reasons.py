"""Where unassigned comments go: generic, a near miss, or on to theme discovery.

    python bench/generic_reasons.py --cache-dir /tmp/voc-cache

Leave one writer out on the Nordic corpus (w0-w5; the set-aside w6 is not read): the hybrid
model is fitted on the other writers and scores the held-out writer's comments; every
comment it leaves without a theme gets a reason. Three groups of comments, by their gold
labels: generic (no theme, not off-taxonomy), off-taxonomy (the dev set's comments about
subjects outside the themes: debtor treatment, security) and themed (a theme the model
missed). Discovery clusters the "no theme close enough" ones, so the wish is: generic ->
generic, off-taxonomy -> discovery, themed -> near miss. Printed with the generic detector
off (the taxonomy's generic anchors only) and on (``voc.nlp.generic``, shipped).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import lowo  # noqa: E402

from voc.config import Settings  # noqa: E402
from voc.nlp.embed import CachedEmbedder, load_embedder  # noqa: E402
from voc.nlp.generic import GENERIC_MIN  # noqa: E402
from voc.nlp.hybrid import NEAR_MISS, HybridThemeModel, LabelledComments  # noqa: E402
from voc.nlp.taxonomy import load_taxonomy  # noqa: E402
from voc.nlp.themes import REASON_BELOW, REASON_GENERIC, REASON_NEAR  # noqa: E402

SHORT = {REASON_GENERIC: "generic", REASON_NEAR: "near miss", REASON_BELOW: "to discovery"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--cut-offs", default="0.5,0.6,0.7", help="detector cut-offs to compare")
    parser.add_argument(
        "--near-misses",
        default=str(NEAR_MISS),
        help="near-miss probabilities to compare (with the shipped detector cut-off)",
    )
    args = parser.parse_args(argv)
    # (name, detector cut-off, near-miss probability)
    settings = [("off", float("inf"), NEAR_MISS)] + [
        (f"on, {c}" + (" (shipped)" if float(c) == GENERIC_MIN else ""), float(c), NEAR_MISS)
        for c in dict.fromkeys(args.cut_offs.split(","))
    ]
    settings += [
        (f"on, {GENERIC_MIN}, near miss {m}", GENERIC_MIN, float(m))
        for m in dict.fromkeys(args.near_misses.split(","))
        if float(m) != NEAR_MISS
    ]
    data = lowo.load_corpus()
    if data.empty:
        print("No Nordic corpus under bench/data/nordic_corpus: skipping.")
        return 0
    data = data[data["text"].str.strip() != ""].reset_index(drop=True)
    embedder = load_embedder(Settings(embedding_cache_dir=args.cache_dir))
    taxonomy = load_taxonomy()
    theme_ids = list(taxonomy.ids)
    themed = data["labels"].map(bool).to_numpy()
    off = data["off_taxonomy"].to_numpy(dtype=bool)
    group = np.where(themed, "themed", np.where(off, "off-taxonomy", "generic"))
    counts: dict[str, Counter[tuple[str, str]]] = {name: Counter() for name, *_ in settings}
    unassigned: Counter[str] = Counter()
    for writer in sorted(data["writer"].unique()):
        test = data[data["writer"] == writer]
        train = data[data["writer"] != writer]
        training = LabelledComments(
            tuple(train["text"]),
            tuple(theme_ids),
            lowo.label_matrix(train["labels"], theme_ids),
            tuple(train["lang"]),
            polarity=lowo.polarity_matrix(train["labels"], theme_ids),
            off_taxonomy=train["off_taxonomy"].to_numpy(dtype=bool),
        )
        model = HybridThemeModel(taxonomy, embedder, training=training).fit()
        for detector, cut, near in settings:
            model.generic_min, model.near_miss = cut, near
            found, _ = model.transform_scored(test["text"].tolist(), test["lang"].tolist())
            for row, assignment in zip(test.index, found, strict=True):
                if assignment.hits:
                    continue
                reason = SHORT.get(assignment.unassigned_reason or "", "other")
                counts[detector][(str(group[row]), reason)] += 1
                if detector == "off":
                    unassigned[str(group[row])] += 1
        print(f"{writer}: done", flush=True)
    if isinstance(embedder, CachedEmbedder):
        embedder.save()

    print(f"\nUnassigned comments by gold group, leave one writer out ({len(data)} comments)")
    print("| gold group | unassigned | detector | generic | near miss | to discovery |")
    print("|---|---|---|---|---|---|")
    for name in ("generic", "off-taxonomy", "themed"):
        for detector, *_ in settings:
            row = counts[detector]
            n = unassigned[name]
            cells = [row[(name, r)] for r in ("generic", "near miss", "to discovery")]
            shares = " | ".join(f"{c} ({c / n:.0%})" if n else "0" for c in cells)
            print(f"| {name} | {n} | {detector} | {shares} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
