"""Errors as RFC 9457 problem details (application/problem+json), mapped in one place."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from voc.errors import InputError, ModelNotFoundError, TaxonomyError, VocError
from voc.store.errors import (
    ConflictError,
    NotFoundError,
    StoreBusyError,
    StoreUnavailableError,
)

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class AuthError(VocError):
    """No usable API key: 401."""


class ForbiddenError(VocError):
    """The key's role does not allow this: 403."""


class PayloadTooLargeError(VocError):
    """The upload is over the size or row limit: 413."""


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}

#: OpenAPI ``responses=`` entries for the problem types routes can return.
PROBLEM: dict[str, Any] = {
    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
}
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or unknown API key", **PROBLEM},
    403: {"description": "The key's role does not allow this", **PROBLEM},
    404: {"description": "Not found in this workspace", **PROBLEM},
    422: {"description": "Invalid request", **PROBLEM},
    503: {"description": "Database busy or unavailable; see Retry-After", **PROBLEM},
}


def problem(
    status: int, title: str, detail: str, *, type_: str = "about:blank", **extra: object
) -> JSONResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install(app: FastAPI) -> None:
    @app.exception_handler(AuthError)
    async def _auth(_: Request, exc: AuthError) -> JSONResponse:
        response = problem(401, "Unauthorized", str(exc), type_="/problems/auth")
        response.headers["WWW-Authenticate"] = "APIKey"
        return response

    @app.exception_handler(ForbiddenError)
    async def _forbidden(_: Request, exc: ForbiddenError) -> JSONResponse:
        return problem(403, "Forbidden", str(exc), type_="/problems/forbidden")

    @app.exception_handler(NotFoundError)
    async def _not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        return problem(404, "Not found", str(exc), type_="/problems/not-found")

    @app.exception_handler(ConflictError)
    async def _conflict(_: Request, exc: ConflictError) -> JSONResponse:
        return problem(409, "Conflict", str(exc), type_="/problems/conflict")

    @app.exception_handler(PayloadTooLargeError)
    async def _too_large(_: Request, exc: PayloadTooLargeError) -> JSONResponse:
        return problem(413, "Upload too large", str(exc), type_="/problems/too-large")

    @app.exception_handler(StoreBusyError)
    async def _busy(_: Request, exc: StoreBusyError) -> JSONResponse:
        response = problem(503, "Busy, try again", str(exc), type_="/problems/busy")
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    @app.exception_handler(StoreUnavailableError)
    async def _unavailable(_: Request, exc: StoreUnavailableError) -> JSONResponse:
        log.error("store unavailable: %s", exc)
        response = problem(503, "Storage unavailable", str(exc), type_="/problems/storage")
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        # Log the type and route only: exception messages can quote request data.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return problem(500, "Internal error", "the server failed; the error was logged")

    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        return problem(
            422, "Unusable input", str(exc), type_="/problems/input", row=exc.row, column=exc.column
        )

    @app.exception_handler(TaxonomyError)
    async def _taxonomy(_: Request, exc: TaxonomyError) -> JSONResponse:
        return problem(422, "Invalid taxonomy", str(exc), type_="/problems/taxonomy")

    @app.exception_handler(ModelNotFoundError)
    async def _model(_: Request, exc: ModelNotFoundError) -> JSONResponse:
        return problem(503, "Model unavailable", str(exc), type_="/problems/model")

    @app.exception_handler(VocError)
    async def _voc(_: Request, exc: VocError) -> JSONResponse:
        return problem(400, "Request failed", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return problem(
            422,
            "Invalid request",
            f"{where}: {first.get('msg', 'invalid')}",
            type_="/problems/validation",
            errors=jsonable_encoder(exc.errors(), exclude={"input", "ctx", "url"}),
        )
