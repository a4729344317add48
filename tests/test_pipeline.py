from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from voc.config import Settings
from voc.pipeline import Analyzer, analyze
from voc.types import NpsGroup, Report


@pytest.fixture()
def analyzer(fast_settings: Settings) -> Analyzer:
    return Analyzer(fast_settings)


def test_analyze_dataframe_end_to_end(analyzer: Analyzer, small_survey: pd.DataFrame) -> None:
    report = analyzer.analyze(small_survey)
    # 5 promoters (10, 9, 10, 9, 10), 2 passives (8, 7), 5 detractors: NPS = 0.
    assert (report.nps.n, report.nps.promoters, report.nps.passives, report.nps.detractors) == (
        12,
        5,
        2,
        5,
    )
    assert report.nps.nps == 0.0
    assert report.nps.low_sample  # n=12 < 30
    assert any("only 12 usable responses" in w for w in report.warnings)
    assert [m.period for m in report.monthly_nps] == ["2026-01", "2026-02"]
    assert {(s.column, s.value) for s in report.segment_nps} == {
        ("Office", "Stockholm"),
        ("Office", "Oslo"),
    }
    assert len(report.comment_results) == 12
    first = report.comment_results[0]
    assert (first.response_id, first.score, first.nps_group) == ("1", 10, NpsGroup.PROMOTER)
    assert first.segments == {"Office": "Stockholm"}
    assert {t.theme_id for t in report.theme_impacts} == set(analyzer.taxonomy.ids)


def test_report_frames_have_documented_columns(
    analyzer: Analyzer, small_survey: pd.DataFrame
) -> None:
    report = analyzer.analyze(small_survey)
    assert list(report.themes.columns[:8]) == [
        "theme_id",
        "label",
        "group",
        "n_comments",
        "share",
        "nps_with",
        "nps_without",
        "impact",
    ]
    assert list(report.nps_by_month.columns) == [
        "period",
        "n",
        "promoters",
        "passives",
        "detractors",
        "nps",
        "ci_low",
        "ci_high",
        "low_sample",
    ]
    assert list(report.nps_by_segment.columns[:2]) == ["column", "value"]
    assert {"response_id", "language", "themes", "nps_group", "comment", "Office"} <= set(
        report.comments.columns
    )


def test_report_round_trips_through_json(analyzer: Analyzer, small_survey: pd.DataFrame) -> None:
    report = analyzer.analyze(small_survey)
    again = Report.model_validate(json.loads(report.model_dump_json()))
    assert again == report


def test_same_input_same_report(analyzer: Analyzer, small_survey: pd.DataFrame) -> None:
    a = analyzer.analyze(small_survey).model_dump(exclude={"generated_at"})
    b = analyzer.analyze(small_survey).model_dump(exclude={"generated_at"})
    assert a == b


def test_module_level_analyze_reuses_loaded_models(
    fast_settings: Settings, small_survey: pd.DataFrame
) -> None:
    from voc import pipeline

    analyze(small_survey, fast_settings)
    cached = dict(pipeline._default_analyzers)
    analyze(small_survey, fast_settings)
    assert pipeline._default_analyzers == cached


def test_comment_results_say_why_unassigned_and_which_proposed_theme(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voc.nlp.themes import REASON_BELOW, REASON_EMPTY, ThemeAssignment

    texts = [""] + [f"Parkeringen vid kontoret är omöjlig, plats {i}" for i in range(40)]
    frame = pd.DataFrame(
        {"response_id": [str(i) for i in range(41)], "score": [5] * 41, "comment": texts}
    )
    # Guided mode places none of them (the hashing stand-in would match by chance).
    monkeypatch.setattr(
        analyzer,
        "assign_themes",
        lambda comments, *a, **k: [
            ThemeAssignment((), REASON_BELOW if c else REASON_EMPTY) for c in comments
        ],
    )
    report = analyzer.analyze(frame)
    assert report.proposed_themes
    by_id = {c.response_id: c for c in report.comment_results}
    assert by_id["0"].unassigned_reason and "empty" in by_id["0"].unassigned_reason
    for c in report.comment_results:
        assert (c.unassigned_reason is None) == bool(c.themes)
        if c.discovered_theme is not None:
            assert c.discovered_theme in {p.topic_id for p in report.proposed_themes}
            assert not c.themes
    placed = report.comments.dropna(subset=["discovered_theme"])
    assert len(placed) == sum(p.size for p in report.proposed_themes)


def test_too_few_unmatched_comments_propose_nothing(
    analyzer: Analyzer, small_survey: pd.DataFrame
) -> None:
    report = analyzer.analyze(small_survey)
    assert report.proposed_themes == [] and report.discovery_outliers == 0


def test_mixed_survey_kinds_are_split_never_pooled(
    analyzer: Analyzer, small_survey: pd.DataFrame
) -> None:
    from voc.errors import InputError

    mixed = small_survey.assign(Touchpoint=["Relationship survey"] * 6 + ["Onboarding call"] * 6)
    with pytest.raises(InputError, match="analyze_by_kind"):
        analyzer.analyze(mixed)
    reports = analyzer.analyze_by_kind(mixed)
    assert list(reports) == ["relational", "transactional"]
    assert [r.nps.n for r in reports.values()] == [6, 6]
    assert reports["transactional"].comment_results[0].response_id == "7"
    # One kind, or no kind column: one report, as analyze gives it.
    single = analyzer.analyze_by_kind(small_survey)
    assert list(single) == ["all"] and single["all"].survey_kind is None
    two_touchpoints = ["Support case"] * 6 + ["Onboarding call"] * 6
    one_kind = analyzer.analyze_by_kind(mixed.assign(Touchpoint=two_touchpoints))
    assert list(one_kind) == ["transactional"]
    assert one_kind["transactional"].survey_kind == "transactional"


def test_corrections_in_the_taxonomy_file_change_assignment(
    fast_settings: Settings, tmp_path: Path
) -> None:
    from voc.nlp.taxonomy import load_taxonomy

    comment = "Parkeringen vid kontoret är omöjlig"
    default = load_taxonomy()
    before = Analyzer(fast_settings, taxonomy=default).theme_model.transform([comment])[0]
    assert "availability" not in {h.theme_id for h in before.hits}
    text = (Path(__file__).parents[1] / "src/voc/data/taxonomy.yaml").read_text("utf-8")
    path = tmp_path / "taxonomy.yaml"
    path.write_text(
        text + "corrections:\n"
        "  - {text: 'parkeringen vid kontoret är omöjlig', theme: availability, "
        "polarity: negative}\n",
        encoding="utf-8",
    )
    corrected = Analyzer(fast_settings.model_copy(update={"taxonomy_path": path}))
    hits = corrected.theme_model.transform([comment])[0].hits
    assert [(h.theme_id, h.polarity.value) for h in hits] == [("availability", "negative")]


def test_theme_threshold_setting_reaches_the_theme_model(fast_settings: Settings) -> None:
    fixed = Analyzer(fast_settings.model_copy(update={"theme_threshold": 0.7})).theme_model
    assert fixed.threshold_ == pytest.approx(0.7)
    auto = Analyzer(fast_settings.model_copy(update={"theme_threshold": "auto"})).theme_model
    assert auto.threshold is None and 0.0 < auto.threshold_ < 1.0  # calibrated on the seeds
    with pytest.raises(ValueError, match="between 0 and 1"):
        Settings(theme_threshold=1.5)


def test_the_head_is_skipped_for_an_embedder_it_was_not_trained_for(
    fast_settings: Settings,
) -> None:
    from voc.nlp.themes import GuidedThemeModel

    assert fast_settings.embedding_model == "hashing"
    assert isinstance(Analyzer(fast_settings).theme_model, GuidedThemeModel)
    guided = Analyzer(fast_settings.model_copy(update={"theme_model": "guided"})).theme_model
    assert isinstance(guided, GuidedThemeModel) and guided.threshold_ == 0.5


@pytest.mark.slow
def test_a_correction_refits_the_shipped_head_without_re_embedding_its_training_set(
    tmp_path: Path,
) -> None:
    from voc.nlp.bundle import PrecomputedEmbedder
    from voc.nlp.embed import CachedEmbedder
    from voc.nlp.hybrid import HybridThemeModel

    comment = "Parkeringen vid kontoret är omöjlig"
    text = (Path(__file__).parents[1] / "src/voc/data/taxonomy.yaml").read_text("utf-8")
    path = tmp_path / "taxonomy.yaml"
    path.write_text(
        text + "corrections:\n"
        "  - {text: 'parkeringen vid kontoret är omöjlig', theme: availability, "
        "polarity: negative}\n",
        encoding="utf-8",
    )
    plain = Analyzer(Settings()).theme_model
    assert isinstance(plain, HybridThemeModel)
    assert "availability" not in {h.theme_id for h in plain.transform([comment])[0].hits}
    analyzer = Analyzer(Settings(taxonomy_path=path))
    model = analyzer.theme_model
    assert isinstance(model, HybridThemeModel) and isinstance(model.embedder, PrecomputedEmbedder)
    assert model.head_ is not plain.head_  # re-fitted with the correction
    inner = analyzer.embedder
    assert isinstance(inner, CachedEmbedder) and inner.misses < 500  # seeds, not the corpus
    hits = model.transform([comment])[0].hits
    assert [(h.theme_id, h.polarity.value) for h in hits] == [("availability", "negative")]
