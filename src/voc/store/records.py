"""What the repository hands out: plain frozen records, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Role = Literal["admin", "analyst", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "analyst", "viewer")


@dataclass(frozen=True)
class WorkspaceRecord:
    id: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class KeyRecord:
    id: str
    workspace_id: str
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class UploadRecord:
    id: str
    filename: str
    status: str
    size_bytes: int
    rows_used: int
    created_at: datetime
    committed_at: datetime | None = None
    mapping: dict[str, Any] | None = None
    load_report: dict[str, Any] | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunRecord:
    id: str
    upload_id: str
    status: str
    stage: str
    progress: int
    attempts: int
    created_at: datetime
    taxonomy_number: int | None = None
    error: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class TaxonomyRecord:
    number: int
    name: str
    version: str
    content: str
    created_at: datetime


@dataclass(frozen=True)
class HitRecord:
    theme_id: str
    confidence: float
    polarity: str
    start: int
    end: int


@dataclass(frozen=True)
class CommentRecord:
    upload_id: str
    row: int
    response_id: str
    score: int
    nps_group: str
    submitted_at: datetime | None
    comment: str
    language: str | None
    segments: dict[str, str]
    themes: tuple[HitRecord, ...] = ()
    csat_score: int | None = None


@dataclass(frozen=True)
class ResultFilters:
    """Filters every dashboard query accepts; None means no filter."""

    period_from: str | None = None  # YYYY-MM, inclusive
    period_to: str | None = None
    segments: tuple[tuple[str, str], ...] = field(default=())
    language: str | None = None
    theme: str | None = None
    nps_group: str | None = None
    upload_id: str | None = None


@dataclass(frozen=True)
class ResponseRow:
    """One usable response as the upload commit stores it (comment already redacted)."""

    row: int
    response_id: str
    score: int
    nps_group: str
    submitted_at: datetime | None
    comment: str
    segments: dict[str, str]
    # The row's CSAT answer and its scale ("1-5", "1-7"), where it has one.
    csat_score: int | None = None
    csat_scale: str | None = None


@dataclass(frozen=True)
class CommentThemes:
    """What an analysis found for one stored response (by its spreadsheet row)."""

    row: int
    language: str
    language_confidence: float
    hits: tuple[HitRecord, ...]
