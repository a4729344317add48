"""Each comment's themes, kept between analyses made with the same theme model.

Re-analysing an export after 5% new answers used to score every comment again: with the
embedding cache warm, the theme head's scoring (character n-grams of every clause) became
the largest stage at 100k comments. A comment's themes depend only on its text, its
language and the model (never on the rest of the survey), so they can be kept, keyed by
those, in the embedding cache folder.

The model is identified by a fingerprint of everything that decides an assignment: voc's
version, the embedder, the taxonomy (corrections included), the prototype vectors, the
head's weights and n-gram table, the threshold and the views. Any change gives a new
fingerprint and so a new, empty cache; an old file is never read for a new model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from voc import __version__
from voc.nlp.file_cache import JsonFileCache, text_key
from voc.nlp.hybrid import HybridThemeModel
from voc.nlp.themes import GuidedThemeModel, ThemeAssignment
from voc.types import Polarity, ThemeHit

CACHE_FORMAT = 2


def model_fingerprint(model: HybridThemeModel | GuidedThemeModel) -> str:
    """A hex digest that changes whenever anything deciding an assignment changes."""
    digest = hashlib.sha256()

    def add(value: Any) -> None:
        if isinstance(value, np.ndarray):
            digest.update(np.ascontiguousarray(value).tobytes())
        else:
            digest.update(repr(value).encode("utf-8"))
        digest.update(b"\0")

    add((CACHE_FORMAT, __version__, type(model).__name__, model.embedder.model_id))
    add(model.taxonomy)
    prototypes = model.prototypes_ if isinstance(model, HybridThemeModel) else model
    add(prototypes.seed_vectors_)
    add(prototypes.generic_vectors_)
    if isinstance(model, HybridThemeModel):
        add((model.threshold_, model.views, model.generic_min, model.near_miss))
        add(model.generic_.state())
        head = model.head_
        if head is not None:
            for array in (head.coef_, head.intercept_, head.fitted_):
                add(array)
            if head.polarity_coef_ is not None:
                add(head.polarity_coef_)
            if head.lexical_ is not None:
                state = head.lexical_.to_state()
                add("\n".join(state["terms"]))
                add(state["idf"])
                add(state["strip_punctuation"])
    else:
        add((model.threshold_, model.thresholds_, model.split_coordination))
    return digest.hexdigest()


def assignments_to_json(assignments: Sequence[ThemeAssignment]) -> list[dict[str, Any]]:
    """Assignments as plain JSON (the cache file; what a Celery chunk task returns)."""
    return [
        {
            "hits": [[h.theme_id, h.confidence, h.polarity.value, h.start, h.end] for h in a.hits],
            "reason": a.unassigned_reason,
        }
        for a in assignments
    ]


def assignments_from_json(data: Sequence[dict[str, Any]]) -> list[ThemeAssignment]:
    """The inverse of :func:`assignments_to_json`."""
    return [
        ThemeAssignment(
            tuple(
                ThemeHit(
                    theme_id=theme_id,
                    confidence=confidence,
                    polarity=Polarity(polarity),
                    start=start,
                    end=end,
                )
                for theme_id, confidence, polarity, start, end in item["hits"]
            ),
            item["reason"],
        )
        for item in data
    ]


class AssignmentCache:
    """Assignments of one model (by fingerprint) in ``directory``; ``save`` writes them."""

    def __init__(self, directory: Path, fingerprint: str):
        self._file = JsonFileCache(directory, "themes", fingerprint)

    def __len__(self) -> int:
        return len(self._file)

    def get(self, comment: str, language: str | None) -> ThemeAssignment | None:
        stored = self._file.get(text_key(language or "", comment))
        return None if stored is None else assignments_from_json([stored])[0]

    def put_all(
        self,
        comments: Sequence[str],
        languages: Sequence[str | None],
        assignments: Sequence[ThemeAssignment],
    ) -> None:
        encoded = assignments_to_json(assignments)
        for comment, language, stored in zip(comments, languages, encoded, strict=True):
            self._file.put(text_key(language or "", comment), stored)

    def save(self) -> None:
        """Write atomically: a killed run leaves the previous file, never half a file."""
        self._file.save()
