"""What-if: "fix a theme for some of the detractors who mention it" as a stated counterfactual.

The assumption is spelled out in every statement: a ``fraction`` of the detractors who mention
the theme stop being detractors and become passives (or promoters, if asked), nothing else
changes. The interval of the new NPS is the adjusted-Wald interval of the counterfactual
counts; the interval of the lift reflects how uncertain the number of such detractors is
(Wilson interval of their share).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from voc.analytics.nps import adjusted_wald_interval, estimate_nps, nps_value, wilson_interval
from voc.analytics.results import WhatIf


def what_if(
    scores: np.ndarray,
    mentioned: np.ndarray,
    theme_id: str,
    *,
    fraction: float = 0.5,
    becomes: Literal["passive", "promoter"] = "passive",
    label: str | None = None,
    min_sample: int = 30,
) -> WhatIf:
    """NPS if ``fraction`` of the detractors mentioning ``theme_id`` became ``becomes``."""
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must lie in 0..1, not {fraction}")
    scores = np.asarray(scores, dtype=int)
    mentioned = np.asarray(mentioned, dtype=bool)
    before = estimate_nps(scores, min_sample)
    n = before.n
    if before.nps is None:
        raise ValueError("what-if needs at least one response")
    affected = int(((scores <= 6) & mentioned).sum())
    moved = fraction * affected
    promoters = before.promoters + (moved if becomes == "promoter" else 0.0)
    detractors = before.detractors - moved
    after = nps_value(promoters, detractors, n)
    low, high = adjusted_wald_interval(promoters, detractors, n)
    step = 2.0 if becomes == "promoter" else 1.0
    share_low, share_high = wilson_interval(affected, n)
    lift = after - before.nps
    name = label or theme_id
    statement = (
        f"If {name} were fixed for {fraction:.0%} of the {affected} detractors who mention it "
        f"and they became {becomes}s, NPS would move from {before.nps:+.1f} to {after:+.1f} "
        f"(95% CI {low:+.1f} to {high:+.1f}), a lift of {lift:+.1f} points."
    )
    if before.low_sample:
        statement += f" Only {n} responses: treat as indicative."
    return WhatIf(
        theme_id=theme_id,
        fraction=fraction,
        detractors_mentioning=affected,
        moved=round(moved, 2),
        before=before,
        nps_after=round(after, 2),
        ci_low=round(low, 2),
        ci_high=round(high, 2),
        lift=round(lift, 2),
        lift_ci_low=round(100.0 * step * fraction * share_low, 2),
        lift_ci_high=round(100.0 * step * fraction * share_high, 2),
        statement=statement,
        low_sample=before.low_sample,
    )
