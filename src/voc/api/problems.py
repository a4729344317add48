"""Errors as RFC 9457 problem details (application/problem+json), mapped in one place."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from voc.errors import InputError, ModelNotFoundError, TaxonomyError, VocError

PROBLEM_JSON = "application/problem+json"


def problem(
    status: int, title: str, detail: str, *, type_: str = "about:blank", **extra: object
) -> JSONResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install(app: FastAPI) -> None:
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
            errors=exc.errors(),
        )
