"""The analysis task: in-process and on Celery workers (real Redis), idempotent on retry."""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from voc.api.ingest import read_upload, response_rows
from voc.config import Settings
from voc.jobs import AnalyzerPool, CeleryRunner, run_analysis
from voc.pipeline import Analyzer
from voc.store import Store
from voc.store.testing import unreachable

BROKER = "redis://127.0.0.1:6379/15"
WORDS = [
    "fel",
    "faktura",
    "kunnig",
    "personal",
    "väntetid",
    "telefon",
    "portalen",
    "krånglig",
    "bra",
    "dyr",
    "pris",
    "leverans",
    "snabb",
    "svar",
    "kompetent",
    "trevlig",
    "feil",
    "fakturaen",
    "ventetid",
    "wrong",
    "invoice",
    "staff",
]


def survey(n: int) -> bytes:
    rng = random.Random(7)
    lines = ["Response ID,Date,Score,Comment,Office"]
    for i in range(n):
        comment = " ".join(rng.choices(WORDS, k=6))
        office = "Oslo" if i % 2 else "Malmö"
        lines.append(f"{i},2026-0{1 + i % 6}-1{i % 9},{rng.randint(0, 10)},{comment},{office}")
    return "\n".join(lines).encode()


def settings_for(database_url: str, **extra: Any) -> Settings:
    return Settings(
        embedding_model="hashing", bootstrap_samples=100, database_url=database_url, **extra
    )


def committed_upload(store: Store, settings: Settings, content: bytes) -> tuple[str, str]:
    ws = store.create_workspace(f"jobs-{uuid.uuid4().hex[:6]}")
    _, loaded = read_upload(content, "survey.csv", None, settings)
    with store.workspace(ws.id) as repo:
        upload = repo.add_upload("survey.csv", content)
        repo.commit_upload(
            upload.id,
            loaded.report.mapping.model_dump(mode="json"),
            loaded.report.model_dump(mode="json"),
            response_rows(loaded),
            loaded.warnings,
        )
    return ws.id, upload.id


def snapshot(store: Store, workspace_id: str, run_id: str) -> tuple[Any, ...]:
    """What a run stored: languages, theme rows (with the count), the report minus its time."""
    with store.engine.connect() as c:
        themes = sorted(
            (row, theme, pol, start, end, round(conf, 5))
            for row, theme, pol, start, end, conf in c.execute(
                text(
                    "SELECT r.row, a.theme_id, a.polarity, a.start, a.end, a.confidence "
                    "FROM theme_assignments a JOIN responses r ON r.id = a.response_pk "
                    "WHERE a.workspace_id = :ws"
                ),
                {"ws": workspace_id},
            )
        )
        languages = sorted(
            c.execute(
                text("SELECT row, language FROM responses WHERE workspace_id = :ws"),
                {"ws": workspace_id},
            ).all()
        )
    with store.workspace(workspace_id) as repo:
        report = repo.run_report(run_id)
    report.pop("generated_at")
    return len(themes), themes, [tuple(x) for x in languages], report


@pytest.fixture()
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    store.upgrade()
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def pool() -> AnalyzerPool:
    analyzer = Analyzer(Settings(embedding_model="hashing", bootstrap_samples=100))
    analyzer.warm_up()
    return AnalyzerPool(analyzer)


def test_a_repeated_run_stores_nothing_twice(store: Store, pool: AnalyzerPool) -> None:
    settings = settings_for(store.url)
    ws, upload_id = committed_upload(store, settings, survey(60))
    with store.workspace(ws) as repo:
        run = repo.create_run(upload_id, None)
    run_analysis(store, pool, ws, run.id)
    first = snapshot(store, ws, run.id)
    # A redelivered message for a finished job is a no-op...
    run_analysis(store, pool, ws, run.id)
    with store.workspace(ws) as repo:
        assert repo.get_run(run.id).attempts == 1
        # ...and a job that died after writing runs again to the same rows.
        repo.update_run(run.id, status="running")
    run_analysis(store, pool, ws, run.id)
    assert snapshot(store, ws, run.id) == first
    assert first[0] > 0


def test_an_unexpected_error_fails_the_job_instead_of_leaving_it_running(
    store: Store, pool: AnalyzerPool, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    # The same task code runs under Celery, where nothing else would record the failure.
    settings = settings_for(store.url)
    ws, upload_id = committed_upload(store, settings, survey(40))
    with store.workspace(ws) as repo:
        run = repo.create_run(upload_id, None)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Analyzer, "analyze_loaded", broken)
    with caplog.at_level(logging.ERROR, logger="voc.jobs"):
        run_analysis(store, pool, ws, run.id)
    with store.workspace(ws) as repo:
        failed = repo.get_run(run.id)
    assert (failed.status, failed.stage, failed.error) == ("failed", "failed", "internal error")
    assert failed.finished_at is not None
    assert any("crashed" in r.getMessage() and r.exc_info for r in caplog.records)


def test_job_on_the_stored_responses_equals_the_file_analysed_directly(
    store: Store, pool: AnalyzerPool
) -> None:
    # The raw file is gone after commit; the job rebuilds its input from the stored,
    # redacted rows and load report, and must report what analysing the file would.
    head = (
        "Response ID,Date,Score,Comment,What should we improve?,Office\n"
        "p1,2026-01-05,3,Fel på fakturan. Maila anna.svensson@firma.se,Fakturorna,Malmö\n"
        "p2,not a date,2,Mitt personnummer är 811218-9876,Ring 070-123 45 67,Oslo\n"
        "p2,not a date,2,Mitt personnummer är 811218-9876,Ring 070-123 45 67,Oslo\n"
        "p3,2026-02-01,tio,Bra,,Oslo\n"
    ).encode()
    rng = random.Random(3)
    rows = [
        f"{i},2026-0{1 + i % 6}-1{i % 9},{rng.randint(0, 10)},{' '.join(rng.choices(WORDS, k=6))},"
        f"{'dyr pris' if i % 3 == 0 else ''},{'Oslo' if i % 2 else 'Malmö'}"
        for i in range(200)
    ]
    content = head + "\n".join(rows).encode()
    settings = settings_for(store.url)
    ws, upload_id = committed_upload(store, settings, content)
    with store.workspace(ws) as repo:
        run = repo.create_run(upload_id, None)
    run_analysis(store, pool, ws, run.id)
    count, themes, languages, stored = snapshot(store, ws, run.id)

    direct = pool.base.analyze(BytesIO(content), filename="survey.csv")
    expected = direct.model_dump(mode="json", exclude={"comment_results", "generated_at"})
    assert stored == expected
    assert expected["load"]["redactions"] and expected["warnings"]
    assert themes == sorted(
        (c.row, h.theme_id, h.polarity.value, h.start, h.end, round(h.confidence, 5))
        for c in direct.comment_results
        for h in c.themes
    )
    assert languages == sorted((c.row, c.language) for c in direct.comment_results)
    assert count > 0


# --- Celery with the real Redis broker -------------------------------------------------


@pytest.fixture()
def broker() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(BROKER)
    try:
        client.ping()
    except Exception as exc:  # the server is not there
        unreachable(f"Redis at {BROKER}", exc)
    queue = f"voc-test-{uuid.uuid4().hex[:8]}"
    yield queue
    client.delete(queue)
    client.close()


class Workers:
    """Starts ``voc worker`` processes for one queue and database; kills them at the end."""

    def __init__(self, settings: Settings, tmp: Path):
        self.env = {
            **os.environ,
            "VOC_DATABASE_URL": settings.database_url,
            "VOC_EMBEDDING_MODEL": "hashing",
            "VOC_BOOTSTRAP_SAMPLES": "100",
            "VOC_BROKER_URL": settings.broker_url,
            "VOC_CELERY_QUEUE": settings.celery_queue,
            "VOC_BROKER_VISIBILITY_TIMEOUT_S": str(settings.broker_visibility_timeout_s),
        }
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"worker{len(self.procs)}.log").open("wb")
        voc = Path(sys.executable).with_name("voc")
        proc = subprocess.Popen([str(voc), "worker"], env=self.env, stdout=log, stderr=log)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(10)


def wait_run(store: Store, ws: str, run_id: str, until: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store.workspace(ws) as repo:
            run = repo.get_run(run_id)
        if until(run):
            return run
        time.sleep(0.1)
    raise AssertionError(f"job {run_id} stuck at {run}")


@pytest.mark.celery
def test_killed_worker_job_is_retried_with_the_same_result(
    store: Store, pool: AnalyzerPool, broker: str, tmp_path: Path
) -> None:
    settings = settings_for(
        store.url, broker_url=BROKER, celery_queue=broker, broker_visibility_timeout_s=3
    )
    ws, upload_id = committed_upload(store, settings, survey(900))
    with store.workspace(ws) as repo:
        reference_run = repo.create_run(upload_id, None)
    run_analysis(store, pool, ws, reference_run.id)  # uninterrupted, in-process
    reference = snapshot(store, ws, reference_run.id)

    workers = Workers(settings, tmp_path)
    try:
        first = workers.start()
        with store.workspace(ws) as repo:
            run = repo.create_run(upload_id, None)
        CeleryRunner(settings).submit(ws, run.id)
        seen = wait_run(store, ws, run.id, lambda r: r.stage == "themes", 300)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert seen.status == "running"
        with store.workspace(ws) as repo:
            assert repo.get_run(run.id).status == "running"  # killed mid-job

        # Redis hands the unacknowledged message out again once it is older than the
        # visibility timeout; a worker looks for such messages as it starts, then only every
        # ~100 s (kombu's restore sweep). It was delivered before the job started, so start
        # the next worker once started_at + the timeout has passed, not a moment before.
        assert seen.started_at is not None
        started = seen.started_at.replace(tzinfo=seen.started_at.tzinfo or UTC)  # SQLite: naive
        due = started.timestamp() + settings.broker_visibility_timeout_s + 1
        time.sleep(max(0.0, due - time.time()))
        workers.start()
        done = wait_run(store, ws, run.id, lambda r: r.status != "running", 300)
    finally:
        workers.stop()
    logs = "\n".join(p.read_text(errors="replace") for p in tmp_path.glob("worker*.log"))
    assert done.status == "succeeded", logs[-3000:]
    assert done.attempts >= 2 and done.progress == 100
    assert snapshot(store, ws, run.id) == reference
    assert store.count_workspace_rows(ws)["responses"] == 900
    # `voc worker` logs JSON lines (VOC_LOG_FORMAT defaults to json) with the job's ids.
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    attempts = [line for line in lines if line["message"].startswith(f"job {run.id}: attempt")]
    assert len(attempts) >= 2 and all(line["job_id"] == run.id for line in attempts)
