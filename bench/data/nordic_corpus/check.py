"""Validate one writer's corpus file: `python check.py w1.csv` prints problems and counts."""

import collections
import csv
import sys

THEMES = {
    "competence",
    "availability",
    "ui_usability",
    "industry_knowledge",
    "training",
    "price",
    "billing",
    "delivery",
    "communication",
    "reliability",
    "contact_person",
    "onboarding",
}
LANGS = {"sv", "nb", "nn", "da", "en"}
KINDS = {
    "collection",
    "erp_software",
    "accounting_payroll",
    "wholesale",
    "it_consulting",
    "logistics",
    "insurance",
    "facility_services",
    "retail",
}
POLARITIES = {"positive", "negative", "neutral"}
HEADER = [
    "id",
    "writer",
    "lang",
    "company_kind",
    "company",
    "touchpoint",
    "score",
    "text",
    "labels",
]


def problems(path: str) -> tuple[list[str], list[dict[str, str]]]:
    found: list[str] = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        if header[: len(HEADER)] != HEADER:
            found.append(f"header is {header}, expected {HEADER} first")
        rows = list(reader)
    seen_ids: set[str] = set()
    seen_texts: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        where = f"line {line} ({row.get('id')})"
        if row["id"] in seen_ids:
            found.append(f"{where}: duplicate id")
        seen_ids.add(row["id"])
        if row["lang"] not in LANGS:
            found.append(f"{where}: lang {row['lang']!r} not in {sorted(LANGS)}")
        if row["company_kind"] not in KINDS:
            found.append(f"{where}: company_kind {row['company_kind']!r} unknown")
        if not row["score"].isdigit() or not 0 <= int(row["score"]) <= 10:
            found.append(f"{where}: score {row['score']!r} is not 0-10")
        text = (row["text"] or "").strip()
        if not text:
            found.append(f"{where}: empty text")
        elif text.lower() in seen_texts and len(text) > 12:
            found.append(f"{where}: same text as {seen_texts[text.lower()]}")
        seen_texts.setdefault(text.lower(), row["id"])
        for column in ("labels", "writer_labels", "reviewer_labels"):
            value = row.get(column)
            if not value:
                continue
            themes = []
            for part in value.split(";"):
                theme, _, polarity = part.partition(":")
                themes.append(theme)
                if theme not in THEMES or polarity not in POLARITIES:
                    found.append(f"{where}: {column} part {part!r} is not theme:sentiment")
            if len(themes) != len(set(themes)):
                found.append(f"{where}: {column} repeats a theme")
    return found, rows


def main() -> int:
    status = 0
    for path in sys.argv[1:]:
        found, rows = problems(path)
        for problem in found:
            print(f"{path}: {problem}")
        langs = collections.Counter(row["lang"] for row in rows)
        themes = collections.Counter(
            part.split(":")[0] for row in rows for part in (row["labels"] or "").split(";") if part
        )
        empty = sum(1 for row in rows if not row["labels"])
        print(
            f"{path}: {len(rows)} rows, {len(found)} problems, langs {dict(langs)}, "
            f"no theme {empty}"
        )
        print(f"  themes {dict(themes.most_common())}")
        status |= bool(found)
    return status


if __name__ == "__main__":
    sys.exit(main())
