"""Reading score cells: accepted spellings and the reasons given for the rest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voc.io.values import read_score, score_problem


@pytest.mark.parametrize(
    "raw", ["9", " 9 ", "9.0", "9,0", "+9", "09", "9\u00a0", "9 - Extremely likely"]
)
def test_accepted_spellings_of_nine(raw: str) -> None:
    reading = read_score(raw)
    assert reading.whole == 9
    assert score_problem(reading, "0-10") is None


@pytest.mark.parametrize(
    ("raw", "scale", "reason"),
    [
        ("", "0-10", "score is empty"),
        ("   ", "0-10", "score is empty"),
        ("ten", "0-10", "'ten' is not a number 0-10"),
        ("n/a", "0-10", "'n/a' is not a number 0-10"),
        ("7.5", "0-10", "'7.5' is not a whole number 0-10"),
        ("11", "0-10", "'11' is out of range 0-10"),
        ("-1", "0-10", "'-1' is out of range 0-10"),
        ("0", "1-10", "'0' is out of range 1-10"),
        ("1-10", "0-10", "'1-10' is not a number 0-10"),
    ],
)
def test_reasons(raw: str, scale: str, reason: str) -> None:
    assert score_problem(read_score(raw), scale) == reason


@given(
    score=st.integers(0, 10),
    decimals=st.sampled_from(["", ".0", ",0", ".00"]),
    left=st.sampled_from(["", " ", "\t", "  "]),
    right=st.sampled_from(["", " ", "\r", "\u00a0"]),
)
def test_any_whole_score_in_any_spelling_reads_back(
    score: int, decimals: str, left: str, right: str
) -> None:
    assert read_score(f"{left}{score}{decimals}{right}").whole == score


@given(st.text(max_size=12))
def test_any_text_is_either_a_score_or_has_a_reason(raw: str) -> None:
    reading = read_score(raw)
    problem = score_problem(reading, "0-10")
    assert (problem is None) == (reading.whole is not None and 0 <= reading.whole <= 10)
