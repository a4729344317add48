"""Analysis jobs: start one for a committed upload, follow its progress, fetch its report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, status

from voc.analytics.results import Alert
from voc.api.deps import Analyst, Repo, Viewer, Workspace, get_runner
from voc.api.problems import AUTH_RESPONSES, PROBLEM
from voc.api.schemas import JobOut, JobRequest
from voc.api.services import job_out
from voc.jobs import JobRunner
from voc.types import Report

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=AUTH_RESPONSES)


@router.post(
    "",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Analyst],
    summary="Start analysing a committed upload in the background",
    responses={409: {"description": "Upload not committed", **PROBLEM}},
)
def create_job(
    body: JobRequest,
    workspace: Workspace,
    runner: Annotated[JobRunner, Depends(get_runner)],
    background: BackgroundTasks,
) -> JobOut:
    """Queue the analysis with the workspace's current taxonomy; poll ``GET /v1/jobs/{id}``."""
    with workspace.writing() as repo:
        taxonomy = repo.latest_taxonomy()
        run = repo.create_run(body.upload_id, taxonomy.number if taxonomy else None)
    # Submitted once the row is committed, so the job finds it.
    background.add_task(runner.submit, workspace.id, run.id)
    return job_out(run)


@router.get("", response_model=list[JobOut], dependencies=[Viewer], summary="List jobs")
def list_jobs(repo: Repo) -> list[JobOut]:
    return [job_out(r) for r in repo.list_runs()]


@router.get(
    "/{job_id}",
    response_model=JobOut,
    dependencies=[Viewer],
    summary="Job status, stage and progress percent",
)
def get_job(job_id: str, repo: Repo) -> JobOut:
    return job_out(repo.get_run(job_id))


@router.get(
    "/{job_id}/report",
    response_model=Report,
    dependencies=[Viewer],
    summary="The finished job's report JSON (per-comment results: /v1/results/comments)",
    responses={409: {"description": "Job not finished", **PROBLEM}},
)
def get_job_report(job_id: str, repo: Repo) -> dict[str, Any]:
    report = repo.run_report(job_id)
    report.setdefault("comment_results", [])
    return report


@router.get(
    "/{job_id}/alerts",
    response_model=list[Alert],
    dependencies=[Viewer],
    summary="Risks to act on now: churn words in detractor comments, low scores from large "
    "accounts, theme-share jumps",
    responses={409: {"description": "Job not finished", **PROBLEM}},
)
def get_job_alerts(job_id: str, repo: Repo) -> list[Alert]:
    return [Alert.model_validate(a) for a in repo.run_report(job_id).get("alerts", [])]
