"""The Store: one engine, migrations, API-key look-up, and workspace-scoped repositories."""

from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, func, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from voc.errors import VocError
from voc.store.errors import StoreBusyError, StoreUnavailableError
from voc.store.models import TENANT_TABLES, AnalysisRun, ApiKey, Workspace, utcnow
from voc.store.records import KeyRecord, Role, WorkspaceRecord
from voc.store.repository import WorkspaceRepository, hash_key, key_record


def new_id() -> str:
    return uuid.uuid4().hex


log = logging.getLogger(__name__)

#: Execution option that marks a connection's transactions as writes (BEGIN IMMEDIATE on SQLite).
WRITE = "voc_write"


def make_engine(url: str, busy_timeout_s: float = 10.0) -> Engine:
    """An engine for ``url``; a checkout waits at most ``busy_timeout_s`` for a free connection.

    SQLite gets foreign keys, secure delete, WAL and a busy timeout, and the driver's own
    transaction handling is switched off so that every transaction is begun here: ``BEGIN``
    for reads, ``BEGIN IMMEDIATE`` for connections with the :data:`WRITE` option. A deferred
    transaction that reads and then writes cannot wait for the write lock (SQLite answers
    "database is locked" at once, whatever the busy timeout, because its snapshot may be
    stale); one that begins as a writer waits its turn in the busy handler instead.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_s},
            # SQLite connections are cheap; enough that every API thread (40) and the job
            # thread can hold one, so no request waits for another's to be returned.
            pool_size=8,
            max_overflow=56,
            pool_timeout=busy_timeout_s,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # Deleted content (an upload's file after commit, erased rows) is overwritten
            # with zeros in the file, not just unlinked.
            cursor.execute("PRAGMA secure_delete=ON")
            if ":memory:" not in url:
                # Readers see the last commit while one writer writes; nobody waits for reads.
                try:
                    cursor.execute("PRAGMA journal_mode=WAL")
                except sqlite3.OperationalError as exc:
                    # A read-only file still serves reads; writes answer 503 (store_error).
                    log.warning("SQLite stays in its journal mode: %s", exc)
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Connection) -> None:
            write = connection.get_execution_options().get(WRITE, False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    # pre-ping: a connection the server dropped (restart, failover) is replaced, not used.
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=40, pool_timeout=busy_timeout_s
    )


def store_error(exc: BaseException, busy_timeout_s: float) -> VocError | None:
    """The store error a driver or pool error means for a caller, or None for a bug."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection freed in time
        return StoreBusyError(
            f"the database is busy: no connection was free within {busy_timeout_s:g} s"
        )
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    message = str(exc.orig).lower()
    if "database is locked" in message or "database table is locked" in message:
        return StoreBusyError(
            f"the database is busy: another write held it for more than {busy_timeout_s:g} s"
        )
    if "readonly database" in message:
        return StoreUnavailableError(
            "the database file is read-only: nothing can be saved until it is writable again"
        )
    if "database or disk is full" in message:
        return StoreUnavailableError(
            "the database's disk is full: nothing can be saved until space is freed"
        )
    if "disk i/o error" in message or "unable to open database" in message:
        return StoreUnavailableError("the database file cannot be read or written")
    if exc.connection_invalidated or (
        isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError)
        and "sqlite" not in type(exc.orig).__module__
    ):
        return StoreUnavailableError("the database cannot be reached; try again shortly")
    return None


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    problems = [r[0] for r in connection.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise VocError(f"{path} failed SQLite's integrity check: {'; '.join(problems[:5])}")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("voc.store").joinpath("migrations"))
    )
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Store:
    """Persistence behind one interface; tenant data only through :meth:`workspace`."""

    def __init__(self, url: str, *, busy_timeout_s: float = 10.0):
        self.url = url
        self.busy_timeout_s = busy_timeout_s
        self.engine = make_engine(url, busy_timeout_s)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(**{WRITE: True}), expire_on_commit=False
        )
        # SQLite has one writer at a time. Writers of this process queue here, in order and
        # without polling; BEGIN IMMEDIATE and the busy timeout order them with other
        # processes (a Celery worker, the CLI) on the same file.
        self._write_lock = threading.Lock() if url.startswith("sqlite") else None

    # --- schema -------------------------------------------------------------------
    def upgrade(self, revision: str = "head") -> None:
        """Apply migrations up to ``revision`` (from empty on a new database)."""
        config = alembic_config(self.url)
        with self.engine.execution_options(**{WRITE: True}).begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def downgrade(self, revision: str) -> None:
        config = alembic_config(self.url)
        with self.engine.execution_options(**{WRITE: True}).begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()

    # --- backup -------------------------------------------------------------------
    def _sqlite_only(self, what: str) -> None:
        if self.engine.dialect.name != "sqlite":
            raise VocError(
                f"{what} works on the SQLite store; for PostgreSQL use pg_dump / pg_restore "
                "(e.g. `pg_dump -Fc -f voc.dump DBNAME`)"
            )

    def backup(self, path: Path) -> None:
        """Copy the SQLite database to ``path`` with SQLite's online backup (safe while serving).

        Readers and writers go on meanwhile; the copy is one consistent state. PostgreSQL:
        raises :class:`VocError` naming pg_dump.
        """
        self._sqlite_only("backup")
        path = Path(path)
        if path.exists():
            raise VocError(f"{path} exists; choose a new file for the backup")
        target = sqlite3.connect(path)
        try:
            with self.engine.connect() as connection:
                source = connection.connection.driver_connection
                assert isinstance(source, sqlite3.Connection)
                source.backup(target)
            _check_integrity(target, path)
        finally:
            target.close()

    def restore(self, path: Path) -> None:
        """Replace this SQLite database's content with the backup at ``path``, then migrate.

        Stop the service first: requests running during a restore may see either state.
        """
        self._sqlite_only("restore")
        path = Path(path)
        if not path.is_file():
            raise VocError(f"{path}: no such backup file")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            _check_integrity(source, path)
            tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables:
                raise VocError(f"{path} is not a voc database (no alembic_version table)")
            self.engine.dispose()
            with self.engine.connect() as connection:
                target = connection.connection.driver_connection
                assert isinstance(target, sqlite3.Connection)
                source.backup(target)
        finally:
            source.close()
        self.engine.dispose()
        self.upgrade()

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction; ``write=True`` for one that writes (it begins as a writer).

        Keep write transactions short: parse and analyse before, not inside. Driver errors
        that mean "busy" or "cannot write" come out as :class:`StoreBusyError` and
        :class:`StoreUnavailableError` (the API answers 503 with Retry-After).
        """
        lock = self._write_lock if write else None
        if lock is not None and not lock.acquire(timeout=self.busy_timeout_s):
            raise StoreBusyError(
                f"the database is busy: other writes held it for more than "
                f"{self.busy_timeout_s:g} s"
            )
        try:
            sessions = self._write_sessions if write else self._sessions
            with sessions() as session, session.begin():
                yield session
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as exc:
            mapped = store_error(exc, self.busy_timeout_s)
            if mapped is None:
                raise
            raise mapped from exc
        finally:
            if lock is not None:
                lock.release()

    @contextmanager
    def workspace(self, workspace_id: str, *, write: bool = False) -> Iterator[WorkspaceRepository]:
        """A repository whose every query is filtered by ``workspace_id``; one transaction.

        Pass ``write=True`` when it writes (see :meth:`session`).
        """
        with self.session(write=write) as session:
            yield WorkspaceRepository(session, workspace_id)

    # --- workspaces and keys (not tenant-scoped: used by auth and the admin CLI) ----
    def create_workspace(self, name: str) -> WorkspaceRecord:
        with self.session(write=True) as session:
            ws = Workspace(id=new_id(), name=name, created_at=utcnow())
            session.add(ws)
            session.flush()
            return WorkspaceRecord(id=ws.id, name=ws.name, created_at=ws.created_at)

    def list_workspaces(self) -> list[WorkspaceRecord]:
        """Every workspace, oldest first (for maintenance passes such as alert delivery)."""
        with self.session() as session:
            rows = session.scalars(select(Workspace).order_by(Workspace.created_at, Workspace.id))
            return [WorkspaceRecord(ws.id, ws.name, ws.created_at) for ws in rows]

    def find_workspace(self, name: str) -> WorkspaceRecord | None:
        with self.session() as session:
            ws = session.scalar(select(Workspace).where(Workspace.name == name))
            return None if ws is None else WorkspaceRecord(ws.id, ws.name, ws.created_at)

    def create_key(self, workspace_id: str, role: Role, name: str = "") -> tuple[KeyRecord, str]:
        """A new API key; the plaintext is returned once and only its hash is kept."""
        with self.workspace(workspace_id, write=True) as repo:
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

    def unfinished_runs(self, stage: str | None = None) -> list[tuple[str, str]]:
        """(workspace id, job id) of every queued or running job, oldest first (restart).

        With ``stage``, only the queued jobs at that stage (e.g. never sent to the broker).
        """
        with self.session() as session:
            query = select(AnalysisRun.workspace_id, AnalysisRun.id)
            if stage is None:
                query = query.where(AnalysisRun.status.in_(("queued", "running")))
            else:
                query = query.where(AnalysisRun.status == "queued", AnalysisRun.stage == stage)
            rows = session.execute(query.order_by(AnalysisRun.created_at))
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
