"""A survey cut into chunks, assigned by several workers, gives the single-process report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from voc.config import Settings
from voc.io import LoadedSurvey, load_survey
from voc.jobs.celery_app import create_celery
from voc.jobs.chunked import (
    analyze_in_chunks,
    assignments_from_json,
    assignments_to_json,
    celery_assigner,
    local_assigner,
)
from voc.pipeline import Analyzer
from voc.store.testing import unreachable
from voc.types import Report

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "nps_export.csv"
# A database number of its own, so other suites' workers never take these tasks.
BROKER = "redis://127.0.0.1:6379/7"


def settings_for(tmp: Path, queue: str = "voc") -> Settings:
    return Settings(
        embedding_model="hashing",
        bootstrap_samples=100,
        database_url=f"sqlite:///{tmp / 'voc.db'}",
        broker_url=BROKER,
        celery_queue=queue,
    )


def comparable(report: Report) -> dict[str, Any]:
    return report.model_dump(mode="json", exclude={"generated_at"})


@pytest.fixture(scope="module")
def loaded() -> LoadedSurvey:
    return load_survey(SAMPLE)


def test_assignments_survive_json(loaded: LoadedSurvey, tmp_path: Path) -> None:
    analyzer = Analyzer(settings_for(tmp_path))
    found = analyzer.assign_themes(loaded.frame["comment"].tolist()[:80])
    assert any(a.hits for a in found) and any(not a.hits for a in found)
    assert assignments_from_json(assignments_to_json(found)) == found


def test_chunks_give_the_single_process_report(loaded: LoadedSurvey, tmp_path: Path) -> None:
    analyzer = Analyzer(settings_for(tmp_path))
    single = analyzer.analyze_loaded(loaded)
    chunked = analyze_in_chunks(analyzer, loaded, local_assigner(analyzer), chunk_size=97)
    assert comparable(chunked) == comparable(single)
    assert sum(len(c.themes) for c in chunked.comment_results) > 0


def test_chunk_size_must_be_positive(loaded: LoadedSurvey, tmp_path: Path) -> None:
    analyzer = Analyzer(settings_for(tmp_path))
    with pytest.raises(ValueError, match="chunk_size must be at least 1, got 0"):
        analyze_in_chunks(analyzer, loaded, local_assigner(analyzer), chunk_size=0)


@pytest.fixture()
def queue() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(BROKER)
    try:
        client.ping()
    except Exception as exc:  # the server is not there
        unreachable(f"Redis at {BROKER}", exc)
    name = f"voc-chunks-{uuid.uuid4().hex[:8]}"
    yield name
    client.delete(name)
    client.close()


@pytest.mark.celery
def test_two_celery_workers_give_the_single_process_report(
    loaded: LoadedSurvey, queue: str, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, queue)
    env = {
        **os.environ,
        "VOC_EMBEDDING_MODEL": "hashing",
        "VOC_BOOTSTRAP_SAMPLES": "100",
        "VOC_DATABASE_URL": settings.database_url,
        "VOC_BROKER_URL": BROKER,
        "VOC_CELERY_QUEUE": queue,
    }
    voc = Path(sys.executable).with_name("voc")
    workers = []
    for i in range(2):
        log = (tmp_path / f"worker{i}.log").open("wb")
        workers.append(subprocess.Popen([str(voc), "worker"], env=env, stdout=log, stderr=log))
    try:
        analyzer = Analyzer(settings)
        single = analyzer.analyze_loaded(loaded)
        app = create_celery(settings)
        chunked = analyze_in_chunks(
            analyzer, loaded, celery_assigner(app, queue, timeout=600), chunk_size=150
        )
        assert comparable(chunked) == comparable(single)
    finally:
        for proc in workers:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
