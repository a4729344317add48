"""The workspace's theme taxonomy: read it, replace it (each PUT is a new version)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from voc.api.deps import Analyst, Repo, Viewer, Workspace, get_pool, get_settings
from voc.api.problems import AUTH_RESPONSES, PROBLEM
from voc.api.schemas import TaxonomyIn, TaxonomyOut
from voc.api.services import themes_out
from voc.config import Settings
from voc.jobs import AnalyzerPool
from voc.nlp.taxonomy import Taxonomy, parse_taxonomy
from voc.store.records import TaxonomyRecord

router = APIRouter(prefix="/taxonomy", tags=["taxonomy"], responses=AUTH_RESPONSES)


def _out(taxonomy: Taxonomy, record: TaxonomyRecord | None, content: str, lang: str) -> TaxonomyOut:
    return TaxonomyOut(
        number=record.number if record else 0,
        name=taxonomy.name,
        version=taxonomy.version,
        content=content,
        themes=themes_out(taxonomy, lang),
        created_at=record.created_at if record else None,
    )


@router.get("", response_model=TaxonomyOut, dependencies=[Viewer], summary="Current taxonomy")
def get_taxonomy(
    repo: Repo,
    pool: Annotated[AnalyzerPool, Depends(get_pool)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> TaxonomyOut:
    """The latest version, or the bundled default (number 0) until one is PUT."""
    record = repo.latest_taxonomy()
    if record is None:
        from importlib import resources

        from voc.nlp.taxonomy import DEFAULT_TAXONOMY

        if settings.taxonomy_path is not None:
            content = settings.taxonomy_path.read_text("utf-8")
        else:
            content = resources.files("voc.data").joinpath(DEFAULT_TAXONOMY).read_text("utf-8")
        return _out(pool.base.taxonomy, None, content, settings.report_language)
    taxonomy = parse_taxonomy(record.content, source=f"taxonomy #{record.number}")
    return _out(taxonomy, record, record.content, settings.report_language)


@router.get(
    "/versions", response_model=list[TaxonomyOut], dependencies=[Viewer], summary="All versions"
)
def list_versions(
    repo: Repo, settings: Annotated[Settings, Depends(get_settings)]
) -> list[TaxonomyOut]:
    return [
        _out(parse_taxonomy(r.content), r, r.content, settings.report_language)
        for r in repo.list_taxonomies()
    ]


@router.put(
    "",
    response_model=TaxonomyOut,
    dependencies=[Analyst],
    summary="Replace the taxonomy (stored as a new version)",
    responses={422: {"description": "Invalid taxonomy YAML", **PROBLEM}},
)
def put_taxonomy(
    body: TaxonomyIn, workspace: Workspace, settings: Annotated[Settings, Depends(get_settings)]
) -> TaxonomyOut:
    """Validate the YAML and store it as the next version; later jobs use it."""
    taxonomy = parse_taxonomy(body.content, source="uploaded taxonomy")
    with workspace.writing() as repo:
        record = repo.add_taxonomy(taxonomy.name, taxonomy.version, body.content)
    return _out(taxonomy, record, body.content, settings.report_language)
