"""Rank themes into improvement areas (pull NPS down) and strengths (lift it)."""

from __future__ import annotations

from collections.abc import Sequence

from voc.analytics.impact import ImpactStats


def rank_themes(stats: Sequence[ImpactStats], min_mentions: int = 3) -> tuple[list[str], list[str]]:
    """Improvement areas, most negative impact first; strengths, most positive first.

    Themes mentioned fewer than ``min_mentions`` times are left out of both lists: one
    angry comment is a quote, not a priority. Within each list, themes whose interval
    excludes zero come before those whose sign is still uncertain.
    """
    eligible = [s for s in stats if s.n_comments >= min_mentions]
    negative = [s for s in eligible if s.impact < 0]
    positive = [s for s in eligible if s.impact > 0]
    improvement = sorted(negative, key=lambda s: (s.ci_high >= 0, s.impact))
    strengths = sorted(positive, key=lambda s: (s.ci_low <= 0, -s.impact))
    return [s.theme_id for s in improvement], [s.theme_id for s in strengths]
