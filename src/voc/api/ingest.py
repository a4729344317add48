"""Reading an uploaded export for preview and commit, with the service's limits."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC
from io import BytesIO

import pandas as pd
from fastapi import UploadFile

from voc.analytics.csat import CSAT_SCALES
from voc.analytics.nps import nps_group
from voc.api.problems import PayloadTooLargeError
from voc.api.schemas import PreviewRow
from voc.config import Settings
from voc.errors import InputError
from voc.io import ColumnOverrides, LoadedSurvey
from voc.io.columns import DetectedColumns, detect_columns
from voc.io.readers import read_table
from voc.io.survey import build_survey
from voc.io.table import RawTable
from voc.split import other_score_column, split_survey_by_metric, survey_metric, with_score_column
from voc.store.records import ResponseRow

log = logging.getLogger(__name__)

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


def read_limited_table(content: bytes, filename: str, settings: Settings) -> RawTable:
    """The uploaded file's cells, or 413 when it has more than ``max_rows`` rows."""
    table = read_table(
        BytesIO(content), filename=filename, max_bytes=settings.max_upload_mb * 1024**2
    )
    if table.rows_read > settings.max_rows:
        raise PayloadTooLargeError(
            f"the file has {table.rows_read} rows, more than the {settings.max_rows} allowed "
            "(setting VOC_MAX_ROWS); split the export"
        )
    return table


def read_upload(
    content: bytes, filename: str, overrides: ColumnOverrides | None, settings: Settings
) -> tuple[list[str], LoadedSurvey]:
    """The file's columns and the survey as read under ``overrides`` (or detection)."""
    table = read_limited_table(content, filename, settings)
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


def response_rows(loaded: LoadedSurvey, metric: str = "nps", scale: str = "") -> list[ResponseRow]:
    """The rows to store. A CSAT survey's rows get no NPS group (""), so the NPS results
    (counted by group) never pool them with NPS answers, and their answer in ``csat_score``
    on ``scale`` (by default the one the reader found, see :func:`csat_scale_of`)."""
    segments = loaded.report.mapping.segments
    csat = metric == "csat"
    if csat and scale not in CSAT_SCALES:
        scale = csat_scale_of(loaded)
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
                csat_score=int(record["score"]) if csat else None,
                csat_scale=scale if csat else None,
            )
        )
    return rows


def csat_scale_of(loaded: LoadedSurvey) -> str:
    """A CSAT survey's scale: the reader's when it found 1-5 or 1-7, else by the answers."""
    if loaded.report.scale in CSAT_SCALES:
        return loaded.report.scale
    return "1-7" if len(loaded.frame) and int(loaded.frame["score"].max()) > 5 else "1-5"


def responses_to_store(
    content: bytes,
    filename: str,
    overrides: ColumnOverrides,
    settings: Settings,
    *,
    find_second_question: bool = True,
) -> tuple[LoadedSurvey, list[ResponseRow]]:
    """The survey whose mapping and load report the upload keeps, and the rows to store.

    NPS and CSAT are never pooled, and an export holding both keeps both (as
    :mod:`voc.split` finds them for the CLI):

    * a second score question naming the other metric (``find_second_question``, off when
      the user chose the score column): each row keeps its NPS score (``score``,
      ``nps_group``) and its CSAT answer (``csat_score``); the NPS survey is the one kept,
      so the upload's jobs analyse NPS;
    * rows of two surveys told apart by a survey or touchpoint column: the CSAT rows get no
      NPS group and their answer in ``csat_score``.
    """
    table = read_limited_table(content, filename, settings)
    detected = detect_columns(table.cells, overrides)
    loaded = build_survey(table, detected, settings)
    if find_second_question:
        both = _two_questions(table, detected, loaded, settings)
        if both is not None:
            return both
    parts = split_survey_by_metric(loaded, settings)
    rows: list[ResponseRow] = []
    for metric, part in parts.items():
        scale = survey_metric(part, settings).scale if metric == "csat" else ""
        rows += response_rows(part, metric, scale)
    if len(parts) == 1:
        return loaded, rows
    note = parts["csat"].warnings[-1]  # which rows are CSAT, which NPS
    return replace(loaded, warnings=(*loaded.warnings, note)), sorted(rows, key=lambda r: r.row)


def _two_questions(
    table: RawTable, detected: DetectedColumns, loaded: LoadedSurvey, settings: Settings
) -> tuple[LoadedSurvey, list[ResponseRow]] | None:
    """The NPS survey and rows carrying both answers, when a second column asks the other
    metric; None otherwise."""
    other = other_score_column(table.cells, detected, table.layout.labels)
    if other is None:
        return None
    mapping = detected.mapping
    # The other question is a score, never a segment of this survey.
    first = build_survey(
        table,
        DetectedColumns(
            mapping=mapping.model_copy(
                update={"segments": [s for s in mapping.segments if s != other]}
            ),
            notes=detected.notes,
        ),
        settings,
    )
    try:
        second = build_survey(table, with_score_column(detected, other), settings)
    except InputError as exc:
        log.warning("second score column %r not stored: %s", other, exc)
        return None
    first_info, second_info = survey_metric(first, settings), survey_metric(second, settings)
    if first_info.metric == second_info.metric:
        return None
    if first_info.metric == "nps":
        nps, csat, scale = first, second, second_info.scale
    else:
        nps, csat, scale = second, first, first_info.scale
    answers = dict(zip(csat.frame["row"].tolist(), csat.frame["score"].tolist(), strict=True))
    rows = [
        replace(
            r,
            csat_score=answers.get(r.row),
            csat_scale=scale if r.row in answers else None,
        )
        for r in response_rows(nps, "nps")
    ]
    notes = [
        f"the export asks two questions: NPS in column {nps.report.mapping.score!r} and CSAT "
        f"in column {csat.report.mapping.score!r}; each response keeps both answers, and "
        "they are counted apart, never pooled"
    ]
    only_csat = sorted(set(answers) - set(nps.frame["row"].tolist()))
    if only_csat:
        shown = ", ".join(map(str, only_csat[:10])) + (" ..." if len(only_csat) > 10 else "")
        notes.append(
            f"{len(only_csat)} rows answer the CSAT question but have no usable NPS score, "
            f"so they are not stored and count in neither result (rows {shown})"
        )
    return replace(nps, warnings=(*nps.warnings, *notes)), rows
