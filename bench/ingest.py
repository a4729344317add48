"""Ingest benchmark: ``load_survey`` against plain ``pandas.read_csv`` on one large export.

    python bench/ingest.py                 # ~200 MB CSV in /tmp, both loaders, a table
    python bench/ingest.py --mb 20         # a quicker run
    python bench/ingest.py --keep          # keep the generated file for the next run

The file is a Nordic tNPS export (``;``-separated UTF-8, Swedish headers, comments with
å ä ö, a few e-mail addresses and phone numbers, a few repeated responses). Each loader
runs in its own fresh interpreter so that one's memory never counts against the other;
peak memory is the child's maximum resident set size (``resource.getrusage``), shown both
in total and above the interpreter's size after imports (``net``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_PATH = Path("/tmp/voc-ingest-bench.csv")
MB = 1024 * 1024

HEADER = [
    "Svars-ID",
    "Svarsdatum",
    "Kontaktpunkt",
    "Kontor",
    "Region",
    "Säljare",
    "Kund",
    "Hur troligt är det att du skulle rekommendera oss? (0-10)",
    "Kommentar",
]
TOUCHPOINTS = ["Kundtjänst", "Bankkontor", "Appen", "Rådgivning", "Faktura"]
OFFICES = ["Stockholm", "Göteborg", "Malmö", "Oslo", "Bergen", "København", "Århus", "Umeå"]
REGIONS = ["Syd", "Väst", "Öst", "Nord"]
SELLERS = [f"Säljare {i:02d}" for i in range(40)]
OPENINGS = [
    "Mycket nöjd med rådgivningen",
    "Lång väntetid i telefon",
    "Appen krånglar vid inloggning",
    "Fakturan var fel igen",
    "Trevlig och kunnig personal",
    "Hyggelig rådgiver, men høye gebyrer",
    "Great service, quick answers",
    "Svårt att nå någon på kontoret",
]
CLOSINGS = [
    "tack för hjälpen!",
    "det tog tre veckor att få svar.",
    "men priset på 1 200 kr per månad är för högt.",
    "ingen ringde tillbaka som utlovat.",
    "rekommenderar er gärna till kollegor.",
    "fakturanummer 4001234567 stämde inte.",
]


def generate(path: Path, target_mb: float, seed: int = 7) -> int:
    """Write a tNPS export of about ``target_mb`` MB to ``path``; return its row count."""
    rng = random.Random(seed)
    target = int(target_mb * MB)
    rows = 0
    written = 0
    previous = ""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(";".join(HEADER) + "\r\n")
        while written < target:
            rows += 1
            if previous and rng.random() < 0.001:  # an export merged twice
                line = previous
            else:
                comment = f"{rng.choice(OPENINGS)}, {rng.choice(CLOSINGS)}"
                extra = rng.random()
                if extra < 0.01:
                    comment += f" Maila mig på kund{rows}@example.se"
                elif extra < 0.02:
                    comment += f" Ring 070-{rng.randint(100, 999)} {rng.randint(10, 99)} 00"
                if rng.random() < 0.1:
                    comment = f'"{comment}\r\nMvh en kund"'
                day, minute = divmod(rows, 1440)
                month, hour = 1 + day // 28 % 12, minute // 60
                stamp = f"2025-{month:02d}-{1 + day % 28:02d} {hour:02d}:{minute % 60:02d}"
                stamp += f":{rows % 60:02d}"
                line = ";".join(
                    [
                        f"R-{rows:08d}",
                        stamp,
                        rng.choice(TOUCHPOINTS),
                        rng.choice(OFFICES),
                        rng.choice(REGIONS),
                        rng.choice(SELLERS),
                        f"Kund {rng.randint(1, 50_000)} AB",
                        str(rng.choice([10, 10, 9, 9, 9, 8, 8, 7, 6, 5, 3, 0])),
                        comment,
                    ]
                )
            previous = line
            out.write(line + "\r\n")
            written += len(line.encode()) + 2
    return rows


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MB


def child(loader: str, path: str) -> None:
    """Run one loader in this process and print its timings as JSON."""
    import pandas as pd

    from voc.config import Settings
    from voc.io import load_survey

    # The benchmark measures reading, not the upload limit (200 MB by default).
    settings = Settings(max_upload_mb=4096)
    base = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    if loader == "load_survey":
        rows = len(load_survey(path, settings=settings).frame)
    elif loader == "read_csv":
        rows = len(pd.read_csv(path, sep=";"))
    else:
        raise SystemExit(f"unknown loader {loader!r}")
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    result = {"loader": loader, "rows": rows, "wall_s": wall, "cpu_s": cpu}
    print(json.dumps({**result, "base_mb": base, "peak_mb": _rss_mb()}))


def measure(loader: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", loader, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200, help="size of the generated CSV in MB")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the generated file")
    parser.add_argument("--child", nargs=2, metavar=("LOADER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    path: Path = args.path
    if args.keep and path.exists() and abs(path.stat().st_size / MB - args.mb) < 1:
        print(f"reusing {path}")
    else:
        started = time.perf_counter()
        rows = generate(path, args.mb)
        print(f"wrote {path}: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    size_mb = path.stat().st_size / MB
    try:
        results = [measure(loader, path) for loader in ("read_csv", "load_survey")]
    finally:
        if not args.keep:
            os.unlink(path)

    print(f"\nfile: {size_mb:.0f} MB, python {sys.version.split()[0]}")
    print("| loader | rows | wall (s) | CPU (s) | peak RSS (MB) | peak above imports (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['loader']} | {r['rows']:,} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} "
            f"| {r['peak_mb']:.0f} | {r['peak_mb'] - r['base_mb']:.0f} |"
        )
    net = {r["loader"]: r["peak_mb"] - r["base_mb"] for r in results}
    cpu = {r["loader"]: r["cpu_s"] for r in results}
    print(
        f"\nload_survey / read_csv: {cpu['load_survey'] / cpu['read_csv']:.1f}x CPU time, "
        f"{net['load_survey'] / net['read_csv']:.1f}x memory above imports"
    )


if __name__ == "__main__":
    main()
