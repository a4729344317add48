"""The analysis task: the same code whether a thread of the API or a Celery worker runs it.

It is safe to run more than once for one job (a Celery message redelivered after a worker
died): a finished job is left alone, and results are written in one transaction that
replaces the upload's previous results, so nothing is ever stored twice.
"""

from __future__ import annotations

import logging
import time
from io import BytesIO
from typing import Any

from voc.errors import VocError
from voc.io import ColumnOverrides
from voc.jobs.analyzers import AnalyzerPool
from voc.store import Store
from voc.store.models import utcnow
from voc.store.records import CommentThemes, HitRecord
from voc.types import Report

log = logging.getLogger(__name__)

#: Where each pipeline stage sits on the job's 0-100 progress scale.
STAGE_SPAN = {"load": (0, 10), "language": (10, 20), "themes": (20, 95), "saving": (95, 99)}
_MIN_INTERVAL_S = 0.5


class ProgressWriter:
    """Turns pipeline progress callbacks into job stage + percent, at most every 0.5 s."""

    def __init__(self, store: Store, workspace_id: str, run_id: str):
        self.store = store
        self.workspace_id = workspace_id
        self.run_id = run_id
        self._last = 0.0
        self._last_stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        low, high = STAGE_SPAN.get(stage, (0, 99))
        percent = low + (high - low) * done // max(total, 1)
        now = time.monotonic()
        if stage == self._last_stage and now - self._last < _MIN_INTERVAL_S:
            return
        self._last, self._last_stage = now, stage
        with self.store.workspace(self.workspace_id) as repo:
            repo.update_run(self.run_id, stage=stage, progress=int(percent))


def overrides_of(mapping: dict[str, Any]) -> ColumnOverrides:
    """The committed column mapping as overrides, so the job reads exactly those columns."""
    return ColumnOverrides(
        score=mapping["score"],
        comment=mapping.get("comment"),
        date=mapping.get("date"),
        response_id=mapping.get("response_id"),
        segments=tuple(mapping.get("segments") or ()),
        extra_comments=tuple(mapping.get("extra_comments") or ()),
        respondent=mapping.get("respondent"),
    )


def found_themes(report: Report) -> list[CommentThemes]:
    return [
        CommentThemes(
            row=c.row,
            language=c.language,
            language_confidence=c.language_confidence,
            hits=tuple(
                HitRecord(h.theme_id, h.confidence, h.polarity.value, h.start, h.end)
                for h in c.themes
            ),
        )
        for c in report.comment_results
    ]


def run_analysis(store: Store, pool: AnalyzerPool, workspace_id: str, run_id: str) -> None:
    """Analyse the job's upload and store languages, themes and the report."""
    with store.workspace(workspace_id) as repo:
        run = repo.get_run(run_id)
        if run.status in ("succeeded", "failed"):
            log.info("job %s already %s; nothing to do", run_id, run.status)
            return
        upload = repo.get_upload(run.upload_id)
        filename, content = repo.upload_content(run.upload_id)
        taxonomy = repo.taxonomy(run.taxonomy_number) if run.taxonomy_number else None
        repo.update_run(
            run_id,
            status="running",
            stage="load",
            progress=0,
            attempts=run.attempts + 1,
            started_at=utcnow(),
        )
    log.info("job %s: attempt %d, upload %s", run_id, run.attempts + 1, run.upload_id)
    progress = ProgressWriter(store, workspace_id, run_id)
    try:
        analyzer = pool.for_job(store, workspace_id, taxonomy)
        report = analyzer.analyze(
            BytesIO(content),
            filename=filename,
            overrides=overrides_of(upload.mapping or {}),
            progress=progress,
        )
    except VocError as exc:
        # The same input fails the same way on a retry: record why and stop.
        with store.workspace(workspace_id) as repo:
            repo.update_run(
                run_id, status="failed", stage="failed", error=str(exc), finished_at=utcnow()
            )
        log.warning("job %s failed: %s", run_id, type(exc).__name__)
        return
    progress("saving", 0, 1)
    summary = report.model_dump(mode="json", exclude={"comment_results"})
    with store.workspace(workspace_id) as repo:
        repo.save_results(run_id, run.upload_id, found_themes(report), summary)
    log.info("job %s: done, %d responses", run_id, len(report.comment_results))
