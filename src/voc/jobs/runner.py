"""Where jobs run: a thread of the API process (default) or Celery workers."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from voc.config import Settings
from voc.jobs.analyzers import AnalyzerPool
from voc.jobs.tasks import run_analysis
from voc.store import Store

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger(__name__)

TASK_NAME = "voc.analyze"


class JobRunner(Protocol):
    def submit(self, workspace_id: str, run_id: str) -> None: ...

    def shutdown(self) -> None: ...


class InProcessRunner:
    """One background thread that runs jobs in order; no broker, no worker to start."""

    def __init__(self, store: Store, pool: AnalyzerPool):
        self.store = store
        self.pool = pool
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voc-job")

    def submit(self, workspace_id: str, run_id: str) -> None:
        self._executor.submit(self._run, workspace_id, run_id)

    def _run(self, workspace_id: str, run_id: str) -> None:
        run_analysis(self.store, self.pool, workspace_id, run_id)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)


class CeleryRunner:
    """Sends the job to the Celery queue; a ``voc worker`` runs the same task code."""

    def __init__(self, settings: Settings, app: Celery | None = None):
        from voc.jobs.celery_app import create_celery

        self.settings = settings
        self.app = app or create_celery(settings)

    def submit(self, workspace_id: str, run_id: str) -> None:
        self.app.send_task(TASK_NAME, args=[workspace_id, run_id], queue=self.settings.celery_queue)

    def shutdown(self) -> None:
        return None


def make_runner(settings: Settings, store: Store, pool: AnalyzerPool) -> JobRunner:
    """The runner ``settings.job_backend`` names."""
    if settings.job_backend == "celery":
        return CeleryRunner(settings)
    return InProcessRunner(store, pool)
