"""NPS arithmetic, breakdowns and theme impact: pure functions over arrays and DataFrames."""

from voc.analytics.breakdown import nps_by_month, nps_by_segment
from voc.analytics.impact import ImpactStats, theme_impacts
from voc.analytics.nps import estimate_nps, nps_group, nps_groups
from voc.analytics.ranking import rank_themes

__all__ = [
    "ImpactStats", "estimate_nps", "nps_by_month", "nps_by_segment", "nps_group", "nps_groups",
    "rank_themes", "theme_impacts",
]
