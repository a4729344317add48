"""Answers of a transactional survey, one or many at a time: stored, classified at once,
and their alerts delivered straight away."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, status

from voc.api.answers import store_answers
from voc.api.deps import Analyst, WriteRepo, get_pool, get_settings, get_store
from voc.api.problems import AUTH_RESPONSES, PROBLEM
from voc.api.schemas_business import AnswersIn, AnswersOut
from voc.config import Settings
from voc.delivery import deliver_pending
from voc.jobs import AnalyzerPool
from voc.store import Store

router = APIRouter(tags=["responses"], responses=AUTH_RESPONSES)


@router.post(
    "/responses",
    response_model=AnswersOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Analyst],
    summary="Store answers as they arrive; classify them and send their alerts at once",
    responses={422: {"description": "Invalid answers", **PROBLEM}},
)
def post_responses(
    body: AnswersIn,
    # One write transaction: answers, classifications and alerts land together or not at all.
    repo: WriteRepo,
    background: BackgroundTasks,
    pool: Annotated[AnalyzerPool, Depends(get_pool)],
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> AnswersOut:
    """Each answer is stored once (an id sent before is listed in ``duplicates``), gets
    its language and themes as ``POST /v1/classify`` would, and raises the alerts an
    analysis would (churn-risk words, a very low score from a large account). New alerts
    go to the workspace's webhooks and owners' e-mail right after the answer is stored."""
    analyzer = pool.for_classify(repo.workspace_id, repo.latest_taxonomy())
    out = store_answers(repo, store, analyzer, body.responses)
    if out.deliveries_planned:
        background.add_task(deliver_pending, store, settings, repo.workspace_id)
    return out
