"""Uploads: send an export, check the detected column mapping, then commit it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile, status
from fastapi.concurrency import run_in_threadpool

from voc.api.deps import Analyst, Repo, Viewer, Workspace, get_settings
from voc.api.ingest import preview_rows, read_limited, read_upload, responses_to_store
from voc.api.problems import AUTH_RESPONSES, PROBLEM
from voc.api.schemas import CommitRequest, UploadOut, UploadPreview
from voc.config import Settings
from voc.io import ColumnOverrides
from voc.store.records import UploadRecord

router = APIRouter(prefix="/uploads", tags=["uploads"], responses=AUTH_RESPONSES)
SettingsDep = Annotated[Settings, Depends(get_settings)]


@router.post(
    "",
    response_model=UploadPreview,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Analyst],
    summary="Upload an export; get the detected mapping and a preview",
    responses={
        409: {"description": "Conflict", **PROBLEM},
        413: {"description": "Over the size or row limit", **PROBLEM},
    },
)
async def create_upload(
    file: Annotated[UploadFile, File(description="CSV/TSV or XLSX survey export")],
    workspace: Workspace,
    settings: SettingsDep,
) -> UploadPreview:
    """Store the file as a pending upload and show how it would be read. Nothing is analysed
    until the mapping is committed with ``POST /v1/uploads/{id}/commit``."""
    content = await read_limited(file, settings)
    filename = file.filename or "upload.csv"
    columns, loaded = await run_in_threadpool(read_upload, content, filename, None, settings)
    # Off the event loop: a write may wait for its turn, and the loop must keep serving.
    upload = await run_in_threadpool(_store_upload, workspace, filename, content)
    report = loaded.report
    return UploadPreview(
        upload=UploadOut.model_validate(upload),
        columns=columns,
        detected=report.mapping,
        rows_read=report.rows_read,
        rows_used=report.rows_used,
        skipped=len(report.skipped),
        first_skipped=report.skipped[:10],
        scale=report.scale,
        warnings=list(loaded.warnings),
        preview=preview_rows(loaded),
    )


def _store_upload(workspace: Workspace, filename: str, content: bytes) -> UploadRecord:
    with workspace.writing() as repo:
        return repo.add_upload(filename, content)


@router.get("", response_model=list[UploadOut], dependencies=[Viewer], summary="List uploads")
def list_uploads(repo: Repo) -> list[UploadOut]:
    return [UploadOut.model_validate(u) for u in repo.list_uploads()]


@router.get("/{upload_id}", response_model=UploadOut, dependencies=[Viewer], summary="One upload")
def get_upload(upload_id: str, repo: Repo) -> UploadOut:
    return UploadOut.model_validate(repo.get_upload(upload_id))


@router.post(
    "/{upload_id}/commit",
    response_model=UploadOut,
    dependencies=[Analyst],
    summary="Confirm the column mapping and store the responses",
    responses={409: {"description": "Already committed", **PROBLEM}},
)
def commit_upload(
    upload_id: str, workspace: Workspace, settings: SettingsDep, body: CommitRequest | None = None
) -> UploadOut:
    """Store every usable row under the confirmed mapping; skipped rows are in the report.

    The file is parsed and its comments redacted here; only the responses are kept, the
    file itself is dropped (jobs analyse the stored responses)."""
    body = body or CommitRequest()
    with workspace.reading() as repo:
        filename, content = repo.upload_content(upload_id)
    # Parsing and redaction happen outside any transaction; the write below is inserts only
    # (and re-checks the upload is still pending, so two commits cannot both store rows).
    _, detected = read_upload(content, filename, None, settings)
    found = detected.report.mapping
    overrides = ColumnOverrides(
        score=body.score_col or found.score,
        comment=body.comment_col or found.comment,
        date=body.date_col or found.date,
        response_id=body.id_col or found.response_id,
        segments=tuple(body.segment_cols if body.segment_cols is not None else found.segments),
    )
    loaded, rows = responses_to_store(
        content, filename, overrides, settings, find_second_question=body.score_col is None
    )
    with workspace.writing() as repo:
        upload = repo.commit_upload(
            upload_id,
            loaded.report.mapping.model_dump(mode="json"),
            loaded.report.model_dump(mode="json"),
            rows,
            loaded.warnings,
        )
    return UploadOut.model_validate(upload)


@router.delete(
    "/{upload_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Analyst],
    summary="Erase an upload and everything derived from it (GDPR)",
)
def delete_upload(upload_id: str, workspace: Workspace) -> None:
    with workspace.writing() as repo:
        repo.delete_upload(upload_id)
