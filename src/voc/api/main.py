"""The FastAPI application: models load once at start-up (lifespan), routes stay thin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from voc import __version__
from voc.api import problems
from voc.api.routers import analyses, health
from voc.config import Settings
from voc.pipeline import Analyzer


def create_app(settings: Settings | None = None, *, analyzer: Analyzer | None = None) -> FastAPI:
    """Build the app; pass ``analyzer`` to reuse already-loaded models (tests, notebooks)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.analyzer = analyzer or Analyzer(settings)
        app.state.analyzer.warm_up()
        yield

    app = FastAPI(
        title="voc",
        version=__version__,
        description="Voice-of-customer text mining for Nordic NPS surveys: upload an export, "
        "get NPS with confidence intervals, themes, their impact and quotes.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    problems.install(app)
    app.include_router(health.router)
    app.include_router(analyses.router, prefix="/v1")
    return app
