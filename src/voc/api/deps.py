"""FastAPI dependencies: the settings and the loaded analyzer live on app.state."""

from __future__ import annotations

from fastapi import Request

from voc.config import Settings
from voc.pipeline import Analyzer


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_analyzer(request: Request) -> Analyzer:
    analyzer: Analyzer = request.app.state.analyzer
    return analyzer
