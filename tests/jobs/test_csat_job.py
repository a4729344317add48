"""A CSAT upload committed to the store and analysed by a job gives the CSAT report."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from voc.api.ingest import read_upload, response_rows
from voc.config import Settings
from voc.jobs import AnalyzerPool, run_analysis
from voc.pipeline import Analyzer
from voc.split import survey_metric
from voc.store import ResultFilters, Store

FIXTURE = Path(__file__).parents[1] / "fixtures" / "kundtjanst_csat.csv"


@pytest.fixture()
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    store.upgrade()
    yield store
    store.dispose()


def test_a_committed_csat_upload_gives_the_csat_report(store: Store) -> None:
    settings = Settings(embedding_model="hashing", bootstrap_samples=100, database_url=store.url)
    content = FIXTURE.read_bytes()
    _, loaded = read_upload(content, "kundtjanst.csv", None, settings)
    metric = survey_metric(loaded, settings).metric
    assert metric == "csat"
    ws = store.create_workspace(f"csat-{uuid.uuid4().hex[:6]}")
    with store.workspace(ws.id) as repo:
        upload = repo.add_upload("kundtjanst.csv", content)
        repo.commit_upload(
            upload.id,
            loaded.report.mapping.model_dump(mode="json"),
            loaded.report.model_dump(mode="json"),
            response_rows(loaded, metric),
            loaded.warnings,
        )
        run = repo.create_run(upload.id, None)
    pool = AnalyzerPool(Analyzer(Settings(embedding_model="hashing", bootstrap_samples=100)))
    run_analysis(store, pool, ws.id, run.id)
    with store.workspace(ws.id) as repo:
        assert repo.get_run(run.id).status == "succeeded"
        report = repo.run_report(run.id)
        # The NPS results count answers by NPS group: CSAT answers have none, so they are
        # never pooled into an NPS.
        counts = repo.results.nps_counts(ResultFilters())
        assert (counts.promoters, counts.passives, counts.detractors) == (0, 0, 0)
    assert report["metric"] == "csat" and report["nps"] is None
    assert report["csat"]["n"] == 24 and report["csat"]["satisfied"] == 15
    assert report["csat"]["mean"] == pytest.approx(87 / 24, abs=1e-3)
    assert [m["period"] for m in report["monthly_csat"]] == ["2025-01", "2025-02"]
    assert report["csat_theme_impacts"] and report["load"]["scale"] == "1-5"
