"""The store on SQLite and PostgreSQL: migrations, scoping, embedding cache."""

from __future__ import annotations

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from voc.jobs.analyzers import StoreEmbedder
from voc.nlp.embed import HashingEmbedder
from voc.store import NotFoundError, Store
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
