"""Reading one score cell: what number it holds, or why it holds none."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
# Label exports write the answer option, e.g. "10 - Extremely likely" or "0 = Not at all".
_LABELLED = re.compile(r"^(\d{1,2})\s*[-–=:]\s*\D")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass(frozen=True)
class ScoreReading:
    """A score cell read as a number: ``number`` is None when the cell holds no number."""

    text: str
    number: float | None

    @property
    def is_empty(self) -> bool:
        return self.text == ""

    @property
    def whole(self) -> int | None:
        """The score as an int, or None when it is missing or fractional."""
        if self.number is None or not self.number.is_integer():
            return None
        return int(self.number)


def read_score(raw: str) -> ScoreReading:
    """Read ``raw`` ("9", " 9 ", "9.0", "9,0", "10 - Extremely likely") as a number."""
    text = raw.strip()
    compact = _SPACES.sub("", text)
    if _NUMBER.match(compact):
        return ScoreReading(text, float(compact.replace(",", ".")))
    labelled = _LABELLED.match(text)
    if labelled:
        return ScoreReading(text, float(labelled.group(1)))
    return ScoreReading(text, None)


def score_problem(reading: ScoreReading, scale: str) -> str | None:
    """Why a score cannot be used on ``scale`` ("0-10", "1-10", "1-5", "1-7"), or None."""
    if reading.is_empty:
        return "score is empty"
    if reading.number is None:
        return f"{reading.text!r} is not a number {scale}"
    whole = reading.whole
    if whole is None:
        return f"{reading.text!r} is not a whole number {scale}"
    low, high = (int(part) for part in scale.split("-"))
    if not low <= whole <= high:
        return f"{reading.text!r} is out of range {scale}"
    return None


def is_score_like(raw: str) -> bool:
    """True when ``raw`` is a whole number 0-10, as a score column's cells mostly are."""
    whole = read_score(raw).whole
    return whole is not None and 0 <= whole <= 10


def is_number(raw: str) -> bool:
    """True when ``raw`` is a plain number (integer or decimal, either decimal mark)."""
    return bool(_NUMBER.match(_SPACES.sub("", raw.strip())))
