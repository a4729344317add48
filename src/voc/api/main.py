"""The FastAPI application: models load once at start-up (lifespan), routes stay thin."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi

from voc import __version__
from voc.api import problems
from voc.api.portal import routes as portal
from voc.api.routers import (
    analyses,
    business,
    cases,
    classify,
    exports,
    health,
    jobs,
    responses,
    results,
    results_csat,
    taxonomy,
    uploads,
    web,
    workspace,
)
from voc.config import Settings
from voc.jobs import AnalyzerPool, make_runner
from voc.jobs.runner import UNSENT
from voc.logs import log_context
from voc.pipeline import Analyzer
from voc.store import Store
from voc.store.users import Accounts

access_log = logging.getLogger("voc.api.access")
# A caller's own request id is kept if it looks like one; anything else gets a fresh id.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def create_app(settings: Settings | None = None, *, analyzer: Analyzer | None = None) -> FastAPI:
    """Build the app; pass ``analyzer`` to reuse already-loaded models (tests, notebooks)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.analyzer = analyzer or Analyzer(settings)
        app.state.analyzer.warm_up()
        store = Store(settings.database_url, busy_timeout_s=settings.database_busy_timeout_s)
        if settings.database_auto_migrate:
            store.upgrade()
        app.state.store = store
        app.state.accounts = Accounts(
            store,
            max_failures=settings.login_max_failures,
            lockout=timedelta(minutes=settings.login_lockout_minutes),
            session_ttl=timedelta(hours=settings.session_hours),
        )
        app.state.pool = AnalyzerPool(app.state.analyzer)
        app.state.runner = make_runner(settings, store, app.state.pool)
        if settings.job_backend == "inprocess":
            # Jobs of a previous process that stopped mid-way start again.
            for workspace_id, run_id in store.unfinished_runs():
                app.state.runner.submit(workspace_id, run_id)
        else:
            # Jobs a previous process could not hand to the broker (it was down) go now.
            for workspace_id, run_id in store.unfinished_runs(stage=UNSENT):
                app.state.runner.submit(workspace_id, run_id)
        yield
        app.state.runner.shutdown()
        store.dispose()

    app = FastAPI(
        title="voc",
        version=__version__,
        description="Voice-of-customer text mining for Nordic NPS surveys: upload an export, "
        "get NPS with confidence intervals, themes, their impact and quotes.\n\n"
        "Every `/v1` route except the stateless `POST /v1/analyses` needs an `X-API-Key` "
        "header or a portal session cookie (`/login`; writes then need `X-CSRF-Token`); a key "
        "belongs to one workspace and has a role (admin, analyst, viewer). "
        "Errors are RFC 9457 problem details (`application/problem+json`).",
        lifespan=lifespan,
    )
    app.state.settings = settings
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["X-API-Key", "Content-Type", "X-CSRF-Token"],
        )

    @app.middleware("http")
    async def log_requests(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # Method, path, status and timing only: never bodies or query strings (comment text).
        given = request.headers.get("x-request-id", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        started = time.perf_counter()
        with log_context(request_id=request_id):
            response = await call_next(request)
            access_log.info(
                "%s %s %d %.1fms",
                request.method,
                request.url.path,
                response.status_code,
                1000 * (time.perf_counter() - started),
                extra={"workspace_id": getattr(request.state, "workspace_id", None)},
            )
        response.headers["X-Request-ID"] = request_id
        return response

    problems.install(app)
    app.include_router(health.router)
    app.include_router(web.router)
    app.include_router(analyses.router, prefix="/v1")
    app.include_router(portal.router)
    portal.mount_static(app)
    for router in (
        uploads,
        jobs,
        results,
        results_csat,
        exports,
        taxonomy,
        classify,
        workspace,
        cases,
    ):
        app.include_router(router.router, prefix="/v1")
    for router in (responses, business):
        app.include_router(router.router, prefix="/v1")
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        spec = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        spec.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
            problems.PROBLEM_SCHEMA
        )
        app.openapi_schema = spec
    return app.openapi_schema
