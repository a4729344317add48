"""FastAPI dependencies: settings, models, store, job runner and the caller's API key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from voc.api.problems import AuthError, ForbiddenError
from voc.config import Settings
from voc.jobs import AnalyzerPool, JobRunner
from voc.logs import bind
from voc.pipeline import Analyzer
from voc.store import Store, WorkspaceRepository
from voc.store.records import KeyRecord, Role

_RANK: dict[str, int] = {"viewer": 0, "analyst": 1, "admin": 2}

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="A workspace API key (`voc keys create`); its role decides what it may do.",
)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_analyzer(request: Request) -> Analyzer:
    analyzer: Analyzer = request.app.state.analyzer
    return analyzer


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_pool(request: Request) -> AnalyzerPool:
    pool: AnalyzerPool = request.app.state.pool
    return pool


def get_runner(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.runner
    return runner


def get_key(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    key: Annotated[str | None, Security(api_key_header)] = None,
) -> KeyRecord:
    """The caller's live API key, or 401."""
    if not key:
        raise AuthError("missing X-API-Key header")
    record = store.authenticate(key)
    if record is None:
        raise AuthError("unknown or revoked API key")
    request.state.workspace_id = record.workspace_id  # for the access log
    bind(workspace_id=record.workspace_id)  # and for anything logged while serving it
    return record


def require(role: Role) -> Callable[[KeyRecord], KeyRecord]:
    """A dependency that lets through keys of ``role`` or higher, else 403."""

    def check(key: Annotated[KeyRecord, Depends(get_key)]) -> KeyRecord:
        if _RANK[key.role] < _RANK[role]:
            raise ForbiddenError(f"a {key.role} key cannot do this; it needs {role} or admin")
        return key

    return check


@dataclass(frozen=True)
class CallerWorkspace:
    """The caller's workspace, for routes that open their own short transactions.

    Routes that write use this rather than :data:`Repo`: they parse and compute first, then
    write in one short ``writing()`` block run start to end on one thread (a yield
    dependency would hold the transaction across separate thread-pool calls).
    """

    store: Store
    id: str

    def reading(self) -> AbstractContextManager[WorkspaceRepository]:
        return self.store.workspace(self.id)

    def writing(self) -> AbstractContextManager[WorkspaceRepository]:
        return self.store.workspace(self.id, write=True)


def get_caller_workspace(
    key: Annotated[KeyRecord, Depends(get_key)], store: Annotated[Store, Depends(get_store)]
) -> CallerWorkspace:
    return CallerWorkspace(store, key.workspace_id)


def get_repo(
    key: Annotated[KeyRecord, Depends(get_key)], store: Annotated[Store, Depends(get_store)]
) -> Iterator[WorkspaceRepository]:
    """The caller's workspace repository for reading: one read transaction (WAL on SQLite:
    it never waits for a writer). Routes that write use :data:`Workspace` instead."""
    with store.workspace(key.workspace_id) as repo:
        yield repo


Repo = Annotated[WorkspaceRepository, Depends(get_repo, scope="function")]
Workspace = Annotated[CallerWorkspace, Depends(get_caller_workspace)]
Viewer = Depends(require("viewer"))
Analyst = Depends(require("analyst"))
Admin = Depends(require("admin"))
