"""API fixtures: an app on a fresh database (SQLite file or a PostgreSQL schema) with keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from voc.api.main import create_app
from voc.config import Settings
from voc.pipeline import Analyzer
from voc.store import Store
from voc.store.testing import database_url  # noqa: F401 - a fixture


@pytest.fixture()
def fast_settings(fast_settings: Settings, database_url: str) -> Settings:  # noqa: F811
    """The fast settings on this test's own database (never ./voc.db)."""
    # Webhooks that schemathesis registers point nowhere: fail fast, no backoff waits.
    return fast_settings.model_copy(
        update={"database_url": database_url, "webhook_backoff_s": 0.0, "webhook_timeout_s": 2.0}
    )


@pytest.fixture(scope="session")
def fast_analyzer() -> Analyzer:
    """One fitted analyzer with the hashing embedder, shared by the API tests."""
    analyzer = Analyzer(Settings(embedding_model="hashing", bootstrap_samples=100))
    analyzer.warm_up()
    return analyzer


@dataclass
class Tenant:
    workspace_id: str
    keys: dict[str, str]  # role -> plaintext key

    def headers(self, role: str = "admin") -> dict[str, str]:
        return {"X-API-Key": self.keys[role]}


def make_tenant(store: Store, name: str) -> Tenant:
    ws = store.create_workspace(name)
    keys = {role: store.create_key(ws.id, role)[1] for role in ("admin", "analyst", "viewer")}
    return Tenant(ws.id, keys)


@pytest.fixture()
def service(fast_settings: Settings, fast_analyzer: Analyzer) -> Iterator[TestClient]:
    with TestClient(create_app(fast_settings, analyzer=fast_analyzer)) as client:
        yield client


@pytest.fixture()
def store(service: TestClient) -> Store:
    app_store: Store = service.app.state.store  # type: ignore[attr-defined]
    return app_store


@pytest.fixture()
def tenant_a(store: Store) -> Tenant:
    return make_tenant(store, "a")


@pytest.fixture()
def tenant_b(store: Store) -> Tenant:
    return make_tenant(store, "b")
