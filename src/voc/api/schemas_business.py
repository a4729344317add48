"""Request and response schemas of the business routes: webhooks, alert recipients, the
delivery log, answers sent one by one, customer files and actions."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from voc.api.schemas import ClassifiedTheme, Timestamp
from voc.types import NpsGroup

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- webhooks ------------------------------------------------------------------------
class WebhookIn(BaseModel):
    url: str = Field(
        min_length=8, max_length=2000, description="http(s) URL that receives each new alert"
    )
    secret: str = Field(
        min_length=16,
        max_length=200,
        description="Shared secret of the HMAC-SHA256 signature (X-Voc-Signature)",
    )
    description: str = Field(default="", max_length=200)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/?#]+[^\s]*$", value):
            raise ValueError("the webhook URL must start with http:// or https:// and name a host")
        return value


class WebhookOut(_Out):
    id: str
    url: str
    description: str
    enabled: bool
    consecutive_failures: int
    disabled_reason: str | None = None
    created_at: Timestamp


# --- e-mail recipients ------------------------------------------------------------------
class RecipientIn(BaseModel):
    owner: str = Field(
        min_length=1,
        max_length=200,
        description="The owner as the data names them (seller/office in a segment or the "
        "customer file's owner column), compared case-insensitively; '*' gets every alert",
    )
    email: str = Field(min_length=3, max_length=320)
    frequency: Literal["realtime", "daily", "weekly"] = "realtime"

    @field_validator("owner")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the owner must not be blank")
        return value.strip()

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value.strip()):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value.strip()


class RecipientOut(_Out):
    id: str
    owner: str
    email: str
    frequency: str
    last_digest_at: Timestamp | None = None
    created_at: Timestamp


class DeliveryOut(_Out):
    id: int
    alert_key: str = Field(description="The alert's idempotency key (Idempotency-Key header)")
    channel: Literal["webhook", "email"]
    target: str = Field(description="Webhook id or e-mail address")
    status: Literal["pending", "sending", "delivered", "failed"]
    attempts: int
    last_status: int | None = Field(default=None, description="Last HTTP status (webhooks)")
    last_error: str | None = None
    created_at: Timestamp
    delivered_at: Timestamp | None = None


# --- answers sent one by one --------------------------------------------------------------
class AnswerIn(BaseModel):
    score: int = Field(ge=0, le=10, description="Likelihood to recommend, 0-10")
    comment: str = Field(default="", max_length=20_000)
    date: datetime | None = Field(default=None, description="When it was answered (ISO 8601)")
    segments: dict[str, str] = Field(
        default_factory=dict,
        max_length=50,
        description="Segment columns, e.g. {'Säljare': 'Anna', 'Kundnummer': 'K001'}",
    )
    respondent_id: str | None = Field(default=None, max_length=200)
    response_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Your id of the answer; an id sent before is not stored again. Without "
        "one, a hash of respondent, date, score and comment is used",
    )

    @field_validator("date")
    @classmethod
    def _plausible_date(cls, value: datetime | None) -> datetime | None:
        if value is not None and not 1900 <= value.year <= 2100:
            raise ValueError(f"{value.isoformat()} is not a plausible answer date (1900-2100)")
        return value

    @field_validator("segments")
    @classmethod
    def _segment_names(cls, value: dict[str, str]) -> dict[str, str]:
        reserved = {"row", "response_id", "score", "comment", "submitted_at"}
        for name in value:
            if not name.strip() or len(name) > 200 or name in reserved:
                raise ValueError(f"{name!r} cannot be a segment name")
        return value


class AnswersIn(BaseModel):
    responses: list[AnswerIn] = Field(min_length=1, max_length=1000)


class AlertOut(BaseModel):
    kind: str
    severity: str
    reason: str
    response_id: str | None = None
    owner: str | None = None
    new: bool = Field(description="False when the same alert was raised before (not resent)")


class StoredAnswer(BaseModel):
    response_id: str
    row: int
    nps_group: NpsGroup
    language: str | None = None
    themes: list[ClassifiedTheme]


class AnswersOut(BaseModel):
    upload_id: str | None = Field(description="The upload holding these answers; None if none")
    stored: int
    duplicates: list[str] = Field(description="Response ids sent before: not stored again")
    answers: list[StoredAnswer]
    alerts: list[AlertOut]
    deliveries_planned: int = Field(
        description="Webhook posts and e-mail lines queued; they are sent right after this "
        "answer (GET /v1/deliveries shows how each went)"
    )
    warnings: list[str] = Field(default_factory=list)


# --- customer files and actions --------------------------------------------------------
class CustomerFileOut(_Out):
    number: int
    filename: str
    key: str | None = None
    revenue_column: str | None = None
    owner_column: str | None = None
    accounts: int
    size_bytes: int
    created_at: Timestamp


class CustomerFileUploaded(BaseModel):
    file: CustomerFileOut
    columns: list[str]
    notes: list[str] = Field(default_factory=list)


class ActionIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    date: str = Field(description="ISO date the action started (YYYY-MM-DD)", max_length=10)
    segment: str = Field(
        default="", max_length=300, description="'column=value' it targeted; '' = everyone"
    )
    theme: str | None = Field(default=None, max_length=100, description="Theme id it targets")


class ActionOut(_Out):
    id: str
    name: str
    date: str
    segment: str
    theme: str | None = None
    created_at: Timestamp


class BusinessOut(BaseModel):
    job_id: str
    business: dict[str, Any] | None = Field(
        description="The report's business section (docs/report-schema.md, 'Business'); "
        "null when the workspace had no customer file or actions for this job"
    )
