"""Survey kinds kept apart: relational (rNPS), transactional per touchpoint (tNPS), employee.

A relational survey asks a random sample "overall"; a transactional one asks right after a
contact, an order or a support case, and runs lower or higher for reasons of its own. The
two answer different questions, so voc never pools them into one NPS: :func:`pooled_nps`
refuses, :func:`nps_by_kind` gives one estimate per kind and touchpoint.
"""

from __future__ import annotations

import re
from typing import Literal

import pandas as pd

from voc.analytics.nps import estimate_nps
from voc.analytics.results import KindNps
from voc.errors import InputError
from voc.types import NpsEstimate

Kind = Literal["relational", "transactional", "employee"]
KIND_ORDER: tuple[Kind, ...] = ("relational", "transactional", "employee")
#: Column names (lower case, spaces or underscores) that hold the survey kind or touchpoint.
KIND_COLUMN_NAMES = (
    "survey_kind",
    "survey_type",
    "nps_type",
    "touchpoint",
    "touch_point",
    "kontaktpunkt",
    "berøringspunkt",
    "beröringspunkt",
)
_RELATIONAL = re.compile(
    r"relation|\brnps\b|\br-nps\b|annual|yearly|årlig|\bårs|overall|"
    r"helhet|generell",
    re.IGNORECASE,
)
_EMPLOYEE = re.compile(
    r"employee|\benps\b|\be-nps\b|medarbet|medarbeid|ansatt|anställd", re.IGNORECASE
)


def find_kind_column(frame: pd.DataFrame) -> str | None:
    """The first column whose name says survey kind or touchpoint, or None."""
    for column in frame.columns:
        key = re.sub(r"[\s-]+", "_", str(column).strip().lower())
        if key in KIND_COLUMN_NAMES:
            return str(column)
    return None


def classify_kind(value: str) -> Kind:
    """relational / employee when the value says so; any other touchpoint is transactional."""
    if _EMPLOYEE.search(value):
        return "employee"
    if _RELATIONAL.search(value):
        return "relational"
    return "transactional"


def kinds_of(frame: pd.DataFrame, column: str) -> pd.Series:
    """The kind of every response, from ``column`` (blank counts as transactional)."""
    values = frame[column].fillna("").astype(str)
    table = {v: classify_kind(v) for v in values.unique()}
    return values.map(table)


def split_by_kind(frame: pd.DataFrame, column: str) -> dict[Kind, pd.DataFrame]:
    """The responses of each kind present, in the order relational, transactional, employee."""
    kinds = kinds_of(frame, column)
    return {k: frame[kinds == k] for k in KIND_ORDER if (kinds == k).any()}


def ensure_single_kind(frame: pd.DataFrame, column: str) -> Kind:
    """The one kind in ``frame``, or InputError when kinds are mixed."""
    parts = split_by_kind(frame, column)
    if len(parts) > 1:
        found = ", ".join(
            f"{k} ({len(p)} responses, e.g. {p[column].iloc[0]!r})" for k, p in parts.items()
        )
        raise InputError(
            f"the responses mix survey kinds ({found}); relational and "
            "transactional/employee NPS measure different things and are never "
            "pooled: analyse each kind on its own (voc analyze and "
            "Analyzer.analyze_by_kind write one report per kind; nps_by_kind compares them)",
            column=column,
        )
    return next(iter(parts), "transactional")


def pooled_nps(frame: pd.DataFrame, column: str | None, min_sample: int = 30) -> NpsEstimate:
    """NPS of all responses, refusing (InputError) when they pool different survey kinds."""
    if column is not None:
        ensure_single_kind(frame, column)
    return estimate_nps(frame["score"].to_numpy(), min_sample)


def nps_by_kind(frame: pd.DataFrame, column: str, min_sample: int = 30) -> list[KindNps]:
    """One estimate per kind and value; a kind with several touchpoints also gets its total.

    Pooling touchpoints inside transactional NPS is the usual tNPS; pooling it with
    relational NPS is not done.
    """
    out: list[KindNps] = []
    values = frame[column].fillna("").astype(str).replace("", "(blank)")
    for kind, part in split_by_kind(frame, column).items():
        part_values = values.loc[part.index]
        groups = sorted(part.groupby(part_values), key=lambda kv: (-len(kv[1]), str(kv[0])))
        if len(groups) > 1:
            out.append(
                KindNps(
                    kind=kind,
                    value=f"(all {kind})",
                    estimate=estimate_nps(part["score"].to_numpy(), min_sample),
                )
            )
        out.extend(
            KindNps(
                kind=kind,
                value=str(value),
                estimate=estimate_nps(group["score"].to_numpy(), min_sample),
            )
            for value, group in groups
        )
    return out
