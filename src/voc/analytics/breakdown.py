"""NPS by period, by segment and by account, each with n, CI and the low-sample flag."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from voc.analytics.inputs import require_columns
from voc.analytics.nps import estimate_from_counts, estimate_nps
from voc.analytics.results import AccountNps, AccountScore
from voc.types import PeriodNps, SegmentNps

Freq = Literal["W", "M", "Q"]
#: ``frame.attrs`` key set by voc.io when the time column holds periods, not dates: "week",
#: "month" or "quarter", the first day of each period being in ``submitted_at``.
TIME_GRANULARITY_ATTR = "voc_time_granularity"
# Which breakdowns a period column can give: a month is inside one quarter, but a month
# has no weeks and a quarter no months; a week may straddle two months.
_FREQS_OF = {"week": ("W",), "month": ("M", "Q"), "quarter": ("Q",)}


def period_labels(dates: pd.Series, freq: Freq = "M") -> pd.Series:
    """Sortable labels per date: 'YYYY-Www' (ISO week), 'YYYY-MM' or 'YYYYQn'; NaT stays NA.

    When the dates are the first days of periods (``dates.attrs[TIME_GRANULARITY_ATTR]``,
    kept from the frame by pandas), a finer breakdown than the periods allow is all NA.
    """
    granularity = dates.attrs.get(TIME_GRANULARITY_ATTR)
    if granularity in _FREQS_OF and freq not in _FREQS_OF[granularity]:
        return pd.Series(pd.NA, index=dates.index, dtype="string")
    dates = pd.to_datetime(dates)
    if freq == "W":
        iso = dates.dt.isocalendar()
        labels = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
        return labels.where(dates.notna())
    if freq not in ("M", "Q"):
        raise ValueError(f"freq must be 'W', 'M' or 'Q', not {freq!r}")
    return dates.dt.to_period(freq).astype("string").where(dates.notna())


def nps_by_period(frame: pd.DataFrame, freq: Freq = "M", min_sample: int = 30) -> list[PeriodNps]:
    """One estimate per week, month or quarter of ``submitted_at``; undated rows left out."""
    labels = period_labels(frame["submitted_at"], freq)
    dated = frame[labels.notna()]
    if dated.empty:
        return []
    return [
        PeriodNps(period=str(period), estimate=estimate_nps(group["score"].to_numpy(), min_sample))
        for period, group in dated.groupby(labels[labels.notna()], sort=True)
    ]


def nps_by_month(frame: pd.DataFrame, min_sample: int = 30) -> list[PeriodNps]:
    """One estimate per calendar month of ``submitted_at`` (rows without a date are left out)."""
    return nps_by_period(frame, "M", min_sample)


def segment_values(frame: pd.DataFrame, column: str) -> pd.Series:
    """A segment column as str with blanks shown as '(blank)'."""
    return frame[column].fillna("").astype(str).replace("", "(blank)")


def nps_by_segment(
    frame: pd.DataFrame, columns: Sequence[str], min_sample: int = 30
) -> list[SegmentNps]:
    """One estimate per value of each segment column, largest groups first."""
    out: list[SegmentNps] = []
    for column in columns:
        values = segment_values(frame, column)
        groups = sorted(frame.groupby(values), key=lambda kv: (-len(kv[1]), str(kv[0])))
        out.extend(
            SegmentNps(
                column=column,
                value=str(value),
                estimate=estimate_nps(group["score"].to_numpy(), min_sample),
            )
            for value, group in groups
        )
    return out


def _most_common(values: pd.Series) -> str:
    modes = values.astype(str).mode()
    return str(modes.iloc[0]) if len(modes) else ""


def _group_of_mean(mean: float) -> Literal["promoter", "passive", "detractor"]:
    if mean >= 9:
        return "promoter"
    return "passive" if mean >= 7 else "detractor"


def nps_by_account(
    frame: pd.DataFrame,
    account_column: str,
    *,
    size_column: str | None = None,
    min_sample: int = 30,
    top: int | None = None,
) -> AccountNps:
    """Account-level NPS for B2B: every account counts once, however many people answered.

    An account is a promoter when its respondents' mean score is 9 or more, a passive from 7,
    else a detractor. ``accounts`` lists the accounts worst first (``top`` of them if given).
    """
    require_columns(frame, [account_column] + ([size_column] if size_column else []))
    ids = frame[account_column].fillna("").astype(str).str.strip()
    known = frame[ids != ""]
    grouped = known.groupby(ids[ids != ""])
    means = grouped["score"].mean().sort_values(kind="stable")
    counts: dict[str, int] = {str(k): int(v) for k, v in grouped["score"].size().items()}
    sizes: dict[str, str] = (
        {str(k): str(v) for k, v in grouped[size_column].agg(_most_common).items()}
        if size_column
        else {}
    )
    accounts = [
        AccountScore(
            account=str(acc),
            n=counts[str(acc)],
            mean_score=round(float(m), 2),
            group=_group_of_mean(float(m)),
            size=sizes.get(str(acc)),
        )
        for acc, m in means.items()
    ]
    groups = [a.group for a in accounts]
    estimate = estimate_from_counts(
        groups.count("promoter"), groups.count("passive"), groups.count("detractor"), min_sample
    )
    blank = len(frame) - len(known)
    rule = (
        "each account once; promoter when its respondents' mean score is >= 9, passive "
        ">= 7, else detractor"
        + (f"; {blank} responses without an account id left out" if blank else "")
    )
    return AccountNps(
        column=account_column,
        rule=rule,
        estimate=estimate,
        respondent_estimate=estimate_nps(known["score"].to_numpy(), min_sample),
        accounts=accounts[:top] if top is not None else accounts,
    )
