"""CSAT surveys end to end: the Swedish customer-service fixture, NPS + CSAT exports, output."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from voc.cli import app, print_summary
from voc.config import Settings
from voc.io.writers import render_html
from voc.nlp.language_names import language_name
from voc.pipeline import Analyzer
from voc.types import LanguageShare, Report

FIXTURE = Path(__file__).parent / "fixtures" / "kundtjanst_csat.csv"


@pytest.fixture()
def analyzer(fast_settings: Settings) -> Analyzer:
    return Analyzer(fast_settings)


@pytest.fixture()
def report(analyzer: Analyzer) -> Report:
    return analyzer.analyze(FIXTURE)


def test_the_fixture_is_read_as_csat_and_counted_by_hand(report: Report) -> None:
    # Hand count of kundtjanst_csat.csv: 24 answers summing to 87, 15 of them 4 or 5.
    assert report.metric == "csat" and report.nps is None and report.theme_impacts == []
    assert report.load.delimiter == ";" and report.load.scale == "1-5"
    assert report.load.mapping.score == "Hur nöjd är du med hjälpen du fick? (1-5)"
    assert "header" in report.load.scale_reason
    csat = report.csat
    assert csat is not None
    assert (csat.n, csat.satisfied) == (24, 15)
    assert csat.mean == pytest.approx(87 / 24, abs=1e-3)
    assert csat.share_satisfied == pytest.approx(15 / 24, abs=1e-4)
    assert csat.ci_low is not None and csat.ci_low < 87 / 24 < (csat.ci_high or 0)


def test_by_month_and_by_segment_equal_a_hand_count(report: Report) -> None:
    # January: 5 4 2 5 3 1 4 5 2 4 5 3 (sum 43, 7 satisfied); February: sum 44, 8 satisfied.
    months = [
        (m.period, m.estimate.n, m.estimate.mean, m.estimate.satisfied) for m in report.monthly_csat
    ]
    assert months == [("2025-01", 12, round(43 / 12, 3), 7), ("2025-02", 12, round(44 / 12, 3), 8)]
    # Telefon 10 answers sum 32 (5 satisfied); Chatt 8 sum 37 (8); E-post 6 sum 18 (2).
    by_channel = {
        s.value: (s.estimate.n, s.estimate.mean, s.estimate.satisfied)
        for s in report.segment_csat
        if s.column == "Kanal"
    }
    assert by_channel == {"Telefon": (10, 3.2, 5), "Chatt": (8, 4.625, 8), "E-post": (6, 3.0, 2)}
    assert report.csat_by_segment["mean"].tolist() == [3.2, 4.625, 3.0]


def test_themes_have_csat_impact_and_quotes(report: Report) -> None:
    assert report.csat_theme_impacts
    for t in report.csat_theme_impacts:
        assert t.csat_with.n == t.n_comments
        assert t.csat_with.n + t.csat_without.n == 24
    ranked = report.improvement_areas + report.strengths
    assert all(report.csat_theme(t).n_comments >= 3 for t in ranked)
    quoted = [q for t in report.csat_theme_impacts for q in t.quotes]
    assert quoted and all(q.nps_group is None and q.satisfied is not None for q in quoted)
    assert list(report.themes.columns[:7]) == [
        "theme_id",
        "label",
        "group",
        "n_comments",
        "share",
        "csat_with",
        "csat_without",
    ]


def test_a_csat_report_never_says_nps(report: Report, tmp_path: Path) -> None:
    buffer = io.StringIO()
    print_summary(report, Console(file=buffer, width=200, color_system=None))
    text = buffer.getvalue()
    assert "CSAT mean 3.62" in text and "top-2 box, 4-5): 15 of 24 = 62%" in text
    html = render_html(report)
    assert "Mean CSAT by month" in html and "CSAT by segment" in html
    for output in (text, html):
        assert "NPS" not in output and "promoter" not in output.lower()
    comments = report.comments
    assert "nps_group" not in comments.columns
    assert comments["satisfied"].sum() == 15


def test_voc_analyze_writes_the_csat_report(tmp_path: Path, fast_settings: Settings) -> None:
    env = {
        "VOC_EMBEDDING_MODEL": "hashing",
        "VOC_MODELS_DIR": str(tmp_path / "models"),
        "VOC_BOOTSTRAP_SAMPLES": "100",
    }
    result = CliRunner().invoke(
        app, ["analyze", str(FIXTURE), "-o", str(tmp_path / "out")], env=env
    )
    assert result.exit_code == 0, result.output
    assert "CSAT mean" in result.output and "NPS" not in result.output
    saved = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert saved["metric"] == "csat" and saved["nps"] is None
    assert saved["csat"]["n"] == 24 and saved["csat"]["satisfied"] == 15
    rows = pd.read_csv(tmp_path / "out" / "comments.csv", encoding="utf-8-sig")
    assert len(rows) == 24 and "satisfied" in rows.columns


def _two_questions(n: int = 40) -> pd.DataFrame:
    nps = [(i * 7) % 11 for i in range(n)]  # 0..10
    csat = [1 + (i * 3) % 5 for i in range(n)]  # 1..5
    return pd.DataFrame(
        {
            "Svar ID": [f"S{i}" for i in range(n)],
            "Hur troligt är det att du skulle rekommendera oss till en vän? (0-10)": nps,
            "Hur nöjd är du med hjälpen du fick? (1-5)": csat,
            "Kommentar": [
                "Lång väntetid i telefon" if i % 3 else "Trevlig personal" for i in range(n)
            ],
        }
    )


def test_an_export_with_an_nps_and_a_csat_column_gives_both_reports(analyzer: Analyzer) -> None:
    frame = _two_questions()
    reports = analyzer.analyze_by_kind(frame)
    assert set(reports) == {"nps", "csat"}
    nps, csat = reports["nps"], reports["csat"]
    assert nps.metric == "nps" and nps.csat is None and nps.nps is not None
    scores = frame.iloc[:, 1]
    assert nps.nps.promoters == int((scores >= 9).sum()) and nps.nps.n == 40
    answers = frame.iloc[:, 2]
    assert csat.metric == "csat" and csat.nps is None and csat.csat is not None
    assert csat.csat.mean == pytest.approx(answers.mean(), abs=1e-3)
    assert csat.csat.satisfied == int((answers >= 4).sum())
    assert any("two questions" in w for w in csat.warnings)


def test_an_export_with_rows_of_two_surveys_gives_both_reports(analyzer: Analyzer) -> None:
    nps_rows = pd.DataFrame(
        {
            "Enkät": "Relation NPS",
            "Betyg": [(i * 7) % 11 for i in range(30)],
            "Kommentar": "Kunnig personal",
        }
    )
    csat_rows = pd.DataFrame(
        {"Enkät": "Kundtjänst", "Betyg": [1 + i % 5 for i in range(25)], "Kommentar": "Bra hjälp"}
    )
    frame = pd.concat([nps_rows, csat_rows], ignore_index=True)
    reports = analyzer.analyze_by_kind(frame)
    assert set(reports) == {"nps", "csat"}
    assert reports["nps"].nps is not None and reports["nps"].nps.n == 30
    csat = reports["csat"].csat
    assert csat is not None and csat.n == 25 and csat.mean == 3.0 and csat.satisfied == 10


def test_norwegian_of_undecided_standard_is_labelled_as_such() -> None:
    assert language_name("no") == "Norwegian (bokmål/nynorsk unclear)"
    assert language_name("nb") != language_name("nn") != language_name("no")
    assert language_name("xx") == "xx"


def test_summary_and_html_show_the_undecided_norwegian_label(report: Report) -> None:
    shares = [
        LanguageShare(language="no", n=3, share=0.5),
        LanguageShare(language="nb", n=3, share=0.5),
    ]
    labelled = report.model_copy(update={"languages": shares})
    buffer = io.StringIO()
    print_summary(labelled, Console(file=buffer, width=200, color_system=None))
    assert "Norwegian (bokmål/nynorsk unclear) 50%" in buffer.getvalue()
    assert "Norwegian (bokmål/nynorsk unclear) 50%" in render_html(labelled)
    assert json.loads(labelled.model_dump_json())["languages"][0]["language"] == "no"
