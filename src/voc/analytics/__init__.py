"""NPS analytics: pure functions over arrays and DataFrames, results as frozen models.

The responses frame has ``row``, ``response_id``, ``score`` (int), ``comment`` (str),
``submitted_at`` (datetime64, NaT when unknown) and segment columns by name; the theme-mention
matrix has one 0/1 column per theme id, one row per response. :func:`analyze_responses` runs
everything; the functions below are its parts.
"""

# voc.types imports voc.analytics.results once its own records exist; loading it first keeps
# that order whichever module a caller imports first.
import voc.types  # noqa: F401  isort: skip
from voc.analytics.alerts import (
    churn_risk_alerts,
    find_alerts,
    large_account_alerts,
    risk_phrase,
    theme_jump_alerts,
)
from voc.analytics.breakdown import (
    nps_by_account,
    nps_by_month,
    nps_by_period,
    nps_by_segment,
    period_labels,
)
from voc.analytics.drivers import compare_drivers, fit_drivers
from voc.analytics.impact import (
    ImpactStats,
    impact_by_group,
    impact_by_period,
    impact_by_segment,
    theme_impacts,
    theme_sentiment,
)
from voc.analytics.kinds import (
    classify_kind,
    ensure_single_kind,
    find_kind_column,
    nps_by_kind,
    pooled_nps,
    split_by_kind,
)
from voc.analytics.nps import (
    compare_nps,
    estimate_from_counts,
    estimate_nps,
    nps_difference,
    nps_group,
    nps_groups,
)
from voc.analytics.overview import NpsAnalysis, analyze_responses
from voc.analytics.ranking import rank_areas, rank_themes
from voc.analytics.scales import (
    check_mixed_scales,
    csat_estimate,
    detect_scale,
    grouping_rule,
    parse_scores,
)
from voc.analytics.trends import nps_change, nps_trend, share_trend, theme_trends
from voc.analytics.whatif import what_if

__all__ = [
    "ImpactStats",
    "NpsAnalysis",
    "analyze_responses",
    "check_mixed_scales",
    "churn_risk_alerts",
    "classify_kind",
    "compare_drivers",
    "compare_nps",
    "csat_estimate",
    "detect_scale",
    "ensure_single_kind",
    "estimate_from_counts",
    "estimate_nps",
    "find_alerts",
    "find_kind_column",
    "fit_drivers",
    "grouping_rule",
    "impact_by_group",
    "impact_by_period",
    "impact_by_segment",
    "large_account_alerts",
    "nps_by_account",
    "nps_by_kind",
    "nps_by_month",
    "nps_by_period",
    "nps_by_segment",
    "nps_change",
    "nps_difference",
    "nps_group",
    "nps_groups",
    "nps_trend",
    "parse_scores",
    "period_labels",
    "pooled_nps",
    "rank_areas",
    "rank_themes",
    "risk_phrase",
    "share_trend",
    "split_by_kind",
    "theme_impacts",
    "theme_jump_alerts",
    "theme_sentiment",
    "theme_trends",
    "what_if",
]
