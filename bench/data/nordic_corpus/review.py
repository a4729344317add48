"""The review pass over one writer's file: blind second labels, adjudication, merge.

    python review.py blind w4          # review/w4.texts.csv: id, lang, text (no labels)
    # a reviewer who did not write w4 fills review/w4.reviewer.csv: id, labels
    python review.py disagreements w4  # review/w4.disputes.csv: both label sets, unnamed
    # an adjudicator who wrote neither fills the `final` column of review/w4.disputes.csv
    python review.py merge w4          # wN.csv gets writer_labels, reviewer_labels, labels
    python review.py stats             # REVIEW.md: agreement and disagreements per file

A cell is disputed when the two label sets differ in a theme or in a theme's sentiment.
Which side wrote which set is hidden from the adjudicator (A/B by a fixed coin per row).
"""

from __future__ import annotations

import collections
import csv
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REVIEW = HERE / "review"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, rows: list[dict[str, str]], fields: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def parse(cell: str) -> dict[str, str]:
    return dict(p.split(":", 1) for p in (cell or "").split(";") if ":" in p)


def canon(labels: dict[str, str]) -> str:
    return ";".join(f"{t}:{p}" for t, p in sorted(labels.items()))


def writer_side(row_id: str) -> str:
    return "A" if hashlib.sha1(row_id.encode()).digest()[0] % 2 else "B"


def blind(name: str) -> None:
    REVIEW.mkdir(exist_ok=True)
    rows = read(HERE / f"{name}.csv")
    write(REVIEW / f"{name}.texts.csv", rows, ["id", "lang", "text"])
    print(f"review/{name}.texts.csv: {len(rows)} rows")


def original_labels(row: dict[str, str]) -> str:
    return row.get("writer_labels") or row["labels"]


def disagreements(name: str) -> None:
    rows = {r["id"]: r for r in read(HERE / f"{name}.csv")}
    second = {r["id"]: r["labels"] for r in read(REVIEW / f"{name}.reviewer.csv")}
    missing = sorted(set(rows) - set(second))
    if missing:
        sys.exit(f"reviewer file lacks {len(missing)} rows, e.g. {missing[:3]}")
    out = []
    for row_id, row in rows.items():
        mine, theirs = parse(original_labels(row)), parse(second[row_id])
        if mine == theirs:
            continue
        a, b = (mine, theirs) if writer_side(row_id) == "A" else (theirs, mine)
        out.append(
            {
                "id": row_id,
                "lang": row["lang"],
                "text": row["text"],
                "labels_a": canon(a),
                "labels_b": canon(b),
                "final": "",
            }
        )
    write(
        REVIEW / f"{name}.disputes.csv",
        out,
        ["id", "lang", "text", "labels_a", "labels_b", "final"],
    )
    print(f"review/{name}.disputes.csv: {len(out)} of {len(rows)} rows disputed")


def merge(name: str) -> None:
    path = HERE / f"{name}.csv"
    rows = read(path)
    second = {r["id"]: r["labels"] for r in read(REVIEW / f"{name}.reviewer.csv")}
    disputes = {r["id"]: r for r in read(REVIEW / f"{name}.disputes.csv")}
    for row in rows:
        mine = canon(parse(original_labels(row)))
        theirs = canon(parse(second[row["id"]]))
        row["writer_labels"], row["reviewer_labels"] = mine, theirs
        if row["id"] in disputes:
            final = disputes[row["id"]]["final"].strip()
            if final.upper() in ("A", "B"):
                final = disputes[row["id"]][f"labels_{final.lower()}"]
            if final in ("-", "none"):
                final = ""
            row["labels"] = canon(parse(final))
        else:
            row["labels"] = mine
    fields = list(read(path)[0].keys())
    for extra in ("writer_labels", "reviewer_labels"):
        if extra not in fields:
            fields.append(extra)
    write(path, rows, fields)
    print(f"{name}.csv: merged {len(disputes)} adjudicated rows")


def stats() -> None:
    lines = [
        "# Review pass: agreement between each writer and a blind second labeller",
        "",
        "Made by `python bench/data/nordic_corpus/review.py stats`. A row agrees when both",
        "label sets are equal (themes and sentiments); theme F1 treats the writer as gold and",
        "the reviewer as prediction. Disputed rows were decided by an adjudicator who wrote",
        "neither set; `changed` counts rows whose final labels differ from the writer's.",
        "",
        "| file | rows | rows agreeing | theme-level F1 | disputed | changed from writer |",
        "|---|---|---|---|---|---|",
    ]
    per_theme: collections.Counter[str] = collections.Counter()
    for path in sorted(HERE.glob("w*.csv")):
        rows = read(path)
        if not rows or "reviewer_labels" not in rows[0]:
            continue
        agree = sum(r["writer_labels"] == r["reviewer_labels"] for r in rows)
        tp = n_w = n_r = 0
        changed = 0
        for r in rows:
            w, v = set(parse(r["writer_labels"])), set(parse(r["reviewer_labels"]))
            tp += len(w & v)
            n_w += len(w)
            n_r += len(v)
            per_theme.update(w ^ v)
            changed += canon(parse(r["labels"])) != r["writer_labels"]
        f1 = 2 * tp / max(n_w + n_r, 1)
        disputed = len(rows) - agree
        lines.append(f"| {path.name} | {len(rows)} | {agree} | {f1:.3f} | {disputed} | {changed} |")
    lines += ["", "Theme disagreements (theme in one set only), all files:", ""]
    lines += [f"- {t}: {n}" for t, n in per_theme.most_common()]
    (HERE / "REVIEW.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    {"blind": blind, "disagreements": disagreements, "merge": merge}.get(
        command, lambda *_: stats()
    )(*rest)
