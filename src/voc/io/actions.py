"""The actions file: what was done for customers and when (YAML or CSV, one action a row).

YAML is a list of mappings ``{name, date, segment, theme}``; CSV has those four columns.
``segment`` reads ``column=value`` (empty: every customer); ``theme`` is a theme id.
"""

from __future__ import annotations

import csv
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import yaml

from voc.analytics.actions import Action
from voc.errors import InputError

FIELDS = ("name", "date", "segment", "theme")


def parse_action(values: dict[str, object], where: str) -> Action:
    """One action from its fields; ``where`` names it in errors."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise InputError(f"{where}: unknown fields {sorted(unknown)}; expected {list(FIELDS)}")
    name = str(values.get("name") or "").strip()
    date = str(values.get("date") or "").strip()
    if not name or not date:
        raise InputError(f"{where}: an action needs a name and a date")
    try:
        date = pd.Timestamp(date).date().isoformat()
    except ValueError as exc:
        raise InputError(f"{where}: {date!r} is not a date (expected YYYY-MM-DD)") from exc
    theme = str(values.get("theme") or "").strip() or None
    action = Action(
        name=name, date=date, segment=str(values.get("segment") or "").strip(), theme=theme
    )
    action.segment_parts()  # checks the column=value form
    return action


def load_actions(path: Path | str) -> list[Action]:
    """The actions in a YAML or CSV file; a missing file holds none.

    Raises InputError naming the entry (YAML) or row (CSV) that is not an action.
    """
    path = Path(path)
    if not path.exists():
        return []
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return [parse_action(dict(r), f"{path}, row {i}") for i, r in enumerate(rows, start=2)]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise InputError(f"{path} is not valid YAML: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("actions", [])
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of actions")
    out = []
    for i, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise InputError(f"{path}, action {i}: expected a mapping with {list(FIELDS)}")
        out.append(parse_action(entry, f"{path}, action {i}"))
    return out


def add_action(path: Path | str, action: Action) -> list[Action]:
    """Append ``action`` to the file (created if missing); returns all actions in it."""
    path = Path(path)
    actions = [*load_actions(path), action]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            for a in actions:
                writer.writerow({**asdict(a), "theme": a.theme or ""})
    else:
        body = {"actions": [{k: v for k, v in asdict(a).items() if v} for a in actions]}
        path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), "utf-8")
    return actions
