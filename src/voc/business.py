"""The business section of a report: what the customer file and recorded actions add.

Pure composition over :mod:`voc.analytics.business` and :mod:`voc.analytics.actions`, called
by the pipeline for a :class:`voc.io.customers.JoinedSurvey`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from voc.analytics.actions import evaluate_action
from voc.analytics.business import (
    business_drivers,
    nps_by_attribute,
    revenue_at_risk,
    revenue_weighted_nps,
    revenue_what_if,
)
from voc.analytics.business_results import (
    ActionEffect,
    BusinessReport,
    RevenueAtRisk,
    RevenueWhatIf,
    WeightedNps,
)
from voc.analytics.results import DriverModel, WhatIf
from voc.config import Settings
from voc.errors import InputError
from voc.io import LoadedSurvey
from voc.io.customers import JoinedSurvey

#: Fewer matched responses than this and the driver model with customer variables is skipped.
DRIVER_MIN_ROWS = 20


def business_report(
    loaded: LoadedSurvey,
    mentions: np.ndarray,
    theme_ids: Sequence[str],
    what_ifs: Sequence[WhatIf],
    settings: Settings,
) -> BusinessReport | None:
    """The business figures of ``loaded``; None for a survey with no customers or actions."""
    if not isinstance(loaded, JoinedSurvey):
        return None
    join = loaded.customers
    if join is None and not loaded.actions:
        return None
    s = settings
    frame = loaded.frame
    warnings: list[str] = []
    weighted: WeightedNps | None = None
    risk: RevenueAtRisk | None = None
    drivers: DriverModel | None = None
    revenue_ifs: list[RevenueWhatIf] = []
    attributes = []
    if join is not None:
        attributes = nps_by_attribute(frame, join.segments, s.min_sample)
        if join.revenue is not None:
            try:
                weighted = revenue_weighted_nps(
                    frame["score"].to_numpy(),
                    frame[join.key],
                    frame[join.revenue],
                    n_bootstrap=s.bootstrap_samples,
                    random_state=s.random_state,
                    min_sample=s.min_sample,
                )
            except InputError as exc:
                warnings.append(f"no revenue-weighted NPS: {exc}")
            risk = revenue_at_risk(frame, join.key, join.revenue, join.owner)
            column_of = {t: k for k, t in enumerate(theme_ids)}
            revenue_ifs = [
                revenue_what_if(
                    frame,
                    mentions[:, column_of[w.theme_id]] > 0,
                    w,
                    join.key,
                    join.revenue,
                    risk,
                    n_bootstrap=s.bootstrap_samples,
                    random_state=s.random_state,
                )
                for w in what_ifs
                if w.theme_id in column_of
            ]
        else:
            warnings.append(
                "the customer file has no revenue column (name one with --revenue-col): "
                "no revenue-weighted NPS, revenue at risk or what-if in revenue"
            )
        matched = frame[join.key].isin(join.accounts.index).to_numpy()
        if matched.sum() >= DRIVER_MIN_ROWS:
            drivers = business_drivers(
                frame,
                mentions,
                theme_ids,
                matched,
                join.segments,
                join.numeric,
                n_bootstrap=s.bootstrap_samples,
                random_state=s.random_state,
                min_sample=s.min_sample,
            )
        else:
            warnings.append(
                f"only {int(matched.sum())} responses matched an account (< {DRIVER_MIN_ROWS}): "
                "no driver model with customer variables"
            )
    return BusinessReport(
        join=join.report if join is not None else None,
        weighted_nps=weighted,
        revenue_at_risk=risk,
        attribute_nps=attributes,
        drivers=drivers,
        what_if=revenue_ifs,
        actions=action_effects(loaded, mentions, theme_ids, s),
        warnings=warnings,
    )


def action_effects(
    loaded: JoinedSurvey, mentions: np.ndarray, theme_ids: Sequence[str], settings: Settings
) -> list[ActionEffect]:
    """The difference-in-differences read of every recorded action."""
    column_of = {t: k for k, t in enumerate(theme_ids)}
    out = []
    for action in loaded.actions:
        if action.theme is not None and action.theme not in column_of:
            raise InputError(
                f"action {action.name!r}: unknown theme {action.theme!r}; themes: {list(theme_ids)}"
            )
        mentioned = mentions[:, column_of[action.theme]] > 0 if action.theme else None
        out.append(evaluate_action(loaded.frame, action, mentioned, min_sample=settings.min_sample))
    return out
