"""Classify one new comment in real time (event-driven surveys)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool

from voc.api.deps import Viewer, Workspace, get_pool
from voc.api.problems import AUTH_RESPONSES
from voc.api.schemas import ClassifyIn, ClassifyOut
from voc.api.services import classify
from voc.jobs import AnalyzerPool
from voc.pipeline import Analyzer

router = APIRouter(tags=["classify"], responses=AUTH_RESPONSES)


def _analyzer(workspace: Workspace, pool: AnalyzerPool) -> Analyzer:
    """The analyzer of the workspace's taxonomy; the store is read off the event loop."""
    with workspace.reading() as repo:
        record = repo.latest_taxonomy()
    return pool.for_classify(workspace.id, record)


@router.post(
    "/classify",
    response_model=ClassifyOut,
    dependencies=[Viewer],
    summary="Language, themes and NPS group of one comment; nothing is stored",
)
async def classify_comment(
    body: ClassifyIn, workspace: Workspace, pool: Annotated[AnalyzerPool, Depends(get_pool)]
) -> ClassifyOut:
    analyzer = await run_in_threadpool(_analyzer, workspace, pool)
    return await run_in_threadpool(classify, analyzer, body.text, body.score)
