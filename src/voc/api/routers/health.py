from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from voc import __version__
from voc.api.deps import get_analyzer
from voc.pipeline import Analyzer

router = APIRouter(tags=["ops"])


class Health(BaseModel):
    status: str
    version: str
    embedding_model: str
    taxonomy_version: str


@router.get("/healthz", response_model=Health)
def healthz(analyzer: Analyzer = Depends(get_analyzer)) -> Health:
    """Liveness, and which model and taxonomy this instance serves."""
    return Health(
        status="ok",
        version=__version__,
        embedding_model=analyzer.embedder.model_id,
        taxonomy_version=f"{analyzer.taxonomy.name}@{analyzer.taxonomy.version}",
    )
