import numpy as np
import pandas as pd
import pytest

from voc.analytics.alerts import find_alerts
from voc.analytics.drivers import fit_drivers
from voc.analytics.impact import theme_impacts
from voc.analytics.ranking import rank_areas
from voc.analytics.results import RankedAreas
from voc.analytics.simulate import PlantedSurvey, planted_survey
from voc.types import NpsGroup, Quote

SEGMENTS = ["Office", "Customer size"]


@pytest.fixture(scope="module")
def planted() -> PlantedSurvey:
    return planted_survey(n=1500, random_state=0)


@pytest.fixture(scope="module")
def ranked(planted: PlantedSurvey) -> RankedAreas:
    frame, ids = planted.frame, list(planted.mentions.columns)
    matrix = planted.mentions.to_numpy(float)
    impacts = theme_impacts(frame["score"].to_numpy(), matrix, ids, len(frame), n_bootstrap=100)
    drivers = fit_drivers(frame["score"].to_numpy(), matrix, ids, n_bootstrap=100, impacts=impacts)
    quote = Quote(
        response_id="P-1", text="Fel belopp", language="sv", score=2, nps_group=NpsGroup.DETRACTOR
    )
    return rank_areas(
        frame,
        planted.mentions,
        impacts=impacts,
        drivers=drivers,
        segment_columns=SEGMENTS,
        quotes={"billing": [quote]},
        n_bootstrap=50,
    )


def test_ranking_recovers_the_planted_improvement_areas_and_strength(
    ranked: RankedAreas, planted: PlantedSurvey
) -> None:
    top2 = [e.theme_id for e in ranked.improvements[:2]]
    assert top2 == list(planted.truth.improvement_areas)
    assert ranked.strengths[0].theme_id == planted.truth.strength
    assert [e.rank for e in ranked.improvements] == list(range(1, len(ranked.improvements) + 1))
    billing = ranked.improvements[0]
    assert billing.significant and billing.quotes[0].text == "Fel belopp"
    assert 0.1 < billing.reach < 0.2 and 0 < billing.passive_share < 1
    assert billing.worst_segments and billing.worst_segments[0].impact < 0


def test_confounder_is_not_a_top_area_and_carries_a_note(
    ranked: RankedAreas, planted: PlantedSurvey
) -> None:
    price = next(
        e for e in ranked.improvements + ranked.strengths if e.theme_id == planted.truth.confounder
    )
    assert price.rank > 2 and price.impact < -5  # one at a time it looks like a top area
    assert price.attributed_impact is not None and abs(price.attributed_impact) < 2
    assert "billing" in price.note


def test_ranking_recovers_the_planted_trend_and_its_segment(
    ranked: RankedAreas, planted: PlantedSurvey
) -> None:
    column, value = planted.truth.rising_segment
    entry = next(e for e in ranked.improvements if e.theme_id == planted.truth.rising_theme)
    assert entry.worsening and entry.trend is not None and entry.trend.direction == "rising"
    assert entry.trend.ci_low > 0
    assert entry.rising_segments[0] == f"{column}={value}"
    others = [e for e in ranked.improvements if e.theme_id != planted.truth.rising_theme]
    assert not any(e.worsening for e in others)


def test_alert_list_holds_the_risk_comment(planted: PlantedSurvey) -> None:
    alerts = find_alerts(
        planted.frame,
        planted.mentions.to_numpy(float),
        list(planted.mentions.columns),
        size_column="Customer size",
    )
    churn = [a for a in alerts if a.kind == "churn_risk"]
    assert [a.response_id for a in churn] == [planted.truth.risk_response_id]
    assert churn[0].matched == "säga upp" and churn[0].row is not None


def test_ranking_without_a_driver_model_uses_plain_impact() -> None:
    frame = pd.DataFrame(
        {
            "score": [0, 1, 2, 9, 10, 10, 8, 7] * 5,
            "submitted_at": pd.to_datetime(["2026-01-01"] * 40),
        }
    )
    mentions = np.zeros((40, 2))
    mentions[frame["score"] <= 2, 0] = 1
    mentions[frame["score"] == 10, 1] = 1
    ranked = rank_areas(frame, mentions, ["bad", "good"], n_bootstrap=50)
    assert [e.theme_id for e in ranked.improvements] == ["bad"]
    assert [e.theme_id for e in ranked.strengths] == ["good"]
    assert ranked.improvements[0].attributed_impact is None
    assert ranked.improvements[0].priority == -ranked.improvements[0].impact


def test_undated_responses_rank_without_a_trend() -> None:
    frame = pd.DataFrame({"score": [0, 1, 2, 9, 10, 10, 8, 7] * 5, "submitted_at": pd.NaT})
    mentions = np.zeros((40, 1))
    mentions[frame["score"] <= 2, 0] = 1
    (entry,) = rank_areas(frame, mentions, ["bad"], n_bootstrap=20).improvements
    assert entry.trend is None and not entry.worsening
