"""A small mapping file that says which columns hold what, in YAML or JSON.

    score: "Hur troligt är det att du skulle rekommendera oss? (0-10)"
    comment:                      # one column, or several: each is a comment field
      - "Vad gör vi bra?"
      - "Vad kan vi förbättra?"
    date: Svarsdatum
    id: Svars-ID                  # the response id (unique per response)
    respondent: Kundnummer        # who answered; may repeat (finds duplicate responses)
    segments: [Kontor, Region]    # [] turns segments off

Every key is optional: what is left out is detected. Column names may also be given as a
survey tool's question text (Qualtrics' second header row) and are matched ignoring case
and spacing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import yaml

from voc.errors import InputError
from voc.io.overrides import ColumnOverrides
from voc.types import LoadReport

_SINGLE = {"score": "score", "date": "date", "id": "response_id", "response_id": "response_id"}
_SINGLE |= {"respondent": "respondent"}
KEYS = ("score", "comment", "date", "id", "respondent", "segments")


def load_mapping(path: str | Path) -> ColumnOverrides:
    """Read a mapping file into ColumnOverrides; InputError says what is wrong with it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the mapping file '{path}': {exc}") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise InputError(f"the mapping file '{path}' is not valid YAML/JSON: {exc}") from exc
    return mapping_overrides(data, source=str(path))


def mapping_overrides(data: Any, source: str = "mapping") -> ColumnOverrides:
    """ColumnOverrides from a parsed mapping (a dict with the keys of :data:`KEYS`)."""
    if not isinstance(data, Mapping) or not data:
        raise InputError(
            f"{source}: expected a mapping of roles to columns, e.g. 'score: Betyg' "
            f"(keys: {', '.join(KEYS)})"
        )
    unknown = [str(k) for k in data if k not in {*_SINGLE, "comment", "comments", "segments"}]
    if unknown:
        raise InputError(f"{source}: unknown key(s) {unknown!r}; the keys are {', '.join(KEYS)}")
    given: dict[str, Any] = {}
    for key, role in _SINGLE.items():
        if data.get(key) is not None:
            given[role] = _column(data[key], key, source)
    comments = data.get("comment", data.get("comments"))
    if comments is not None:
        names = _columns(comments, "comment", source)
        if names:
            given["comment"] = names[0]
        given["extra_comments"] = tuple(names[1:])
    if data.get("segments") is not None:
        given["segments"] = tuple(_columns(data["segments"], "segments", source))
    return ColumnOverrides(**given)


def merge_overrides(base: ColumnOverrides, top: ColumnOverrides) -> ColumnOverrides:
    """``base`` with every role that ``top`` sets replaced (CLI flags over a mapping file)."""
    changes = {
        f.name: getattr(top, f.name) for f in fields(top) if getattr(top, f.name) is not None
    }
    if "comment" in changes and "extra_comments" not in changes:
        changes["extra_comments"] = None  # a new main comment does not keep the old extras
    return replace(base, **changes)


def _column(value: Any, key: str, source: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"{source}: '{key}' must be a column name, not {value!r}")
    return str(value)


def _columns(value: Any, key: str, source: str) -> list[str]:
    if isinstance(value, list | tuple):
        return [_column(v, key, source) for v in value]
    return [_column(value, key, source)]


def command_line_overrides(
    mapping_file: str | Path | None = None,
    *,
    score: str | None = None,
    comments: Sequence[str] | None = None,
    date: str | None = None,
    response_id: str | None = None,
    segments: Sequence[str] | None = None,
) -> ColumnOverrides:
    """The overrides of ``voc analyze``: the mapping file, if any, with the flags over it."""
    base = load_mapping(mapping_file) if mapping_file else ColumnOverrides()
    flags = ColumnOverrides(
        score=score,
        comment=comments[0] if comments else None,
        extra_comments=tuple(comments[1:]) if comments and len(comments) > 1 else None,
        date=date,
        response_id=response_id,
        segments=tuple(segments) if segments else None,
    )
    return merge_overrides(base, flags)


def describe_load(load: LoadReport) -> list[str]:
    """Lines for a terminal summary of how the export was read.

    The columns chosen, the layout and encoding, what was redacted and which duplicates
    were left out.
    """
    m = load.mapping
    labels = load.column_labels

    def col(name: str) -> str:
        label = labels.get(name)
        return f"{name!r} ({_shorten(label)})" if label else repr(name)

    parts = [f"score {col(m.score)}"]
    if m.comment_fields:
        word = "comments" if len(m.comment_fields) > 1 else "comment"
        parts.append(f"{word} " + " + ".join(col(c) for c in m.comment_fields))
    else:
        parts.append("no comment column")
    parts.append(f"date {col(m.date)}" if m.date else "no date column")
    if m.response_id:
        parts.append(f"id {col(m.response_id)}")
    if m.respondent:
        parts.append(f"respondent {col(m.respondent)}")
    if m.segments:
        parts.append("segments " + ", ".join(col(s) for s in m.segments))
    lines = ["Columns: " + "; ".join(parts)]
    how = [f"{load.layout} export" if load.layout != "generic" else load.file_type.upper()]
    if load.header_rows > 1:
        how.append(f"{load.header_rows} header rows")
    if load.encoding:
        how.append(load.encoding)
    if load.delimiter:
        how.append(f"delimiter {load.delimiter!r}")
    lines.append("Read as: " + ", ".join(how) + " (override with --mapping FILE or --*-col)")
    if load.redactions:
        found = ", ".join(f"{n} {_KIND_WORDS.get(k, k)}" for k, n in load.redactions.items())
        lines.append(f"Redacted before analysis: {found}")
    if load.duplicates_removed:
        rows = [s.row for s in load.skipped if s.reason.startswith("duplicate of row")]
        shown = ", ".join(str(r) for r in rows[:10]) + (", ..." if len(rows) > 10 else "")
        lines.append(f"Duplicates left out: {load.duplicates_removed} (rows {shown})")
    return lines


_KIND_WORDS = {
    "email": "e-mail",
    "phone": "phone",
    "personnummer": "personnummer",
    "fodselsnummer": "fødselsnummer",
    "cpr": "CPR",
    "name": "name",
}


def _shorten(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
