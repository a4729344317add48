"""Theme impact on NPS: how much higher would NPS be without a theme's comments?

impact = NPS(all) - NPS(all responses that do not mention the theme). A negative impact
means the theme pulls NPS down (an improvement area), a positive one that it lifts it (a
strength). It equals share x (NPS with - NPS without), the industry's usual definition.
The 95% interval comes from a seeded bootstrap over responses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voc.analytics.nps import estimate_nps
from voc.types import NpsEstimate

_BOOTSTRAP_CHUNK = 50


@dataclass(frozen=True)
class ImpactStats:
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


def theme_impacts(scores: np.ndarray, mentions: np.ndarray, theme_ids: list[str],
                  n_commented: int, *, min_sample: int = 30, n_bootstrap: int = 500,
                  random_state: int = 0) -> list[ImpactStats]:
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
        low, high = (np.percentile(boot[:, k], [2.5, 97.5]) if len(boot) else (point[k], point[k]))
        stats.append(ImpactStats(
            theme_id=theme_id,
            n_comments=int(mask.sum()),
            share=round(float(mask.sum()) / n_commented, 4) if n_commented else 0.0,
            nps_with=estimate_nps(scores[mask], min_sample),
            nps_without=estimate_nps(scores[~mask], min_sample),
            impact=round(float(point[k]), 2),
            ci_low=round(float(low), 2),
            ci_high=round(float(high), 2),
        ))
    return stats
