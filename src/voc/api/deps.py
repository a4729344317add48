"""FastAPI dependencies: settings, models, store, job runner and the caller.

The caller is a :class:`Principal`: an API key (``X-API-Key``) or a portal user's session
cookie. Both carry a workspace and a role; a seller's session also carries a scope that
every result query applies, and a scoped caller reaches only the routes in
``SCOPED_PATHS`` (deny by default, so a new route never leaks another office's rows).
"""

from __future__ import annotations

import hmac
import re
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
from voc.store.queries import Scope
from voc.store.records import Role
from voc.store.users import KEY_ROLE_OF, Accounts, SessionRecord

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


SESSION_COOKIE = "voc_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
#: The only /v1 paths a scoped caller (a seller) may use: each applies the scope.
SCOPED_PATHS = re.compile(
    r"^/v1/(results/(nps|themes|improvement-areas|comments)|exports/comments\.(csv|xlsx)"
    r"|taxonomy|classify|workspace|cases|cases/[^/]+)$"
)


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key or a signed-in user, with a role in API-key terms."""

    id: str
    workspace_id: str
    role: Role
    actor: str  # who a change is recorded as: the user's e-mail or the key's prefix
    scope: Scope = None
    user_role: str | None = None  # admin/manager/seller/viewer for users, None for keys
    session: SessionRecord | None = None


def get_accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def session_principal(request: Request) -> Principal | None:
    """The principal of the request's session cookie, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    session = get_accounts(request).session_for(token)
    if session is None:
        return None
    user = session.user
    return Principal(
        id=user.id,
        workspace_id=user.workspace_id,
        role=KEY_ROLE_OF[user.role],
        actor=user.email,
        scope=user.scope,
        user_role=user.role,
        session=session,
    )


def csrf_ok(session: SessionRecord, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(session.csrf_token, str(given))


def get_key(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    key: Annotated[str | None, Security(api_key_header)] = None,
) -> Principal:
    """The caller: a live API key, else a portal session (with CSRF on writes), else 401."""
    if key:
        record = store.authenticate(key)
        if record is None:
            raise AuthError("unknown or revoked API key")
        principal = Principal(record.id, record.workspace_id, record.role, record.prefix)
    else:
        found = session_principal(request)
        if found is None:
            raise AuthError("missing X-API-Key header (or sign in at /login)")
        principal = found
        # A cookie is sent by the browser on its own; a header is not: writes need both.
        if request.method not in _SAFE_METHODS and (
            principal.session is None
            or not csrf_ok(principal.session, request.headers.get(CSRF_HEADER))
        ):
            raise ForbiddenError(f"a signed-in request that changes data needs {CSRF_HEADER}")
    if principal.scope is not None and not SCOPED_PATHS.match(request.url.path):
        raise ForbiddenError("a seller account can only read results, exports and cases")
    request.state.workspace_id = principal.workspace_id  # for the access log
    bind(workspace_id=principal.workspace_id)  # and for anything logged while serving it
    return principal


def require(role: Role) -> Callable[[Principal], Principal]:
    """A dependency that lets through callers of ``role`` or higher, else 403."""

    def check(key: Annotated[Principal, Depends(get_key)]) -> Principal:
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
    key: Annotated[Principal, Depends(get_key)], store: Annotated[Store, Depends(get_store)]
) -> CallerWorkspace:
    return CallerWorkspace(store, key.workspace_id)


def get_repo(
    key: Annotated[Principal, Depends(get_key)], store: Annotated[Store, Depends(get_store)]
) -> Iterator[WorkspaceRepository]:
    """The caller's workspace repository for reading: one read transaction (WAL on SQLite:
    it never waits for a writer). Routes that write use :data:`Workspace` instead.

    A scoped caller's repository answers result queries for its segments only."""
    with store.workspace(key.workspace_id) as repo:
        if key.scope is not None:
            repo = WorkspaceRepository(repo.session, repo.workspace_id, key.scope)
        yield repo


def get_write_repo(
    key: Annotated[Principal, Depends(get_key)], store: Annotated[Store, Depends(get_store)]
) -> Iterator[WorkspaceRepository]:
    """Like :func:`get_repo`, but the transaction begins as a writer (SQLite: one at a time).

    For small routes whose reads and writes belong together (alert cases); routes that
    parse or compute before writing use :data:`Workspace` and a short ``writing()`` block.
    """
    with store.workspace(key.workspace_id, write=True) as repo:
        if key.scope is not None:
            repo = WorkspaceRepository(repo.session, repo.workspace_id, key.scope)
        yield repo


Repo = Annotated[WorkspaceRepository, Depends(get_repo, scope="function")]
WriteRepo = Annotated[WorkspaceRepository, Depends(get_write_repo, scope="function")]
Workspace = Annotated[CallerWorkspace, Depends(get_caller_workspace)]
Viewer = Depends(require("viewer"))
Analyst = Depends(require("analyst"))
Admin = Depends(require("admin"))
Caller = Annotated[Principal, Depends(get_key)]
