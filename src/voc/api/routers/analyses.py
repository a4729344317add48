from __future__ import annotations

from io import BytesIO
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Security, UploadFile
from fastapi.concurrency import run_in_threadpool

from voc.api.deps import api_key_header, get_analyzer, get_key, get_settings, get_store
from voc.config import Settings
from voc.errors import InputError
from voc.io import ColumnOverrides
from voc.pipeline import Analyzer
from voc.types import Report

router = APIRouter(tags=["analyses"])


def analysis_access(
    request: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    key: Annotated[str | None, Security(api_key_header)] = None,
) -> None:
    """Open when ``anonymous_analyze`` is on (nothing is stored); else any valid key."""
    if not settings.anonymous_analyze:
        get_key(request, get_store(request), key)


_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


@router.post(
    "/analyses",
    response_model=Report,
    summary="Analyse an uploaded export (stateless: nothing is stored)",
    dependencies=[Depends(analysis_access)],
    responses={
        413: {"description": "File too large", **_PROBLEM},
        422: {"description": "Unusable file or column mapping", **_PROBLEM},
    },
)
async def create_analysis(
    file: Annotated[UploadFile, File(description="CSV/TSV or XLSX survey export")],
    score_col: Annotated[str | None, Form()] = None,
    comment_col: Annotated[str | None, Form()] = None,
    date_col: Annotated[str | None, Form()] = None,
    id_col: Annotated[str | None, Form()] = None,
    analyzer: Analyzer = Depends(get_analyzer),
    settings: Settings = Depends(get_settings),
) -> Report:
    """Upload an export and get the full report (NPS, themes, impact, quotes) as JSON."""
    limit = settings.max_upload_mb * 1024 * 1024
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise InputError(
            f"file is larger than the {settings.max_upload_mb} MB limit (setting VOC_MAX_UPLOAD_MB)"
        )
    overrides = ColumnOverrides(
        score=score_col, comment=comment_col, date=date_col, response_id=id_col
    )
    # Embedding is CPU-bound: keep it off the event loop.
    return await run_in_threadpool(
        analyzer.analyze,
        BytesIO(content),
        filename=file.filename or "upload.csv",
        overrides=overrides,
    )
