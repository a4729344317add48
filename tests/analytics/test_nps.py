import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc.analytics.nps import (
    adjusted_wald_interval,
    compare_nps,
    estimate_from_counts,
    estimate_nps,
    nps_difference,
    nps_group,
    nps_standard_error,
    wilson_interval,
)
from voc.types import NpsGroup


@pytest.mark.parametrize(
    ("score", "group"),
    [
        (0, NpsGroup.DETRACTOR),
        (6, NpsGroup.DETRACTOR),
        (7, NpsGroup.PASSIVE),
        (8, NpsGroup.PASSIVE),
        (9, NpsGroup.PROMOTER),
        (10, NpsGroup.PROMOTER),
    ],
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


def test_interval_is_clipped_and_empty_has_no_score() -> None:
    all_promoters = estimate_from_counts(3, 0, 0)
    assert all_promoters.nps == 100.0
    assert all_promoters.ci_high == 100.0  # the raw interval would pass 100
    empty = estimate_nps([])
    assert empty.n == 0 and empty.low_sample
    # No data is no score: null in JSON, never a 0 a dashboard would show as one.
    assert empty.nps is None and empty.ci_low is None and empty.ci_high is None
    assert empty.model_dump(mode="json")["nps"] is None
    assert compare_nps(empty, all_promoters).difference is None


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
    counts = rng.multinomial(n, [p_promoter, 1 - p_promoter - p_detractor, p_detractor], size=2000)
    covered = 0
    for promoters, _, detractors in counts:
        low, high = adjusted_wald_interval(int(promoters), int(detractors), n)
        covered += low <= true_nps <= high
    assert 0.93 <= covered / 2000 <= 0.97


def test_difference_test_by_hand() -> None:
    # a: 5 promoters, 3 passives, 2 detractors (NPS +30); b: 8 / 4 / 8 (NPS 0).
    # Adjusted Wald: a' = (5.75 - 2.75) / 13 = 0.2308, var_a = (8.5/13 - 0.2308^2) / 13 = 0.04620
    #                b' = 0,                      var_b = (17.5/23) / 23 = 0.03308
    # SE = sqrt(0.04620 + 0.03308) = 0.28157 -> 28.16 points; z = -0.2308 / 0.28157 = -0.820
    a = estimate_nps([10, 9, 9, 10, 9, 7, 8, 8, 3, 6])
    b = estimate_from_counts(8, 4, 8)
    diff = compare_nps(a, b, "January", "February")
    assert diff.difference == -30.0
    assert diff.se == pytest.approx(28.157, abs=0.001)
    assert diff.z == pytest.approx(-0.820, abs=0.001)
    assert diff.p_value == pytest.approx(0.4125, abs=0.0001)
    assert (diff.ci_low, diff.ci_high) == pytest.approx((-78.26, 32.11), abs=0.01)
    assert not diff.significant and diff.low_sample
    assert (diff.label_a, diff.label_b) == ("January", "February")


def test_difference_is_significant_for_a_large_real_change() -> None:
    # +50 (300 promoters, 100 detractors) -> -25 (150 / 250): a fall of 75 points.
    diff = nps_difference([10] * 300 + [0] * 100, [10] * 150 + [0] * 250, min_sample=30)
    assert diff.difference == -75.0
    assert diff.significant and diff.p_value < 1e-6 and not diff.low_sample
    assert diff.ci_low < -75.0 < diff.ci_high < 0


@given(
    st.lists(st.integers(0, 10), min_size=1, max_size=80),
    st.lists(st.integers(0, 10), min_size=1, max_size=80),
)
@settings(max_examples=100, deadline=None)
def test_difference_is_antisymmetric_and_se_is_root_sum_of_squares(
    a: list[int], b: list[int]
) -> None:
    ab, ba = nps_difference(a, b), nps_difference(b, a)
    assert ab.difference == pytest.approx(-ba.difference, abs=0.011)
    assert ab.p_value == pytest.approx(ba.p_value, abs=1e-5)
    ea, eb = estimate_nps(a), estimate_nps(b)
    expected = np.hypot(
        nps_standard_error(ea.promoters, ea.detractors, ea.n),
        nps_standard_error(eb.promoters, eb.detractors, eb.n),
    )
    assert ab.se == pytest.approx(expected, abs=0.001)
    assert 0.0 <= ab.p_value <= 1.0 and ab.ci_low <= ab.ci_high


def test_wilson_interval_by_hand() -> None:
    # 8 of 10: centre (0.8 + 1.9208/10) / 1.38415 = 0.7167, half-width 0.2265
    low, high = wilson_interval(8, 10)
    assert (low, high) == pytest.approx((0.4902, 0.9433), abs=0.0001)
    assert wilson_interval(0, 0) == (0.0, 1.0)
