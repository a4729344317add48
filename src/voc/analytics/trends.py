"""Is it getting better or worse? Slopes over the last periods and period-on-period tests.

A trend is the weighted least-squares slope of per-period values on the period number
(gaps in the calendar count), each period weighted by 1/SE^2. When the periods scatter more
than their standard errors allow, the slope's SE is inflated by sqrt(chi^2/df), so a noisy
series is not called a trend. ``direction`` is rising/falling only when the 95% interval of
the slope excludes zero.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from voc.analytics.breakdown import Freq, nps_by_period, period_labels
from voc.analytics.nps import Z_95, compare_nps, normal_p_value, nps_standard_error
from voc.analytics.results import NpsDifference, Trend
from voc.types import PeriodNps

SHARE_UNIT = "percentage points of responses"
NPS_UNIT = "NPS points"


def period_ordinal(label: str, freq: Freq) -> int:
    """A period label's position on the calendar, so that gaps between periods count."""
    if freq == "W":
        year, week = label.split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1).toordinal() // 7
    return int(pd.Period(label, freq=freq).ordinal)


def weighted_slope(
    labels: Sequence[str],
    values: Sequence[float],
    ses: Sequence[float],
    n: Sequence[int],
    *,
    freq: Freq = "M",
    unit: str = NPS_UNIT,
    min_sample: int = 30,
) -> Trend:
    """Slope per period of ``values`` (with standard errors ``ses``) and its 95% interval."""
    y = np.asarray(values, dtype=float)
    se = np.asarray(ses, dtype=float)
    keep = se > 0
    x = np.array([period_ordinal(label, freq) for label in labels], dtype=float)
    low_sample = bool(len(y) < 3 or sum(n) < min_sample)
    if keep.sum() < 2:
        return Trend(
            periods=list(labels),
            values=[round(v, 2) for v in y],
            n=list(n),
            slope=0.0,
            se=0.0,
            ci_low=0.0,
            ci_high=0.0,
            p_value=1.0,
            unit=unit,
            direction="flat",
            low_sample=True,
        )
    w = 1.0 / se[keep] ** 2
    xs, ys = x[keep], y[keep]
    x_bar = np.average(xs, weights=w)
    y_bar = np.average(ys, weights=w)
    sxx = float(np.sum(w * (xs - x_bar) ** 2))
    slope = float(np.sum(w * (xs - x_bar) * (ys - y_bar)) / sxx)
    slope_se = math.sqrt(1.0 / sxx)
    dof = len(xs) - 2
    if dof > 0:
        resid = ys - (y_bar + slope * (xs - x_bar))
        dispersion = float(np.sum(w * resid**2)) / dof
        slope_se *= math.sqrt(max(1.0, dispersion))
    z = slope / slope_se
    low, high = slope - Z_95 * slope_se, slope + Z_95 * slope_se
    direction = "rising" if low > 0 else "falling" if high < 0 else "flat"
    return Trend(
        periods=list(labels),
        values=[round(float(v), 2) for v in y],
        n=list(n),
        slope=round(slope, 3),
        se=round(slope_se, 3),
        ci_low=round(low, 3),
        ci_high=round(high, 3),
        p_value=round(normal_p_value(z), 5),
        unit=unit,
        direction=direction,
        low_sample=low_sample,
    )


def nps_trend(
    periods: Sequence[PeriodNps], *, last: int = 6, freq: Freq = "M", min_sample: int = 30
) -> Trend:
    """Slope of NPS (points per period) over the last ``last`` periods."""
    tail = [p for p in periods if p.estimate.nps is not None][-last:]
    ses = [
        nps_standard_error(p.estimate.promoters, p.estimate.detractors, p.estimate.n)
        if p.estimate.n
        else 0.0
        for p in tail
    ]
    return weighted_slope(
        [p.period for p in tail],
        [p.estimate.nps or 0.0 for p in tail],  # never None: filtered above
        ses,
        [p.estimate.n for p in tail],
        freq=freq,
        unit=NPS_UNIT,
        min_sample=min_sample,
    )


def share_trend(
    labels: Sequence[str],
    counts: Sequence[int],
    totals: Sequence[int],
    *,
    freq: Freq = "M",
    min_sample: int = 30,
) -> Trend:
    """Slope of a share (percentage points per period), binomial SE from the pooled share."""
    counts_a = np.asarray(counts, dtype=float)
    totals_a = np.asarray(totals, dtype=float)
    keep = totals_a > 0
    pooled = counts_a[keep].sum() / totals_a[keep].sum() if keep.any() else 0.0
    # Floor the pooled share at half a mention so a theme absent early still has an SE.
    pooled = min(max(pooled, 0.5 / max(totals_a.sum(), 1.0)), 0.999)
    shares = np.where(keep, 100.0 * counts_a / np.where(keep, totals_a, 1.0), 0.0)
    ses = np.where(
        keep, 100.0 * np.sqrt(pooled * (1 - pooled) / np.where(keep, totals_a, 1.0)), 0.0
    )
    return weighted_slope(
        labels,
        shares.tolist(),
        ses.tolist(),
        [int(t) for t in totals_a],
        freq=freq,
        unit=SHARE_UNIT,
        min_sample=min_sample,
    )


def theme_share_table(
    frame: pd.DataFrame, mentions: np.ndarray, freq: Freq = "M", base: np.ndarray | None = None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Per period: labels, mention counts (periods x themes) and base counts (periods).

    ``base`` marks the responses that count in the denominator (e.g. those with a comment);
    default all. Undated responses are left out.
    """
    labels = period_labels(frame["submitted_at"], freq).to_numpy()
    include = pd.notna(labels) & (np.ones(len(frame), bool) if base is None else base)
    periods = sorted({str(p) for p in labels[include]})
    index = {p: i for i, p in enumerate(periods)}
    pos = np.array([index[str(p)] for p in labels[include]], dtype=int)
    counts = np.zeros((len(periods), mentions.shape[1]))
    np.add.at(counts, pos, mentions[include])
    totals = np.bincount(pos, minlength=len(periods)).astype(float)
    return periods, counts, totals


def theme_trends(
    frame: pd.DataFrame,
    mentions: np.ndarray,
    theme_ids: Sequence[str],
    *,
    freq: Freq = "M",
    last: int = 6,
    base: np.ndarray | None = None,
    min_sample: int = 30,
) -> dict[str, Trend]:
    """For each theme, the slope of its share of responses over the last ``last`` periods.

    Empty when no response has a date.
    """
    periods, counts, totals = theme_share_table(frame, mentions, freq, base)
    if not periods:
        return {}
    tail = slice(max(len(periods) - last, 0), len(periods))
    return {
        theme_id: share_trend(
            periods[tail],
            counts[tail, k].astype(int).tolist(),
            totals[tail].astype(int).tolist(),
            freq=freq,
            min_sample=min_sample,
        )
        for k, theme_id in enumerate(theme_ids)
    }


def nps_change(
    frame: pd.DataFrame, freq: Freq = "M", *, min_sample: int = 30, alpha: float = 0.05
) -> NpsDifference | None:
    """Did NPS change from the previous period to the latest one? None with fewer than two."""
    periods = nps_by_period(frame, freq, min_sample)
    if len(periods) < 2:
        return None
    before, latest = periods[-2], periods[-1]
    return compare_nps(before.estimate, latest.estimate, before.period, latest.period, alpha)
