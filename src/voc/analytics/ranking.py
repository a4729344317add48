"""Rank themes into improvement areas (pull NPS down) and strengths (lift it).

:func:`rank_themes` is the plain one-at-a-time ordering. :func:`rank_areas` builds the list a
manager acts on. Its sort key, ``priority``, is in NPS points at stake:

* the theme's impact, co-mention-aware (attributed impact of the driver model) where a driver
  model is given, else one-at-a-time impact;
* plus, for an improvement area whose share of responses is rising (slope interval above
  zero), the further loss if the rise goes on for ``horizon`` periods:
  slope x horizon x (NPS without - NPS with).

Themes whose impact interval excludes zero come first. Each entry also carries reach, the
passive share of its mentions, the trend, the segments where it rises (steepest first) and
where it is worst, and a note where one-at-a-time and co-mention-aware views disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from voc.analytics.breakdown import Freq, segment_values
from voc.analytics.impact import ImpactStats, impact_by_segment, theme_impacts
from voc.analytics.inputs import mention_matrix
from voc.analytics.nps import net_scores
from voc.analytics.results import (
    DriverEffect,
    DriverModel,
    GroupThemeImpact,
    RankedAreas,
    RankedTheme,
    SegmentSpot,
    Trend,
)
from voc.analytics.trends import theme_trends
from voc.types import Quote

METHOD = (
    "priority = NPS points at stake: impact (co-mention-aware where the driver model "
    "is available, else one at a time), plus for a rising improvement area the further "
    "loss over {horizon} periods projected from the lower 95% bound of its share's slope "
    "(a cautious projection); significant themes first"
)


def rank_themes(stats: Sequence[ImpactStats], min_mentions: int = 3) -> tuple[list[str], list[str]]:
    """Improvement areas, most negative impact first; strengths, most positive first.

    Themes mentioned fewer than ``min_mentions`` times are left out of both lists: one
    angry comment is a quote, not a priority. Within each list, themes whose interval
    excludes zero come before those whose sign is still uncertain.
    """
    eligible = [s for s in stats if s.n_comments >= min_mentions]
    negative = [s for s in eligible if s.impact < 0]
    positive = [s for s in eligible if s.impact > 0]
    improvement = sorted(negative, key=lambda s: (s.ci_high >= 0, s.impact))
    strengths = sorted(positive, key=lambda s: (s.ci_low <= 0, -s.impact))
    return [s.theme_id for s in improvement], [s.theme_id for s in strengths]


def _rising_segments(
    frame: pd.DataFrame,
    mentions: np.ndarray,
    theme_ids: Sequence[str],
    columns: Sequence[str],
    *,
    freq: Freq,
    last: int,
    min_sample: int,
) -> dict[str, list[str]]:
    found: dict[str, list[tuple[float, str]]] = {t: [] for t in theme_ids}
    for column in columns:
        values = segment_values(frame, column)
        for value in sorted(values.unique()):
            member = (values == value).to_numpy()
            if member.sum() < min_sample:
                continue
            trends = theme_trends(
                frame[member],
                mentions[member],
                theme_ids,
                freq=freq,
                last=last,
                min_sample=min_sample,
            )
            for theme_id, trend in trends.items():
                if trend.direction == "rising":
                    found[theme_id].append((trend.slope, f"{column}={value}"))
    return {
        t: [name for _, name in sorted(spots, key=lambda s: -s[0])] for t, spots in found.items()
    }


def _worst(
    spots: Sequence[GroupThemeImpact], k: int, min_sample: int, min_mentions: int
) -> list[SegmentSpot]:
    solid = [s for s in spots if s.n >= min_sample and s.n_mentions >= min_mentions]
    return [
        SegmentSpot(column=s.column, value=s.value, impact=s.impact, n=s.n, n_mentions=s.n_mentions)
        for s in sorted(solid, key=lambda s: s.impact)[:k]
    ]


def _entry(
    stat: ImpactStats,
    effect: DriverEffect | None,
    trend: Trend | None,
    mentioned: np.ndarray,
    passive: np.ndarray,
    *,
    horizon: int,
    rising: list[str],
    worst: list[SegmentSpot],
    quotes: list[Quote],
    note: str,
    min_sample: int,
) -> RankedTheme | None:
    """One theme's entry (rank still 0), or None when its impact is exactly zero."""
    value, low, high = (
        (effect.attributed_impact, effect.ci_low, effect.ci_high)
        if effect
        else (stat.impact, stat.ci_low, stat.ci_high)
    )
    if value == 0:
        return None
    kind: Literal["improvement", "strength"] = "improvement" if value < 0 else "strength"
    projected = 0.0
    if kind == "improvement" and trend is not None and trend.direction == "rising":
        with_, without = stat.nps_with.nps, stat.nps_without.nps
        gap = 0.0 if with_ is None or without is None else without - with_
        # The lower bound, not the point slope: a noisy rise must not outrank a large,
        # certain problem on a guess.
        projected = max(trend.ci_low, 0.0) / 100.0 * horizon * max(gap, 0.0)
    worsening = trend is not None and trend.direction == (
        "rising" if kind == "improvement" else "falling"
    )
    return RankedTheme(
        theme_id=stat.theme_id,
        kind=kind,
        rank=0,
        priority=round(abs(value) + projected, 2),
        impact=stat.impact,
        impact_ci_low=stat.ci_low,
        impact_ci_high=stat.ci_high,
        attributed_impact=effect.attributed_impact if effect else None,
        significant=low > 0 or high < 0,
        reach=round(float(mentioned.mean()), 4) if len(mentioned) else 0.0,
        n_mentions=stat.n_comments,
        passive_share=round(float(passive[mentioned].mean()), 4) if mentioned.any() else 0.0,
        trend=trend,
        worsening=worsening,
        rising_segments=rising,
        worst_segments=worst,
        quotes=quotes,
        note=note,
        low_sample=stat.n_comments < min_sample,
    )


def rank_areas(
    frame: pd.DataFrame,
    mentions: pd.DataFrame | np.ndarray,
    theme_ids: Sequence[str] | None = None,
    *,
    impacts: Sequence[ImpactStats] | None = None,
    drivers: DriverModel | None = None,
    segment_columns: Sequence[str] = (),
    segment_impacts: Sequence[GroupThemeImpact] | None = None,
    quotes: Mapping[str, Sequence[Quote]] | None = None,
    freq: Freq = "M",
    last: int = 6,
    horizon: int = 3,
    min_mentions: int = 3,
    min_sample: int = 30,
    top_segments: int = 2,
    n_bootstrap: int = 200,
    random_state: int = 0,
) -> RankedAreas:
    """Improvement areas and strengths, each with reach, trend, passives and worst segments.

    Args:
        frame: the tidy responses frame (``score``, ``submitted_at``, segment columns).
        mentions: theme-mention matrix aligned with ``frame``.
        impacts: one-at-a-time impacts if already computed (else computed here).
        drivers: the co-mention-aware model; its attributed impact drives the order.
        quotes: representative quotes per theme id, passed through to the entries.
    """
    matrix, ids = mention_matrix(mentions, len(frame), theme_ids)
    scores = frame["score"].to_numpy(dtype=int)
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
    if segment_impacts is None:
        segment_impacts = impact_by_segment(
            frame,
            matrix,
            ids,
            segment_columns,
            min_sample=min_sample,
            n_bootstrap=n_bootstrap,
            random_state=random_state,
        )
    trends = theme_trends(frame, matrix, ids, freq=freq, last=last, min_sample=min_sample)
    rising = _rising_segments(
        frame, matrix, ids, segment_columns, freq=freq, last=last, min_sample=min_sample
    )
    effects = {e.theme_id: e for e in drivers.effects} if drivers else {}
    notes = {n.theme_id: n.text for n in drivers.notes} if drivers else {}
    passive = net_scores(scores) == 0
    column_of = {t: k for k, t in enumerate(ids)}

    entries = [
        _entry(
            stat,
            effects.get(stat.theme_id),
            trends.get(stat.theme_id),
            matrix[:, column_of[stat.theme_id]] > 0,
            passive,
            horizon=horizon,
            rising=rising.get(stat.theme_id, []),
            worst=_worst(
                [s for s in segment_impacts if s.theme_id == stat.theme_id],
                top_segments,
                min_sample,
                min_mentions,
            ),
            quotes=list((quotes or {}).get(stat.theme_id, []))[:3],
            note=notes.get(stat.theme_id, ""),
            min_sample=min_sample,
        )
        for stat in impacts
        if stat.n_comments >= min_mentions and stat.theme_id in column_of
    ]

    def ordered(kind: str) -> list[RankedTheme]:
        chosen = sorted(
            (e for e in entries if e is not None and e.kind == kind),
            key=lambda e: (not e.significant, -e.priority),
        )
        return [e.model_copy(update={"rank": i + 1}) for i, e in enumerate(chosen)]

    return RankedAreas(
        improvements=ordered("improvement"),
        strengths=ordered("strength"),
        method=METHOD.format(horizon=horizon),
    )
