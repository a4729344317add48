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

from voc.analytics.results import NpsDifference
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
    """The group of each score, in order."""
    return [nps_group(int(s)) for s in scores]


def nps_value(promoters: float, detractors: float, n: float) -> float:
    """Point NPS on -100..100; 0 for no responses."""
    return 100.0 * (promoters - detractors) / n if n else 0.0


def adjusted_wald_interval(
    promoters: float, detractors: float, n: float, z: float = Z_95
) -> tuple[float, float]:
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


def estimate_from_counts(
    promoters: int, passives: int, detractors: int, min_sample: int = 30
) -> NpsEstimate:
    """NPS and adjusted-Wald 95% CI from the three counts; no score (None) when n is 0."""
    n = promoters + passives + detractors
    if n == 0:
        return NpsEstimate(
            n=0,
            promoters=0,
            passives=0,
            detractors=0,
            nps=None,
            ci_low=None,
            ci_high=None,
            low_sample=True,
        )
    low, high = adjusted_wald_interval(promoters, detractors, n)
    return NpsEstimate(
        n=n,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        nps=round(nps_value(promoters, detractors, n), 2),
        ci_low=round(low, 2),
        ci_high=round(high, 2),
        low_sample=n < min_sample,
    )


def estimate_nps(scores: Iterable[int] | np.ndarray, min_sample: int = 30) -> NpsEstimate:
    """NPS, counts and adjusted-Wald 95% CI of a set of 0-10 answers."""
    values = np.asarray(list(scores) if not isinstance(scores, np.ndarray) else scores)
    promoters = int((values >= 9).sum())
    passives = int(((values >= 7) & (values <= 8)).sum())
    detractors = int((values <= 6).sum())
    return estimate_from_counts(promoters, passives, detractors, min_sample)


def normal_p_value(z: float) -> float:
    """Two-sided p-value of a standard-normal z."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def _adjusted(est: NpsEstimate) -> tuple[float, float]:
    """Adjusted-Wald NPS (as a proportion difference) and its variance."""
    n_adj = est.n + 3.0
    p = (est.promoters + 0.75) / n_adj
    d = (est.detractors + 0.75) / n_adj
    return p - d, max(p + d - (p - d) ** 2, 0.0) / n_adj


def compare_nps(
    a: NpsEstimate, b: NpsEstimate, label_a: str = "a", label_b: str = "b", alpha: float = 0.05
) -> NpsDifference:
    """Is NPS(b) different from NPS(a)? z-test with SE = sqrt(SE_a^2 + SE_b^2).

    Both standard errors and the interval use the adjusted-Wald counts, as the single-group
    interval does; ``difference`` is the plain difference of the two reported NPS.
    """
    centre_a, var_a = _adjusted(a)
    centre_b, var_b = _adjusted(b)
    se = math.sqrt(var_a + var_b)
    diff_adj = centre_b - centre_a
    z = diff_adj / se if se > 0 else 0.0
    p_value = normal_p_value(z)
    return NpsDifference(
        label_a=label_a,
        label_b=label_b,
        a=a,
        b=b,
        difference=None if a.nps is None or b.nps is None else round(b.nps - a.nps, 2),
        se=round(100.0 * se, 3),
        z=round(z, 3),
        p_value=round(p_value, 5),
        ci_low=round(max(-200.0, 100.0 * (diff_adj - Z_95 * se)), 2),
        ci_high=round(min(200.0, 100.0 * (diff_adj + Z_95 * se)), 2),
        significant=p_value < alpha,
        low_sample=a.low_sample or b.low_sample,
    )


def nps_difference(
    scores_a: Iterable[int] | np.ndarray,
    scores_b: Iterable[int] | np.ndarray,
    *,
    label_a: str = "a",
    label_b: str = "b",
    min_sample: int = 30,
    alpha: float = 0.05,
) -> NpsDifference:
    """:func:`compare_nps` on two sets of raw scores."""
    return compare_nps(
        estimate_nps(scores_a, min_sample),
        estimate_nps(scores_b, min_sample),
        label_a,
        label_b,
        alpha,
    )


def net_scores(scores: Iterable[int] | np.ndarray) -> np.ndarray:
    """+1 for a promoter, 0 for a passive, -1 for a detractor, per answer (float)."""
    values = np.asarray(scores)
    return np.where(values >= 9, 1.0, np.where(values <= 6, -1.0, 0.0))


def wilson_interval(successes: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """Wilson 95% interval of a proportion; (0, 1) for n = 0."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
