"""Split an export into the surveys it holds: one report per survey kind and per metric.

Relational and transactional NPS answer different questions, and NPS and CSAT are different
metrics: none of them is ever pooled with another. An export can hold both metrics in two
ways, and both give one NPS and one CSAT survey:

* two score questions per row (an NPS column and a CSAT column): the reader maps one of
  them as the score; :func:`other_score_column` finds the other;
* rows of two surveys told apart by a survey or touchpoint column: each value of that
  column whose answers are CSAT (its name says so, or it holds only 1-5 answers while
  the other values go above 5) goes to the CSAT survey.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from voc.analytics.csat import metric_of
from voc.analytics.kinds import KIND_ORDER, find_kind_column, kinds_of
from voc.analytics.results import ScaleInfo
from voc.config import Settings
from voc.io import LoadedSurvey
from voc.io.columns import DetectedColumns
from voc.io.values import is_score_like

#: Headers (or question texts) of a satisfaction question and of a recommend question.
CSAT_WORDS = re.compile(
    r"\bcsat\b|satisf|nöjd|nøyd|tilfreds|tyytyv|zufrieden|(?<!\d)1\s*(?:-|–|to|till|til)\s*[57]\b",
    re.IGNORECASE,
)
NPS_WORDS = re.compile(
    r"\bnps\b|recommend|rekommend|anbefal|suosittel|empfehl|(?<!\d)[01]\s*(?:-|–|to|till|til)\s*10\b",
    re.IGNORECASE,
)
#: Columns (besides the kind/touchpoint columns) that can name which survey a row answers.
SURVEY_COLUMN = re.compile(
    r"^(survey|survey[ _]?(name|id)|questionnaire|form|enkät|undersökning|undersøkelse|"
    r"spørreundersøkelse|kysely|metric|mått)$",
    re.IGNORECASE,
)
#: A survey value is taken for CSAT from its answers alone only with this many of them.
MIN_GROUP = 20


def survey_metric(loaded: LoadedSurvey, settings: Settings) -> ScaleInfo:
    """Whether the survey's scores are NPS or CSAT, from its header, question text and values."""
    return metric_of(
        loaded.frame["score"].to_numpy(),
        header=_header(loaded),
        setting=settings.scale,
        loaded_scale=loaded.report.scale,
        loaded_reason=loaded.report.scale_reason,
    )


def _header(loaded: LoadedSurvey) -> str:
    score = loaded.report.mapping.score
    return f"{score} {loaded.report.column_labels.get(score, '')}".strip()


def other_score_column(
    cells: pd.DataFrame, detected: DetectedColumns, labels: Mapping[str, str]
) -> str | None:
    """A second score question beside the mapped one, when one names the other metric.

    Taken only when its header (or question text) names a satisfaction or a recommend
    question, the mapped score's names the other one, and at least half of its non-empty
    cells are whole numbers 0-10; None otherwise.
    """
    mapping = detected.mapping
    taken = {
        mapping.score,
        mapping.comment,
        mapping.date,
        mapping.response_id,
        mapping.respondent,
        *mapping.extra_comments,
    }
    score_text = f"{mapping.score} {labels.get(mapping.score, '')}"
    score_is_csat = bool(CSAT_WORDS.search(score_text)) and not NPS_WORDS.search(score_text)
    wanted = NPS_WORDS if score_is_csat else CSAT_WORDS
    for name in cells.columns:
        if name in taken:
            continue
        text = f"{name} {labels.get(str(name), '')}"
        if not wanted.search(text) or (not score_is_csat and NPS_WORDS.search(text)):
            continue
        filled = cells[name][cells[name].astype(str).str.strip() != ""]
        if len(filled) and filled.map(is_score_like).mean() >= 0.5:
            return str(name)
    return None


def with_score_column(detected: DetectedColumns, column: str) -> DetectedColumns:
    """The same mapping with ``column`` as the score (and not a segment)."""
    mapping = detected.mapping.model_copy(
        update={
            "score": column,
            "segments": [s for s in detected.mapping.segments if s != column],
        }
    )
    return DetectedColumns(mapping=mapping, notes=detected.notes)


def split_survey_by_kind(loaded: LoadedSurvey) -> dict[str, LoadedSurvey]:
    """The responses of each survey kind as a survey of their own, each with a warning that
    names the part it covers; ``{"all": loaded}`` when there is nothing to split by."""
    segments = loaded.report.mapping.segments
    column = find_kind_column(loaded.frame[segments])
    if column is None:
        return {"all": loaded}
    kinds = kinds_of(loaded.frame, column).to_numpy()
    present = [k for k in KIND_ORDER if (kinds == k).any()]
    if len(present) == 1:
        return {present[0]: loaded}
    parts: dict[str, LoadedSurvey] = {}
    for kind in present:
        mask = kinds == kind
        note = (
            f"this report covers the {int(mask.sum())} {kind} responses of the "
            f"{len(loaded.frame)} usable ones (column {column!r}); the export's other kinds "
            f"({', '.join(k for k in present if k != kind)}) are in their own reports"
        )
        parts[kind] = _subset(loaded, mask, note)
    return parts


def split_survey_by_metric(loaded: LoadedSurvey, settings: Settings) -> dict[str, LoadedSurvey]:
    """``{"nps": ..., "csat": ...}`` when a survey/touchpoint column tells CSAT rows from NPS
    rows; ``{metric: loaded}`` when the export holds one metric."""
    whole = survey_metric(loaded, settings)
    column = _survey_column(loaded)
    if column is None or settings.scale != "auto" or whole.metric == "csat":
        return {whole.metric: loaded}
    frame = loaded.frame
    values = frame[column].fillna("").astype(str).to_numpy()
    scores = frame["score"].to_numpy()
    csat = np.zeros(len(frame), dtype=bool)
    for value in pd.unique(values):
        member = values == value
        top = int(scores[member].max())
        says_csat = bool(CSAT_WORDS.search(value)) and not NPS_WORDS.search(value)
        only_1_5 = top <= 5 and scores[member].min() >= 1 and member.sum() >= MIN_GROUP
        if top <= 7 and (says_csat or only_1_5) and scores[~member].max(initial=0) > 7:
            csat |= member
    if not csat.any() or csat.all():
        return {whole.metric: loaded}
    csat_values = sorted(set(values[csat]))
    note = (
        f"column {column!r} holds two surveys: CSAT ({', '.join(map(repr, csat_values))}, "
        f"{int(csat.sum())} responses) and NPS (the other {int((~csat).sum())}); they are "
        "never pooled, each has its own report"
    )
    scale = "1-7" if scores[csat].max() > 5 else "1-5"
    reason = (
        f"The scale is CSAT {scale} because column {column!r} names its rows' survey "
        f"({', '.join(map(repr, csat_values))}), whose answers lie in 1..{scale[-1]} while the "
        "other rows go above 7."
    )
    part = _subset(loaded, csat, note)
    report = part.report.model_copy(update={"scale": scale, "scale_reason": reason})
    return {"nps": _subset(loaded, ~csat, note), "csat": replace(part, report=report)}


def _survey_column(loaded: LoadedSurvey) -> str | None:
    segments = loaded.report.mapping.segments
    kind = find_kind_column(loaded.frame[segments])
    if kind is not None:
        return kind
    return next((s for s in segments if SURVEY_COLUMN.match(s.strip())), None)


def _subset(loaded: LoadedSurvey, mask: np.ndarray, note: str) -> LoadedSurvey:
    fields = loaded.comment_fields
    return replace(
        loaded,
        frame=loaded.frame[mask].reset_index(drop=True),
        comment_fields=fields[mask].reset_index(drop=True) if len(fields) else fields,
        warnings=(*loaded.warnings, note),
    )


def part_name(metric: str, kind: str, metrics: int, kinds: int) -> str:
    """The report's name (and output folder): its kind and metric where the export has several."""
    words = [kind] if kinds > 1 else []
    if metrics > 1:
        words.append(metric)
    return "-".join(words) or (kind if kind != "all" else "all")
