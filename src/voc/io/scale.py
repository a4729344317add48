"""Deciding whether scores are on the standard 0-10 NPS scale or a 1-10 variant."""

from __future__ import annotations

import re
from collections.abc import Sequence

from voc.config import ScaleSetting

# A 1-10 scale is inferred from data only when a 0 would almost surely have appeared.
MIN_RESPONSES_FOR_INFERENCE = 100
_RANGE = r"\s*(?:-|–|—|to|till|til)\s*10\b"
_SAYS_1_10 = re.compile(rf"(?<!\d)1{_RANGE}", re.IGNORECASE)
_SAYS_0_10 = re.compile(rf"(?<!\d)0{_RANGE}", re.IGNORECASE)


def choose_scale(scores: Sequence[int], header: str, setting: ScaleSetting) -> tuple[str, str]:
    """The scale ("0-10" or "1-10") and one sentence saying why.

    Args:
        scores: the whole-number scores between 0 and 10 found in the score column.
        header: the score column's header, which often states the scale.
        setting: ``Settings.scale``; anything but "auto" wins.
    """
    if setting != "auto":
        return setting, f"The scale is {setting} because the scale setting says so."
    if _SAYS_1_10.search(header):
        return "1-10", "The scale is 1-10 because the score column's header says 1-10."
    if _SAYS_0_10.search(header):
        return "0-10", "The scale is 0-10 because the score column's header says 0-10."
    n = len(scores)
    if n >= MIN_RESPONSES_FOR_INFERENCE and min(scores) >= 1:
        return "1-10", (
            f"The scale is 1-10 because none of the {n} valid scores is 0, which is very "
            "unlikely on a 0-10 scale."
        )
    if 0 in scores:
        return "0-10", "The scale is 0-10, the standard NPS scale; some scores are 0."
    return "0-10", (
        f"The scale is 0-10, the standard NPS scale; {n} scores are too few to infer 1-10 "
        f"from the absence of 0 (needs {MIN_RESPONSES_FOR_INFERENCE})."
    )
