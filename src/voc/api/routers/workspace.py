"""The caller's workspace and its API keys; erasing the workspace (GDPR)."""

from __future__ import annotations

from fastapi import APIRouter, status

from voc.api.deps import Admin, Repo, Viewer, Workspace
from voc.api.problems import AUTH_RESPONSES
from voc.api.schemas import KeyCreated, KeyIn, KeyOut, WorkspaceOut

router = APIRouter(tags=["workspace"], responses=AUTH_RESPONSES)


@router.get("/workspace", response_model=WorkspaceOut, dependencies=[Viewer])
def get_workspace(repo: Repo) -> WorkspaceOut:
    """The workspace this key belongs to."""
    return WorkspaceOut.model_validate(repo.workspace())


@router.delete(
    "/workspace",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Admin],
    summary="Erase the workspace: every upload, result, taxonomy, cache row and key (GDPR)",
)
def delete_workspace(workspace: Workspace) -> None:
    with workspace.writing() as repo:
        repo.erase()


@router.get("/keys", response_model=list[KeyOut], dependencies=[Admin], summary="List API keys")
def list_keys(repo: Repo) -> list[KeyOut]:
    return [KeyOut.model_validate(k) for k in repo.list_keys()]


@router.post(
    "/keys",
    response_model=KeyCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Admin],
    summary="Create an API key in this workspace (shown once)",
)
def create_key(body: KeyIn, workspace: Workspace) -> KeyCreated:
    with workspace.writing() as repo:
        record, plaintext = repo.create_key(body.role, body.name)
    return KeyCreated(**KeyOut.model_validate(record).model_dump(), key=plaintext)


@router.delete(
    "/keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Admin],
    summary="Revoke an API key",
)
def revoke_key(key_id: str, workspace: Workspace) -> None:
    with workspace.writing() as repo:
        repo.revoke_key(key_id)
