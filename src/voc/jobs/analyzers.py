"""Loaded analyzers per workspace taxonomy, sharing one embedding model."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from voc.config import Settings
from voc.nlp.embed import Embedder
from voc.nlp.taxonomy import Taxonomy, parse_taxonomy
from voc.pipeline import Analyzer
from voc.store import Store
from voc.store.records import TaxonomyRecord

_MAX_CACHED = 16


def taxonomy_of(record: TaxonomyRecord | None, default: Taxonomy) -> Taxonomy:
    """The workspace's taxonomy version, or the bundled default when it has none."""
    if record is None:
        return default
    return parse_taxonomy(record.content, source=f"workspace taxonomy #{record.number}")


class StoreEmbedder:
    """An :class:`Embedder` that keeps vectors in the store, keyed by (model, text hash).

    A monthly upload that repeats last month's comments embeds only the new ones, in any
    worker process, across restarts.
    """

    def __init__(self, inner: Embedder, store: Store, workspace_id: str):
        self.inner = inner
        self.model_id = inner.model_id
        self.store = store
        self.workspace_id = workspace_id
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return self.inner.encode([])
        keys = [self.key(t) for t in texts]
        unique = list(dict.fromkeys(keys))
        with self.store.workspace(self.workspace_id) as repo:
            vectors = repo.cached_embeddings(self.model_id, unique)
        missing = [k for k in unique if k not in vectors]
        self.hits += len(unique) - len(missing)
        self.misses += len(missing)
        if missing:
            first_text = dict(zip(keys, texts, strict=True))
            fresh = dict(
                zip(missing, self.inner.encode([first_text[k] for k in missing]), strict=True)
            )
            with self.store.workspace(self.workspace_id, write=True) as repo:
                repo.cache_embeddings(self.model_id, fresh)
            vectors.update(fresh)
        return np.vstack([vectors[k] for k in keys]).astype(np.float32, copy=False)


class AnalyzerPool:
    """The one loaded model, and analyzers for each workspace taxonomy version built on it."""

    def __init__(self, base: Analyzer):
        self.base = base
        self.settings: Settings = base.settings
        # The raw model, without the process-wide in-memory cache: vectors of a workspace's
        # comments are cached in its own store rows, which erasure removes.
        self.model: Embedder = getattr(base.embedder, "inner", base.embedder)
        self._classifiers: OrderedDict[tuple[str, int], Analyzer] = OrderedDict()
        self._lock = threading.Lock()

    def for_classify(self, workspace_id: str, record: TaxonomyRecord | None) -> Analyzer:
        """A fitted analyzer for one-comment classification under the workspace taxonomy."""
        if record is None:
            return self.base
        key = (workspace_id, record.number)
        with self._lock:
            if key in self._classifiers:
                self._classifiers.move_to_end(key)
                return self._classifiers[key]
        analyzer = Analyzer(
            self.settings,
            embedder=self.base.embedder,
            taxonomy=taxonomy_of(record, self.base.taxonomy),
        )
        analyzer.warm_up()
        with self._lock:
            self._classifiers[key] = analyzer
            while len(self._classifiers) > _MAX_CACHED:
                self._classifiers.popitem(last=False)
        return analyzer

    def for_job(self, store: Store, workspace_id: str, record: TaxonomyRecord | None) -> Analyzer:
        """An analyzer for one analysis run, embedding through the store's cache."""
        return Analyzer(
            self.settings,
            embedder=StoreEmbedder(self.model, store, workspace_id),
            taxonomy=taxonomy_of(record, self.base.taxonomy),
        )
