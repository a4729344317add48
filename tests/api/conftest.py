"""API fixtures: an app on a fresh database (SQLite file or a PostgreSQL schema) with keys."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
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


class LiveServer:
    """A real ``voc serve`` process (uvicorn, its own threads) on a free port."""

    def __init__(self, url: str, tmp: Path, **env: str):
        self.database_url = url
        self.tmp = tmp
        self.env = {
            **os.environ,
            "VOC_DATABASE_URL": url,
            "VOC_EMBEDDING_MODEL": "hashing",
            "VOC_BOOTSTRAP_SAMPLES": "100",
            "VOC_MODELS_DIR": str(tmp / "models"),
            "VOC_LOG_FORMAT": "text",
            **env,
        }
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.tmp.glob("serve*.log")))

    def start(self, timeout: float = 120) -> LiveServer:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        log = (self.tmp / f"serve{self.starts}.log").open("wb")
        self.starts += 1
        voc = Path(sys.executable).with_name("voc")
        self.proc = subprocess.Popen(
            [str(voc), "serve", "--port", str(self.port)], env=self.env, stdout=log, stderr=log
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"voc serve exited early:\n{self.log[-3000:]}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"voc serve not ready in {timeout} s:\n{self.log[-3000:]}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


@pytest.fixture()
def live_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start ``voc serve`` processes on a database; every one is killed at the end."""
    servers: list[LiveServer] = []

    def start(url: str, **env: str) -> LiveServer:
        server = LiveServer(url, tmp_path, **env).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.kill()
