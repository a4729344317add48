"""The REST API: a thin FastAPI shell over :mod:`voc.pipeline`."""
