"""CSAT dashboard answers: store counts in, :mod:`voc.analytics.csat` applied, schemas out.

The same functions compute the CLI's CSAT report, so the service and the report agree on
the same responses and seed.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from voc.analytics.csat import (
    CsatImpactStats,
    CsatScale,
    csat_impacts_from_counts,
    estimate_from_score_counts,
    rank_csat_themes,
    top_box_min,
)
from voc.api.schemas_csat import (
    CsatImprovementArea,
    CsatOverview,
    CsatQuoteOut,
    CsatThemeResult,
)
from voc.config import Settings
from voc.nlp.taxonomy import Taxonomy
from voc.store import ConflictError, ResultFilters, WorkspaceRepository
from voc.store.csat_queries import CsatThemeCounts
from voc.types import PeriodCsat


def csat_scale(repo: WorkspaceRepository, f: ResultFilters, asked: str | None) -> CsatScale | None:
    """The scale to count: the one asked for, else the only one the responses use.

    None when no filtered response has a CSAT answer; 409 when they answer on both 1-5 and
    1-7 and none was asked for (means on two scales are never pooled).
    """
    if asked is not None:
        return cast(CsatScale, asked)
    scales = repo.csat.scales(f)
    if len(scales) > 1:
        raise ConflictError(
            f"the responses answer CSAT on {' and '.join(scales)} scales, which are never "
            "pooled: choose one with scale=" + " or scale=".join(scales)
        )
    return cast(CsatScale, scales[0]) if scales else None


def csat_overview(
    repo: WorkspaceRepository, f: ResultFilters, settings: Settings, asked: str | None
) -> CsatOverview:
    """Overall CSAT and CSAT per month, each with its 95% intervals."""
    scale = csat_scale(repo, f, asked)
    m = settings.min_sample
    if scale is None:
        empty = estimate_from_score_counts(np.zeros(5, dtype="int64"), "1-5", m)
        return CsatOverview(scale=None, overall=empty, periods=[])
    return CsatOverview(
        scale=scale,
        overall=estimate_from_score_counts(repo.csat.counts(f, scale), scale, m),
        periods=[
            PeriodCsat(period=p, estimate=estimate_from_score_counts(c, scale, m))
            for p, c in repo.csat.counts_by_period(f, scale)
        ],
    )


def _impact_stats(
    counts: CsatThemeCounts, taxonomy: Taxonomy, scale: CsatScale, settings: Settings
) -> list[CsatImpactStats]:
    """The report's CSAT impact statistics, from counts the database aggregated."""
    if not counts.overall.any():
        return []
    none = np.zeros_like(counts.overall)
    return csat_impacts_from_counts(
        counts.overall,
        np.array([counts.mentioned.get(t, none) for t in taxonomy.ids]),
        taxonomy.ids,
        counts.n_commented,
        scale=scale,
        min_sample=settings.min_sample,
        n_bootstrap=settings.bootstrap_samples,
        random_state=settings.random_state,
    )


def _theme_result(
    s: CsatImpactStats, taxonomy: Taxonomy, polarity: dict[str, int], settings: Settings
) -> CsatThemeResult:
    theme = taxonomy[s.theme_id]
    mentioned = bool(s.n_comments)
    # A theme nobody mentions has no impact to estimate: null, not a measured 0.
    impact = s.impact if mentioned else None
    low, high = (s.ci_low, s.ci_high) if mentioned else (None, None)
    return CsatThemeResult(
        theme_id=s.theme_id,
        label=theme.label(settings.report_language),
        group=theme.group,
        n_comments=s.n_comments,
        share=s.share,
        csat_with=s.csat_with,
        csat_without=s.csat_without,
        impact=impact,
        impact_ci_low=low,
        impact_ci_high=high,
        share_impact=s.share_impact if mentioned else None,
        share_impact_ci_low=s.share_ci_low if mentioned else None,
        share_impact_ci_high=s.share_ci_high if mentioned else None,
        significant=low is not None and high is not None and (low > 0 or high < 0),
        positive=polarity.get("positive", 0),
        negative=polarity.get("negative", 0),
        neutral=polarity.get("neutral", 0),
    )


def csat_theme_results(
    repo: WorkspaceRepository,
    f: ResultFilters,
    taxonomy: Taxonomy,
    settings: Settings,
    asked: str | None,
) -> list[CsatThemeResult]:
    """Every theme's impact on CSAT with its bootstrap CIs, most negative first."""
    scale = csat_scale(repo, f, asked)
    if scale is None:
        return []
    counts = repo.csat.theme_answer_counts(f, scale)
    stats = _impact_stats(counts, taxonomy, scale, settings)
    out = [_theme_result(s, taxonomy, counts.polarity.get(s.theme_id, {}), settings) for s in stats]
    return sorted(out, key=lambda t: (t.impact is None, t.impact or 0.0))


def csat_improvement_areas(
    repo: WorkspaceRepository,
    f: ResultFilters,
    taxonomy: Taxonomy,
    settings: Settings,
    asked: str | None,
    limit: int,
) -> list[CsatImprovementArea]:
    """Themes that cost CSAT, ranked as the CSAT report ranks them, with unsatisfied quotes."""
    scale = csat_scale(repo, f, asked)
    if scale is None:
        return []
    counts = repo.csat.theme_answer_counts(f, scale)
    stats = _impact_stats(counts, taxonomy, scale, settings)
    by_id = {s.theme_id: s for s in stats}
    improvement, _ = rank_csat_themes(stats)
    areas = []
    for rank, theme_id in enumerate(improvement[:limit], start=1):
        quotes = repo.csat.quotes_below(
            f, scale, theme_id, top_box_min(scale), settings.quotes_per_theme
        )
        areas.append(
            CsatImprovementArea(
                rank=rank,
                theme=_theme_result(
                    by_id[theme_id], taxonomy, counts.polarity.get(theme_id, {}), settings
                ),
                quotes=[
                    CsatQuoteOut(
                        response_id=q.response_id,
                        text=q.comment,
                        language=q.language,
                        csat_score=q.csat_score if q.csat_score is not None else q.score,
                    )
                    for q in quotes
                ],
            )
        )
    return areas
