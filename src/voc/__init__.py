"""voc: voice-of-customer text mining for Nordic NPS surveys.

>>> from voc import analyze
>>> report = analyze("data/sample/nps_export.csv")
>>> report.nps, report.themes.head()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Analyzer", "Report", "Settings", "__version__", "analyze"]

if TYPE_CHECKING:
    from voc.config import Settings
    from voc.pipeline import Analyzer, analyze
    from voc.types import Report


def __getattr__(name: str) -> Any:
    # Lazy so that `import voc.types` or `voc.analytics` stays light (no models, no torch).
    if name in ("Analyzer", "analyze"):
        from voc import pipeline

        return getattr(pipeline, name)
    if name == "Settings":
        from voc.config import Settings

        return Settings
    if name == "Report":
        from voc.types import Report

        return Report
    raise AttributeError(f"module 'voc' has no attribute {name!r}")
