"""Service logs: one JSON object per line (or plain text), with request, job and workspace ids.

``voc serve`` and ``voc worker`` call :func:`configure_logging` with ``Settings.log_format``.
The ids come from a per-request or per-job context (:func:`log_context`), so any log call
made while serving a request or running a job carries them without passing them around.
Messages are whatever the code logs; voc never logs comment text, bodies or query strings.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal

LogFormat = Literal["json", "text"]

#: Context fields a log line may carry, in the order they are written.
CONTEXT_FIELDS = ("request_id", "job_id", "workspace_id")

# A dict, not one variable per field: code that runs in a copied context (a sync FastAPI
# dependency in the thread pool) can still add the workspace id for the whole request.
_context: ContextVar[dict[str, str] | None] = ContextVar("voc_log_context", default=None)


@contextmanager
def log_context(**fields: str | None) -> Iterator[dict[str, str]]:
    """Add ids to every log record made inside the block (nested blocks add to outer ones)."""
    merged = {**(_context.get() or {}), **{k: v for k, v in fields.items() if v}}
    token = _context.set(merged)
    try:
        yield merged
    finally:
        _context.reset(token)


def bind(**fields: str | None) -> None:
    """Add ids to the current request's or job's context (no-op outside one)."""
    current = _context.get()
    if current is not None:
        current.update({k: v for k, v in fields.items() if v})


class ContextFilter(logging.Filter):
    """Copies the context's ids onto each record (an id given with ``extra=`` wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_context.get() or {}).items():
            if getattr(record, key, None) is None:
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, the context ids that are known, and any exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in CONTEXT_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message key=value ...`` for reading in a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        ids = [(k, getattr(record, k, None)) for k in CONTEXT_FIELDS]
        suffix = " ".join(f"{k}={v}" for k, v in ids if v is not None)
        if not suffix:
            return text
        first, newline, rest = text.partition("\n")  # keep a traceback below the ids
        return f"{first} {suffix}{newline}{rest}"


def make_handler(log_format: LogFormat, stream: object = None) -> logging.Handler:
    """A stream handler (stderr by default) with the format's formatter and the ids filter."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    return handler


def configure_logging(log_format: LogFormat, level: int | str = logging.INFO) -> None:
    """Send every logger's records (voc, uvicorn, celery) to one handler on the root logger."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(make_handler(log_format))
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "celery"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
