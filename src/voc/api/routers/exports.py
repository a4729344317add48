"""Exports: the filtered comments with their themes as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from fastapi import APIRouter, Response
from openpyxl import Workbook

from voc.api.deps import Repo, Viewer
from voc.api.problems import AUTH_RESPONSES
from voc.api.routers.results import Filters
from voc.store.records import CommentRecord

router = APIRouter(
    prefix="/exports", tags=["exports"], dependencies=[Viewer], responses=AUTH_RESPONSES
)

#: Columns of the comments export (same names as the CLI's comments.csv), then segments.
COLUMNS = [
    "upload_id",
    "row",
    "response_id",
    "submitted_at",
    "score",
    "nps_group",
    "language",
    "themes",
    "polarities",
    "comment",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(comments: Iterable[CommentRecord]) -> tuple[list[str], list[list[object]]]:
    comments = list(comments)
    segment_names = sorted({k for c in comments for k in c.segments})
    rows = [
        [
            c.upload_id,
            c.row,
            c.response_id,
            c.submitted_at.isoformat() if c.submitted_at else "",
            c.score,
            c.nps_group,
            c.language or "",
            ";".join(h.theme_id for h in c.themes),
            ";".join(h.polarity for h in c.themes),
            c.comment,
            *(c.segments.get(s, "") for s in segment_names),
        ]
        for c in comments
    ]
    return COLUMNS + segment_names, rows


@router.get(
    "/comments.csv",
    summary="Comments with themes as CSV (UTF-8 with BOM, opens in Excel)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_csv(repo: Repo, filters: Filters) -> Response:
    header, rows = _rows(repo.results.iter_comments(filters))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="comments.csv"'},
    )


@router.get(
    "/comments.xlsx",
    summary="Comments with themes as an Excel workbook",
    response_class=Response,
    responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}},
)
def export_xlsx(repo: Repo, filters: Filters) -> Response:
    header, rows = _rows(repo.results.iter_comments(filters))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("comments")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return Response(
        out.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="comments.xlsx"'},
    )
