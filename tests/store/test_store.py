"""The store on SQLite and PostgreSQL: migrations, scoping, embedding cache."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from voc.api.ingest import read_upload, response_rows
from voc.config import Settings
from voc.jobs.analyzers import StoreEmbedder
from voc.nlp.embed import HashingEmbedder
from voc.store import ConflictError, NotFoundError, Store
from voc.store.models import Base


@pytest.fixture()
def store(database_url: str) -> Store:
    store = Store(database_url)
    store.upgrade()
    yield store
    store.dispose()


def test_migrations_apply_from_empty_and_match_the_models(database_url: str) -> None:
    store = Store(database_url)
    try:
        assert "workspaces" not in inspect(store.engine).get_table_names()
        store.upgrade()
        assert set(Base.metadata.tables) <= set(inspect(store.engine).get_table_names())
        with store.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
        store.downgrade("base")
        assert "workspaces" not in inspect(store.engine).get_table_names()
        store.upgrade()
        store.upgrade()  # at head already: a no-op
        assert store.create_workspace("again").name == "again"
    finally:
        store.dispose()


def test_repository_never_reaches_another_workspace(store: Store) -> None:
    a = store.create_workspace("a")
    b = store.create_workspace("b")
    with store.workspace(b.id) as repo:
        upload = repo.add_upload("b.csv", b"Score\n9\n")
    with store.workspace(a.id) as repo:
        assert repo.list_uploads() == []
        with pytest.raises(NotFoundError):
            repo.get_upload(upload.id)
        with pytest.raises(NotFoundError):
            repo.delete_upload(upload.id)
    with store.workspace(b.id) as repo:
        assert [u.id for u in repo.list_uploads()] == [upload.id]


def test_api_keys_authenticate_by_hash_and_can_be_revoked(store: Store) -> None:
    ws = store.create_workspace("keys")
    record, plaintext = store.create_key(ws.id, "analyst", "ci")
    found = store.authenticate(plaintext)
    assert found is not None and found.role == "analyst" and found.workspace_id == ws.id
    assert store.authenticate(plaintext + "x") is None
    with store.workspace(ws.id) as repo:
        repo.revoke_key(record.id)
    assert store.authenticate(plaintext) is None


def test_embedding_cache_embeds_only_new_texts(store: Store) -> None:
    ws = store.create_workspace("cache")
    model = HashingEmbedder()
    first = StoreEmbedder(model, store, ws.id)
    january = first.encode(["Bra", "Fel på fakturan", "Bra"])
    assert first.misses == 2
    february = StoreEmbedder(model, store, ws.id)  # a new process next month
    vectors = february.encode(["Bra", "Lång väntetid"])
    assert february.misses == 1 and february.hits == 1
    np.testing.assert_allclose(vectors[0], january[0])
    with store.workspace(ws.id) as repo:
        assert repo.count_embeddings() == 3
    other = store.create_workspace("other")
    with store.workspace(other.id) as repo:
        assert repo.cached_embeddings(model.model_id, [StoreEmbedder.key("Bra")]) == {}


# --- an upload's raw file is kept only until commit ------------------------------------

PII = ("anna.svensson@firma.se", "811218-9876", "070-123 45 67")
PII_EXPORT = (
    "Response ID,Date,Score,Comment,Office\n"
    "1,2026-01-05,3,Fel på fakturan. Maila anna.svensson@firma.se,Malmö\n"
    "2,2026-01-06,9,Bra service,Oslo\n"
    "3,2026-01-09,2,Mitt personnummer är 811218-9876 och ring 070-123 45 67,Oslo\n"
    "4,2026-02-01,tio,Maila anna.svensson@firma.se igen,Oslo\n"
).encode() + b"".join(b"%d,2026-02-03,8,Ok,Oslo\n" % i for i in range(5, 1005))


def _stored_values(store: Store) -> list[str | bytes]:
    """Every value of every column of every table, as text or bytes."""
    out: list[str | bytes] = []
    with store.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        out.append(bytes(value))
                    elif value is not None:
                        out.append(
                            value if isinstance(value, str) else json.dumps(value, default=str)
                        )
    return out


def _holds(values: list[str | bytes], needle: str) -> bool:
    return any(needle.encode() in v if isinstance(v, bytes) else needle in v for v in values)


def test_commit_drops_the_raw_file_and_keeps_only_redacted_text(store: Store) -> None:
    settings = Settings(embedding_model="hashing")
    ws = store.create_workspace("pii")
    with store.workspace(ws.id) as repo:
        upload = repo.add_upload("export.csv", PII_EXPORT)
    assert all(_holds(_stored_values(store), p) for p in PII)  # pending: the file is there

    with store.workspace(ws.id) as repo:  # what POST /uploads/{id}/commit does
        filename, content = repo.upload_content(upload.id)
        _, loaded = read_upload(content, filename, None, settings)
        committed = repo.commit_upload(
            upload.id,
            loaded.report.mapping.model_dump(mode="json"),
            loaded.report.model_dump(mode="json"),
            response_rows(loaded),
            loaded.warnings,
        )
    assert committed.status == "committed" and committed.rows_used == 1003
    values = _stored_values(store)
    assert not [p for p in PII if _holds(values, p)]
    assert _holds(values, "Maila [email]") and _holds(values, "[id-number]")
    with store.workspace(ws.id) as repo:
        first = repo.responses(upload.id)[0]
        assert first.comment == "Fel på fakturan. Maila [email]"
        with pytest.raises(ConflictError):
            repo.upload_content(upload.id)

    if store.url.startswith("sqlite"):
        # Not in the file either: secure_delete zeroes the freed pages of the file's bytes.
        path = Path(store.url.removeprefix("sqlite:///"))
        store.dispose()
        with closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert not [p for p in PII if p.encode() in raw]


def test_migration_drops_committed_files_and_keeps_pending_ones(database_url: str) -> None:
    store = Store(database_url)
    try:
        store.upgrade("0001")
        with store.engine.begin() as c:
            c.execute(text("INSERT INTO workspaces VALUES ('w', 'w', CURRENT_TIMESTAMP)"))
            for upload_id, status in (("done", "committed"), ("open", "pending")):
                c.execute(
                    text(
                        "INSERT INTO uploads (id, workspace_id, filename, status, size_bytes, "
                        "content, rows_used, created_at) VALUES "
                        "(:id, 'w', 'f.csv', :status, 3, :content, 0, CURRENT_TIMESTAMP)"
                    ),
                    {"id": upload_id, "status": status, "content": b"a@b.se"},
                )
        store.upgrade()
        with store.engine.connect() as c:
            kept = dict(c.execute(text("SELECT id, content FROM uploads")).all())
        assert kept["done"] is None and bytes(kept["open"]) == b"a@b.se"
        with store.workspace("w") as repo:
            assert repo.get_upload("done").warnings == ()
    finally:
        store.dispose()
