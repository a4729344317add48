"""Alert cases: the reports' alerts as cases with owner, status, note and call date."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from voc.api.deps import Caller, Principal, Viewer, WriteRepo
from voc.api.problems import AUTH_RESPONSES, ForbiddenError
from voc.api.schemas_cases import CaseOut, CasePatch
from voc.api.services_cases import case_out, case_repository, update_case
from voc.store.cases import CaseStatus

router = APIRouter(prefix="/cases", tags=["cases"], responses=AUTH_RESPONSES)


def case_worker(caller: Caller) -> Principal:
    """Sellers work their own cases; otherwise analyst keys, managers and admins; not viewers."""
    if caller.user_role == "seller" or caller.role in ("analyst", "admin"):
        return caller
    raise ForbiddenError(f"a {caller.user_role or caller.role} cannot change cases")


@router.get("", response_model=list[CaseOut], dependencies=[Viewer], summary="Alert cases")
def list_cases(
    repo: WriteRepo, status: Annotated[CaseStatus | None, Query()] = None
) -> list[CaseOut]:
    """The alerts of each upload's latest analysis as cases (a seller: those in scope)."""
    return [case_out(c) for c in case_repository(repo).list(status)]


@router.get(
    "/{case_id}", response_model=CaseOut, dependencies=[Viewer], summary="One case, with history"
)
def get_case(case_id: str, repo: WriteRepo) -> CaseOut:
    return case_out(case_repository(repo).get(case_id))


@router.patch("/{case_id}", response_model=CaseOut, summary="Change owner, status, note or date")
def patch_case(
    case_id: str,
    body: CasePatch,
    repo: WriteRepo,
    caller: Annotated[Principal, Depends(case_worker)],
) -> CaseOut:
    """Each changed field is recorded with who changed it and when."""
    return case_out(update_case(repo, caller.actor, case_id, body))
