"""One call for the whole analytics layer: what the pipeline, API and notebooks all use.

:func:`analyze_responses` takes the tidy responses frame and the theme-mention matrix and
returns an :class:`NpsAnalysis`: NPS by period, segment, kind and account; changes and
trends; impact per segment and period; the driver model; ranked areas; alerts; what-ifs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from voc.analytics.alerts import find_alerts
from voc.analytics.breakdown import Freq, nps_by_account, nps_by_period, nps_by_segment
from voc.analytics.drivers import fit_drivers
from voc.analytics.impact import (
    ImpactStats,
    impact_by_period,
    impact_by_segment,
    theme_impacts,
    theme_sentiment,
)
from voc.analytics.inputs import mention_matrix, require_columns, require_rows
from voc.analytics.kinds import ensure_single_kind, nps_by_kind
from voc.analytics.nps import estimate_nps
from voc.analytics.ranking import rank_areas
from voc.analytics.results import (
    AccountNps,
    Alert,
    DriverModel,
    GroupThemeImpact,
    KindNps,
    NpsDifference,
    RankedAreas,
    ThemeSentiment,
    Trend,
    WhatIf,
)
from voc.analytics.scales import check_mixed_scales, frame_scores
from voc.analytics.trends import nps_change, nps_trend
from voc.analytics.whatif import what_if
from voc.errors import InputError
from voc.types import NpsEstimate, PeriodNps, Quote, SegmentNps

DRIVER_MIN_ROWS = 20


class NpsAnalysis(BaseModel):
    """Everything :func:`analyze_responses` found; each figure with n, CI and low_sample."""

    model_config = ConfigDict(frozen=True)

    nps: NpsEstimate
    by_week: list[PeriodNps]
    by_month: list[PeriodNps]
    by_quarter: list[PeriodNps]
    change_month: NpsDifference | None = Field(description="Latest month vs the one before")
    change_quarter: NpsDifference | None = Field(description="Latest quarter vs the one before")
    trend: Trend | None = Field(description="Monthly NPS slope over the last months")
    by_segment: list[SegmentNps]
    by_kind: list[KindNps]
    accounts: AccountNps | None
    segment_impacts: list[GroupThemeImpact]
    period_impacts: list[GroupThemeImpact]
    sentiment: list[ThemeSentiment]
    drivers: DriverModel | None
    ranked: RankedAreas
    alerts: list[Alert]
    what_if: list[WhatIf]
    warnings: list[str]


def analyze_responses(
    frame: pd.DataFrame,
    mentions: pd.DataFrame | np.ndarray,
    theme_ids: Sequence[str] | None = None,
    *,
    polarity: pd.DataFrame | None = None,
    segment_columns: Sequence[str] = (),
    kind_column: str | None = None,
    account_column: str | None = None,
    size_column: str | None = None,
    impacts: Sequence[ImpactStats] | None = None,
    quotes: Mapping[str, Sequence[Quote]] | None = None,
    labels: Mapping[str, str] | None = None,
    scale: str = "0-10",
    freq: Freq = "M",
    last: int = 6,
    min_sample: int = 30,
    min_mentions: int = 3,
    n_bootstrap: int = 200,
    random_state: int = 0,
    what_if_fraction: float = 0.5,
    top_what_if: int = 5,
) -> NpsAnalysis:
    """Run every analysis on one survey kind's responses.

    Args:
        frame: tidy responses (``row``, ``response_id``, ``score``, ``comment``,
            ``submitted_at`` and the named segment/kind/account/size columns).
        mentions: theme-mention matrix aligned with ``frame`` (DataFrame columns = theme ids).
        polarity: long table ``response_index``, ``theme_id``, ``polarity`` (optional).
        kind_column: survey_kind/touchpoint column; mixed relational and transactional or
            employee responses raise InputError (analyse each kind on its own).
        impacts: one-at-a-time impacts if already computed (else computed here).
        quotes, labels: per theme id, passed through to ranked entries and what-if texts.

    Raises:
        InputError: no responses, bad scores (rows and values named), a malformed mention
            matrix, missing columns, mixed survey kinds or scales, or CSAT given as NPS.
    """
    require_rows(len(frame), 1, "NPS analysis")
    require_columns(frame, ["score", "submitted_at", *segment_columns])
    if scale == "1-5":
        raise InputError("CSAT 1-5 answers are not NPS: use csat_estimate, never NPS arithmetic")
    scores = frame_scores(frame, scale)
    matrix, ids = mention_matrix(mentions, len(frame), theme_ids)
    warnings: list[str] = []
    by_kind: list[KindNps] = []
    if kind_column is not None:
        ensure_single_kind(frame, kind_column)
        check_mixed_scales(frame, kind_column)
        by_kind = nps_by_kind(frame, kind_column, min_sample)
    if impacts is None:
        impacts = theme_impacts(
            scores,
            matrix,
            ids,
            len(frame),
            min_sample=min_sample,
            n_bootstrap=n_bootstrap,
            random_state=random_state,
        )
    options = {"min_sample": min_sample, "n_bootstrap": n_bootstrap, "random_state": random_state}
    segment_impacts = impact_by_segment(frame, matrix, ids, segment_columns, **options)
    drivers = None
    try:
        drivers = fit_drivers(
            scores,
            matrix,
            ids,
            n_bootstrap=n_bootstrap,
            random_state=random_state,
            min_sample=min_sample,
            min_rows=DRIVER_MIN_ROWS,
            impacts=impacts,
        )
    except InputError as exc:
        warnings.append(f"no driver model: {exc}")
    ranked = rank_areas(
        frame,
        matrix,
        ids,
        impacts=impacts,
        drivers=drivers,
        segment_columns=segment_columns,
        segment_impacts=segment_impacts,
        quotes=quotes,
        freq=freq,
        last=last,
        min_mentions=min_mentions,
        min_sample=min_sample,
        n_bootstrap=n_bootstrap,
        random_state=random_state,
    )
    column_of = {t: k for k, t in enumerate(ids)}
    what_ifs = [
        what_if(
            scores,
            matrix[:, column_of[area.theme_id]] > 0,
            area.theme_id,
            fraction=what_if_fraction,
            label=(labels or {}).get(area.theme_id),
            min_sample=min_sample,
        )
        for area in ranked.improvements[:top_what_if]
    ]
    by_month = nps_by_period(frame, "M", min_sample)
    return NpsAnalysis(
        nps=estimate_nps(scores, min_sample),
        by_week=nps_by_period(frame, "W", min_sample),
        by_month=by_month,
        by_quarter=nps_by_period(frame, "Q", min_sample),
        change_month=nps_change(frame, "M", min_sample=min_sample),
        change_quarter=nps_change(frame, "Q", min_sample=min_sample),
        trend=nps_trend(by_month, last=last, min_sample=min_sample) if by_month else None,
        by_segment=nps_by_segment(frame, segment_columns, min_sample),
        by_kind=by_kind,
        accounts=(
            nps_by_account(frame, account_column, size_column=size_column, min_sample=min_sample)
            if account_column is not None
            else None
        ),
        segment_impacts=segment_impacts,
        period_impacts=impact_by_period(frame, matrix, ids, freq, **options),
        sentiment=theme_sentiment(polarity, ids) if polarity is not None else [],
        drivers=drivers,
        ranked=ranked,
        alerts=find_alerts(frame, matrix, ids, size_column=size_column, freq=freq),
        what_if=what_ifs,
        warnings=warnings,
    )
