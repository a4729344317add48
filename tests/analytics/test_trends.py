import math

import pandas as pd
import pytest

from voc.analytics.breakdown import nps_by_period
from voc.analytics.trends import (
    nps_change,
    nps_trend,
    period_ordinal,
    share_trend,
    theme_trends,
    weighted_slope,
)


def test_weighted_slope_by_hand() -> None:
    # 10, 20, 30 with SE 5 each: slope 10, SE sqrt(25 / 2) = 3.536, 95% CI 3.07 .. 16.93.
    trend = weighted_slope(["2026-01", "2026-02", "2026-03"], [10, 20, 30], [5, 5, 5], [40, 40, 40])
    assert trend.slope == pytest.approx(10.0)
    assert trend.se == pytest.approx(math.sqrt(12.5), abs=0.001)
    assert (trend.ci_low, trend.ci_high) == pytest.approx((3.070, 16.930), abs=0.001)
    assert trend.direction == "rising" and not trend.low_sample


def test_calendar_gaps_count_and_noise_widens_the_interval() -> None:
    gap = weighted_slope(["2026-01", "2026-03"], [0, 10], [2, 2], [50, 50])
    assert gap.slope == pytest.approx(5.0)  # two months apart
    noisy = weighted_slope(
        ["2026-01", "2026-02", "2026-03", "2026-04"], [0, 30, -30, 10], [1, 1, 1, 1], [50] * 4
    )
    assert noisy.direction == "flat"  # scatter far beyond the SEs inflates the slope's SE
    assert weighted_slope(["2026-01"], [5], [1], [50]).direction == "flat"


def test_period_ordinals_for_weeks_months_quarters() -> None:
    assert period_ordinal("2026-02", "M") - period_ordinal("2025-12", "M") == 2
    assert period_ordinal("2026Q1", "Q") - period_ordinal("2025Q3", "Q") == 2
    assert period_ordinal("2026-W01", "W") - period_ordinal("2025-W52", "W") == 1


def test_share_trend_by_hand() -> None:
    # 5%, 10%, 20%: slope 7.5 pp per month; pooled share 35/300 gives SE 3.21 pp per period,
    # slope SE 3.21 / sqrt(2) = 2.27, interval 3.05 .. 11.95.
    trend = share_trend(["2026-01", "2026-02", "2026-03"], [5, 10, 20], [100, 100, 100])
    assert trend.slope == pytest.approx(7.5)
    assert trend.se == pytest.approx(2.27, abs=0.01)
    assert trend.direction == "rising" and trend.unit.startswith("percentage points")
    assert trend.values == [5.0, 10.0, 20.0]


def _frame() -> pd.DataFrame:
    dates = pd.to_datetime(["2026-01-10"] * 40 + ["2026-02-10"] * 40 + ["2026-04-02"] * 40)
    scores = [10] * 30 + [5] * 10 + [10] * 20 + [5] * 20 + [10] * 10 + [5] * 30
    return pd.DataFrame({"score": scores, "submitted_at": dates, "comment": [""] * 120})


def test_nps_change_compares_the_latest_two_periods() -> None:
    change = nps_change(_frame(), "M")
    assert change is not None
    assert (change.label_a, change.label_b) == ("2026-02", "2026-04")
    assert (change.a.nps, change.b.nps, change.difference) == (0.0, -50.0, -50.0)
    assert change.significant
    quarterly = nps_change(_frame(), "Q")
    assert quarterly is not None and (quarterly.label_a, quarterly.label_b) == ("2026Q1", "2026Q2")
    assert nps_change(_frame().iloc[:40], "M") is None


def test_nps_trend_falls_over_the_months() -> None:
    trend = nps_trend(nps_by_period(_frame(), "M"))
    assert trend.periods == ["2026-01", "2026-02", "2026-04"]
    assert trend.slope < 0 and trend.unit == "NPS points"


def test_theme_trends_count_only_dated_responses() -> None:
    frame = _frame()
    mentions = pd.DataFrame(
        {"a": [1] * 4 + [0] * 36 + [1] * 12 + [0] * 28 + [1] * 24 + [0] * 16}
    ).to_numpy(float)
    frame.loc[0, "submitted_at"] = pd.NaT
    trend = theme_trends(frame, mentions, ["a"])["a"]
    assert trend.n == [39, 40, 40] and trend.values == [pytest.approx(7.69, abs=0.01), 30.0, 60.0]
    assert trend.direction == "rising"
