"""Dashboard queries over a workspace's stored responses; analytics stay in voc.analytics.

These return counts, arrays and records; the NPS, CI and impact arithmetic is done by
the same :mod:`voc.analytics` functions the CLI uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from voc.store.models import Response, ThemeAssignmentRow
from voc.store.records import CommentRecord, HitRecord, ResultFilters

#: Segment (column, value) pairs a caller may see, any of them; None means the whole workspace.
Scope = tuple[tuple[str, str], ...] | None
CommentSort = Literal["date_desc", "date_asc", "score_asc", "score_desc", "row"]

_SORTS: dict[str, tuple[Any, ...]] = {
    "date_desc": (Response.submitted_at.desc(), Response.id),
    "date_asc": (Response.submitted_at.asc(), Response.id),
    "score_asc": (Response.score.asc(), Response.id),
    "score_desc": (Response.score.desc(), Response.id),
    "row": (Response.upload_id, Response.row),
}
_CHUNK = 1000
_POLARITIES = ("positive", "negative", "neutral")


@dataclass(frozen=True)
class GroupCounts:
    promoters: int
    passives: int
    detractors: int


@dataclass(frozen=True)
class ThemeCounts:
    """NPS-group counts overall and per theme's mentioners; each theme's spans by polarity.

    A response counts once per theme in ``mentioned`` however many spans of it the theme
    has; ``polarity`` counts spans. Themes nobody mentions are absent from both.
    """

    overall: GroupCounts
    mentioned: dict[str, GroupCounts]
    polarity: dict[str, dict[str, int]]
    n_commented: int


class ResultQueries:
    """Read-only dashboard queries, every one filtered by the workspace id first.

    With a ``scope`` (a seller's offices, say) every query is also limited to responses
    whose segments match one of its pairs; filters can only narrow that further.
    """

    def __init__(self, session: Session, workspace_id: str, scope: Scope = None):
        self.session = session
        self.workspace_id = workspace_id
        self.scope = scope

    def _where(self, f: ResultFilters) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [Response.workspace_id == self.workspace_id]
        if self.scope is not None:
            allowed = [Response.segments[c].as_string() == v for c, v in self.scope]
            conditions.append(or_(*allowed) if allowed else false())
        if f.upload_id:
            conditions.append(Response.upload_id == f.upload_id)
        if f.period_from:
            conditions.append(Response.period >= f.period_from)
        if f.period_to:
            conditions.append(Response.period <= f.period_to)
        if f.language:
            conditions.append(Response.language == f.language)
        if f.nps_group:
            conditions.append(Response.nps_group == f.nps_group)
        for column, value in f.segments:
            conditions.append(Response.segments[column].as_string() == value)
        if f.theme:
            conditions.append(
                Response.id.in_(
                    select(ThemeAssignmentRow.response_pk).where(
                        ThemeAssignmentRow.workspace_id == self.workspace_id,
                        ThemeAssignmentRow.theme_id == f.theme,
                    )
                )
            )
        return conditions

    def _group_columns(self) -> tuple[Any, ...]:
        return tuple(
            func.sum(case((Response.nps_group == g, 1), else_=0))
            for g in ("promoter", "passive", "detractor")
        )

    def nps_counts(self, f: ResultFilters) -> GroupCounts:
        row = self.session.execute(select(*self._group_columns()).where(*self._where(f))).one()
        return GroupCounts(*(int(v or 0) for v in row))

    def nps_counts_by_period(self, f: ResultFilters) -> list[tuple[str, GroupCounts]]:
        statement = (
            select(Response.period, *self._group_columns())
            .where(*self._where(f), Response.period.is_not(None))
            .group_by(Response.period)
            .order_by(Response.period)
        )
        return [
            (str(p), GroupCounts(int(a or 0), int(b or 0), int(c or 0)))
            for p, a, b, c in self.session.execute(statement)
        ]

    def theme_counts(self, f: ResultFilters) -> ThemeCounts:
        """Everything theme impact and sentiment need, aggregated in the database (2 queries)."""
        # NPS answers only: a CSAT survey's rows (no NPS group) count in neither the
        # commented total nor the themes' spans.
        where = [*self._where(f), Response.nps_group != ""]
        commented = func.sum(case((Response.comment != "", 1), else_=0))
        *groups, n_commented = self.session.execute(
            select(*self._group_columns(), commented).where(*where)
        ).one()
        a = ThemeAssignmentRow
        statement = (
            select(
                a.theme_id,
                Response.nps_group,
                func.count(func.distinct(a.response_pk)),
                *(func.sum(case((a.polarity == p, 1), else_=0)) for p in _POLARITIES),
            )
            .join(Response, Response.id == a.response_pk)
            .where(a.workspace_id == self.workspace_id, *where)
            .group_by(a.theme_id, Response.nps_group)
        )
        mentioned: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        polarity: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for theme_id, group, n, *spans in self.session.execute(statement):
            mentioned[theme_id][group] += int(n)
            for p, count in zip(_POLARITIES, spans, strict=True):
                polarity[theme_id][p] += int(count or 0)
        return ThemeCounts(
            overall=GroupCounts(*(int(v or 0) for v in groups)),
            mentioned={
                t: GroupCounts(c["promoter"], c["passive"], c["detractor"])
                for t, c in mentioned.items()
            },
            polarity={t: dict(c) for t, c in polarity.items()},
            n_commented=int(n_commented or 0),
        )

    def scores_and_mentions(self, f: ResultFilters) -> tuple[list[int], dict[str, list[int]]]:
        """NPS answers' scores in a fixed order and, per theme, the positions of the answers
        that mention it: the row-level table the driver model needs (2 queries)."""
        where = [*self._where(f), Response.nps_group != ""]
        rows = self.session.execute(
            select(Response.id, Response.score).where(*where).order_by(Response.id)
        ).all()
        position = {int(pk): i for i, (pk, _) in enumerate(rows)}
        a = ThemeAssignmentRow
        pairs = self.session.execute(
            select(a.theme_id, a.response_pk)
            .join(Response, Response.id == a.response_pk)
            .where(a.workspace_id == self.workspace_id, *where)
            .distinct()
        )
        mentions: dict[str, list[int]] = defaultdict(list)
        for theme_id, pk in pairs:
            mentions[str(theme_id)].append(position[int(pk)])
        return [int(score) for _, score in rows], dict(mentions)

    def nps_counts_by_segment(self, f: ResultFilters, column: str) -> list[tuple[str, GroupCounts]]:
        """NPS-group counts per value of one segment column (responses without it left out)."""
        value = Response.segments[column].as_string()
        statement = (
            select(value, *self._group_columns())
            .where(*self._where(f), value.is_not(None))
            .group_by(value)
            .order_by(value)
        )
        return [
            (str(v), GroupCounts(int(a or 0), int(b or 0), int(c or 0)))
            for v, a, b, c in self.session.execute(statement)
        ]

    def language_counts(self, f: ResultFilters) -> dict[str, int]:
        """Responses per detected language (comments not analysed yet count as '')."""
        statement = (
            select(Response.language, func.count())
            .where(*self._where(f), Response.comment != "")
            .group_by(Response.language)
        )
        return {str(lang or ""): int(n) for lang, n in self.session.execute(statement)}

    def theme_mentions_by_period(self, f: ResultFilters) -> dict[str, dict[str, int]]:
        """theme -> period -> responses mentioning it (for trend sparklines)."""
        a = ThemeAssignmentRow
        statement = (
            select(a.theme_id, Response.period, func.count(func.distinct(a.response_pk)))
            .join(Response, Response.id == a.response_pk)
            .where(a.workspace_id == self.workspace_id, *self._where(f))
            .where(Response.period.is_not(None))
            .group_by(a.theme_id, Response.period)
        )
        out: dict[str, dict[str, int]] = defaultdict(dict)
        for theme_id, period, n in self.session.execute(statement):
            out[str(theme_id)][str(period)] = int(n)
        return dict(out)

    def segment_values(self, column: str, limit: int = 200) -> list[str]:
        """Distinct values of a segment column the caller may see (filter drop-downs)."""
        value = Response.segments[column].as_string()
        statement = (
            select(value)
            .where(*self._where(ResultFilters()), value.is_not(None))
            .group_by(value)
            .order_by(value)
            .limit(limit)
        )
        return [str(v) for (v,) in self.session.execute(statement)]

    def count_comments(self, f: ResultFilters) -> int:
        statement = select(func.count()).select_from(Response).where(*self._where(f))
        return int(self.session.scalar(statement) or 0)

    def comments(
        self, f: ResultFilters, *, sort: CommentSort = "date_desc", offset: int = 0, limit: int = 50
    ) -> list[CommentRecord]:
        statement = (
            select(Response).where(*self._where(f)).order_by(*_SORTS[sort]).offset(offset)
        ).limit(limit)
        return self._with_themes(statement)

    def iter_comments(
        self, f: ResultFilters, *, sort: CommentSort = "row"
    ) -> Iterator[CommentRecord]:
        """Every filtered comment, in chunks (exports)."""
        offset = 0
        while True:
            chunk = self.comments(f, sort=sort, offset=offset, limit=_CHUNK)
            yield from chunk
            if len(chunk) < _CHUNK:
                return
            offset += _CHUNK

    def quotes(
        self, f: ResultFilters, theme_id: str, polarity: str, groups: Sequence[str], k: int
    ) -> list[CommentRecord]:
        """Up to k comments on ``theme_id`` with that polarity from those NPS groups."""
        statement = (
            select(Response)
            .join(ThemeAssignmentRow, ThemeAssignmentRow.response_pk == Response.id)
            .where(
                *self._where(f),
                and_(
                    ThemeAssignmentRow.workspace_id == self.workspace_id,
                    ThemeAssignmentRow.theme_id == theme_id,
                    ThemeAssignmentRow.polarity == polarity,
                ),
                Response.nps_group.in_(list(groups)),
            )
            .order_by(ThemeAssignmentRow.confidence.desc(), Response.id)
            .limit(k)
        )
        return self._with_themes(statement)

    def _with_themes(self, statement: Select[Any]) -> list[CommentRecord]:
        responses: list[Response] = list(self.session.scalars(statement))
        hits: dict[int, list[HitRecord]] = defaultdict(list)
        ids = [r.id for r in responses]
        if ids:
            for a in self.session.scalars(
                select(ThemeAssignmentRow)
                .where(
                    ThemeAssignmentRow.workspace_id == self.workspace_id,
                    ThemeAssignmentRow.response_pk.in_(ids),
                )
                .order_by(ThemeAssignmentRow.response_pk, ThemeAssignmentRow.start)
            ):
                hits[a.response_pk].append(
                    HitRecord(a.theme_id, a.confidence, a.polarity, a.start, a.end)
                )
        return [
            CommentRecord(
                upload_id=r.upload_id,
                row=r.row,
                response_id=r.response_id,
                score=r.score,
                nps_group=r.nps_group,
                submitted_at=r.submitted_at,
                comment=r.comment,
                language=r.language,
                segments=dict(r.segments or {}),
                themes=tuple(hits[r.id]),
                csat_score=r.csat_score,
            )
            for r in responses
        ]
