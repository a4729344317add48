"""Mixed load on a real ``voc serve`` with Locust (headless): dashboards, uploads, commits, jobs.

For each store (SQLite file, a throw-away PostgreSQL schema) and each number of simultaneous
users (8, 32, 64) it starts a fresh ``voc serve`` (hashing embedder, in-process jobs),
creates a workspace key with ``voc keys create``, runs Locust for ``--seconds``, and prints
requests/s, p50/p95/p99 per route, errors, and the rows landed (the workspace's n) against
the rows sent (usable rows of every file uploaded). Run:

    python bench/load.py --seconds 25

Each user waits 0.5-1.5 s between tasks; a task is a dashboard read (weight 6) or an upload
of a slice of the sample export followed by its commit and, every other time, a job
(weight 2). Locust runs in a child process (it monkey-patches with gevent); the server is
its own process. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "nps_export.csv"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SLICES = 16
ROUTES = [
    "GET /v1/results/nps",
    "GET /v1/results/themes",
    "GET /v1/results/comments",
    "POST /v1/uploads",
    "POST /v1/uploads/{id}/commit",
    "POST /v1/jobs",
]


def sample_slices() -> list[bytes]:
    header, *rows = SAMPLE.read_bytes().decode("utf-8").splitlines()
    size = -(-len(rows) // SLICES)
    return ["\n".join([header, *rows[i * size : (i + 1) * size]]).encode() for i in range(SLICES)]


# --- the Locust side (child process) ------------------------------------------------------


def run_locust(host: str, key: str, users: int, seconds: float) -> dict[str, Any]:
    import gevent
    from locust import HttpUser, between, task
    from locust.env import Environment

    from voc.api.ingest import read_upload
    from voc.config import Settings

    slices = sample_slices()
    settings = Settings(embedding_model="hashing")
    usable = [read_upload(s, "s.csv", None, settings)[1].report.rows_used for s in slices]
    sent = {"rows": 0, "uploads": 0}
    # At the end no new task starts and the ones in flight finish: every upload sent is
    # answered, so rows sent and rows landed compare like for like.
    state = {"stopping": False, "in_flight": 0}

    class Analyst(HttpUser):
        wait_time = between(0.5, 1.5)

        def on_start(self) -> None:
            self.client.headers["X-API-Key"] = key

        @task(6)
        def dashboard(self) -> None:
            if state["stopping"]:
                return
            state["in_flight"] += 1
            try:
                route = random.choice(ROUTES[:3])
                self.client.get(route.split(" ")[1], name=route)
            finally:
                state["in_flight"] -= 1

        @task(2)
        def upload_commit_job(self) -> None:
            if state["stopping"]:
                return
            state["in_flight"] += 1
            try:
                self._upload_commit_job()
            finally:
                state["in_flight"] -= 1

        def _upload_commit_job(self) -> None:
            i = random.randrange(SLICES)
            sent["rows"] += usable[i]
            sent["uploads"] += 1
            files = {"file": (f"slice{i}.csv", slices[i], "text/csv")}
            r = self.client.post("/v1/uploads", files=files, name=ROUTES[3])
            if r.status_code != 201:
                return
            upload_id = r.json()["upload"]["id"]
            r = self.client.post(f"/v1/uploads/{upload_id}/commit", name=ROUTES[4])
            if r.status_code == 200 and random.random() < 0.5:
                self.client.post("/v1/jobs", json={"upload_id": upload_id}, name=ROUTES[5])

    Analyst.host = host
    env = Environment(user_classes=[Analyst])
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate=users)  # all users at once
    gevent.sleep(seconds)
    state["stopping"] = True
    drain_until = time.monotonic() + 120
    while state["in_flight"] and time.monotonic() < drain_until:
        gevent.sleep(0.1)
    seconds = time.monotonic() - started
    runner.quit()
    out: dict[str, Any] = {
        "routes": {},
        "sent_rows": sent["rows"],
        "uploads": sent["uploads"],
        "seconds": seconds,
        "unfinished_tasks": state["in_flight"],
    }
    total = env.stats.total
    out["rps"] = total.num_requests / max(seconds, 1e-9)
    out["requests"] = total.num_requests
    out["errors"] = total.num_failures
    for (name, _method), entry in env.stats.entries.items():
        out["routes"][name] = {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "rps": entry.num_requests / seconds,
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
            "p99": entry.get_response_time_percentile(0.99),
        }
    out["error_kinds"] = {
        f"{e.name}: {e.error}"[:160]: e.occurrences for e in env.stats.errors.values()
    }
    return out


# --- the orchestrating side (parent process) ----------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def voc_bin() -> str:
    return str(Path(sys.executable).with_name("voc"))


def one_run(store: str, users: int, seconds: float, tmp: Path) -> dict[str, Any]:
    import httpx
    from sqlalchemy import create_engine, text

    schema = f"voc_load_{uuid.uuid4().hex[:10]}"
    admin = None
    if store == "sqlite":
        url = f"sqlite:///{tmp / f'load_{users}.db'}"
    else:
        admin = create_engine(PG, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG}?options=-csearch_path%3D{schema}"
    env = {
        **os.environ,
        "VOC_DATABASE_URL": url,
        "VOC_EMBEDDING_MODEL": "hashing",
        "VOC_BOOTSTRAP_SAMPLES": "200",
        "VOC_LOG_FORMAT": "text",
    }
    port = free_port()
    log = (tmp / f"serve_{store}_{users}.log").open("wb")
    server = subprocess.Popen(
        [voc_bin(), "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    try:
        key = subprocess.run(
            [voc_bin(), "keys", "create", "--workspace", "load", "--role", "analyst"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        child = subprocess.run(
            [sys.executable, __file__, "--child", base, key, str(users), str(seconds)],
            capture_output=True,
            text=True,
            check=True,
        )
        result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
        headers = {"X-API-Key": key}
        result["landed_rows"] = httpx.get(
            base + "/v1/results/nps", headers=headers, timeout=60
        ).json()["overall"]["n"]
        jobs = httpx.get(base + "/v1/jobs", headers=headers, timeout=60).json()
        result["jobs"] = {
            s: sum(j["status"] == s for j in jobs) for s in {j["status"] for j in jobs}
        }
        result["server_500s"] = Path(log.name).read_text(errors="replace").count(" 500 ")
        return result
    finally:
        server.kill()
        server.wait(10)
        if admin is not None:
            with admin.connect() as c:
                c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


def print_table(store: str, users: int, r: dict[str, Any]) -> None:
    print(
        f"\n{store}, {users} users, {r['seconds']:.0f} s: {r['requests']} requests, "
        f"{r['rps']:.1f} req/s, "
        f"{r['errors']} errors; rows landed {r['landed_rows']} of {r['sent_rows']} sent "
        f"({r['uploads']} uploads); jobs {r['jobs']}"
    )
    print("| route | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for route in ROUTES:
        s = r["routes"].get(route)
        if s:
            print(
                f"| `{route}` | {s['requests']} | {s['rps']:.1f} | {s['p50']:.0f} | "
                f"{s['p95']:.0f} | {s['p99']:.0f} | {s['errors']} |"
            )
    for kind, count in r["error_kinds"].items():
        print(f"  error x{count}: {kind}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        host, key, users, seconds = sys.argv[2:6]
        print(json.dumps(run_locust(host, key, int(users), float(seconds))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=25)
    parser.add_argument("--users", type=int, nargs="+", default=[8, 32, 64])
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="voc-load-") as tmp:
        for store in args.stores:
            for users in args.users:
                result = one_run(store, users, args.seconds, Path(tmp))
                print_table(store, users, result)
                sys.stdout.flush()


if __name__ == "__main__":
    main()
