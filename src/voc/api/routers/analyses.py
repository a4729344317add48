from __future__ import annotations

from io import BytesIO
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Security, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from voc.api.deps import api_key_header, get_analyzer, get_key, get_settings, get_store
from voc.config import Settings
from voc.errors import InputError
from voc.io import ColumnOverrides
from voc.io.writers import render_html
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
        200: {
            "content": {"text/html": {"schema": {"type": "string"}}},
            "description": "The report as JSON, or as the self-contained HTML page that "
            "`voc analyze` writes when the request sends `Accept: text/html`",
        },
        413: {"description": "File too large", **_PROBLEM},
        422: {"description": "Unusable file or column mapping", **_PROBLEM},
    },
)
async def create_analysis(
    request: Request,
    file: Annotated[UploadFile, File(description="CSV/TSV or XLSX survey export")],
    score_col: Annotated[str | None, Form()] = None,
    comment_col: Annotated[str | None, Form()] = None,
    date_col: Annotated[str | None, Form()] = None,
    id_col: Annotated[str | None, Form()] = None,
    analyzer: Analyzer = Depends(get_analyzer),
    settings: Settings = Depends(get_settings),
) -> Report | HTMLResponse:
    """Upload an export and get the full report (NPS, themes, impact, quotes) as JSON,
    or as HTML with ``Accept: text/html`` (what the upload page at ``/`` asks for)."""
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
    report = await run_in_threadpool(
        analyzer.analyze,
        BytesIO(content),
        filename=file.filename or "upload.csv",
        overrides=overrides,
    )
    if _wants_html(request.headers.get("accept", "")):
        return HTMLResponse(await run_in_threadpool(render_html, report))
    return report


def _wants_html(accept: str) -> bool:
    """True when the client prefers text/html to JSON (by q-value, then by order)."""
    preference: dict[str, tuple[float, int]] = {}
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip().lower() for p in part.split(";"))
        q = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            preference.setdefault(media, (float(q), -position))
        except ValueError:
            continue
    html = preference.get("text/html", (0.0, 0))
    json = preference.get("application/json", preference.get("*/*", (0.0, 0)))
    return html[0] > 0 and html > json
