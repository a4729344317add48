"""Score scales: NPS on 0-10 or 1-10, CSAT on 1-5 as a metric of its own.

NPS groups the same way on both NPS scales (promoters 9-10, passives 7-8, detractors 0-6 or
1-6), so the scale changes what the report says, not the arithmetic. CSAT answers are never
turned into NPS: they get a mean with a t-interval and the share of 4-5 answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from voc.analytics.inputs import listing, row_numbers
from voc.analytics.results import CsatEstimate, ScaleInfo
from voc.config import ScaleSetting
from voc.errors import InputError

Scale = str  # "0-10", "1-10", "1-5" or "1-7"
SCALE_RANGES: dict[str, tuple[int, int]] = {
    "0-10": (0, 10),
    "1-10": (1, 10),
    "1-5": (1, 5),
    "1-7": (1, 7),
}
#: A 1-5 scale is inferred from the data alone only from this many answers (as for 1-10).
CSAT_MIN_RESPONSES = 100
_SAYS_1_5 = re.compile(
    r"(?<!\d)1\s*(?:-|–|—|to|till|til)\s*5(?!\d)|\bcsat\b|satisf|nöjd|"
    r"fornøyd|tilfreds",
    re.IGNORECASE,
)


def grouping_rule(scale: Scale) -> str:
    """The rule applied to a scale, in words for the report."""
    if scale == "1-5":
        return "CSAT 1-5: mean score, and satisfied = 4-5; never converted to NPS"
    if scale == "1-7":
        return "CSAT 1-7: mean score, and satisfied = 6-7; never converted to NPS"
    low = SCALE_RANGES[scale][0]
    return f"NPS {scale}: promoters 9-10, passives 7-8, detractors {low}-6"


def parse_scores(
    values: pd.Series | Sequence[object],
    scale: Scale = "0-10",
    rows: Sequence[int] | np.ndarray | None = None,
) -> np.ndarray:
    """Whole-number scores as int64, or InputError naming every bad row and value.

    Text ("ten"), blanks, fractions (7.5) and values outside the scale are refused.
    ``rows`` are the spreadsheet rows of ``values`` (default position + 2, header = row 1).
    """
    series = pd.Series(values, dtype=object).reset_index(drop=True)
    rows = np.arange(len(series)) + 2 if rows is None else np.asarray(rows)
    text = series.map(lambda v: v.strip() if isinstance(v, str) else v)
    numbers = pd.to_numeric(text, errors="coerce").astype(float).to_numpy()
    not_number = np.isnan(numbers)
    if not_number.any():
        raise InputError(
            f"score is not a number: {listing(rows[not_number], series[not_number])}",
            row=int(rows[not_number][0]),
            column="score",
        )
    fraction = numbers != np.round(numbers)
    if fraction.any():
        raise InputError(
            f"score is not a whole number: {listing(rows[fraction], series[fraction])}",
            row=int(rows[fraction][0]),
            column="score",
        )
    low, high = SCALE_RANGES[scale]
    outside = (numbers < low) | (numbers > high)
    if outside.any():
        raise InputError(
            f"score outside the {scale} scale: "
            f"{listing(rows[outside], numbers[outside].astype(int).tolist())}",
            row=int(rows[outside][0]),
            column="score",
        )
    return numbers.astype("int64")


def frame_scores(frame: pd.DataFrame, scale: Scale = "0-10") -> np.ndarray:
    """The ``score`` column checked against ``scale``; fast when it is already int."""
    score = frame["score"]
    if pd.api.types.is_integer_dtype(score.dtype):
        values = score.to_numpy(dtype="int64")
        low, high = SCALE_RANGES[scale]
        if len(values) == 0 or (values.min() >= low and values.max() <= high):
            return values
    return parse_scores(score, scale, row_numbers(frame))


def detect_scale(
    scores: Sequence[int] | np.ndarray, header: str = "", setting: str = "auto"
) -> ScaleInfo:
    """The scale of a score column from its header and its values, or the user's setting.

    CSAT 1-5 is chosen when the header says so (1-5, CSAT, satisfied, nöjd, fornøyd) or when
    every one of at least 100 answers lies in 1..5, which a 0-10 question would not produce.
    Otherwise 0-10 vs 1-10 follows :func:`voc.io.scale.choose_scale`.
    """
    values = np.asarray(scores, dtype="int64")
    if len(values) and (values.min() < 0 or values.max() > 10):
        bad = values[(values < 0) | (values > 10)]
        raise InputError(
            f"scores outside 0..10 fit no scale: {sorted(set(bad.tolist()))[:5]}", column="score"
        )
    if setting == "1-5" or (setting == "auto" and _looks_like_csat(values, header)):
        reason = (
            "the scale setting says so"
            if setting == "1-5"
            else "the score column's header names a satisfaction scale"
            if _SAYS_1_5.search(header)
            else f"all {len(values)} answers lie in 1..5"
        )
        if len(values) and (values.min() < 1 or values.max() > 5):
            raise InputError(
                "mixed scales: the column looks like CSAT 1-5 but holds "
                f"answers {int(values.min())}..{int(values.max())}",
                column="score",
            )
        return ScaleInfo(
            scale="1-5",
            metric="csat",
            rule=grouping_rule("1-5"),
            reason=f"The scale is CSAT 1-5 because {reason}.",
        )
    nps_setting: ScaleSetting = "auto"
    if setting == "0-10":
        nps_setting = "0-10"
    elif setting == "1-10":
        nps_setting = "1-10"
    # Imported here: voc.types imports this package, and voc.io imports voc.types.
    from voc.io.scale import choose_scale

    scale, reason = choose_scale(values.tolist(), header, nps_setting)
    return ScaleInfo(
        scale="1-10" if scale == "1-10" else "0-10",
        metric="nps",
        rule=grouping_rule(scale),
        reason=reason,
    )


def _looks_like_csat(values: np.ndarray, header: str) -> bool:
    if _SAYS_1_5.search(header) and not re.search(r"\b10\b", header):
        return True
    return len(values) >= CSAT_MIN_RESPONSES and values.min() >= 1 and values.max() <= 5


def check_mixed_scales(frame: pd.DataFrame, by: str, min_group: int = 20) -> None:
    """Refuse a score column where one group answers only 1-5 and another goes up to 10.

    Such a column pools a CSAT question with an NPS question; the error names the group,
    its rows and the other groups' highest answers.
    """
    scores = frame["score"].to_numpy()
    keys = frame[by].astype(str).to_numpy()
    top = {k: int(scores[keys == k].max()) for k in pd.unique(keys)}
    if max(top.values(), default=0) <= 5:
        return
    for key, high in top.items():
        members = keys == key
        if high <= 5 and members.sum() >= min_group:
            rows = row_numbers(frame)[members]
            raise InputError(
                f"mixed scales: {by} = {key!r} has only answers 1..5 ({int(members.sum())} "
                f"responses, rows {', '.join(map(str, rows[:5]))}...) while other groups go up "
                f"to {max(top.values())}; analyse CSAT and NPS separately",
                column=by,
            )


def csat_estimate(scores: Sequence[int] | np.ndarray, min_sample: int = 30) -> CsatEstimate:
    """Mean CSAT (1-5) with a 95% t-interval and the share of 4-5 with a Wilson interval.

    :func:`voc.analytics.csat.estimate_csat` does the same on a 1-5 or 1-7 scale.
    """
    from voc.analytics.csat import estimate_csat  # that module builds on this one

    return estimate_csat(scores, "1-5", min_sample)
