"""Faults against real servers: kill -9 mid-commit, PostgreSQL restarted under load, Redis
down with Celery, the SQLite file read-only or its disk full.

Marked ``faults``: they restart the shared PostgreSQL and mount file systems, so they are
not in the default run; CI (``make test``) runs them with ``pytest -m faults``.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from voc.store import Store
from voc.store.testing import postgres_schema_url

from .conftest import LiveServer, make_tenant  # type: ignore[import-not-found]

pytestmark = pytest.mark.faults


def big_export(n: int, seed: int = 3) -> bytes:
    rng = random.Random(seed)
    words = ["bra", "fel", "faktura", "snabb", "dyr", "personal", "väntetid", "portalen"]
    lines = ["Response ID,Date,Score,Comment"]
    lines += [
        f"{i},2026-0{1 + i % 6}-1{i % 9},{rng.randint(0, 10)},{' '.join(rng.choices(words, k=8))}"
        for i in range(n)
    ]
    return "\n".join(lines).encode()


def responses_of(store: Store, workspace_id: str, upload_id: str) -> tuple[str, int, int]:
    with store.workspace(workspace_id) as repo:
        upload = repo.get_upload(upload_id)
        return upload.status, upload.rows_used, len(repo.responses(upload_id))


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_kill_9_during_an_upload_commit_leaves_it_whole_or_untouched(
    backend: str, tmp_path: Path, live_server: Callable[..., LiveServer]
) -> None:
    schemas = postgres_schema_url() if backend == "postgres" else None
    url = next(schemas) if schemas else f"sqlite:///{tmp_path / 'voc.db'}"
    try:
        store = Store(url)
        store.upgrade()
        tenant = make_tenant(store, "kill")
        headers = tenant.headers("analyst")
        content = big_export(40_000)
        outcomes = []
        for delay in (0.3, 1.0, 2.0):  # kill before, during and (maybe) after the insert
            server = live_server(url)
            created = httpx.post(
                server.url + "/v1/uploads",
                headers=headers,
                files={"file": ("big.csv", content, "text/csv")},
                timeout=120,
            )
            assert created.status_code == 201, created.text
            upload_id = created.json()["upload"]["id"]
            commit = threading.Thread(
                target=lambda u=server.url, i=upload_id: _post_quietly(
                    f"{u}/v1/uploads/{i}/commit", headers
                )
            )
            commit.start()
            time.sleep(delay)
            server.kill()
            commit.join(30)
            status, rows_used, stored = responses_of(store, tenant.workspace_id, upload_id)
            # Never half: all 40,000 rows with the committed status, or none and pending.
            assert (status, rows_used, stored) in (("committed", 40_000, 40_000), ("pending", 0, 0))
            outcomes.append(status)
        # A restarted server serves the store, which passes SQLite's own check.
        server = live_server(url)
        assert httpx.get(server.url + "/readyz", timeout=10).status_code == 200
        if backend == "sqlite":
            with sqlite3.connect(tmp_path / "voc.db") as check:
                assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert "pending" in outcomes or "committed" in outcomes
        store.dispose()
    finally:
        if schemas:
            schemas.close()


def _post_quietly(url: str, headers: dict[str, str]) -> None:
    with contextlib.suppress(httpx.HTTPError):  # the server is killed under it: the test
        httpx.post(url, headers=headers, timeout=60)


# --- PostgreSQL restarted under load -----------------------------------------------------


def _pg_restart() -> None:
    version = next(Path("/etc/postgresql").iterdir()).name
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        timeout=60,
    )


def _pg_ensure_running() -> None:
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode != 0:
        version = next(Path("/etc/postgresql").iterdir()).name
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False
        )


@pytest.fixture()
def postgres_url() -> Iterator[str]:
    yield from postgres_schema_url()


@pytest.mark.postgres
def test_postgres_restart_under_load_no_request_hangs_and_the_pool_recovers(
    postgres_url: str, live_server: Callable[..., LiveServer]
) -> None:
    store = Store(postgres_url)
    store.upgrade()
    tenant = make_tenant(store, "pg")
    store.dispose()
    server = live_server(postgres_url)
    headers = tenant.headers("analyst")
    content = big_export(200)
    stop = threading.Event()
    results: list[tuple[str, int, float]] = []

    def client(i: int) -> None:
        with httpx.Client(timeout=30) as c:  # a hang would raise ReadTimeout here
            while not stop.is_set():
                started = time.monotonic()
                if i % 2:
                    r = c.get(server.url + "/v1/results/nps", headers=headers)
                else:
                    r = c.post(
                        server.url + "/v1/uploads",
                        headers=headers,
                        files={"file": ("s.csv", content, "text/csv")},
                    )
                results.append((r.request.method, r.status_code, time.monotonic() - started))

    try:
        with ThreadPoolExecutor(6) as pool:
            futures = [pool.submit(client, i) for i in range(6)]
            time.sleep(2)
            before = len(results)
            _pg_restart()
            time.sleep(4)
            stop.set()
            for f in futures:
                f.result()  # re-raises a client timeout (a hung request)
    finally:
        _pg_ensure_running()
    statuses = {s for _, s, _ in results}
    assert statuses <= {200, 201, 503}, statuses  # never 500
    assert max(t for _, _, t in results) < 30
    assert before > 0
    # After the restart the pool hands out fresh connections: requests succeed again.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        r = httpx.get(server.url + "/v1/results/nps", headers=headers, timeout=10)
        if r.status_code == 200:
            break
        time.sleep(0.5)
    assert r.status_code == 200, r.text
    ok_after = [
        httpx.get(server.url + "/v1/results/nps", headers=headers, timeout=10).status_code
        for _ in range(10)
    ]
    assert ok_after == [200] * 10


# --- Redis down with Celery configured ----------------------------------------------------


class OwnRedis:
    """A private redis-server on a free port (the shared one on 6379 is never touched)."""

    def __init__(self, tmp: Path):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.tmp = tmp
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise AssertionError("own redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.mark.celery
def test_redis_down_jobs_stay_queued_and_run_when_it_is_back(
    tmp_path: Path, live_server: Callable[..., LiveServer]
) -> None:
    url = f"sqlite:///{tmp_path / 'voc.db'}"
    store = Store(url)
    store.upgrade()
    tenant = make_tenant(store, "broker")
    redis_server = OwnRedis(tmp_path)
    redis_server.start()
    queue = f"voc-faults-{uuid.uuid4().hex[:6]}"
    env = {
        "VOC_JOB_BACKEND": "celery",
        "VOC_BROKER_URL": redis_server.url,
        "VOC_CELERY_QUEUE": queue,
        "VOC_BROKER_RETRY_S": "1",
    }
    server = live_server(url, **env)
    headers = tenant.headers("analyst")
    worker: subprocess.Popen[bytes] | None = None
    try:
        base = server.url + "/v1"
        upload = httpx.post(
            base + "/uploads",
            headers=headers,
            files={"file": ("s.csv", big_export(120), "text/csv")},
            timeout=60,
        ).json()["upload"]["id"]
        assert httpx.post(f"{base}/uploads/{upload}/commit", headers=headers, timeout=60).is_success
        redis_server.kill()
        jobs = [
            httpx.post(base + "/jobs", headers=headers, json={"upload_id": upload}, timeout=30)
            for _ in range(3)
        ]
        assert [j.status_code for j in jobs] == [202] * 3
        ids = [j.json()["id"] for j in jobs]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = [httpx.get(f"{base}/jobs/{i}", headers=headers).json() for i in ids]
            if all(s["stage"] == "waiting for broker" for s in states):
                break
            time.sleep(0.5)
        assert all(s["status"] == "queued" for s in states), states
        assert all(s["stage"] == "waiting for broker" for s in states), states

        redis_server.start()  # same port: the API's retry thread sends them now
        worker_env = {**server.env, "VOC_CELERY_QUEUE": queue}
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("voc")), "worker"],
            env=worker_env,
            stdout=(tmp_path / "worker.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            states = [httpx.get(f"{base}/jobs/{i}", headers=headers).json() for i in ids]
            if all(s["status"] in ("succeeded", "failed") for s in states):
                break
            time.sleep(0.5)
        assert [s["status"] for s in states] == ["succeeded"] * 3, (
            states,
            (tmp_path / "worker.log").read_text(errors="replace")[-2000:],
        )
    finally:
        if worker is not None:
            worker.kill()
            worker.wait(10)
        redis_server.kill()
        store.dispose()


# --- SQLite read-only or its disk full ----------------------------------------------------


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs (root in CI); unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _assert_503(r: httpx.Response) -> None:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert int(r.headers["retry-after"]) > 0
    assert r.json()["type"] == "/problems/storage"


def _integrity(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as check:
        return check.execute("PRAGMA integrity_check").fetchall()


def test_sqlite_disk_full_is_a_clear_503_and_no_corruption(
    small_disk: Path, live_server: Callable[..., LiveServer]
) -> None:
    db = small_disk / "voc.db"
    store = Store(f"sqlite:///{db}")
    store.upgrade()
    tenant = make_tenant(store, "full")
    server = live_server(f"sqlite:///{db}")
    headers = tenant.headers("analyst")
    content = big_export(4000, seed=1)  # ~250 kB a file: the 3 MB disk fills in a few
    statuses = []
    for _ in range(40):
        r = httpx.post(
            server.url + "/v1/uploads",
            headers=headers,
            files={"file": ("s.csv", content, "text/csv")},
            timeout=60,
        )
        statuses.append(r.status_code)
        if r.status_code != 201:
            _assert_503(r)
            assert "disk is full" in r.json()["detail"]
            break
    assert statuses[0] == 201 and statuses[-1] == 503, statuses
    # Reads still work, and the file is sound.
    assert httpx.get(server.url + "/v1/uploads", headers=headers, timeout=30).status_code == 200
    server.kill()
    assert _integrity(db) == [("ok",)]
    store.dispose()


def test_sqlite_read_only_file_is_a_clear_503_and_no_corruption(
    small_disk: Path, tmp_path: Path, live_server: Callable[..., LiveServer]
) -> None:
    db = small_disk / "voc.db"
    store = Store(f"sqlite:///{db}")
    store.upgrade()
    tenant = make_tenant(store, "ro")
    store.dispose()
    with sqlite3.connect(db) as c:  # a file copied in from elsewhere: rollback journal
        c.execute("PRAGMA journal_mode=DELETE")
    # The same file seen through a read-only mount (root ignores file permissions).
    view = tmp_path / "ro"
    view.mkdir()
    subprocess.run(["mount", "--bind", str(small_disk), str(view)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        server = live_server(f"sqlite:///{view / 'voc.db'}", VOC_DATABASE_AUTO_MIGRATE="false")
        headers = tenant.headers("analyst")
        files = {"file": ("s.csv", big_export(50), "text/csv")}
        r = httpx.post(server.url + "/v1/uploads", headers=headers, files=files, timeout=30)
        _assert_503(r)
        assert "read-only" in r.json()["detail"]
        # Reads go on.
        assert httpx.get(server.url + "/v1/uploads", headers=headers, timeout=30).status_code == 200
        server.kill()
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)
    assert _integrity(db) == [("ok",)]
