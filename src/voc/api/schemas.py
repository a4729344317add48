"""Request and response schemas of the service, separate from storage models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from voc.store.records import Role
from voc.types import ColumnMapping, NpsEstimate, NpsGroup, PeriodNps, Polarity, SkippedRow


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive UTC times; the API always says which zone (RFC 3339)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Timestamp = Annotated[datetime, AfterValidator(_aware)]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- uploads -------------------------------------------------------------------------
class UploadOut(_Out):
    id: str
    filename: str
    status: str = Field(description="pending (uploaded, mapping not confirmed) or committed")
    size_bytes: int
    rows_used: int
    created_at: Timestamp
    committed_at: Timestamp | None = None
    mapping: ColumnMapping | None = None


class PreviewRow(BaseModel):
    row: int
    response_id: str
    score: int
    comment: str
    submitted_at: str | None
    segments: dict[str, str]


class UploadPreview(BaseModel):
    """What committing this upload with the detected mapping would store."""

    upload: UploadOut
    columns: list[str] = Field(description="Every column of the file, as written")
    detected: ColumnMapping
    rows_read: int
    rows_used: int
    skipped: int
    first_skipped: list[SkippedRow]
    scale: str
    warnings: list[str]
    preview: list[PreviewRow]


class CommitRequest(BaseModel):
    """Confirm or correct the mapping; a field left out keeps the detected column."""

    score_col: str | None = None
    comment_col: str | None = None
    date_col: str | None = None
    id_col: str | None = None
    segment_cols: list[str] | None = Field(default=None, description="None: detected segments")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"score_col": "Score", "comment_col": "Comment"}]}
    )


# --- jobs ----------------------------------------------------------------------------
class JobRequest(BaseModel):
    upload_id: str = Field(min_length=1, max_length=64)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"upload_id": "3f2c9a0e5b8d4c1f9e7a6b5c4d3e2f10"}]}
    )


class JobOut(BaseModel):
    id: str
    upload_id: str
    status: str = Field(description="queued, running, succeeded or failed")
    stage: str = Field(description="queued, load, language, themes, saving, done or failed")
    progress_percent: int = Field(ge=0, le=100)
    attempts: int
    taxonomy_version: int | None = Field(description="Workspace taxonomy number; None: bundled")
    error: str | None = None
    created_at: Timestamp
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None


# --- results -------------------------------------------------------------------------
class NpsOverview(BaseModel):
    overall: NpsEstimate
    periods: list[PeriodNps] = Field(description="Monthly NPS with 95% CI, oldest first")


class ThemeResult(BaseModel):
    theme_id: str
    label: str
    group: str
    n_comments: int
    share: float
    nps_with: NpsEstimate
    nps_without: NpsEstimate
    impact: float | None = Field(description="NPS points; null when no comment mentions it")
    impact_ci_low: float | None
    impact_ci_high: float | None
    significant: bool
    positive: int
    negative: int
    neutral: int


class QuoteOut(BaseModel):
    response_id: str
    text: str
    language: str | None
    score: int
    nps_group: NpsGroup


class ImprovementArea(BaseModel):
    rank: int
    theme: ThemeResult
    quotes: list[QuoteOut]


class HitOut(BaseModel):
    theme_id: str
    confidence: float
    polarity: Polarity
    start: int
    end: int


class CommentOut(BaseModel):
    upload_id: str
    row: int
    response_id: str
    score: int
    nps_group: NpsGroup | None = Field(description="None for a CSAT survey's response")
    csat_score: int | None = Field(
        default=None, description="The CSAT answer (1-5 or 1-7), where the response has one"
    )
    submitted_at: Timestamp | None
    comment: str
    language: str | None
    segments: dict[str, str]
    themes: list[HitOut]


class CommentPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[CommentOut]


# --- taxonomy ------------------------------------------------------------------------
class ThemeOut(BaseModel):
    id: str
    label: str
    group: str


class TaxonomyOut(BaseModel):
    number: int = Field(description="Workspace version number; 0 is the bundled default")
    name: str
    version: str
    content: str = Field(description="The taxonomy YAML")
    themes: list[ThemeOut]
    created_at: Timestamp | None = None


class TaxonomyIn(BaseModel):
    content: str = Field(min_length=1, max_length=1_000_000, description="Taxonomy YAML")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "content": "name: my-themes\nversion: '1'\nthemes:\n"
                    "  - id: invoicing\n    group: billing\n    labels: {en: Invoicing}\n"
                    "    seeds:\n      negative:\n        en: [wrong invoice]\n"
                    "        sv: [fel på fakturan]\n"
                }
            ]
        }
    )


# --- classify ------------------------------------------------------------------------
class ClassifyIn(BaseModel):
    text: str = Field(max_length=10_000)
    score: int | None = Field(default=None, ge=0, le=10)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"text": "Fel på fakturan igen", "score": 3}]}
    )


class ClassifiedTheme(HitOut):
    label: str


class ClassifyOut(BaseModel):
    language: str
    language_confidence: float
    nps_group: NpsGroup | None
    themes: list[ClassifiedTheme]
    unassigned_reason: str | None
    taxonomy_version: str


# --- workspace and keys --------------------------------------------------------------
class WorkspaceOut(_Out):
    id: str
    name: str
    created_at: Timestamp


class KeyIn(BaseModel):
    role: Role
    name: str = Field(default="", max_length=200)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"role": "viewer", "name": "dashboard"}]}
    )


class KeyOut(_Out):
    id: str
    name: str
    role: Role
    prefix: str
    created_at: Timestamp
    revoked_at: Timestamp | None = None


class KeyCreated(KeyOut):
    key: str = Field(description="The API key; shown once, only its hash is stored")
