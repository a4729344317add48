"""Dashboard results over a workspace's stored responses, with filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import StringConstraints

from voc.api.deps import Repo, Viewer, get_pool, get_settings
from voc.api.problems import AUTH_RESPONSES
from voc.api.schemas import CommentPage, ImprovementArea, NpsOverview, ThemeResult
from voc.api.services import (
    comment_out,
    improvement_areas,
    nps_overview,
    theme_results,
)
from voc.config import Settings
from voc.jobs import AnalyzerPool
from voc.jobs.analyzers import taxonomy_of
from voc.nlp.taxonomy import Taxonomy
from voc.store import ResultFilters, WorkspaceRepository
from voc.store.queries import CommentSort
from voc.types import NpsGroup

router = APIRouter(
    prefix="/results", tags=["results"], dependencies=[Viewer], responses=AUTH_RESPONSES
)
SettingsDep = Annotated[Settings, Depends(get_settings)]
_PERIOD = r"^\d{4}-(0[1-9]|1[0-2])$"


def result_filters(
    repo: Repo,
    period_from: Annotated[str | None, Query(pattern=_PERIOD, examples=["2026-01"])] = None,
    period_to: Annotated[str | None, Query(pattern=_PERIOD, examples=["2026-06"])] = None,
    segment: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^[^:]+:.*$", max_length=300)]] | None,
        Query(
            description="column:value, repeatable; a touchpoint is a segment column "
            "(e.g. Touchpoint:web)",
            examples=["Office:Oslo"],
        ),
    ] = None,
    language: Annotated[str | None, Query(max_length=8, examples=["sv"])] = None,
    theme: Annotated[str | None, Query(max_length=100, examples=["invoicing"])] = None,
    nps_group: NpsGroup | None = None,
    upload_id: Annotated[str | None, Query(max_length=64)] = None,
) -> ResultFilters:
    if upload_id is not None:
        repo.get_upload(upload_id)  # 404 unless it is this workspace's
    return ResultFilters(
        period_from=period_from,
        period_to=period_to,
        segments=tuple(tuple(s.split(":", 1)) for s in segment or ()),  # type: ignore[misc]
        language=language,
        theme=theme,
        nps_group=nps_group.value if nps_group else None,
        upload_id=upload_id,
    )


Filters = Annotated[ResultFilters, Depends(result_filters)]


def workspace_taxonomy(repo: Repo, pool: Annotated[AnalyzerPool, Depends(get_pool)]) -> Taxonomy:
    return taxonomy_of(repo.latest_taxonomy(), pool.base.taxonomy)


TaxonomyDep = Annotated[Taxonomy, Depends(workspace_taxonomy)]


@router.get("/nps", response_model=NpsOverview, summary="NPS over time with 95% CI")
def get_nps(repo: Repo, filters: Filters, settings: SettingsDep) -> NpsOverview:
    return nps_overview(repo, filters, settings)


@router.get("/themes", response_model=list[ThemeResult], summary="Themes with impact and CI")
def get_themes(
    repo: Repo, filters: Filters, taxonomy: TaxonomyDep, settings: SettingsDep
) -> list[ThemeResult]:
    return theme_results(repo, filters, taxonomy, settings)


@router.get(
    "/improvement-areas",
    response_model=list[ImprovementArea],
    summary="Ranked improvement areas with quotes",
)
def get_improvement_areas(
    repo: Repo,
    filters: Filters,
    taxonomy: TaxonomyDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[ImprovementArea]:
    return improvement_areas(repo, filters, taxonomy, settings, limit)


@router.get("/comments", response_model=CommentPage, summary="Comments, filtered and paginated")
def get_comments(
    repo: Repo,
    filters: Filters,
    sort: CommentSort = "date_desc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CommentPage:
    """Comments (e.g. of one theme: ``theme=invoicing``), with their themes and spans."""
    return _page(repo, filters, sort, page, page_size)


def _page(
    repo: WorkspaceRepository, f: ResultFilters, sort: CommentSort, page: int, size: int
) -> CommentPage:
    items = repo.results.comments(f, sort=sort, offset=(page - 1) * size, limit=size)
    return CommentPage(
        total=repo.results.count_comments(f),
        page=page,
        page_size=size,
        items=[comment_out(c) for c in items],
    )
