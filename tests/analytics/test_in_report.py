"""The analytics fields of the Report, end to end on the sample export (hashing embedder)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from voc.cli import print_summary
from voc.config import Settings
from voc.io.writers import render_html
from voc.nlp.langid import LanguageGuess
from voc.pipeline import Analyzer
from voc.types import Report

SAMPLE_CSV = Path(__file__).resolve().parents[2] / "data" / "sample" / "nps_export.csv"


def _all_swedish(texts: Iterable[str], **_: object) -> list[LanguageGuess]:
    return [LanguageGuess("sv", 1.0) for _ in texts]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    # Language detection is tested in tests/nlp; a stand-in keeps this suite fast.
    settings = Settings(
        embedding_model="hashing",
        bootstrap_samples=100,
        models_dir=tmp_path_factory.mktemp("models"),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("voc.pipeline.detect", _all_swedish)
        return Analyzer(settings).analyze(SAMPLE_CSV)


def test_report_carries_trends_drivers_ranking_alerts_and_what_if(report: Report) -> None:
    assert report.scale_rule == "NPS 0-10: promoters 9-10, passives 7-8, detractors 0-6"
    assert report.nps_change is not None and report.nps_trend is not None
    assert report.quarterly_nps and report.weekly_nps
    assert {k.kind for k in report.kind_nps} == {"transactional"}  # the Touchpoint column
    assert report.drivers is not None and report.drivers.effects
    assert report.ranked_improvements and report.ranked_strengths and report.ranking_method
    first = report.ranked_improvements[0]
    assert first.theme_id in report.improvement_areas and first.quotes
    assert report.what_if[0].theme_id == first.theme_id
    churn = [a for a in report.alerts if a.kind == "churn_risk"]
    assert churn and all(a.row is not None and a.score is not None and a.score <= 6 for a in churn)
    assert {a.kind for a in report.alerts} >= {"churn_risk", "large_account"}
    again = Report.model_validate(json.loads(report.model_dump_json()))
    assert again == report


def test_summary_and_html_show_the_analytics(report: Report) -> None:
    buffer = io.StringIO()
    print_summary(report, Console(file=buffer, width=200, color_system=None))
    text = buffer.getvalue()
    assert "Grouping: NPS 0-10" in text and "What if:" in text and "Alerts (" in text
    assert "co-mentions fixed" in text and "Trend over" in text
    html = render_html(report)
    for heading in (
        "Alerts: act today",
        "Drivers: one at a time vs co-mentions held fixed",
        "NPS by survey kind and touchpoint",
        "NPS by quarter",
        "What if:",
    ):
        assert heading in html


def test_a_csat_export_gets_a_csat_report_never_nps(tmp_path: Path) -> None:
    frame = pd.DataFrame({"Score": [1, 2, 3, 4, 5, 4, 5, 4] * 15, "Comment": ["ok"] * 120})
    analyzer = Analyzer(Settings(embedding_model="hashing", models_dir=tmp_path))
    report = analyzer.analyze(frame)
    assert report.metric == "csat" and report.nps is None and not report.theme_impacts
    assert report.csat is not None and report.csat.n == 120
    assert "CSAT 1-5 because all 120 answers lie in 1..5" in report.load.scale_reason
    assert report.load.scale == "1-5"
