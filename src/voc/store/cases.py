"""Alert cases: a report's alerts followed up by people, with every change recorded.

A case belongs to the segments of the response its alert came from; a scoped caller (a
seller) sees and changes only cases whose segments match its scope. Theme jumps have no
response, so only unscoped users (managers, admins) see them.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from voc.store.errors import NotFoundError
from voc.store.models import AlertCase, AnalysisRun, CaseEvent, Response, utcnow
from voc.store.queries import Scope

CaseStatus = Literal["new", "in_progress", "closed"]
CASE_STATUSES: tuple[CaseStatus, ...] = ("new", "in_progress", "closed")
#: Fields a person may change on a case (each change becomes a CaseEvent).
EDITABLE = ("owner", "status", "note", "called_on")


@dataclass(frozen=True)
class CaseEventRecord:
    actor: str
    at: datetime
    field: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class CaseRecord:
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
    called_on: str | None
    created_at: datetime
    updated_at: datetime
    events: tuple[CaseEventRecord, ...] = ()


def alert_key(upload_id: str, alert: dict[str, Any]) -> str:
    """The same alert of a re-run analysis maps to the same case."""
    parts = [upload_id, *(str(alert.get(k) or "") for k in ("kind", "response_id", "theme_id"))]
    parts.append(str(alert.get("period") or ""))
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def in_scope(segments: dict[str, Any], scope: Scope) -> bool:
    if scope is None:
        return True
    return any(str(segments.get(column)) == value for column, value in scope)


class CaseRepository:
    """Cases of one workspace, limited to ``scope`` (None: all of them)."""

    def __init__(self, session: Session, workspace_id: str, scope: Scope = None):
        self.session = session
        self.workspace_id = workspace_id
        self.scope = scope

    def sync(self) -> int:
        """Open a case for every alert of each upload's latest finished analysis not yet one."""
        runs = self.session.scalars(
            select(AnalysisRun)
            .where(AnalysisRun.workspace_id == self.workspace_id, AnalysisRun.status == "succeeded")
            .order_by(AnalysisRun.finished_at, AnalysisRun.id)
        )
        latest = {run.upload_id: run for run in runs}
        known = set(
            self.session.scalars(
                select(AlertCase.alert_key).where(AlertCase.workspace_id == self.workspace_id)
            )
        )
        added = 0
        for upload_id, run in latest.items():
            for alert in (run.report or {}).get("alerts", []):
                key = alert_key(upload_id, alert)
                if key in known:
                    continue
                known.add(key)
                self.session.add(self._new_case(upload_id, key, alert))
                added += 1
        self.session.flush()
        return added

    def _new_case(self, upload_id: str, key: str, alert: dict[str, Any]) -> AlertCase:
        segments: dict[str, Any] = {}
        if alert.get("response_id"):
            segments = dict(
                self.session.scalar(
                    select(Response.segments).where(
                        Response.workspace_id == self.workspace_id,
                        Response.upload_id == upload_id,
                        Response.response_id == str(alert["response_id"]),
                    )
                )
                or {}
            )
        now = utcnow()
        return AlertCase(
            id=uuid.uuid4().hex,
            workspace_id=self.workspace_id,
            upload_id=upload_id,
            alert_key=key,
            kind=str(alert.get("kind", "")),
            severity=str(alert.get("severity", "medium")),
            reason=str(alert.get("reason", "")),
            response_id=alert.get("response_id"),
            theme_id=alert.get("theme_id"),
            period=alert.get("period"),
            score=alert.get("score"),
            comment=str(alert.get("comment") or ""),
            segments=segments,
            status="new",
            note="",
            created_at=now,
            updated_at=now,
        )

    def list(self, status: str | None = None) -> list[CaseRecord]:
        statement = select(AlertCase).where(AlertCase.workspace_id == self.workspace_id)
        if status:
            statement = statement.where(AlertCase.status == status)
        rows = self.session.scalars(statement.order_by(AlertCase.created_at.desc(), AlertCase.id))
        return [_record(c) for c in rows if in_scope(c.segments or {}, self.scope)]

    def _one(self, case_id: str) -> AlertCase:
        case = self.session.scalar(
            select(AlertCase).where(
                AlertCase.workspace_id == self.workspace_id, AlertCase.id == case_id
            )
        )
        # Out of scope reads as not found, as another workspace's ids do.
        if case is None or not in_scope(case.segments or {}, self.scope):
            raise NotFoundError("case", case_id)
        return case

    def get(self, case_id: str) -> CaseRecord:
        case = self._one(case_id)
        events = self.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.workspace_id == self.workspace_id, CaseEvent.case_id == case_id)
            .order_by(CaseEvent.at, CaseEvent.id)
        )
        return _record(
            case,
            tuple(
                CaseEventRecord(e.actor, e.at, e.field, e.old_value, e.new_value) for e in events
            ),
        )

    def update(self, case_id: str, actor: str, changes: dict[str, str | None]) -> CaseRecord:
        """Apply the changed fields and record one event per field that really changed."""
        case = self._one(case_id)
        now = utcnow()
        for field, value in changes.items():
            if field not in EDITABLE:
                raise ValueError(f"a case has no editable field {field!r}")
            value = _checked(field, value)
            old = getattr(case, field)
            if (old or None) == (value or None):
                continue
            setattr(case, field, value if field != "note" else (value or ""))
            self.session.add(
                CaseEvent(
                    workspace_id=self.workspace_id,
                    case_id=case_id,
                    actor=actor,
                    at=now,
                    field=field,
                    old_value=old,
                    new_value=value,
                )
            )
            case.updated_at = now
        self.session.flush()
        return self.get(case_id)


def _checked(field: str, value: str | None) -> str | None:
    value = value.strip() if isinstance(value, str) else value
    if field == "status" and value not in CASE_STATUSES:
        raise ValueError(f"status must be one of {', '.join(CASE_STATUSES)}, not {value!r}")
    if field == "called_on" and value:
        date.fromisoformat(value)  # ValueError for anything but YYYY-MM-DD
    if field == "note" and value and len(value) > 4000:
        raise ValueError("a note has at most 4000 characters")
    return value or None


def _record(c: AlertCase, events: tuple[CaseEventRecord, ...] = ()) -> CaseRecord:
    return CaseRecord(
        id=c.id,
        upload_id=c.upload_id,
        kind=c.kind,
        severity=c.severity,
        reason=c.reason,
        response_id=c.response_id,
        theme_id=c.theme_id,
        period=c.period,
        score=c.score,
        comment=c.comment,
        segments={str(k): str(v) for k, v in (c.segments or {}).items()},
        owner=c.owner,
        status=cast(CaseStatus, c.status),
        note=c.note,
        called_on=c.called_on,
        created_at=c.created_at,
        updated_at=c.updated_at,
        events=events,
    )
