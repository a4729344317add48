"""Where jobs run: a thread of the API process (default) or Celery workers."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from voc.config import Settings
from voc.errors import VocError
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


#: Stage of a queued job whose message could not be handed to the broker yet.
UNSENT = "waiting for broker"


class CeleryRunner:
    """Sends the job to the Celery queue; a ``voc worker`` runs the same task code.

    With the broker down a job is not lost: it stays ``queued`` with stage
    :data:`UNSENT`, and a thread sends it again every ``broker_retry_s`` until the broker
    takes it (a restarted API picks such jobs up from the store).
    """

    def __init__(self, settings: Settings, app: Celery | None = None, store: Store | None = None):
        from voc.jobs.celery_app import create_celery

        self.settings = settings
        self.app = app or create_celery(settings)
        self.store = store
        self._unsent: dict[str, str] = {}  # run id -> workspace id
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._retrier: threading.Thread | None = None

    def _send(self, workspace_id: str, run_id: str) -> None:
        self.app.send_task(
            TASK_NAME,
            args=[workspace_id, run_id],
            queue=self.settings.celery_queue,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )

    def submit(self, workspace_id: str, run_id: str) -> None:
        try:
            self._send(workspace_id, run_id)
        except Exception as exc:  # any broker/transport error: keep the job, send it later
            log.warning(
                "job %s: broker unreachable (%s); will send again", run_id, type(exc).__name__
            )
            self._set_stage(workspace_id, run_id, UNSENT)
            with self._lock:
                self._unsent[run_id] = workspace_id
                if self._retrier is None:
                    self._retrier = threading.Thread(
                        target=self._resend_loop, name="voc-broker-retry", daemon=True
                    )
                    self._retrier.start()

    def _set_stage(self, workspace_id: str, run_id: str, stage: str) -> None:
        if self.store is None:
            return
        try:
            with self.store.workspace(workspace_id, write=True) as repo:
                repo.mark_queued(run_id, stage)
        except VocError as exc:  # the store itself busy or down: the stage is only a hint
            log.warning("job %s: stage not updated (%s)", run_id, exc)

    def _resend_loop(self) -> None:
        while not self._stop.wait(self.settings.broker_retry_s):
            with self._lock:
                pending = dict(self._unsent)
            for run_id, workspace_id in pending.items():
                try:
                    self._send(workspace_id, run_id)
                except Exception:  # still down; try on the next round
                    break
                with self._lock:
                    self._unsent.pop(run_id, None)
                self._set_stage(workspace_id, run_id, "queued")
                log.info("job %s: sent to the broker", run_id)

    def shutdown(self) -> None:
        self._stop.set()


def make_runner(settings: Settings, store: Store, pool: AnalyzerPool) -> JobRunner:
    """The runner ``settings.job_backend`` names."""
    if settings.job_backend == "celery":
        return CeleryRunner(settings, store=store)
    return InProcessRunner(store, pool)
