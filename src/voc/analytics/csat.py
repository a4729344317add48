"""CSAT (customer satisfaction, 1-5 or 1-7) analytics, never pooled with NPS.

CSAT is reported as the mean answer with a 95% t-interval and the top-2-box share (4-5 on
1-5, 6-7 on 1-7) with a 95% Wilson interval, overall, by month and by segment. A theme's
impact mirrors NPS theme impact (:mod:`voc.analytics.impact`):
impact = mean(all) - mean(all responses that do not mention the theme), in points of the
scale, and the same difference for the top-2-box share in percentage points.

The 95% interval of an impact is a seeded percentile bootstrap over responses. As for NPS,
both impacts depend only on counts: the responses mentioning the theme or not, by answer
value (2 x 5 cells on 1-5, 2 x 7 on 1-7). Resampling n responses with replacement draws
those cells from Multinomial(n, cells / n) exactly, so the bootstrap runs on the counts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from voc.analytics.breakdown import period_labels, segment_values
from voc.analytics.nps import Z_95, wilson_interval
from voc.analytics.results import CsatEstimate, PeriodCsat, ScaleInfo, SegmentCsat
from voc.analytics.scales import SCALE_RANGES, detect_scale, frame_scores, parse_scores

CsatScale = Literal["1-5", "1-7"]
CSAT_SCALES: tuple[CsatScale, ...] = ("1-5", "1-7")
_SAYS_1_7 = re.compile(r"(?<!\d)1\s*(?:-|–|—|to|till|til)\s*7(?!\d)", re.IGNORECASE)


def top_box_min(scale: CsatScale) -> int:
    """The lowest answer counted as satisfied: the top two boxes of the scale."""
    return SCALE_RANGES[scale][1] - 1


def csat_rule(scale: CsatScale) -> str:
    """The rule applied, in words for the report."""
    low, high = SCALE_RANGES[scale]
    return f"CSAT {scale}: mean score ({low}-{high}), and satisfied = top-2 box {high - 1}-{high}"


def metric_of(
    scores: Sequence[int] | np.ndarray,
    header: str = "",
    setting: str = "auto",
    loaded_scale: str = "",
    loaded_reason: str = "",
) -> ScaleInfo:
    """Whether scores are NPS or CSAT, on which scale, and why.

    ``loaded_scale`` is the scale the reader found (``LoadReport.scale``); a CSAT scale
    there (1-5, 1-7) is taken as it is. A setting of 1-7, or a header saying 1-7, gives
    CSAT 1-7 (never inferred from the data alone: a 0-10 question can yield only 1-7 by
    chance in a small survey). Everything else follows :func:`detect_scale`.
    """
    values = np.asarray(scores, dtype="int64")
    if loaded_scale in CSAT_SCALES:
        scale: CsatScale = "1-7" if loaded_scale == "1-7" else "1-5"
        reason = loaded_reason or f"The scale is CSAT {scale} because the export says so."
        return ScaleInfo(scale=scale, metric="csat", rule=csat_rule(scale), reason=reason)
    says_1_7 = setting == "auto" and bool(_SAYS_1_7.search(header))
    if setting == "1-7" or says_1_7:
        why = "the scale setting says so" if setting == "1-7" else "the score header says 1-7"
        return ScaleInfo(
            scale="1-7",
            metric="csat",
            rule=csat_rule("1-7"),
            reason=f"The scale is CSAT 1-7 because {why}.",
        )
    info = detect_scale(values, header=header, setting=setting)
    if info.metric == "csat":
        return info.model_copy(update={"rule": csat_rule("1-5")})
    return info


# --- estimates ---------------------------------------------------------------------------


def estimate_from_score_counts(
    counts: Sequence[int] | np.ndarray, scale: CsatScale = "1-5", min_sample: int = 30
) -> CsatEstimate:
    """CSAT from the number of answers of each value (index 0 = the scale's lowest answer).

    The mean's interval is a t-interval clipped to the scale (the whole scale for n = 1);
    the top-2-box share's is Wilson's. With n = 0 every estimate is None.
    """
    low, high = SCALE_RANGES[scale]
    counts = np.asarray(counts, dtype="int64").reshape(high - low + 1)
    values = np.arange(low, high + 1)
    n = int(counts.sum())
    box = top_box_min(scale)
    satisfied = int(counts[values >= box].sum())
    if n == 0:
        return CsatEstimate(
            scale=scale,
            n=0,
            mean=None,
            ci_low=None,
            ci_high=None,
            top_box_min=box,
            satisfied=0,
            share_satisfied=None,
            share_ci_low=None,
            share_ci_high=None,
            low_sample=True,
        )
    mean = float((counts * values).sum()) / n
    if n >= 2:
        from scipy.special import stdtrit  # lazy: scipy is slow to import

        sd = math.sqrt(float((counts * (values - mean) ** 2).sum()) / (n - 1))
        half = float(stdtrit(n - 1, 0.975)) * sd / math.sqrt(n)
    else:
        half = float(high - low)
    share_low, share_high = wilson_interval(satisfied, n, Z_95)
    return CsatEstimate(
        scale=scale,
        n=n,
        mean=round(mean, 3),
        ci_low=round(max(float(low), mean - half), 3),
        ci_high=round(min(float(high), mean + half), 3),
        top_box_min=box,
        satisfied=satisfied,
        share_satisfied=round(satisfied / n, 4),
        share_ci_low=round(share_low, 4),
        share_ci_high=round(share_high, 4),
        low_sample=n < min_sample,
    )


def score_counts(scores: np.ndarray, scale: CsatScale) -> np.ndarray:
    """How many answers of each value of the scale (index 0 = the lowest answer)."""
    low, high = SCALE_RANGES[scale]
    return np.bincount(np.asarray(scores, dtype="int64") - low, minlength=high - low + 1)


def estimate_csat(
    scores: Sequence[int] | np.ndarray, scale: CsatScale = "1-5", min_sample: int = 30
) -> CsatEstimate:
    """CSAT of a set of answers; InputError names answers outside the scale."""
    values = parse_scores(list(scores), scale)
    return estimate_from_score_counts(score_counts(values, scale), scale, min_sample)


def csat_by_month(
    frame: pd.DataFrame, scale: CsatScale = "1-5", min_sample: int = 30
) -> list[PeriodCsat]:
    """One estimate per calendar month of ``submitted_at``; undated rows are left out."""
    scores = frame_scores(frame, scale)
    labels = period_labels(frame["submitted_at"], "M")
    dated = labels.notna().to_numpy()
    out = []
    for period in sorted(set(labels[dated].astype(str))):
        member = (labels == period).fillna(False).to_numpy(dtype=bool)
        counts = score_counts(scores[member], scale)
        out.append(
            PeriodCsat(
                period=period, estimate=estimate_from_score_counts(counts, scale, min_sample)
            )
        )
    return out


def csat_by_segment(
    frame: pd.DataFrame, columns: Sequence[str], scale: CsatScale = "1-5", min_sample: int = 30
) -> list[SegmentCsat]:
    """One estimate per value of each segment column, largest groups first."""
    scores = frame_scores(frame, scale)
    out: list[SegmentCsat] = []
    for column in columns:
        values = segment_values(frame, column).to_numpy()
        keys = pd.Series(values).value_counts()
        ordered = sorted(keys.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
        for value, _ in ordered:
            counts = score_counts(scores[values == value], scale)
            out.append(
                SegmentCsat(
                    column=column,
                    value=str(value),
                    estimate=estimate_from_score_counts(counts, scale, min_sample),
                )
            )
    return out


# --- theme impact ------------------------------------------------------------------------


@dataclass(frozen=True)
class CsatImpactStats:
    """One theme's one-at-a-time impact on CSAT; ``share`` is of ``n_commented`` responses."""

    theme_id: str
    n_comments: int
    share: float
    csat_with: CsatEstimate
    csat_without: CsatEstimate
    impact: float | None
    ci_low: float | None
    ci_high: float | None
    share_impact: float | None
    share_ci_low: float | None
    share_ci_high: float | None


def _impacts(
    with_theme: np.ndarray, without: np.ndarray, values: np.ndarray, box: int
) -> tuple[np.ndarray, np.ndarray]:
    """(mean impact, top-box impact in pp) from (..., k) answer counts; NaN without a 'without'."""
    total = with_theme + without
    n = total.sum(axis=-1)
    n_without = without.sum(axis=-1)
    top = values >= box
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_all = (total * values).sum(axis=-1) / n
        mean_wo = (without * values).sum(axis=-1) / n_without
        share_all = total[..., top].sum(axis=-1) / n
        share_wo = without[..., top].sum(axis=-1) / n_without
    return mean_all - mean_wo, 100.0 * (share_all - share_wo)


def _rounded(value: float, digits: int) -> float | None:
    return None if not math.isfinite(value) else round(value, digits)


def csat_impacts_from_counts(
    overall: Sequence[int] | np.ndarray,
    mentioned: Sequence[Sequence[int]] | np.ndarray,
    theme_ids: Sequence[str],
    n_commented: int,
    *,
    scale: CsatScale = "1-5",
    min_sample: int = 30,
    n_bootstrap: int = 500,
    random_state: int = 0,
) -> list[CsatImpactStats]:
    """Impact on CSAT with bootstrap CIs for every theme, from answer counts alone.

    Args:
        overall: answers of each value of the scale among all responses (length k).
        mentioned: (themes, k) the same counts among the responses that mention each theme.
    """
    low, high = SCALE_RANGES[scale]
    values = np.arange(low, high + 1)
    k = len(values)
    box = top_box_min(scale)
    overall = np.asarray(overall, dtype="int64").reshape(k)
    mentioned = np.asarray(mentioned, dtype="int64").reshape(len(theme_ids), k)
    rng = np.random.default_rng(random_state)
    out = []
    for t, theme_id in enumerate(theme_ids):
        with_theme = mentioned[t]
        without = overall - with_theme
        mean_point, share_point = (float(x) for x in _impacts(with_theme, without, values, box))
        interval = [math.nan] * 4
        cells = np.concatenate([with_theme, without]).astype(float)
        n = int(cells.sum())
        if n_bootstrap > 0 and n > 0 and without.sum() > 0:
            draws = rng.multinomial(n, cells / n, size=n_bootstrap)
            boot_mean, boot_share = _impacts(draws[:, :k], draws[:, k:], values, box)
            # A draw that leaves no response without the theme has no impact to count.
            interval = [
                *np.nanpercentile(boot_mean, [2.5, 97.5]).tolist(),
                *np.nanpercentile(boot_share, [2.5, 97.5]).tolist(),
            ]
        n_comments = int(with_theme.sum())
        out.append(
            CsatImpactStats(
                theme_id=theme_id,
                n_comments=n_comments,
                share=round(n_comments / n_commented, 4) if n_commented else 0.0,
                csat_with=estimate_from_score_counts(with_theme, scale, min_sample),
                csat_without=estimate_from_score_counts(without, scale, min_sample),
                impact=_rounded(mean_point, 3),
                ci_low=_rounded(interval[0], 3),
                ci_high=_rounded(interval[1], 3),
                share_impact=_rounded(share_point, 2),
                share_ci_low=_rounded(interval[2], 2),
                share_ci_high=_rounded(interval[3], 2),
            )
        )
    return out


def csat_theme_impacts(
    scores: Sequence[int] | np.ndarray,
    mentions: np.ndarray,
    theme_ids: Sequence[str],
    n_commented: int,
    *,
    scale: CsatScale = "1-5",
    min_sample: int = 30,
    n_bootstrap: int = 500,
    random_state: int = 0,
) -> list[CsatImpactStats]:
    """Impact on CSAT with bootstrap CI for every theme column of ``mentions`` (n x k, 0/1)."""
    values = parse_scores(list(scores), scale)
    low, high = SCALE_RANGES[scale]
    one_hot = np.zeros((len(values), high - low + 1))
    one_hot[np.arange(len(values)), values - low] = 1.0
    mentions = np.asarray(mentions, dtype=float).reshape(len(values), len(theme_ids))
    mentioned = np.rint((mentions > 0).T.astype(float) @ one_hot).astype("int64")
    return csat_impacts_from_counts(
        score_counts(values, scale),
        mentioned,
        theme_ids,
        n_commented,
        scale=scale,
        min_sample=min_sample,
        n_bootstrap=n_bootstrap,
        random_state=random_state,
    )


def rank_csat_themes(
    stats: Sequence[CsatImpactStats], min_mentions: int = 3
) -> tuple[list[str], list[str]]:
    """Improvement areas, most negative impact on the mean first; strengths, most positive.

    As for NPS (:func:`voc.analytics.ranking.rank_themes`): themes mentioned fewer than
    ``min_mentions`` times are left out, and within each list themes whose interval
    excludes zero come before those whose sign is still uncertain.
    """
    eligible = [s for s in stats if s.n_comments >= min_mentions and s.impact is not None]

    def sure(s: CsatImpactStats, negative: bool) -> bool:
        if s.ci_low is None or s.ci_high is None:
            return False
        return s.ci_high < 0 if negative else s.ci_low > 0

    negative = [s for s in eligible if (s.impact or 0.0) < 0]
    positive = [s for s in eligible if (s.impact or 0.0) > 0]
    improvement = sorted(negative, key=lambda s: (not sure(s, True), s.impact or 0.0))
    strengths = sorted(positive, key=lambda s: (not sure(s, False), -(s.impact or 0.0)))
    return [s.theme_id for s in improvement], [s.theme_id for s in strengths]
