"""The theme head that ships with voc, and the labelled comments it was trained on.

``voc/data/theme_head.npz`` is a :class:`~voc.nlp.head.ThemeHead` trained by
``scripts/train_theme_head.py`` on the development writers of the Nordic corpus
(``bench/data/nordic_corpus``) for the default taxonomy and the bundled e5 embedder.
``voc/data/theme_training.npz`` holds those comments, their labels, and their vectors
(and their clauses' vectors) from that embedder, stored as int8: with them, corrections in
a taxonomy file re-fit the head in seconds instead of re-embedding thousands of comments,
and per-survey adaptation can re-fit too.

A head is used only for the taxonomy (by name) and the embedder it was trained with; any
other combination falls back to prototypes alone, which need no training at all.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from voc.errors import ModelNotFoundError
from voc.nlp.embed import Embedder
from voc.nlp.head import ThemeHead
from voc.nlp.hybrid import LabelledComments
from voc.nlp.taxonomy import Taxonomy

log = logging.getLogger(__name__)

HEAD_FILE = "theme_head.npz"
# The head for the static table distilled from e5 (``static:e5``, voc.nlp.static): trained
# like the e5 one on the same comments, whose labels it shares (its own vectors are cheap
# to recompute, so it ships no training vectors).
STATIC_HEAD_FILE = "theme_head_static.npz"
TRAINING_FILE = "theme_training.npz"
TRAINING_FORMAT = 1


@dataclass(frozen=True)
class ThemeTraining:
    """Labelled comments plus precomputed vectors of every text a head fit embeds."""

    labelled: LabelledComments
    embedder_id: str
    vector_texts: tuple[str, ...]
    vectors: np.ndarray  # (len(vector_texts), dim) float32, L2-normalised

    def save(self, path: Path | str) -> Path:
        """One ``.npz``: texts and labels as JSON, vectors as int8 with a per-row scale."""
        path = Path(path)
        scale = np.abs(self.vectors).max(axis=1, keepdims=True).clip(min=1e-12) / 127.0
        quantised = np.round(self.vectors / scale).astype(np.int8)
        info = {
            "format": TRAINING_FORMAT,
            "embedder": self.embedder_id,
            "theme_ids": list(self.labelled.theme_ids),
            "texts": list(self.labelled.texts),
            "languages": list(self.labelled.languages or [None] * len(self.labelled.texts)),
            "vector_texts": list(self.vector_texts),
        }
        arrays = {
            "info": np.frombuffer(json.dumps(info).encode("utf-8"), dtype=np.uint8),
            "labels": self.labelled.labels.astype(np.int8),
            "vectors": quantised,
            "scale": scale.astype(np.float32),
        }
        if self.labelled.off_taxonomy is not None:
            arrays["off_taxonomy"] = np.asarray(self.labelled.off_taxonomy, dtype=bool)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue())
        return path

    @classmethod
    def load(cls, path: Path | str) -> ThemeTraining:
        path = Path(path)
        if not path.is_file():
            raise ModelNotFoundError(f"theme training set {path} does not exist")
        with np.load(path) as stored:
            info = json.loads(stored["info"].tobytes().decode("utf-8"))
            if info.get("format") != TRAINING_FORMAT:
                raise ModelNotFoundError(
                    f"theme training set {path} has format {info.get('format')}, "
                    f"expected {TRAINING_FORMAT}"
                )
            vectors = stored["vectors"].astype(np.float32) * stored["scale"]
            labels = stored["labels"].astype(np.int8)
            # Older files have no flags: every comment with no theme counts as generic.
            off_taxonomy = stored.get("off_taxonomy")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        labelled = LabelledComments(
            texts=tuple(info["texts"]),
            theme_ids=tuple(info["theme_ids"]),
            labels=labels,
            languages=tuple(info["languages"]),
            off_taxonomy=off_taxonomy,
        )
        return cls(
            labelled=labelled,
            embedder_id=str(info["embedder"]),
            vector_texts=tuple(info["vector_texts"]),
            vectors=(vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32),
        )


class PrecomputedEmbedder:
    """An embedder that answers known texts from a table and asks ``inner`` for the rest."""

    def __init__(self, inner: Embedder, texts: Sequence[str], vectors: np.ndarray):
        self.inner = inner
        self.model_id = inner.model_id
        self._row = {text: i for i, text in enumerate(texts)}
        self._vectors = vectors

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = [self._row.get(t, -1) for t in texts]
        missing = list(dict.fromkeys(t for t, r in zip(texts, rows, strict=True) if r < 0))
        if not missing:
            if not texts:
                return self.inner.encode([])
            return self._vectors[rows]
        fresh = dict(zip(missing, self.inner.encode(missing), strict=True))
        return np.vstack(
            [self._vectors[r] if r >= 0 else fresh[t] for t, r in zip(texts, rows, strict=True)]
        ).astype(np.float32, copy=False)

    def save(self) -> None:
        save = getattr(self.inner, "save", None)
        if callable(save):
            save()


def bundled_path(name: str) -> Path:
    return Path(str(resources.files("voc.data").joinpath(name)))


@dataclass(frozen=True)
class BundledHead:
    """A head, what it was made for, and (when shipped) its training set."""

    head: ThemeHead
    meta: dict[str, Any]
    training: ThemeTraining | None

    def fits(self, taxonomy: Taxonomy, embedder: Embedder) -> str | None:
        """None when the head belongs to this taxonomy and embedder, else why not."""
        if self.meta.get("embedder") != embedder.model_id:
            return f"it was trained for embedder {self.meta.get('embedder')!r}"
        if self.meta.get("taxonomy") != taxonomy.name:
            return f"it was trained for taxonomy {self.meta.get('taxonomy')!r}"
        if not set(self.head.theme_ids_) & set(taxonomy.ids):
            return "it knows none of the taxonomy's themes"
        return None


def bundled_head_file(embedder_id: str | None) -> str:
    """The shipped head for an embedder: the static table's own, else e5's."""
    static = embedder_id is not None and embedder_id.startswith("static:")
    if static and bundled_path(STATIC_HEAD_FILE).is_file():
        return STATIC_HEAD_FILE
    return HEAD_FILE


def load_head(
    head_path: Path | str | None = None,
    training_path: Path | str | None = None,
    *,
    embedder_id: str | None = None,
) -> BundledHead:
    """The shipped head for ``embedder_id`` (or the one at ``head_path``) and its training
    set if present."""
    head, meta = ThemeHead.load(head_path or bundled_path(bundled_head_file(embedder_id)))
    training_file = Path(training_path) if training_path else None
    if training_file is None and head_path is None:
        training_file = bundled_path(TRAINING_FILE)
    training = (
        ThemeTraining.load(training_file)
        if training_file is not None and training_file.is_file()
        else None
    )
    return BundledHead(head, meta, training)
