"""Theme impact on NPS: how much higher would NPS be without a theme's comments?

impact = NPS(all) - NPS(all responses that do not mention the theme). A negative impact
means the theme pulls NPS down (an improvement area), a positive one that it lifts it (a
strength). It equals share x (NPS with - NPS without), the industry's usual definition.
The 95% interval comes from a seeded bootstrap over responses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from voc.analytics.breakdown import Freq, period_labels, segment_values
from voc.analytics.inputs import polarity_counts
from voc.analytics.nps import estimate_nps
from voc.analytics.results import GroupThemeImpact, ThemeSentiment
from voc.types import NpsEstimate

_BOOTSTRAP_CHUNK = 50


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


def _nps_without(net: np.ndarray, weights: np.ndarray, mentions: np.ndarray) -> np.ndarray:
    """NPS of all responses minus each theme's mentions, for each row of ``weights``.

    net is +1 promoter / 0 passive / -1 detractor per response; weights (b, n) are bootstrap
    counts; mentions (n, k) is 0/1. Returns (b, k).
    """
    total_net = weights @ net
    total_n = weights.sum(axis=1)
    without = 1.0 - mentions
    net_without = weights @ (without * net[:, None])
    n_without = weights @ without
    with np.errstate(invalid="ignore", divide="ignore"):
        all_nps = np.where(total_n > 0, total_net / total_n, 0.0)
        nps_wo = np.where(n_without > 0, net_without / n_without, 0.0)
    return 100.0 * (all_nps[:, None] - nps_wo)


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
    """Impact with bootstrap CI for every theme column of ``mentions`` (n_responses x k)."""
    scores = np.asarray(scores, dtype=int)
    mentions = np.asarray(mentions, dtype=float)
    n = len(scores)
    net = np.where(scores >= 9, 1.0, np.where(scores <= 6, -1.0, 0.0))
    point = _nps_without(net, np.ones((1, n)), mentions)[0]

    rng = np.random.default_rng(random_state)
    draws = []
    for start in range(0, n_bootstrap, _BOOTSTRAP_CHUNK):
        size = min(_BOOTSTRAP_CHUNK, n_bootstrap - start)
        idx = rng.integers(0, n, size=(size, n))
        weights = np.zeros((size, n))
        for b in range(size):
            weights[b] = np.bincount(idx[b], minlength=n)
        draws.append(_nps_without(net, weights, mentions))
    boot = np.vstack(draws) if draws else np.zeros((0, mentions.shape[1]))

    stats = []
    for k, theme_id in enumerate(theme_ids):
        mask = mentions[:, k] > 0
        low, high = np.percentile(boot[:, k], [2.5, 97.5]) if len(boot) else (point[k], point[k])
        stats.append(
            ImpactStats(
                theme_id=theme_id,
                n_comments=int(mask.sum()),
                share=round(float(mask.sum()) / n_commented, 4) if n_commented else 0.0,
                nps_with=estimate_nps(scores[mask], min_sample),
                nps_without=estimate_nps(scores[~mask], min_sample),
                impact=round(float(point[k]), 2),
                ci_low=round(float(low), 2),
                ci_high=round(float(high), 2),
            )
        )
    return stats


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
