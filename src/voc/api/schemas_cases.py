"""Request and response schemas of alert cases (kept apart from the storage records)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from voc.store.cases import CaseStatus


class CaseEventOut(BaseModel):
    actor: str
    at: datetime
    field: str
    old_value: str | None
    new_value: str | None


class CaseOut(BaseModel):
    id: str
    upload_id: str
    kind: str
    severity: str
    reason: str
    response_id: str | None
    theme_id: str | None
    period: str | None
    score: int | None
    comment: str
    segments: dict[str, str]
    owner: str | None
    status: CaseStatus
    note: str
    called_on: date | None
    created_at: datetime
    updated_at: datetime
    events: list[CaseEventOut]


class CasePatch(BaseModel):
    """Only the fields sent are changed; ``null`` clears owner, note or called_on."""

    model_config = ConfigDict(extra="forbid")

    owner: str | None = Field(default=None, max_length=320)
    status: CaseStatus | None = None
    note: str | None = Field(default=None, max_length=4000)
    called_on: date | None = None
