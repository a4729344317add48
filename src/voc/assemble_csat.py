"""The CSAT report: what the stages found, turned into a Report whose metric is CSAT.

Shares comments, languages, quotes and warnings with the NPS report (:mod:`voc.assemble`);
the figures come from :mod:`voc.analytics.csat`. No NPS figure is ever computed here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from voc.analytics.csat import (
    CsatImpactStats,
    CsatScale,
    csat_by_month,
    csat_by_segment,
    csat_theme_impacts,
    estimate_csat,
    rank_csat_themes,
    top_box_min,
)
from voc.analytics.results import CsatThemeImpact, ScaleInfo
from voc.analytics.scales import frame_scores
from voc.assemble import comment_results, language_shares, pick_quotes, survey_warnings
from voc.config import Settings
from voc.io import LoadedSurvey
from voc.nlp.langid import LanguageGuess
from voc.nlp.taxonomy import Taxonomy
from voc.nlp.themes import ThemeAssignment
from voc.proposals import Discovered
from voc.types import CommentResult, Polarity, Report


def mention_matrix(assignments: list[ThemeAssignment], theme_ids: list[str]) -> np.ndarray:
    """0/1 per response (rows) and theme (columns, in ``theme_ids`` order)."""
    column_of = {t: i for i, t in enumerate(theme_ids)}
    mentions = np.zeros((len(assignments), len(theme_ids)))
    for row, assignment in enumerate(assignments):
        for hit in assignment.hits:
            mentions[row, column_of[hit.theme_id]] = 1.0
    return mentions


def csat_theme_impact(
    stats: CsatImpactStats,
    comments: list[CommentResult],
    taxonomy: Taxonomy,
    settings: Settings,
) -> CsatThemeImpact:
    """One theme's CSAT impact record: the figures plus polarity counts and quotes."""
    theme = taxonomy[stats.theme_id]
    hits = [(c, h) for c in comments for h in c.themes if h.theme_id == stats.theme_id]
    polarity = Counter(h.polarity for _, h in hits)
    impact = stats.impact or 0.0
    satisfied_side = impact >= 0
    mentioned = bool(stats.n_comments)
    return CsatThemeImpact(
        theme_id=stats.theme_id,
        label=theme.label(settings.report_language),
        group=theme.group,
        n_comments=stats.n_comments,
        share=stats.share,
        csat_with=stats.csat_with,
        csat_without=stats.csat_without,
        # A theme nobody mentions has no impact to estimate: null, not a measured 0.
        impact=stats.impact if mentioned else None,
        impact_ci_low=stats.ci_low if mentioned else None,
        impact_ci_high=stats.ci_high if mentioned else None,
        share_impact=stats.share_impact if mentioned else None,
        share_impact_ci_low=stats.share_ci_low if mentioned else None,
        share_impact_ci_high=stats.share_ci_high if mentioned else None,
        positive=polarity[Polarity.POSITIVE],
        negative=polarity[Polarity.NEGATIVE],
        neutral=polarity[Polarity.NEUTRAL],
        quotes=pick_quotes(
            hits,
            impact,
            settings.quotes_per_theme,
            on_side=lambda c: bool(c.satisfied) == satisfied_side,
        ),
    )


def csat_report(
    loaded: LoadedSurvey,
    info: ScaleInfo,
    guesses: list[LanguageGuess],
    assignments: list[ThemeAssignment],
    discovered: Discovered,
    taxonomy: Taxonomy,
    settings: Settings,
    header: dict[str, Any],
) -> Report:
    """The Report of a CSAT survey: mean and top-2 box overall, by month and segment, each
    theme's impact on CSAT, improvement areas and strengths with quotes.

    ``header`` holds the Report's bookkeeping fields (version, time, model, taxonomy, kind).
    Raises InputError naming the rows whose answers lie outside the CSAT scale.
    """
    s = settings
    scale: CsatScale = "1-7" if info.scale == "1-7" else "1-5"
    frame = loaded.frame
    scores = frame_scores(frame, scale)
    segments = loaded.report.mapping.segments
    theme_ids = list(taxonomy.ids)
    mentions = mention_matrix(assignments, theme_ids)
    has_comment = frame["comment"].str.strip().ne("").to_numpy()
    stats = csat_theme_impacts(
        scores,
        mentions,
        theme_ids,
        int(has_comment.sum()),
        scale=scale,
        min_sample=s.min_sample,
        n_bootstrap=s.bootstrap_samples,
        random_state=s.random_state,
    )
    improvement, strengths = rank_csat_themes(stats)
    box = top_box_min(scale)
    comments = comment_results(
        frame,
        [None] * len(frame),
        guesses,
        assignments,
        segments,
        loaded.comment_fields,
        discovered.topic_of_row,
        satisfied=[bool(v >= box) for v in scores],
    )
    impacts = [csat_theme_impact(st, comments, taxonomy, s) for st in stats]
    load = loaded.report.model_copy(update={"scale": scale, "scale_reason": info.reason})
    return Report(
        **header,
        load=load,
        metric="csat",
        csat=estimate_csat(scores, scale, s.min_sample),
        monthly_csat=csat_by_month(frame, scale, s.min_sample),
        segment_csat=csat_by_segment(frame, segments, scale, s.min_sample),
        languages=language_shares(guesses, has_comment),
        language_settled_by_prior=sum(g.decided_by_prior for g in guesses),
        language_mixed=sum(g.mixed for g in guesses),
        csat_theme_impacts=sorted(
            impacts, key=lambda t: (t.impact is None, t.impact if t.impact is not None else 0.0)
        ),
        improvement_areas=improvement,
        strengths=strengths,
        comment_results=comments,
        warnings=survey_warnings(loaded, guesses, has_comment, s) + discovered.warnings,
        proposed_themes=discovered.themes,
        discovery_outliers=discovered.outliers,
        scale_rule=info.rule,
    )
