"""Deciding a score column's scale, and saying how it was decided.

NPS is asked on 0-10 (the standard) or on a 1-10 variant; customer-satisfaction (CSAT)
questions on 1-5 or 1-7. What the question text says wins ("(0-10)", "1-5", "5-gradig
skala"); otherwise the data decide only what they can: a 0 proves 0-10, a 1 with no 0 over
many answers suggests 1-10, and with neither a 0 nor a 1 the standard 0-10 is assumed and
said to be. A file that holds two scales (a 1-5 block beside 0-10 rows, one month or one
survey answered on 1-5) is flagged with the rows concerned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from voc.config import ScaleSetting

# A 1-10 (or 1-5, 1-7) scale is inferred from data only when a 0 (a 6) would almost surely
# have appeared.
MIN_RESPONSES_FOR_INFERENCE = 100
#: Scales a score column can be on, with their lowest and highest answer.
SCALE_BOUNDS: dict[str, tuple[int, int]] = {
    "0-10": (0, 10),
    "1-10": (1, 10),
    "1-5": (1, 5),
    "1-7": (1, 7),
}
CSAT_SCALES = ("1-5", "1-7")
# A run of this many answers all within 1..5 (in file order, or in one group) does not
# happen on a 0-10 question: even with half the answers at 5 or below, 0.5**30 ~ 1e-9.
MIN_MIXED_BLOCK = 30
MIN_MIXED_GROUP = 20

_TO = r"\s*(?:-|–|—|to|till|til|bis|\.\.)\s*"
_SAYS = {
    "1-10": re.compile(rf"(?<![\d,.])1{_TO}10(?!\d)", re.IGNORECASE),
    "0-10": re.compile(rf"(?<![\d,.])0{_TO}10(?!\d)", re.IGNORECASE),
    "1-5": re.compile(rf"(?<![\d,.])1{_TO}5(?![\d,.])|\b5-?(?:gradig|gradert|punkt)", re.I),
    "1-7": re.compile(rf"(?<![\d,.])1{_TO}7(?![\d,.])|\b7-?(?:gradig|gradert|punkt)", re.I),
}
# A satisfaction question: CSAT when the answers stay within 1..5 (or 1..7).
_SATISFACTION = re.compile(
    r"\bcsat\b|satisf|nöjd|nojd|fornøyd|fornoyd|tilfreds|tyytyväi|zufrieden", re.IGNORECASE
)


@dataclass(frozen=True)
class ScaleChoice:
    """The scale of a score column and how it was decided.

    ``scale``: "0-10", "1-10" (NPS) or "1-5", "1-7" (CSAT); ``metric``: "nps" or "csat";
    ``basis``: "setting", "question" (the header or question text states it), "data"
    (the answers prove or strongly suggest it) or "assumed" (the data cannot tell);
    ``reason``: one sentence for the user; ``mixed``: warnings naming rows that seem to be
    on another scale than the rest.
    """

    scale: str
    metric: str
    basis: str
    reason: str
    mixed: tuple[str, ...] = field(default=())

    @property
    def bounds(self) -> tuple[int, int]:
        return SCALE_BOUNDS[self.scale]


def infer_scale(
    scores: Sequence[int], header: str, setting: str = "auto", question: str = ""
) -> ScaleChoice:
    """The scale of the whole-number scores 0-10 of a column.

    Args:
        header: the column's header; ``question``: the question text a survey tool
            writes under its column id. Either may state the scale.
        setting: ``Settings.scale``; anything but "auto" wins.
    """
    if setting != "auto":
        return _choice(
            setting, "setting", f"The scale is {setting} because the scale setting says so."
        )
    for text, where in ((question, "question text"), (header, "score column's header")):
        stated = _stated_scale(text)
        if stated:
            return _choice(
                stated, "question", f"The scale is {stated} because the {where} says {stated}."
            )
    n = len(scores)
    low = min(scores) if n else 0
    high = max(scores) if n else 10
    if n and low >= 1 and high <= 7 and _SATISFACTION.search(f"{header} {question}"):
        scale = "1-5" if high <= 5 else "1-7"
        return _choice(
            scale,
            "data",
            f"The scale is CSAT {scale} because the question asks about satisfaction and "
            f"every answer lies in 1..{high}.",
        )
    if n >= MIN_RESPONSES_FOR_INFERENCE and low >= 1 and high <= 7:
        scale = "1-5" if high <= 5 else "1-7"
        return _choice(
            scale,
            "data",
            f"The scale is CSAT {scale} because all {n} answers lie in 1..{high}, which a "
            "0-10 question would not produce.",
        )
    scale, reason, basis = _nps_from_data(scores)
    if n and high <= 7:
        reason += (
            f" Every answer lies in {low}..{high}: if this is a 1-5 or 1-7 satisfaction "
            'question, put the scale in its header (e.g. "(1-5)").'
        )
    return _choice(scale, basis, reason)


def choose_scale(scores: Sequence[int], header: str, setting: ScaleSetting) -> tuple[str, str]:
    """The NPS scale ("0-10" or "1-10") and one sentence saying why.

    Args:
        scores: the whole-number scores between 0 and 10 found in the score column.
        header: the score column's header, which often states the scale.
        setting: ``Settings.scale``; anything but "auto" wins.
    """
    if setting != "auto":
        return setting, f"The scale is {setting} because the scale setting says so."
    for scale in ("1-10", "0-10"):
        if _SAYS[scale].search(header):
            return scale, f"The scale is {scale} because the score column's header says {scale}."
    scale, reason, _ = _nps_from_data(scores)
    return scale, reason


def _nps_from_data(scores: Sequence[int]) -> tuple[str, str, str]:
    """The NPS scale, the reason, and whether the data show it ("data") or not ("assumed")."""
    n = len(scores)
    if 0 in scores:
        return "0-10", "The scale is 0-10, the standard NPS scale; some scores are 0.", "data"
    if n and min(scores) >= 2:
        reason = (
            f"0-10 assumed (no 0 or 1 in the data): the standard NPS scale; the {n} scores "
            "cannot tell 0-10 from 1-10."
        )
        return "0-10", reason, "assumed"
    if n >= MIN_RESPONSES_FOR_INFERENCE:
        reason = (
            f"The scale is 1-10 because none of the {n} valid scores is 0, which is very "
            "unlikely on a 0-10 scale."
        )
        return "1-10", reason, "data"
    reason = (
        f"The scale is 0-10, the standard NPS scale; {n} scores are too few to infer 1-10 "
        f"from the absence of 0 (needs {MIN_RESPONSES_FOR_INFERENCE})."
    )
    return "0-10", reason, "assumed"


def _stated_scale(text: str) -> str | None:
    if not text:
        return None
    found = [(m.start(), scale) for scale, rx in _SAYS.items() if (m := rx.search(text))]
    return min(found)[1] if found else None


def _choice(scale: str, basis: str, reason: str) -> ScaleChoice:
    metric = "csat" if scale in CSAT_SCALES else "nps"
    return ScaleChoice(scale=scale, metric=metric, basis=basis, reason=reason)


def mixed_scale_warnings(
    scores: np.ndarray, rows: np.ndarray, groups: Mapping[str, np.ndarray], scale: str
) -> tuple[str, ...]:
    """Warnings naming rows that look answered on 1-5 while the rest use ``scale`` (0-10).

    Looks for a block of at least MIN_MIXED_BLOCK rows in file order whose answers all lie
    in 1..5, and for a value of a grouping column (``groups``: name -> one label per row,
    e.g. a survey column or the month) with at least MIN_MIXED_GROUP answers, all in 1..5,
    while the other rows go above 5.
    """
    if scale in CSAT_SCALES or len(scores) < MIN_MIXED_BLOCK or int(scores.max()) <= 5:
        return ()
    low = (scores >= 1) & (scores <= 5)
    out: list[str] = []
    ordered = np.all(np.diff(scores) >= 0) or np.all(np.diff(scores) <= 0)
    if not ordered:  # a file sorted by score has runs of low scores by construction
        for start, stop in _runs(low):
            if stop - start >= MIN_MIXED_BLOCK and (~low[:start]).sum() + (~low[stop:]).sum():
                out.append(
                    f"rows {rows[start]}-{rows[stop - 1]} ({stop - start} responses in a row) "
                    f"only hold scores 1-5 while the other rows go up to {int(scores.max())}: "
                    "the file seems to mix a 1-5 scale with 0-10; analyse them separately"
                )
    top = int(scores.max())
    for name, labels in groups.items():
        codes, uniques = pd.factorize(np.asarray(labels, dtype=object))
        known = codes >= 0
        size = np.bincount(codes[known], minlength=len(uniques))
        lows = np.bincount(codes[known], weights=low[known], minlength=len(uniques))
        # A group all within 1..5 leaves the file's highest answer (> 5) to the other rows.
        for code in np.flatnonzero((size >= MIN_MIXED_GROUP) & (lows == size)):
            value = uniques[code]
            if value in ("", None) or size[code] == len(scores):
                continue
            members = codes == code
            out.append(
                f"{name} = {value!r} only has scores 1-5 ({int(size[code])} responses, rows "
                f"{format_rows(rows[members])}) while the other rows go up to {top}: the "
                "file seems to mix a 1-5 scale with 0-10"
            )
    return tuple(dict.fromkeys(out))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def format_rows(rows: np.ndarray, limit: int = 6) -> str:
    """Row numbers as ranges: "2-101, 150, 152-160" (the first ``limit`` ranges)."""
    numbers = sorted(int(r) for r in rows)
    ranges: list[str] = []
    start = prev = numbers[0] if numbers else 0
    for r in [*numbers[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        ranges.append(str(start) if start == prev else f"{start}-{prev}")
        if r is not None:
            start = prev = r
    shown = ", ".join(ranges[:limit])
    return shown + (", ..." if len(ranges) > limit else "") if numbers else ""
