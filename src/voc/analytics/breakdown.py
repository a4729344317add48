"""NPS by period and by segment, each with n, CI and the low-sample flag."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from voc.analytics.nps import estimate_nps
from voc.types import PeriodNps, SegmentNps


def nps_by_month(frame: pd.DataFrame, min_sample: int = 30) -> list[PeriodNps]:
    """One estimate per calendar month of ``submitted_at`` (rows without a date are left out)."""
    dated = frame.dropna(subset=["submitted_at"])
    if dated.empty:
        return []
    months = dated["submitted_at"].dt.to_period("M").astype(str)
    return [
        PeriodNps(period=str(month), estimate=estimate_nps(group["score"].to_numpy(), min_sample))
        for month, group in dated.groupby(months, sort=True)
    ]


def nps_by_segment(frame: pd.DataFrame, columns: Sequence[str],
                   min_sample: int = 30) -> list[SegmentNps]:
    """One estimate per value of each segment column, largest groups first."""
    out: list[SegmentNps] = []
    for column in columns:
        values = frame[column].fillna("").astype(str).replace("", "(blank)")
        groups = sorted(frame.groupby(values), key=lambda kv: (-len(kv[1]), str(kv[0])))
        out.extend(
            SegmentNps(column=column, value=str(value),
                       estimate=estimate_nps(group["score"].to_numpy(), min_sample))
            for value, group in groups
        )
    return out
