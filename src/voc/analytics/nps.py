"""Net Promoter Score with honest uncertainty.

NPS = %promoters - %detractors, on -100..100. Its 95% interval uses the adjusted-Wald
method (Rocks 2016): add 3/4 of a response to promoters and to detractors (n + 3 in all),
which keeps coverage close to 95% even for small n and extreme shares, where the plain
Wald interval is far too narrow.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from voc.types import NpsEstimate, NpsGroup

Z_95 = 1.959963984540054


def nps_group(score: int) -> NpsGroup:
    """Promoter 9-10, passive 7-8, detractor 0-6 (also used on a 1-10 scale)."""
    if score >= 9:
        return NpsGroup.PROMOTER
    if score >= 7:
        return NpsGroup.PASSIVE
    return NpsGroup.DETRACTOR


def nps_groups(scores: Iterable[int]) -> list[NpsGroup]:
    return [nps_group(int(s)) for s in scores]


def nps_value(promoters: float, detractors: float, n: float) -> float:
    """Point NPS on -100..100; 0 for no responses."""
    return 100.0 * (promoters - detractors) / n if n else 0.0


def adjusted_wald_interval(promoters: int, detractors: int, n: int,
                           z: float = Z_95) -> tuple[float, float]:
    """95% interval for NPS by adjusted Wald, clipped to [-100, 100]."""
    n_adj = n + 3.0
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    centre = p - d
    variance = (p + d - centre**2) / n_adj
    half = z * math.sqrt(max(variance, 0.0))
    return max(-100.0, 100.0 * (centre - half)), min(100.0, 100.0 * (centre + half))


def nps_standard_error(promoters: int, detractors: int, n: int) -> float:
    """Standard error of NPS (in points) with the adjusted-Wald counts."""
    n_adj = n + 3.0
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    return 100.0 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n_adj)


def estimate_from_counts(promoters: int, passives: int, detractors: int,
                         min_sample: int = 30) -> NpsEstimate:
    n = promoters + passives + detractors
    low, high = adjusted_wald_interval(promoters, detractors, n)
    return NpsEstimate(
        n=n, promoters=promoters, passives=passives, detractors=detractors,
        nps=round(nps_value(promoters, detractors, n), 2),
        ci_low=round(low, 2), ci_high=round(high, 2),
        low_sample=n < min_sample,
    )


def estimate_nps(scores: Iterable[int] | np.ndarray, min_sample: int = 30) -> NpsEstimate:
    """NPS, counts and adjusted-Wald 95% CI of a set of 0-10 answers."""
    values = np.asarray(list(scores) if not isinstance(scores, np.ndarray) else scores)
    promoters = int((values >= 9).sum())
    passives = int(((values >= 7) & (values <= 8)).sum())
    detractors = int((values <= 6).sum())
    return estimate_from_counts(promoters, passives, detractors, min_sample)
