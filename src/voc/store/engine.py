"""The Store: one engine, migrations, API-key look-up, and workspace-scoped repositories."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from voc.store.models import TENANT_TABLES, AnalysisRun, ApiKey, Workspace, utcnow
from voc.store.records import KeyRecord, Role, WorkspaceRecord
from voc.store.repository import WorkspaceRepository, hash_key, key_record


def new_id() -> str:
    return uuid.uuid4().hex


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, secure delete, WAL, a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # Deleted content (an upload's file after commit, erased rows) is overwritten
            # with zeros in the file, not just unlinked.
            cursor.execute("PRAGMA secure_delete=ON")
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("voc.store").joinpath("migrations"))
    )
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Store:
    """Persistence behind one interface; tenant data only through :meth:`workspace`."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # --- schema -------------------------------------------------------------------
    def upgrade(self, revision: str = "head") -> None:
        """Apply migrations up to ``revision`` (from empty on a new database)."""
        config = alembic_config(self.url)
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def downgrade(self, revision: str) -> None:
        config = alembic_config(self.url)
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def workspace(self, workspace_id: str) -> Iterator[WorkspaceRepository]:
        """A repository whose every query is filtered by ``workspace_id``; one transaction."""
        with self.session() as session:
            yield WorkspaceRepository(session, workspace_id)

    # --- workspaces and keys (not tenant-scoped: used by auth and the admin CLI) ----
    def create_workspace(self, name: str) -> WorkspaceRecord:
        with self.session() as session:
            ws = Workspace(id=new_id(), name=name, created_at=utcnow())
            session.add(ws)
            session.flush()
            return WorkspaceRecord(id=ws.id, name=ws.name, created_at=ws.created_at)

    def find_workspace(self, name: str) -> WorkspaceRecord | None:
        with self.session() as session:
            ws = session.scalar(select(Workspace).where(Workspace.name == name))
            return None if ws is None else WorkspaceRecord(ws.id, ws.name, ws.created_at)

    def create_key(self, workspace_id: str, role: Role, name: str = "") -> tuple[KeyRecord, str]:
        """A new API key; the plaintext is returned once and only its hash is kept."""
        with self.workspace(workspace_id) as repo:
            return repo.create_key(role, name)

    def authenticate(self, plaintext: str) -> KeyRecord | None:
        """The live key with this plaintext, or None."""
        with self.session() as session:
            key = session.scalar(
                select(ApiKey).where(
                    ApiKey.key_hash == hash_key(plaintext), ApiKey.revoked_at.is_(None)
                )
            )
            return None if key is None else key_record(key)

    def unfinished_runs(self) -> list[tuple[str, str]]:
        """(workspace id, job id) of every queued or running job, oldest first (restart)."""
        with self.session() as session:
            rows = session.execute(
                select(AnalysisRun.workspace_id, AnalysisRun.id)
                .where(AnalysisRun.status.in_(("queued", "running")))
                .order_by(AnalysisRun.created_at)
            )
            return [(str(w), str(r)) for w, r in rows]

    def count_workspace_rows(self, workspace_id: str) -> dict[str, int]:
        """Rows per table that belong to ``workspace_id`` (erasure checks, ops)."""
        with self.session() as session:
            counts = {
                table.__tablename__: int(
                    session.scalar(
                        select(func.count())
                        .select_from(table)
                        .where(table.workspace_id == workspace_id)
                    )
                    or 0
                )
                for table in TENANT_TABLES
            }
            counts["workspaces"] = int(
                session.scalar(
                    select(func.count()).select_from(Workspace).where(Workspace.id == workspace_id)
                )
                or 0
            )
            return counts
