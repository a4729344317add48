"""Classify one new comment in real time (event-driven surveys)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool

from voc.api.deps import Repo, Viewer, get_pool
from voc.api.problems import AUTH_RESPONSES
from voc.api.schemas import ClassifyIn, ClassifyOut
from voc.api.services import classify
from voc.jobs import AnalyzerPool

router = APIRouter(tags=["classify"], responses=AUTH_RESPONSES)


@router.post(
    "/classify",
    response_model=ClassifyOut,
    dependencies=[Viewer],
    summary="Language, themes and NPS group of one comment; nothing is stored",
)
async def classify_comment(
    body: ClassifyIn, repo: Repo, pool: Annotated[AnalyzerPool, Depends(get_pool)]
) -> ClassifyOut:
    analyzer = await run_in_threadpool(pool.for_classify, repo.workspace_id, repo.latest_taxonomy())
    return await run_in_threadpool(classify, analyzer, body.text, body.score)
