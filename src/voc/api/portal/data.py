"""What each portal page shows, computed by the same services the /v1 API uses.

Pages and API share :mod:`voc.api.services` and the caller's (possibly scoped) repository,
so a figure on a page is the figure the API returns for the same filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from voc.analytics.drivers import fit_drivers
from voc.analytics.kinds import KIND_COLUMN_NAMES, classify_kind
from voc.analytics.nps import compare_nps, estimate_from_counts
from voc.analytics.results import DriverModel, NpsDifference
from voc.api.schemas import NpsOverview, ThemeResult
from voc.api.services import nps_overview, theme_results
from voc.config import Settings
from voc.errors import InputError
from voc.nlp.taxonomy import Taxonomy
from voc.store import ResultFilters, WorkspaceRepository
from voc.store.queries import GroupCounts
from voc.types import NpsEstimate

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def page_filters(
    period_from: str | None,
    period_to: str | None,
    segments: list[str],
    language: str | None,
) -> ResultFilters:
    """Filters from a page's query string; malformed values are ignored, never widened."""
    pairs = []
    for s in segments:
        column, sep, value = s.partition(":")
        if sep and column and value and len(s) <= 300:
            pairs.append((column, value))
    return ResultFilters(
        period_from=period_from if period_from and _PERIOD.match(period_from) else None,
        period_to=period_to if period_to and _PERIOD.match(period_to) else None,
        segments=tuple(pairs),
        language=language if language and len(language) <= 8 else None,
    )


def segment_columns(repo: WorkspaceRepository) -> list[str]:
    """Segment columns of the workspace's committed uploads, in first-seen order."""
    seen: dict[str, None] = {}
    for upload in repo.list_uploads():
        for column in (upload.mapping or {}).get("segments") or []:
            seen.setdefault(str(column), None)
    return list(seen)


@dataclass(frozen=True)
class FilterOptions:
    columns: dict[str, list[str]]  # column -> values the caller may see
    languages: list[str]


def filter_options(repo: WorkspaceRepository) -> FilterOptions:
    columns = {c: repo.results.segment_values(c) for c in segment_columns(repo)}
    languages = sorted(k for k in repo.results.language_counts(ResultFilters()) if k)
    return FilterOptions(columns, languages)


@dataclass(frozen=True)
class SegmentNps:
    value: str
    kind: str
    estimate: NpsEstimate


@dataclass(frozen=True)
class Overview:
    nps: NpsOverview
    change: NpsDifference | None
    kind_column: str | None
    by_kind: list[SegmentNps]
    by_touchpoint: list[SegmentNps]
    languages: list[tuple[str, int]]


def _estimate(c: GroupCounts, settings: Settings) -> NpsEstimate:
    return estimate_from_counts(c.promoters, c.passives, c.detractors, settings.min_sample)


def kind_column(columns: list[str]) -> str | None:
    for column in columns:
        if re.sub(r"[\s-]+", "_", column.strip().lower()) in KIND_COLUMN_NAMES:
            return column
    return None


def overview(repo: WorkspaceRepository, f: ResultFilters, settings: Settings) -> Overview:
    """NPS with its interval per month, the last change and its test, kinds, languages."""
    nps = nps_overview(repo, f, settings)
    change = None
    if len(nps.periods) >= 2:
        before, latest = nps.periods[-2], nps.periods[-1]
        change = compare_nps(before.estimate, latest.estimate, before.period, latest.period)
    column = kind_column(segment_columns(repo))
    touchpoints: list[SegmentNps] = []
    kinds: dict[str, list[int]] = {}
    if column:
        for value, counts in repo.results.nps_counts_by_segment(f, column):
            kind = classify_kind(value)
            touchpoints.append(SegmentNps(value, kind, _estimate(counts, settings)))
            total = kinds.setdefault(kind, [0, 0, 0])
            total[0] += counts.promoters
            total[1] += counts.passives
            total[2] += counts.detractors
    by_kind = [
        SegmentNps(kind, kind, _estimate(GroupCounts(*c), settings)) for kind, c in kinds.items()
    ]
    languages = sorted(repo.results.language_counts(f).items(), key=lambda kv: -kv[1])
    return Overview(
        nps, change, column, by_kind, touchpoints, [(k or "?", n) for k, n in languages]
    )


@dataclass(frozen=True)
class ThemeRow:
    result: ThemeResult
    trend: list[float] = field(default_factory=list)  # share of responses per month


def themes(
    repo: WorkspaceRepository, f: ResultFilters, taxonomy: Taxonomy, settings: Settings
) -> list[ThemeRow]:
    """Every theme's impact with its CI, and its share of responses per month (sparkline)."""
    results = theme_results(repo, f, taxonomy, settings)
    per_period = {p: c for p, c in repo.results.nps_counts_by_period(f)}
    periods = sorted(per_period)
    mentions = repo.results.theme_mentions_by_period(f)
    rows = []
    for r in results:
        by_period = mentions.get(r.theme_id, {})
        trend = []
        for p in periods:
            c = per_period[p]
            n = c.promoters + c.passives + c.detractors
            trend.append(by_period.get(p, 0) / n if n else 0.0)
        rows.append(ThemeRow(r, trend))
    return rows


def drivers(
    repo: WorkspaceRepository, f: ResultFilters, taxonomy: Taxonomy, settings: Settings
) -> DriverModel | None:
    """The co-mention-aware driver model (as in the report) on the filtered answers.

    Fitted from the same rows the page's other figures use, so a seller's model comes from
    their own customers only. None with too few answers to fit one.
    """
    import numpy as np

    scores, mentions = repo.results.scores_and_mentions(f)
    ids = [t for t in taxonomy.ids if mentions.get(t)]
    matrix = np.zeros((len(scores), len(ids)), dtype=float)
    for column, theme_id in enumerate(ids):
        matrix[mentions[theme_id], column] = 1.0
    try:
        return fit_drivers(
            np.asarray(scores),
            matrix,
            ids,
            n_bootstrap=min(settings.bootstrap_samples, 200),
            random_state=settings.random_state,
            min_sample=settings.min_sample,
        )
    except InputError:
        return None


@dataclass(frozen=True)
class Side:
    filters: ResultFilters
    nps: NpsEstimate
    themes: dict[str, ThemeResult]


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    test: NpsDifference
    theme_ids: list[str]


def compare(
    repo: WorkspaceRepository,
    a: ResultFilters,
    b: ResultFilters,
    taxonomy: Taxonomy,
    settings: Settings,
) -> Comparison:
    """Two segments or periods side by side: NPS with the z-test, theme impacts with CI."""
    sides = []
    for f in (a, b):
        sides.append(
            Side(
                f,
                nps_overview(repo, f, settings).overall,
                {t.theme_id: t for t in theme_results(repo, f, taxonomy, settings)},
            )
        )
    ids = [t for t in taxonomy.ids if t in sides[0].themes or t in sides[1].themes]
    return Comparison(sides[0], sides[1], compare_nps(sides[0].nps, sides[1].nps, "A", "B"), ids)


def with_theme(f: ResultFilters, theme_id: str) -> ResultFilters:
    return replace(f, theme=theme_id)
