"""The analysis task: the same code whether a thread of the API or a Celery worker runs it.

It analyses the upload's stored responses (parsed and redacted at commit; the raw file is
not kept), so the job sees exactly what the commit stored. It is safe to run more than once
for one job (a Celery message redelivered after a worker died): a finished job is left
alone, and results are written in one transaction that replaces the upload's previous
results, so nothing is ever stored twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

import pandas as pd

from voc.errors import VocError
from voc.io import LoadedSurvey
from voc.jobs.analyzers import AnalyzerPool
from voc.jobs.business import deliver_report_alerts, with_business
from voc.logs import log_context
from voc.store import Store
from voc.store.cases import CaseRepository
from voc.store.errors import StoreBusyError
from voc.store.models import utcnow
from voc.store.records import CommentThemes, HitRecord, ResponseRow, RunRecord, UploadRecord
from voc.store.repository import WorkspaceRepository
from voc.types import LoadReport, Report

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Where each pipeline stage sits on the job's 0-100 progress scale.
STAGE_SPAN = {
    "load": (0, 10),
    "language": (10, 20),
    "segment": (20, 25),
    "embed": (25, 85),
    "themes": (85, 95),
    "saving": (95, 99),
}
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
        try:
            with self.store.workspace(self.workspace_id, write=True) as repo:
                repo.update_run(self.run_id, stage=stage, progress=int(percent))
        except StoreBusyError:
            # Progress is a hint; the analysis goes on and the next update will land.
            log.info("job %s: progress update skipped, database busy", self.run_id)


def with_retries(action: Callable[[], T], attempts: int = 5) -> T:
    """``action()``, tried again (after 1, 2, 3 ... s) while the store answers busy.

    A job has no client waiting for it, so it waits out a burst of writes rather than
    failing an analysis that is already done.
    """
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except StoreBusyError:
            if attempt == attempts:
                raise
            log.info("database busy; trying again in %d s", attempt)
            time.sleep(attempt)
    raise AssertionError("unreachable")


def _naive_utc(when: datetime | None) -> datetime | None:
    """The frame's convention: naive UTC (PostgreSQL hands back aware, SQLite naive UTC)."""
    if when is None or when.tzinfo is None:
        return when
    return when.astimezone(UTC).replace(tzinfo=None)


def stored_survey(upload: UploadRecord, rows: Sequence[ResponseRow]) -> LoadedSurvey:
    """The committed upload as the pipeline's input: its stored rows and load report.

    ``frame`` has the columns and dtypes :func:`voc.io.load_survey` gives. Per-field comment
    texts (``comment_fields``) are not stored; ``comment`` is their joined, redacted text.
    """
    if upload.load_report is None:
        raise ValueError(f"upload {upload.id} is not committed")
    report = LoadReport.model_validate(upload.load_report)
    warnings = tuple(upload.warnings)
    # An upload holding two surveys told apart by a survey column keeps CSAT rows without
    # an NPS group: NPS and CSAT are never pooled, so the job's (NPS) report leaves them out;
    # /v1/results/csat counts them. A CSAT-only upload keeps all its rows (a CSAT report).
    csat_only = [r for r in rows if not r.nps_group and r.csat_score is not None]
    if csat_only and len(csat_only) < len(rows):
        rows = [r for r in rows if r.nps_group or r.csat_score is None]
        warnings = (
            *warnings,
            f"{len(csat_only)} CSAT responses of this upload are left out of this NPS report "
            "(NPS and CSAT are never pooled); GET /v1/results/csat has them",
        )
    index = pd.RangeIndex(len(rows))
    columns: dict[str, pd.Series] = {
        "row": pd.Series([r.row for r in rows], index=index, dtype="int64"),
        "response_id": pd.Series([r.response_id for r in rows], index=index, dtype=str),
        "score": pd.Series([r.score for r in rows], index=index, dtype="int64"),
        "comment": pd.Series([r.comment for r in rows], index=index, dtype=str),
        "submitted_at": pd.Series(
            [_naive_utc(r.submitted_at) for r in rows], index=index, dtype="datetime64[ns]"
        ),
    }
    for segment in report.mapping.segments:
        columns[segment] = pd.Series(
            [r.segments.get(segment, "") for r in rows], index=index, dtype=str
        )
    return LoadedSurvey(frame=pd.DataFrame(columns), report=report, warnings=warnings)


def _open_cases(repo: WorkspaceRepository, workspace_id: str, run_id: str) -> None:
    """The report's alerts become cases in the portal's inbox in the transaction that saves
    the results, so a client that sees the job succeeded sees its cases too.

    Inside a savepoint: a failure here rolls back only the cases and never fails the
    finished job; reading the inbox opens any case missed.
    """
    try:
        with repo.session.begin_nested():
            opened = CaseRepository(repo.session, workspace_id).sync()
    except Exception as exc:  # the analysis is saved; the inbox opens the cases on reading
        log.warning(
            "job %s: cases not opened now (%s); the inbox opens them", run_id, type(exc).__name__
        )
        return
    log.info("job %s: %d new alert cases", run_id, opened)


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
    """Analyse the job's upload and store languages, themes and the report.

    Bad input marks the job failed with its message. Any other error is a bug or an outage:
    it is logged with its traceback (never comment text) and the job is marked failed with
    "internal error", so no runner leaves a job "running" for ever. A worker killed
    mid-way raises nothing here; its message is redelivered and the job runs again.
    """
    with log_context(job_id=run_id, workspace_id=workspace_id):
        try:
            _run_analysis(store, pool, workspace_id, run_id)
        except Exception:
            log.exception("job %s crashed", run_id)
            with store.workspace(workspace_id, write=True) as repo:
                repo.update_run(
                    run_id,
                    status="failed",
                    stage="failed",
                    error="internal error",
                    finished_at=utcnow(),
                )


def _start(store: Store, workspace_id: str, run_id: str) -> RunRecord:
    """Mark the run started (one more attempt) unless it is finished; return it as it was."""
    with store.workspace(workspace_id, write=True) as repo:
        run = repo.get_run(run_id)
        if run.status not in ("succeeded", "failed"):
            repo.update_run(
                run_id,
                status="running",
                stage="load",
                progress=0,
                attempts=run.attempts + 1,
                started_at=utcnow(),
            )
        return run


def _run_analysis(store: Store, pool: AnalyzerPool, workspace_id: str, run_id: str) -> None:
    run = with_retries(lambda: _start(store, workspace_id, run_id))
    if run.status in ("succeeded", "failed"):
        log.info("job %s already %s; nothing to do", run_id, run.status)
        return
    # Reading the rows is a read transaction: it never holds up writers.
    with store.workspace(workspace_id) as repo:
        survey = stored_survey(repo.get_upload(run.upload_id), repo.responses(run.upload_id))
        taxonomy = repo.taxonomy(run.taxonomy_number) if run.taxonomy_number else None
    log.info("job %s: attempt %d, upload %s", run_id, run.attempts + 1, run.upload_id)
    progress = ProgressWriter(store, workspace_id, run_id)
    try:
        analyzer = pool.for_job(store, workspace_id, taxonomy)
        # The workspace's customer file and actions (voc.jobs.business), when it has any.
        survey = with_business(store, workspace_id, survey, pool.settings)
        report = analyzer.analyze_loaded(survey, progress=progress)
    except VocError as exc:
        # The same input fails the same way on a retry: record why and stop.
        with store.workspace(workspace_id, write=True) as repo:
            repo.update_run(
                run_id, status="failed", stage="failed", error=str(exc), finished_at=utcnow()
            )
        log.warning("job %s failed: %s", run_id, type(exc).__name__)
        return
    progress("saving", 0, 1)
    summary = report.model_dump(mode="json", exclude={"comment_results"})
    found = found_themes(report)

    def save() -> None:
        with store.workspace(workspace_id, write=True) as repo:
            repo.save_results(run_id, run.upload_id, found, summary)
            _open_cases(repo, workspace_id, run_id)

    with_retries(save)
    deliver_report_alerts(store, pool.settings, workspace_id, run.upload_id, run_id, survey, report)
    log.info("job %s: done, %d responses", run_id, len(report.comment_results))
