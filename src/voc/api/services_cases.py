"""Alert cases for the API and the portal: open them from reports, change them, shape them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from voc.api.schemas_cases import CaseEventOut, CaseOut, CasePatch
from voc.errors import InputError
from voc.store import WorkspaceRepository
from voc.store.cases import CaseRecord, CaseRepository


def case_repository(repo: WorkspaceRepository) -> CaseRepository:
    """The caller's cases (scoped like its results), with new alerts opened as cases first."""
    cases = CaseRepository(repo.session, repo.workspace_id, repo.scope)
    try:
        with repo.session.begin_nested():
            cases.sync()
    except IntegrityError:
        pass  # a concurrent request opened the same cases; they are there now
    return cases


def update_case(
    repo: WorkspaceRepository, actor: str, case_id: str, patch: CasePatch
) -> CaseRecord:
    changes = {
        field: (str(value) if value is not None else None)
        for field, value in patch.model_dump(exclude_unset=True).items()
    }
    if "status" in changes and changes["status"] is None:
        raise InputError("status cannot be empty: new, in_progress or closed")
    try:
        return case_repository(repo).update(case_id, actor, changes)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def case_out(c: CaseRecord) -> CaseOut:
    return CaseOut(
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
        segments=c.segments,
        owner=c.owner,
        status=c.status,
        note=c.note,
        called_on=c.called_on,
        created_at=_aware(c.created_at),
        updated_at=_aware(c.updated_at),
        events=[
            CaseEventOut(
                actor=e.actor,
                at=_aware(e.at),
                field=e.field,
                old_value=e.old_value,
                new_value=e.new_value,
            )
            for e in c.events
        ],
    )


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
