"""The Celery app for ``voc worker``: the broker from settings, one task, late acks.

Late acknowledgement plus ``reject_on_worker_lost`` means a job whose worker is killed
goes back to the queue and runs again; :func:`voc.jobs.tasks.run_analysis` is idempotent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import Celery
from celery.signals import setup_logging

from voc.config import Settings
from voc.jobs.analyzers import AnalyzerPool
from voc.jobs.chunked import CHUNK_TASK, assign_chunk
from voc.jobs.runner import TASK_NAME
from voc.jobs.tasks import run_analysis
from voc.logs import configure_logging
from voc.pipeline import Analyzer
from voc.store import Store

log = logging.getLogger(__name__)


@dataclass
class _WorkerState:
    store: Store
    pool: AnalyzerPool


_state: _WorkerState | None = None


def _worker_state(settings: Settings) -> _WorkerState:
    """Store and models, loaded once per worker process on its first job."""
    global _state
    if _state is None:
        store = Store(settings.database_url, busy_timeout_s=settings.database_busy_timeout_s)
        analyzer = Analyzer(settings)
        analyzer.warm_up()
        _state = _WorkerState(store, AnalyzerPool(analyzer))
    return _state


def create_celery(settings: Settings) -> Celery:
    # The result backend carries chunk results back (voc.jobs.chunked); analysis jobs
    # store their results in the database and keep ignoring it.
    app = Celery(
        "voc", broker=settings.broker_url, backend=settings.broker_url, set_as_current=False
    )
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        result_expires=3600,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.celery_queue,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": settings.broker_visibility_timeout_s},
        worker_hijack_root_logger=False,
    )

    @app.task(name=TASK_NAME, acks_late=True, reject_on_worker_lost=True)
    def analyze(workspace_id: str, run_id: str) -> None:
        state = _worker_state(settings)
        run_analysis(state.store, state.pool, workspace_id, run_id)

    @app.task(name=CHUNK_TASK, ignore_result=False, acks_late=True, reject_on_worker_lost=True)
    def assign_chunk_task(
        comments: list[str], languages: list[str | None]
    ) -> list[dict[str, object]]:
        return assign_chunk(_chunk_analyzer(settings), comments, languages)

    return app


_chunk_state: Analyzer | None = None


def _chunk_analyzer(settings: Settings) -> Analyzer:
    """The worker's models for chunk tasks (no database needed), loaded on first use."""
    global _chunk_state
    if _chunk_state is None:
        _chunk_state = Analyzer(settings)
        _chunk_state.warm_up()
    return _chunk_state


def run_worker(settings: Settings, *, concurrency: int = 1, loglevel: str = "INFO") -> None:
    """Run a worker in this process (``voc worker``); logs as ``settings.log_format`` says."""

    def use_our_logging(**_: object) -> None:
        # Connected, this signal stops Celery from configuring logging itself.
        configure_logging(settings.log_format, loglevel)

    configure_logging(settings.log_format, loglevel)
    setup_logging.connect(use_our_logging, weak=False)
    app = create_celery(settings)
    if settings.database_auto_migrate:
        Store(settings.database_url).upgrade()
    app.worker_main(
        [
            "worker",
            f"--loglevel={loglevel}",
            f"--concurrency={concurrency}",
            f"--queues={settings.celery_queue}",
            "--pool=prefork" if concurrency > 1 else "--pool=solo",
            "--without-gossip",
            "--without-mingle",
        ]
    )
