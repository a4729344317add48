"""Many writers at once on the embedded SQLite store, against a real ``voc serve`` process."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier
from typing import Any

import httpx

from voc.store import Store

from .conftest import LiveServer, make_tenant  # type: ignore[import-not-found]

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "nps_export.csv"
CLIENTS = 16


def sample_slices(k: int) -> list[bytes]:
    """The sample export cut into ``k`` files, each with the header."""
    header, *rows = SAMPLE.read_bytes().decode("utf-8").splitlines()
    size = -(-len(rows) // k)
    return ["\n".join([header, *rows[i * size : (i + 1) * size]]).encode("utf-8") for i in range(k)]


def all_at_once(calls: list[Callable[[httpx.Client], httpx.Response]]) -> list[httpx.Response]:
    """Each call on its own thread and connection, released together by a barrier."""
    barrier = Barrier(len(calls))

    def fire(call: Callable[[httpx.Client], httpx.Response]) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            barrier.wait()
            return call(client)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(fire, calls))


def test_sixteen_uploads_commits_and_jobs_at_once_all_land(
    tmp_path: Path, live_server: Callable[..., LiveServer]
) -> None:
    url = f"sqlite:///{tmp_path / 'voc.db'}"
    store = Store(url)
    store.upgrade()
    tenant = make_tenant(store, "month-end")
    server = live_server(url)
    headers = tenant.headers("analyst")
    base = server.url + "/v1"

    def upload(i: int, content: bytes) -> Callable[[httpx.Client], httpx.Response]:
        files = {"file": (f"slice{i}.csv", content, "text/csv")}
        return lambda c: c.post(base + "/uploads", headers=headers, files=files)

    started = time.monotonic()
    uploads = all_at_once([upload(i, s) for i, s in enumerate(sample_slices(CLIENTS))])
    assert [r.status_code for r in uploads] == [201] * CLIENTS, [r.text for r in uploads]
    ids = [r.json()["upload"]["id"] for r in uploads]

    def commit(upload_id: str) -> Callable[[httpx.Client], httpx.Response]:
        return lambda c: c.post(f"{base}/uploads/{upload_id}/commit", headers=headers)

    commits = all_at_once([commit(i) for i in ids])
    assert [r.status_code for r in commits] == [200] * CLIENTS, [r.text for r in commits]
    used = sum(r.json()["rows_used"] for r in commits)
    assert used > 600  # the sample's usable rows, all of them stored

    def job(upload_id: str) -> Callable[[httpx.Client], httpx.Response]:
        return lambda c: c.post(base + "/jobs", headers=headers, json={"upload_id": upload_id})

    jobs = all_at_once([job(i) for i in ids])
    assert [r.status_code for r in jobs] == [202] * CLIENTS, [r.text for r in jobs]
    done: dict[str, Any] = {}
    deadline = time.monotonic() + 240
    with httpx.Client(timeout=30) as client:
        while len(done) < CLIENTS and time.monotonic() < deadline:
            for r in jobs:
                job_id = r.json()["id"]
                state = client.get(f"{base}/jobs/{job_id}", headers=headers).json()
                if state["status"] in ("succeeded", "failed"):
                    done[job_id] = state
            time.sleep(0.5)
        errors = [s["error"] for s in done.values() if s["status"] != "succeeded"]
        assert len(done) == CLIENTS and not errors, (errors, server.log[-3000:])
        nps = client.get(base + "/results/nps", headers=headers).json()
    assert nps["overall"]["n"] == used
    assert "database is locked" not in server.log
    assert time.monotonic() - started < 300
    store.dispose()
