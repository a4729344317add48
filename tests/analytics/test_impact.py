import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc.analytics import nps_by_month, nps_by_segment, rank_themes, theme_impacts
from voc.analytics.impact import (
    impact_by_period,
    impact_by_segment,
    theme_impacts_from_counts,
    theme_sentiment,
)
from voc.errors import InputError


def test_impact_is_nps_all_minus_nps_without_the_theme() -> None:
    # 10 responses: NPS(all) = (4 - 3) / 10 = +10.
    scores = np.array([10, 10, 9, 9, 8, 7, 7, 2, 3, 5])
    # "billing" mentioned by the three detractors: NPS without = 4/7 = +57.14 -> impact -47.14
    # "competence" mentioned by two promoters: NPS without = (2 - 3)/8 = -12.5 -> impact +22.5
    mentions = np.zeros((10, 2))
    mentions[[7, 8, 9], 0] = 1
    mentions[[0, 1], 1] = 1
    billing, competence = theme_impacts(
        scores, mentions, ["billing", "competence"], n_commented=10, n_bootstrap=200
    )
    assert billing.impact == pytest.approx(10 - 100 * 4 / 7, abs=0.01)
    assert competence.impact == pytest.approx(22.5, abs=0.01)
    assert billing.n_comments == 3 and billing.share == 0.3
    assert billing.nps_with.nps == -100.0 and competence.nps_with.nps == 100.0
    # impact = share x (NPS with - NPS without) holds exactly
    share = 3 / 10
    assert billing.impact == pytest.approx(
        share * (billing.nps_with.nps - billing.nps_without.nps), abs=0.01
    )
    assert billing.ci_low <= billing.impact <= billing.ci_high


def test_bootstrap_is_seeded() -> None:
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 11, 200)
    mentions = (rng.random((200, 3)) < 0.2).astype(float)
    a = theme_impacts(scores, mentions, ["a", "b", "c"], 200, random_state=3)
    b = theme_impacts(scores, mentions, ["a", "b", "c"], 200, random_state=3)
    assert a == b


def test_counts_give_the_same_stats_as_the_rows() -> None:
    rng = np.random.default_rng(2)
    scores = rng.integers(0, 11, 500)
    mentions = (rng.random((500, 3)) < [0.1, 0.3, 0.02]).astype(float)
    from_rows = theme_impacts(scores, mentions, ["a", "b", "c"], 450, random_state=5)
    groups = [scores >= 9, (scores >= 7) & (scores <= 8), scores <= 6]
    mentioned = [[int((m & g).sum()) for g in groups] for m in (mentions > 0).T]
    overall = [int(g.sum()) for g in groups]
    from_counts = theme_impacts_from_counts(
        overall, np.array(mentioned), ["a", "b", "c"], 450, random_state=5
    )
    assert from_rows == from_counts
    assert from_rows[0].share == round(from_rows[0].n_comments / 450, 4)


def test_bootstrap_on_counts_matches_a_bootstrap_over_rows() -> None:
    # Resampling rows with replacement draws the six (mentions x group) counts from a
    # multinomial: the two intervals differ only by Monte Carlo noise (~0.2 points here).
    rng = np.random.default_rng(4)
    scores = rng.integers(0, 11, 300)
    mentions = ((scores <= 6) & (rng.random(300) < 0.4) | (rng.random(300) < 0.05)).astype(float)
    draws = 4000
    (stat,) = theme_impacts(scores, mentions[:, None], ["t"], 300, n_bootstrap=draws)
    net = np.where(scores >= 9, 1.0, np.where(scores <= 6, -1.0, 0.0))
    idx = np.random.default_rng(9).integers(0, 300, size=(draws, 300))
    keep = 1.0 - mentions[idx]
    by_row = 100 * (net[idx].mean(axis=1) - (net[idx] * keep).sum(axis=1) / keep.sum(axis=1))
    low, high = np.percentile(by_row, [2.5, 97.5])
    assert stat.ci_low == pytest.approx(low, abs=0.75)
    assert stat.ci_high == pytest.approx(high, abs=0.75)


def test_impact_interval_covers_the_true_impact_about_95_percent_of_the_time() -> None:
    # 2,000 simulated surveys of n=400 from known cell rates (mentions x group).
    cells = np.array([0.03, 0.03, 0.12, 0.40, 0.22, 0.20])
    p_without = cells[3:] / cells[3:].sum()
    true_impact = 100 * (
        (cells[0] + cells[3] - cells[2] - cells[5]) - (p_without[0] - p_without[2])
    )
    surveys = np.random.default_rng(11).multinomial(400, cells, size=2000)
    covered = 0
    for i, c in enumerate(surveys):
        (stat,) = theme_impacts_from_counts(c[:3] + c[3:], c[None, :3], ["t"], 400, random_state=i)
        covered += stat.ci_low <= true_impact <= stat.ci_high
    assert 0.925 <= covered / 2000 <= 0.97


def test_ranking_puts_significant_negative_first_and_drops_rare_themes() -> None:
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 11, 400)
    mentions = np.zeros((400, 3))
    mentions[:, 0] = (scores <= 4) & (rng.random(400) < 0.8)  # strongly negative
    mentions[:, 1] = (scores >= 9) & (rng.random(400) < 0.6)  # strongly positive
    mentions[:2, 2] = 1  # too rare to rank
    stats = theme_impacts(scores, mentions, ["bad", "good", "rare"], 400)
    improvement, strengths = rank_themes(stats)
    assert improvement == ["bad"]
    assert strengths == ["good"]


def test_breakdowns_by_month_and_segment() -> None:
    frame = pd.DataFrame(
        {
            "score": [10, 9, 0, 10, 5, 8],
            "submitted_at": pd.to_datetime(
                ["2026-01-03", "2026-01-20", "2026-01-31", "2026-02-01", "2026-02-14", None]
            ),
            "Office": ["Oslo", "Oslo", "Malmö", "Malmö", "Malmö", ""],
        }
    )
    months = nps_by_month(frame, min_sample=2)
    assert [(m.period, m.estimate.n, round(m.estimate.nps, 2)) for m in months] == [
        ("2026-01", 3, 33.33),
        ("2026-02", 2, 0.0),
    ]
    segments = nps_by_segment(frame, ["Office"], min_sample=3)
    assert [(s.value, s.estimate.n, s.estimate.nps, s.estimate.low_sample) for s in segments] == [
        ("Malmö", 3, -33.33, False),
        ("Oslo", 2, 100.0, True),
        ("(blank)", 1, 0.0, True),
    ]


@given(st.lists(st.tuples(st.integers(0, 10), st.booleans()), min_size=2, max_size=150))
@settings(max_examples=150, deadline=None)
def test_impact_equals_share_times_difference(rows: list[tuple[int, bool]]) -> None:
    scores = np.array([s for s, _ in rows])
    mentions = np.array([[float(m)] for _, m in rows])
    (stat,) = theme_impacts(scores, mentions, ["t"], n_commented=len(rows), n_bootstrap=0)
    share = mentions[:, 0].mean()
    if 0 < share < 1:
        expected = share * (stat.nps_with.nps - stat.nps_without.nps)
        assert stat.impact == pytest.approx(expected, abs=0.02)
    assert -200.0 <= stat.impact <= 200.0
    for estimate in (stat.nps_with, stat.nps_without):
        # No responses on a side (all or none mention it): no score there, never a 0.
        assert (estimate.nps is None) == (estimate.n == 0)
        assert estimate.nps is None or -100.0 <= estimate.nps <= 100.0


def test_impact_by_segment_by_hand() -> None:
    # Oslo: 10, 10, 2, 3 with "billing" on the two detractors: NPS 0, without +100 -> -100.
    # Malmö: 9, 5 with billing on the 9: NPS 0, without -100 -> +100.
    frame = pd.DataFrame({"score": [10, 10, 2, 3, 9, 5], "Office": ["Oslo"] * 4 + ["Malmö"] * 2})
    mentions = np.array([[0], [0], [1], [1], [1], [0]], dtype=float)
    spots = impact_by_segment(
        frame, mentions, ["billing"], ["Office"], min_sample=3, n_bootstrap=50
    )
    by_value = {s.value: s for s in spots}
    assert by_value["Oslo"].impact == -100.0 and by_value["Oslo"].n_mentions == 2
    assert by_value["Oslo"].share == 0.5 and by_value["Oslo"].low_sample  # 2 mentions < 3
    assert by_value["Malmö"].impact == 100.0 and by_value["Malmö"].low_sample
    assert all(s.column == "Office" and s.ci_low <= s.ci_high for s in spots)


def test_impact_by_period_leaves_undated_rows_out() -> None:
    frame = pd.DataFrame(
        {
            "score": [10, 2, 9, 3, 10],
            "submitted_at": pd.to_datetime(
                ["2026-01-02", "2026-01-05", "2026-02-01", "2026-02-03", None]
            ),
        }
    )
    mentions = np.array([[0], [1], [0], [1], [1]], dtype=float)
    spots = impact_by_period(frame, mentions, ["billing"], "M", n_bootstrap=20)
    assert [(s.value, s.n, s.impact) for s in spots] == [
        ("2026-01", 2, -100.0),
        ("2026-02", 2, -100.0),
    ]
    assert {s.column for s in spots} == {"period"}


def test_theme_sentiment_counts_polarity() -> None:
    polarity = pd.DataFrame(
        {
            "response_index": [0, 1, 2, 3],
            "theme_id": ["billing", "billing", "billing", "competence"],
            "polarity": ["negative", "negative", "positive", "positive"],
        }
    )
    billing, competence, price = theme_sentiment(polarity, ["billing", "competence", "price"])
    assert (billing.positive, billing.negative, billing.net) == (1, 2, pytest.approx(-0.3333))
    assert competence.net == 1.0 and price.positive + price.negative + price.neutral == 0
    with pytest.raises(InputError, match="polarity must be"):
        theme_sentiment(polarity.assign(polarity="angry"), ["billing"])
