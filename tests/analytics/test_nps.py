import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc.analytics.nps import (
    adjusted_wald_interval, estimate_from_counts, estimate_nps, nps_group, nps_standard_error,
)
from voc.types import NpsGroup


@pytest.mark.parametrize(
    ("score", "group"),
    [(0, NpsGroup.DETRACTOR), (6, NpsGroup.DETRACTOR), (7, NpsGroup.PASSIVE),
     (8, NpsGroup.PASSIVE), (9, NpsGroup.PROMOTER), (10, NpsGroup.PROMOTER)],
)
def test_groups_follow_the_nps_rule(score: int, group: NpsGroup) -> None:
    assert nps_group(score) is group


def test_nps_and_adjusted_wald_interval_by_hand() -> None:
    # 5 promoters, 3 passives, 2 detractors: NPS = 50% - 20% = +30.
    # Adjusted Wald: n' = 13, p' = 5.75/13, d' = 2.75/13, centre 23.08, half-width 42.13.
    est = estimate_nps([10, 9, 9, 10, 9, 7, 8, 8, 3, 6], min_sample=30)
    assert (est.n, est.promoters, est.passives, est.detractors) == (10, 5, 3, 2)
    assert est.nps == 30.0
    assert est.ci_low == pytest.approx(-19.05, abs=0.01)
    assert est.ci_high == pytest.approx(65.21, abs=0.01)
    assert est.low_sample is True


def test_minimum_sample_flag_uses_the_setting() -> None:
    scores = [10] * 20 + [0] * 20
    assert estimate_nps(scores, min_sample=30).low_sample is False
    assert estimate_nps(scores, min_sample=50).low_sample is True


def test_interval_is_clipped_and_empty_is_zero() -> None:
    all_promoters = estimate_from_counts(3, 0, 0)
    assert all_promoters.nps == 100.0
    assert all_promoters.ci_high == 100.0  # the raw interval would pass 100
    empty = estimate_nps([])
    assert empty.n == 0 and empty.nps == 0.0 and empty.low_sample


def test_standard_error_matches_interval_half_width() -> None:
    low, high = adjusted_wald_interval(60, 25, 200)
    assert (high - low) / 2 == pytest.approx(1.959964 * nps_standard_error(60, 25, 200), rel=1e-6)


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=300))
@settings(max_examples=200, deadline=None)
def test_nps_and_interval_stay_in_range(scores: list[int]) -> None:
    est = estimate_nps(scores)
    assert -100.0 <= est.ci_low <= est.ci_high <= 100.0
    assert -100.0 <= est.nps <= 100.0
    assert est.promoters + est.passives + est.detractors == len(scores)


def test_interval_covers_the_true_nps_about_95_percent_of_the_time() -> None:
    # 2,000 simulated surveys of n=80 from known rates: coverage must be near 95%.
    rng = np.random.default_rng(7)
    p_promoter, p_detractor, n = 0.45, 0.25, 80
    true_nps = 100 * (p_promoter - p_detractor)
    counts = rng.multinomial(n, [p_promoter, 1 - p_promoter - p_detractor, p_detractor],
                             size=2000)
    covered = 0
    for promoters, _, detractors in counts:
        low, high = adjusted_wald_interval(int(promoters), int(detractors), n)
        covered += low <= true_nps <= high
    assert 0.93 <= covered / 2000 <= 0.97
