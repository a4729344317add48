"""Background analysis jobs: one task function, run in-process (default) or on Celery."""

from voc.jobs.analyzers import AnalyzerPool
from voc.jobs.runner import CeleryRunner, InProcessRunner, JobRunner, make_runner
from voc.jobs.tasks import run_analysis

__all__ = [
    "AnalyzerPool",
    "CeleryRunner",
    "InProcessRunner",
    "JobRunner",
    "make_runner",
    "run_analysis",
]
