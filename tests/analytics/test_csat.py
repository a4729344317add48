from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from voc.analytics.csat import (
    csat_by_month,
    csat_by_segment,
    csat_impacts_from_counts,
    csat_theme_impacts,
    estimate_csat,
    metric_of,
    rank_csat_themes,
    score_counts,
)
from voc.errors import InputError


def test_mean_and_top_2_box_by_hand_on_1_5() -> None:
    scores = [5, 4, 2, 5, 3, 1, 4, 5, 2, 4, 5, 3]  # sum 43, 7 answers of 4-5
    est = estimate_csat(scores, "1-5", min_sample=30)
    assert (est.n, est.satisfied, est.top_box_min) == (12, 7, 4)
    assert est.mean == pytest.approx(43 / 12, abs=1e-3)
    assert est.share_satisfied == pytest.approx(7 / 12, abs=1e-4)
    low, high = stats.t.interval(0.95, 11, loc=np.mean(scores), scale=stats.sem(scores))
    assert (est.ci_low, est.ci_high) == pytest.approx((low, high), abs=1e-3)
    # Wilson 95%: centre (p + z²/2n) / (1 + z²/n), 7/12 -> 0.3196 .. 0.8067
    assert (est.share_ci_low, est.share_ci_high) == pytest.approx((0.3196, 0.8067), abs=1e-3)
    assert est.low_sample


def test_top_2_box_on_1_7_is_6_and_7() -> None:
    est = estimate_csat([7, 6, 5, 4, 1, 7], "1-7")
    assert (est.scale, est.top_box_min, est.satisfied) == ("1-7", 6, 3)
    assert est.mean == pytest.approx(30 / 6, abs=1e-3)
    with pytest.raises(InputError, match="outside the 1-5 scale"):
        estimate_csat([4, 6], "1-5")


def test_no_answers_give_no_estimate_not_zero() -> None:
    est = estimate_csat([], "1-5")
    assert est.n == 0 and est.mean is None and est.share_satisfied is None
    assert est.ci_low is None and est.share_ci_high is None and est.low_sample


def test_by_month_and_by_segment_by_hand() -> None:
    frame = pd.DataFrame(
        {
            "score": [5, 1, 4, 4, 2, 3],
            "submitted_at": pd.to_datetime(
                ["2025-01-02", "2025-01-20", "2025-02-01", None, "2025-02-10", "2025-02-28"]
            ),
            "Kanal": ["Chatt", "Telefon", "Chatt", "Telefon", "Telefon", ""],
        }
    )
    months = csat_by_month(frame, "1-5")
    assert [(m.period, m.estimate.n, m.estimate.mean) for m in months] == [
        ("2025-01", 2, 3.0),
        ("2025-02", 3, 3.0),
    ]
    segments = {
        (s.value, s.estimate.n, s.estimate.satisfied) for s in csat_by_segment(frame, ["Kanal"])
    }
    assert segments == {("Telefon", 3, 1), ("Chatt", 2, 2), ("(blank)", 1, 0)}


def test_theme_impact_by_hand() -> None:
    # Theme mentioned by the 1 and the 2: mean all = 21/6 = 3.5, without = 18/4 = 4.5.
    scores = np.array([1, 2, 4, 4, 5, 5])
    mentions = np.array([[1], [1], [0], [0], [0], [0]])
    (s,) = csat_theme_impacts(scores, mentions, ["wait"], 6, n_bootstrap=300)
    assert s.impact == pytest.approx(3.5 - 4.5)
    assert s.share_impact == pytest.approx(100 * (4 / 6 - 4 / 4), abs=0.01)
    assert s.csat_with.mean == 1.5 and s.csat_without.mean == 4.5
    assert s.ci_low is not None and s.ci_high is not None
    assert s.ci_low <= s.impact <= s.ci_high


def test_a_theme_every_response_mentions_has_no_impact_figure() -> None:
    (s,) = csat_theme_impacts([3, 4, 5], np.ones((3, 1)), ["all"], 3)
    assert s.impact is None and s.ci_low is None and s.csat_without.mean is None


def test_bootstrap_is_seeded_and_the_same_from_counts_or_rows() -> None:
    rng = np.random.default_rng(4)
    scores = rng.integers(1, 6, 200)
    mentions = (rng.random((200, 3)) < 0.2).astype(float)
    ids = ["a", "b", "c"]
    rows = csat_theme_impacts(scores, mentions, ids, 200, random_state=7)
    assert rows == csat_theme_impacts(scores, mentions, ids, 200, random_state=7)
    mentioned = [score_counts(scores[mentions[:, k] > 0], "1-5") for k in range(3)]
    counts = csat_impacts_from_counts(
        score_counts(scores, "1-5"), mentioned, ids, 200, random_state=7
    )
    assert counts == rows


def test_ranking_puts_sure_negative_themes_first() -> None:
    rng = np.random.default_rng(0)
    scores = np.concatenate([rng.integers(4, 6, 150), rng.integers(1, 3, 50)])
    mentions = np.zeros((200, 3))
    mentions[150:, 0] = 1  # only the unhappy ones: a clear improvement area
    mentions[:60, 1] = 1  # only happy ones: a strength
    mentions[::50, 2] = 1  # four mentions, mixed
    stats_ = csat_theme_impacts(scores, mentions, ["bad", "good", "noise"], 200)
    improvement, strengths = rank_csat_themes(stats_)
    assert improvement[0] == "bad" and strengths[0] == "good"


def test_metric_from_header_setting_and_reader() -> None:
    assert metric_of([1, 2, 7], header="Hur nöjd är du? (1-7)").scale == "1-7"
    assert metric_of([4, 5], header="Hur nöjd är du med hjälpen du fick? (1-5)").metric == "csat"
    assert metric_of([4, 5], setting="1-7").scale == "1-7"
    assert metric_of([4, 5], loaded_scale="1-5").metric == "csat"
    assert metric_of([4, 5, 9], header="Score").metric == "nps"
    # A rule for the report that never mentions the other metric.
    assert "NPS" not in metric_of([4, 5], header="CSAT (1-5)").rule


@given(
    st.lists(st.integers(1, 5), min_size=2, max_size=150),
    st.lists(st.booleans(), min_size=150, max_size=150),
)
@settings(max_examples=60, deadline=None)
def test_impact_is_share_times_difference(scores: list[int], flags: list[bool]) -> None:
    values = np.array(scores)
    mentioned = np.array(flags[: len(scores)], dtype=float)[:, None]
    (s,) = csat_theme_impacts(values, mentioned, ["t"], len(scores), n_bootstrap=50)
    with_, without = values[mentioned[:, 0] > 0], values[mentioned[:, 0] == 0]
    if len(without) == 0:
        assert s.impact is None
        return
    expected = values.mean() - without.mean()
    assert s.impact == pytest.approx(expected, abs=1e-3)
    if len(with_):
        share = len(with_) / len(values)
        assert expected == pytest.approx(share * (with_.mean() - without.mean()), abs=1e-9)
