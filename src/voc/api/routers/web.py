"""The upload page for people: choose an export, read the HTML report in the browser.

It is one static page that posts to ``POST /v1/analyses`` asking for ``text/html``, so
it adds no route of its own to the API and stores nothing.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@cache
def upload_page() -> str:
    return files("voc.api").joinpath("web/index.html").read_text(encoding="utf-8")


@router.get("/", response_class=HTMLResponse)
def index() -> HTMLResponse:
    return HTMLResponse(upload_page())
