"""CSAT dashboard queries: answer counts by value, aggregated in the database.

CSAT figures are counted over ``responses.csat_score`` of one scale (1-5 or 1-7) only, so
NPS scores and CSAT answers, or answers on two CSAT scales, are never pooled. The mean,
intervals and impacts are computed from these counts by :mod:`voc.analytics.csat`, the
same code the CLI report uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, case, func, select

from voc.analytics.scales import SCALE_RANGES
from voc.store.models import Response, ThemeAssignmentRow
from voc.store.queries import ResultQueries
from voc.store.records import CommentRecord, ResultFilters

_POLARITIES = ("positive", "negative", "neutral")


@dataclass(frozen=True)
class CsatThemeCounts:
    """Answer counts (index 0 = the scale's lowest answer) overall and per theme's mentioners.

    A response counts once per theme in ``mentioned`` however many spans of it the theme
    has; ``polarity`` counts spans. Themes nobody mentions are absent from both.
    """

    overall: np.ndarray
    mentioned: dict[str, np.ndarray]
    polarity: dict[str, dict[str, int]]
    n_commented: int


class CsatQueries(ResultQueries):
    """Read-only CSAT queries, every one filtered by the workspace id first."""

    def _csat_where(self, f: ResultFilters, scale: str) -> list[ColumnElement[bool]]:
        return [
            *self._where(f),
            Response.csat_score.is_not(None),
            Response.csat_scale == scale,
        ]

    def _counts(self, rows: Sequence[tuple[Any, Any]], scale: str) -> np.ndarray:
        low, high = SCALE_RANGES[scale]
        counts = np.zeros(high - low + 1, dtype="int64")
        for value, n in rows:
            counts[int(value) - low] += int(n)
        return counts

    def scales(self, f: ResultFilters) -> list[str]:
        """The CSAT scales the filtered responses answer on ([] when none has a CSAT answer)."""
        statement = (
            select(Response.csat_scale)
            .where(*self._where(f), Response.csat_scale.is_not(None))
            .distinct()
        )
        return sorted(str(s) for s in self.session.scalars(statement))

    def counts(self, f: ResultFilters, scale: str) -> np.ndarray:
        """How many answers of each value of ``scale``."""
        statement = (
            select(Response.csat_score, func.count())
            .where(*self._csat_where(f, scale))
            .group_by(Response.csat_score)
        )
        return self._counts([(v, n) for v, n in self.session.execute(statement)], scale)

    def counts_by_period(self, f: ResultFilters, scale: str) -> list[tuple[str, np.ndarray]]:
        """Answer counts per month, oldest first; undated responses are left out."""
        statement = (
            select(Response.period, Response.csat_score, func.count())
            .where(*self._csat_where(f, scale), Response.period.is_not(None))
            .group_by(Response.period, Response.csat_score)
        )
        by_period: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
        for period, value, n in self.session.execute(statement):
            by_period[str(period)].append((value, n))
        return [(p, self._counts(by_period[p], scale)) for p in sorted(by_period)]

    def theme_answer_counts(self, f: ResultFilters, scale: str) -> CsatThemeCounts:
        """Everything CSAT theme impact needs, aggregated in the database (3 queries)."""
        where = self._csat_where(f, scale)
        commented = func.sum(case((Response.comment != "", 1), else_=0))
        n_commented = self.session.scalar(select(commented).where(*where))
        a = ThemeAssignmentRow
        statement = (
            select(
                a.theme_id,
                Response.csat_score,
                func.count(func.distinct(a.response_pk)),
                *(func.sum(case((a.polarity == p, 1), else_=0)) for p in _POLARITIES),
            )
            .join(Response, Response.id == a.response_pk)
            .where(a.workspace_id == self.workspace_id, *where)
            .group_by(a.theme_id, Response.csat_score)
        )
        mentioned: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
        polarity: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for theme_id, value, n, *spans in self.session.execute(statement):
            mentioned[theme_id].append((value, n))
            for p, count in zip(_POLARITIES, spans, strict=True):
                polarity[theme_id][p] += int(count or 0)
        return CsatThemeCounts(
            overall=self.counts(f, scale),
            mentioned={t: self._counts(rows, scale) for t, rows in mentioned.items()},
            polarity={t: dict(c) for t, c in polarity.items()},
            n_commented=int(n_commented or 0),
        )

    def quotes_below(
        self, f: ResultFilters, scale: str, theme_id: str, below: int, k: int
    ) -> list[CommentRecord]:
        """Up to k negative comments on ``theme_id`` from answers under ``below``."""
        statement = (
            select(Response)
            .join(ThemeAssignmentRow, ThemeAssignmentRow.response_pk == Response.id)
            .where(
                *self._csat_where(f, scale),
                ThemeAssignmentRow.workspace_id == self.workspace_id,
                ThemeAssignmentRow.theme_id == theme_id,
                ThemeAssignmentRow.polarity == "negative",
                Response.csat_score < below,
            )
            .order_by(ThemeAssignmentRow.confidence.desc(), Response.id)
            .limit(k)
        )
        return self._with_themes(statement)
