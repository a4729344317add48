"""Theme impact on NPS: how much higher would NPS be without a theme's comments?

impact = NPS(all) - NPS(all responses that do not mention the theme). A negative impact
means the theme pulls NPS down (an improvement area), a positive one that it lifts it (a
strength). It equals share x (NPS with - NPS without), the industry's usual definition.

The 95% interval is a seeded percentile bootstrap over responses. A theme's impact depends
only on six counts: responses that mention it or not x promoter / passive / detractor.
Resampling n responses with replacement therefore draws those six counts from
Multinomial(n, counts / n), exactly, so each theme's bootstrap is done on its counts:
O(themes x draws) whatever the number of responses, and the same counts give the same
interval whether they come from a report's arrays or from the service's SQL aggregates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from voc.analytics.breakdown import Freq, period_labels, segment_values
from voc.analytics.inputs import polarity_counts
from voc.analytics.nps import estimate_from_counts
from voc.analytics.results import GroupThemeImpact, ThemeSentiment
from voc.types import NpsEstimate


@dataclass(frozen=True)
class ImpactStats:
    """One theme's one-at-a-time impact; ``share`` is of ``n_commented`` responses."""

    theme_id: str
    n_comments: int
    share: float
    nps_with: NpsEstimate
    nps_without: NpsEstimate
    impact: float
    ci_low: float
    ci_high: float


def group_counts(scores: np.ndarray) -> np.ndarray:
    """(promoters, passives, detractors) of 0-10 scores, as an int array of 3."""
    scores = np.asarray(scores, dtype=int)
    promoters = int((scores >= 9).sum())
    detractors = int((scores <= 6).sum())
    return np.array([promoters, len(scores) - promoters - detractors, detractors])


def _impact(with_theme: np.ndarray, without: np.ndarray) -> np.ndarray:
    """100 x (NPS of all - NPS without the theme) from (..., 3) group counts (0 when empty)."""
    total = with_theme + without
    n = total.sum(axis=-1)
    n_without = without.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        all_nps = np.where(n > 0, (total[..., 0] - total[..., 2]) / n, 0.0)
        nps_wo = np.where(n_without > 0, (without[..., 0] - without[..., 2]) / n_without, 0.0)
    return 100.0 * (all_nps - nps_wo)


def _estimate(counts: np.ndarray, min_sample: int) -> NpsEstimate:
    promoters, passives, detractors = (int(c) for c in counts)
    return estimate_from_counts(promoters, passives, detractors, min_sample)


def _bootstrap_interval(
    with_theme: np.ndarray, without: np.ndarray, n_bootstrap: int, rng: np.random.Generator
) -> tuple[float, float] | None:
    """Percentile 95% interval of the impact over row resamples, drawn as cell counts."""
    cells = np.concatenate([with_theme, without]).astype(float)
    n = int(cells.sum())
    if n_bootstrap <= 0 or n == 0:
        return None
    draws = rng.multinomial(n, cells / n, size=n_bootstrap)
    boot = _impact(draws[:, :3], draws[:, 3:])
    low, high = np.percentile(boot, [2.5, 97.5])
    return float(low), float(high)


def theme_impacts_from_counts(
    overall: Sequence[int] | np.ndarray,
    mentioned: Sequence[Sequence[int]] | np.ndarray,
    theme_ids: Sequence[str],
    n_commented: int,
    *,
    min_sample: int = 30,
    n_bootstrap: int = 500,
    random_state: int = 0,
) -> list[ImpactStats]:
    """Impact with bootstrap CI for every theme, from group counts alone.

    Args:
        overall: (promoters, passives, detractors) of all responses.
        mentioned: (k, 3) the same counts among the responses that mention each theme.
    """
    overall = np.asarray(overall, dtype=int).reshape(3)
    mentioned = np.asarray(mentioned, dtype=int).reshape(len(theme_ids), 3)
    rng = np.random.default_rng(random_state)
    stats = []
    for k, theme_id in enumerate(theme_ids):
        with_theme = mentioned[k]
        without = overall - with_theme
        point = float(_impact(with_theme, without))
        low, high = _bootstrap_interval(with_theme, without, n_bootstrap, rng) or (point, point)
        n_comments = int(with_theme.sum())
        stats.append(
            ImpactStats(
                theme_id=theme_id,
                n_comments=n_comments,
                share=round(n_comments / n_commented, 4) if n_commented else 0.0,
                nps_with=_estimate(with_theme, min_sample),
                nps_without=_estimate(without, min_sample),
                impact=round(point, 2),
                ci_low=round(low, 2),
                ci_high=round(high, 2),
            )
        )
    return stats


def theme_impacts(
    scores: np.ndarray,
    mentions: np.ndarray,
    theme_ids: Sequence[str],
    n_commented: int,
    *,
    min_sample: int = 30,
    n_bootstrap: int = 500,
    random_state: int = 0,
) -> list[ImpactStats]:
    """Impact with bootstrap CI for every theme column of ``mentions`` (n_responses x k, 0/1)."""
    scores = np.asarray(scores, dtype=int)
    mentions = np.asarray(mentions, dtype=float).reshape(len(scores), len(theme_ids))
    group = np.where(scores >= 9, 0, np.where(scores <= 6, 2, 1))  # promoter, passive, detractor
    one_hot = np.zeros((len(scores), 3))
    one_hot[np.arange(len(scores)), group] = 1.0
    mentioned = np.rint((mentions > 0).T.astype(float) @ one_hot).astype(int)
    return theme_impacts_from_counts(
        group_counts(scores),
        mentioned,
        theme_ids,
        n_commented,
        min_sample=min_sample,
        n_bootstrap=n_bootstrap,
        random_state=random_state,
    )


def impact_by_group(
    scores: np.ndarray,
    mentions: np.ndarray,
    theme_ids: Sequence[str],
    groups: pd.Series | np.ndarray,
    column: str,
    *,
    min_sample: int = 30,
    n_bootstrap: int = 200,
    random_state: int = 0,
) -> list[GroupThemeImpact]:
    """Each theme's impact inside each value of ``groups`` (themes unmentioned there omitted).

    Within a group, impact = NPS(group) - NPS(group without the theme's responses), with a
    seeded bootstrap CI; ``low_sample`` marks groups or mention counts below ``min_sample``.
    """
    scores = np.asarray(scores, dtype=int)
    mentions = np.asarray(mentions, dtype=float)
    keys = pd.Series(np.asarray(groups)).fillna("(blank)").astype(str).to_numpy()
    out: list[GroupThemeImpact] = []
    for value in sorted(set(keys)):
        member = keys == value
        present = mentions[member].sum(axis=0) > 0
        if not present.any():
            continue
        ids = [t for t, p in zip(theme_ids, present, strict=True) if p]
        stats = theme_impacts(
            scores[member],
            mentions[member][:, present],
            ids,
            int(member.sum()),
            min_sample=min_sample,
            n_bootstrap=n_bootstrap,
            random_state=random_state,
        )
        out.extend(
            GroupThemeImpact(
                theme_id=s.theme_id,
                column=column,
                value=value,
                n=int(member.sum()),
                n_mentions=s.n_comments,
                share=s.share,
                impact=s.impact,
                ci_low=s.ci_low,
                ci_high=s.ci_high,
                nps_with=s.nps_with.nps,
                low_sample=bool(member.sum() < min_sample or s.nps_with.low_sample),
            )
            for s in stats
        )
    return out


def impact_by_segment(
    frame: pd.DataFrame,
    mentions: np.ndarray,
    theme_ids: Sequence[str],
    columns: Sequence[str],
    **options: Any,
) -> list[GroupThemeImpact]:
    """:func:`impact_by_group` for every segment column of the responses frame."""
    scores = frame["score"].to_numpy(dtype=int)
    out: list[GroupThemeImpact] = []
    for column in columns:
        out.extend(
            impact_by_group(
                scores, mentions, theme_ids, segment_values(frame, column), column, **options
            )
        )
    return out


def impact_by_period(
    frame: pd.DataFrame,
    mentions: np.ndarray,
    theme_ids: Sequence[str],
    freq: Freq = "M",
    **options: Any,
) -> list[GroupThemeImpact]:
    """:func:`impact_by_group` per week/month/quarter (column 'period'); undated left out."""
    labels = period_labels(frame["submitted_at"], freq)
    dated = labels.notna().to_numpy()
    return impact_by_group(
        frame["score"].to_numpy(dtype=int)[dated],
        mentions[dated],
        theme_ids,
        labels[dated].astype(str).to_numpy(),
        "period",
        **options,
    )


def theme_sentiment(polarity: pd.DataFrame, theme_ids: Sequence[str]) -> list[ThemeSentiment]:
    """Positive/negative/neutral mentions per theme from the long polarity table."""
    counts = polarity_counts(polarity, theme_ids)
    out = []
    for theme_id, row in counts.iterrows():
        total = int(row.sum())
        out.append(
            ThemeSentiment(
                theme_id=str(theme_id),
                positive=int(row["positive"]),
                negative=int(row["negative"]),
                neutral=int(row["neutral"]),
                net=round((int(row["positive"]) - int(row["negative"])) / total, 4)
                if total
                else 0.0,
            )
        )
    return out
