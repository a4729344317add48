"""CSAT dashboard results over a workspace's stored responses, with the NPS routes' filters.

CSAT answers (1-5, 1-7) are counted apart from NPS scores and per scale: a workspace whose
responses use both CSAT scales must name one (``scale=1-5``), never a pooled mean.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from voc.api.deps import Repo, Viewer
from voc.api.problems import AUTH_RESPONSES, PROBLEM
from voc.api.routers.results import Filters, SettingsDep, TaxonomyDep
from voc.api.schemas_csat import (
    CsatImprovementArea,
    CsatOverview,
    CsatScaleName,
    CsatThemeResult,
)
from voc.api.services_csat import csat_improvement_areas, csat_overview, csat_theme_results

router = APIRouter(
    prefix="/results/csat",
    tags=["results"],
    dependencies=[Viewer],
    responses={
        **AUTH_RESPONSES,
        409: {"description": "Answers on both 1-5 and 1-7 and no scale chosen", **PROBLEM},
    },
)
ScaleQuery = Annotated[
    CsatScaleName | None,
    Query(description="Which CSAT scale to count; needed only when the responses use both"),
]


@router.get("", response_model=CsatOverview, summary="CSAT mean and top-2 box over time, 95% CI")
def get_csat(
    repo: Repo, filters: Filters, settings: SettingsDep, scale: ScaleQuery = None
) -> CsatOverview:
    return csat_overview(repo, filters, settings, scale)


@router.get(
    "/themes", response_model=list[CsatThemeResult], summary="Themes with impact on CSAT and CI"
)
def get_csat_themes(
    repo: Repo,
    filters: Filters,
    taxonomy: TaxonomyDep,
    settings: SettingsDep,
    scale: ScaleQuery = None,
) -> list[CsatThemeResult]:
    return csat_theme_results(repo, filters, taxonomy, settings, scale)


@router.get(
    "/improvement-areas",
    response_model=list[CsatImprovementArea],
    summary="Themes that cost CSAT, ranked, with quotes",
)
def get_csat_improvement_areas(
    repo: Repo,
    filters: Filters,
    taxonomy: TaxonomyDep,
    settings: SettingsDep,
    scale: ScaleQuery = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[CsatImprovementArea]:
    return csat_improvement_areas(repo, filters, taxonomy, settings, scale, limit)
