"""Reading an uploaded export for preview and commit, with the service's limits."""

from __future__ import annotations

from datetime import UTC
from io import BytesIO

import pandas as pd
from fastapi import UploadFile

from voc.analytics.nps import nps_group
from voc.api.problems import PayloadTooLargeError
from voc.api.schemas import PreviewRow
from voc.config import Settings
from voc.io import ColumnOverrides, LoadedSurvey
from voc.io.columns import detect_columns
from voc.io.readers import read_table
from voc.io.survey import build_survey
from voc.store.records import ResponseRow

PREVIEW_ROWS = 5


async def read_limited(file: UploadFile, settings: Settings) -> bytes:
    """The upload's bytes, or 413 when it is over ``max_upload_mb``."""
    limit = settings.max_upload_mb * 1024 * 1024
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise PayloadTooLargeError(
            f"file is larger than the {settings.max_upload_mb} MB limit (setting VOC_MAX_UPLOAD_MB)"
        )
    return content


def read_upload(
    content: bytes, filename: str, overrides: ColumnOverrides | None, settings: Settings
) -> tuple[list[str], LoadedSurvey]:
    """The file's columns and the survey as read under ``overrides`` (or detection)."""
    table = read_table(
        BytesIO(content), filename=filename, max_bytes=settings.max_upload_mb * 1024**2
    )
    if table.rows_read > settings.max_rows:
        raise PayloadTooLargeError(
            f"the file has {table.rows_read} rows, more than the {settings.max_rows} allowed "
            "(setting VOC_MAX_ROWS); split the export"
        )
    detected = detect_columns(table.cells, overrides)
    return [str(c) for c in table.cells.columns], build_survey(table, detected, settings)


def _when(value: object) -> pd.Timestamp | None:
    return None if pd.isna(value) else pd.Timestamp(value)  # type: ignore[call-overload,arg-type]


def preview_rows(loaded: LoadedSurvey, n: int = PREVIEW_ROWS) -> list[PreviewRow]:
    segments = loaded.report.mapping.segments
    out = []
    for record in loaded.frame.head(n).to_dict("records"):
        when = _when(record["submitted_at"])
        out.append(
            PreviewRow(
                row=int(record["row"]),
                response_id=str(record["response_id"]),
                score=int(record["score"]),
                comment=str(record["comment"]),
                submitted_at=None if when is None else when.isoformat(),
                segments={c: str(record[c]) for c in segments},
            )
        )
    return out


def response_rows(loaded: LoadedSurvey, metric: str = "nps") -> list[ResponseRow]:
    """The rows to store. A CSAT survey's rows get no NPS group (""), so the NPS results
    (counted by group) never pool them with NPS answers."""
    segments = loaded.report.mapping.segments
    rows = []
    for record in loaded.frame.to_dict("records"):
        when = _when(record["submitted_at"])
        rows.append(
            ResponseRow(
                row=int(record["row"]),
                response_id=str(record["response_id"]),
                score=int(record["score"]),
                nps_group="" if metric == "csat" else nps_group(int(record["score"])).value,
                # The frame's times are naive UTC; say so, so PostgreSQL stores that instant.
                submitted_at=None if when is None else when.tz_localize(UTC).to_pydatetime(),
                comment=str(record["comment"]),
                segments={c: str(record[c]) for c in segments},
            )
        )
    return rows
