from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from voc import __version__
from voc.api.deps import get_analyzer, get_store
from voc.pipeline import Analyzer
from voc.store import Store

router = APIRouter(tags=["ops"])
log = logging.getLogger(__name__)


class Health(BaseModel):
    status: str
    version: str
    embedding_model: str
    taxonomy_version: str


class Ready(BaseModel):
    status: str
    models_loaded: bool
    database: str


@router.get("/healthz", response_model=Health)
def healthz(analyzer: Analyzer = Depends(get_analyzer)) -> Health:
    """Liveness, and which model and taxonomy this instance serves."""
    return Health(
        status="ok",
        version=__version__,
        embedding_model=analyzer.embedder.model_id,
        taxonomy_version=f"{analyzer.taxonomy.name}@{analyzer.taxonomy.version}",
    )


@router.get(
    "/readyz",
    response_model=Ready,
    responses={503: {"description": "Not ready", "model": Ready}},
)
def readyz(
    analyzer: Annotated[Analyzer, Depends(get_analyzer)],
    store: Annotated[Store, Depends(get_store)],
) -> Ready | JSONResponse:
    """Readiness: the models are loaded and the database answers."""
    models = "theme_model" in analyzer.__dict__  # the cached_property has been computed
    try:
        store.ping()
        database = "ok"
    except Exception as exc:  # any driver error means not ready
        log.warning("readiness: database unreachable (%s)", type(exc).__name__)
        database = "unreachable"
    ready = Ready(
        status="ok" if models and database == "ok" else "unavailable",
        models_loaded=models,
        database=database,
    )
    if ready.status != "ok":
        return JSONResponse(ready.model_dump(), status_code=503)
    return ready
