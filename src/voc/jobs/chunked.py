"""A large analysis spread over several Celery workers: chunks in parallel, analytics once.

Embedding and theme assignment are most of an analysis's time, and a comment's themes
never depend on the other comments (``transform`` on one comment equals ``transform`` on a
batch holding it), so the comments can be cut into chunks that any number of workers embed
and assign at once (a Celery ``group``). Language identification runs first over the whole
survey (its survey prior looks at every comment) and the analytics run once on the joined
assignments, so the report equals the one a single process writes.

Workers use the taxonomy and embedder of their own settings (``VOC_TAXONOMY_PATH``,
``VOC_EMBEDDING_MODEL``): start them with the same settings as the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from voc.io import LoadedSurvey
from voc.nlp.assignment_cache import assignments_from_json, assignments_to_json
from voc.nlp.themes import ThemeAssignment
from voc.pipeline import Analyzer
from voc.types import Report

if TYPE_CHECKING:
    from celery import Celery

CHUNK_TASK = "voc.assign_chunk"
DEFAULT_CHUNK_SIZE = 2000

# assign(chunks of comments, their languages) -> the assignments of each chunk, in order.
ChunkAssigner = Callable[
    [Sequence[list[str]], Sequence[list[str | None]]], list[list[ThemeAssignment]]
]


def assign_chunk(
    analyzer: Analyzer, comments: Sequence[str], languages: Sequence[str | None]
) -> list[dict[str, Any]]:
    """What a worker does with one chunk: embed and assign themes, as JSON."""
    return assignments_to_json(analyzer.assign_themes(list(comments), languages=list(languages)))


def local_assigner(analyzer: Analyzer) -> ChunkAssigner:
    """Chunks assigned one after another in this process (the reference; and for tests)."""

    def assign(
        chunks: Sequence[list[str]], languages: Sequence[list[str | None]]
    ) -> list[list[ThemeAssignment]]:
        return [
            assignments_from_json(assign_chunk(analyzer, c, g))
            for c, g in zip(chunks, languages, strict=True)
        ]

    return assign


def celery_assigner(app: Celery, queue: str, timeout: float | None = None) -> ChunkAssigner:
    """Chunks sent as one Celery group to the workers on ``queue``; waits for all of them."""
    from celery import group

    def assign(
        chunks: Sequence[list[str]], languages: Sequence[list[str | None]]
    ) -> list[list[ThemeAssignment]]:
        job = group(
            app.signature(CHUNK_TASK, args=[c, g], queue=queue)
            for c, g in zip(chunks, languages, strict=True)
        )
        parts = job.apply_async().get(timeout=timeout)
        return [assignments_from_json(part) for part in parts]

    return assign


def analyze_in_chunks(
    analyzer: Analyzer,
    loaded: LoadedSurvey,
    assign: ChunkAssigner,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Report:
    """The report of ``loaded`` with its themes assigned chunk by chunk by ``assign``."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    comments = loaded.frame["comment"].tolist()
    guesses = analyzer.detect_languages(comments)
    languages: list[str | None] = [g.lang for g in guesses]
    starts = range(0, len(comments), chunk_size)
    parts = assign(
        [comments[s : s + chunk_size] for s in starts],
        [languages[s : s + chunk_size] for s in starts],
    )
    assignments = [a for part in parts for a in part]
    if len(assignments) != len(comments):
        raise RuntimeError(
            f"chunked assignment returned {len(assignments)} results for {len(comments)} comments"
        )
    return analyzer.report_from(loaded, guesses, assignments)
