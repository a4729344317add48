"""Persistence for the service: SQLAlchemy 2 models, Alembic migrations, one Store.

SQLite file by default, PostgreSQL by ``VOC_DATABASE_URL``. Tenant data is reached only
through :meth:`Store.workspace`, whose repository filters every query by workspace.
"""

from voc.store.engine import Store, hash_key
from voc.store.errors import ConflictError, NotFoundError
from voc.store.records import ResultFilters
from voc.store.repository import WorkspaceRepository

__all__ = [
    "ConflictError",
    "NotFoundError",
    "ResultFilters",
    "Store",
    "WorkspaceRepository",
    "hash_key",
]
