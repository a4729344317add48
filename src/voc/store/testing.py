"""Pytest fixtures for code that needs a database: import them into a conftest.

``database_url`` runs a test twice, on a fresh SQLite file and on its own schema of the
local PostgreSQL (dropped afterwards). Where PostgreSQL cannot be reached the PostgreSQL
case is skipped on a laptop and fails under ``CI=true``, so CI never passes by skipping.
This module imports pytest; only test suites import it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _base_postgres_url() -> str:
    return os.environ.get("VOC_TEST_POSTGRES_URL", POSTGRES_URL)


def unreachable(what: str, exc: Exception) -> None:
    """Fail under CI (the servers are part of the CI contract); skip elsewhere."""
    message = f"{what} is unreachable ({type(exc).__name__}: {exc})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + "; CI=true, so this fails instead of skipping", pytrace=False)
    pytest.skip(message)


def postgres_schema_url() -> Iterator[str]:
    """A database URL whose search_path is a new schema; the schema is dropped afterwards."""
    base = _base_postgres_url()
    schema = f"voc_t_{uuid.uuid4().hex[:12]}"
    # No pooled connection to go stale: a fault test restarts the server in between.
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # any driver error: the server is not there
        admin.dispose()
        unreachable(f"PostgreSQL at {base}", exc)
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test: SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'voc.db'}"
    else:
        yield from postgres_schema_url()
