import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc.analytics.nps import estimate_nps
from voc.analytics.scales import (
    check_mixed_scales,
    csat_estimate,
    detect_scale,
    frame_scores,
    grouping_rule,
    parse_scores,
)
from voc.errors import InputError


def test_text_in_the_score_column_names_rows_and_values() -> None:
    with pytest.raises(InputError) as info:
        parse_scores(["10", "ten", 7, "", "9"], rows=[2, 3, 4, 5, 6])
    message = str(info.value)
    assert "row 3: 'ten'" in message and "row 5: ''" in message
    assert info.value.row == 3 and info.value.column == "score"


def test_out_of_range_and_fractions_are_refused_with_rows() -> None:
    with pytest.raises(InputError, match=r"outside the 0-10 scale: row 4: 11, row 6: -1"):
        parse_scores([9, 10, 11, 5, -1], rows=[2, 3, 4, 5, 6])
    with pytest.raises(InputError, match=r"not a whole number: row 3: 7.5"):
        parse_scores([9, 7.5], rows=[2, 3])
    with pytest.raises(InputError, match=r"outside the 1-10 scale: row 2: 0"):
        parse_scores([0, 5], scale="1-10")


def test_frame_scores_reads_the_row_column_for_messages() -> None:
    frame = pd.DataFrame({"row": [10, 11, 12], "score": ["8", "x", "9"]})
    with pytest.raises(InputError, match=r"row 11: 'x'"):
        frame_scores(frame)
    ok = pd.DataFrame({"row": [2, 3], "score": np.array([0, 10], dtype="int64")})
    assert frame_scores(ok).tolist() == [0, 10]


def test_many_bad_rows_are_summarised() -> None:
    with pytest.raises(InputError, match=r"\(and 2 more\)"):
        parse_scores(["a", "b", "c", "d", "e", "f", "g"])


def test_detect_scale_from_values_and_header() -> None:
    assert detect_scale([0, 5, 10]).scale == "0-10"
    no_zero = detect_scale(list(range(1, 11)) * 12)
    assert no_zero.scale == "1-10" and "120" in no_zero.reason
    assert "detractors 1-6" in no_zero.rule
    csat = detect_scale([1, 2, 3, 4, 5] * 25)
    assert (csat.scale, csat.metric) == ("1-5", "csat")
    assert detect_scale([4, 5, 3], header="How satisfied are you? (1-5)").metric == "csat"
    assert detect_scale([4, 5, 3], header="Rate us 0-10").scale == "0-10"
    assert detect_scale([4, 5, 3], setting="1-10").scale == "1-10"


def test_detect_scale_refuses_impossible_values_and_mixed_csat() -> None:
    with pytest.raises(InputError, match="fit no scale"):
        detect_scale([3, 12])
    with pytest.raises(InputError, match="mixed scales"):
        detect_scale([1, 5, 9], header="CSAT score")


def test_a_group_answering_only_one_to_five_is_a_mixed_scale() -> None:
    frame = pd.DataFrame(
        {
            "row": np.arange(60) + 2,
            "score": [9, 10, 3, 7] * 10 + [4, 5, 3, 5] * 5,
            "survey": ["NPS"] * 40 + ["Chat CSAT"] * 20,
        }
    )
    with pytest.raises(InputError, match=r"survey = 'Chat CSAT' has only answers 1..5") as info:
        check_mixed_scales(frame, "survey")
    assert "rows 42, 43" in str(info.value)
    check_mixed_scales(frame.iloc[:40], "survey")  # one scale: fine


def test_csat_by_hand() -> None:
    # 1..5 once each and two more 5s: mean 25/7 = 3.571, sd 1.618; t(6, .975) = 2.4469
    # half-width 2.4469 * 1.618 / sqrt(7) = 1.497; satisfied (4-5) = 4 of 7.
    est = csat_estimate([1, 2, 3, 4, 5, 5, 5], min_sample=30)
    assert est.mean == pytest.approx(3.571, abs=0.001)
    assert (est.ci_low, est.ci_high) == pytest.approx((2.075, 5.0), abs=0.002)
    assert est.satisfied == 4 and est.share_satisfied == pytest.approx(0.5714, abs=1e-4)
    assert est.share_ci_low < 0.5714 < est.share_ci_high
    assert est.low_sample
    with pytest.raises(InputError, match="outside the 1-5 scale"):
        csat_estimate([4, 5, 9])


def test_grouping_rule_states_the_scale() -> None:
    assert grouping_rule("0-10") == "NPS 0-10: promoters 9-10, passives 7-8, detractors 0-6"
    assert "never converted to NPS" in grouping_rule("1-5")


@given(st.lists(st.integers(1, 10), min_size=1, max_size=200))
@settings(max_examples=100, deadline=None)
def test_nps_is_the_same_whichever_nps_scale_is_declared(scores: list[int]) -> None:
    as_0_10 = estimate_nps(parse_scores(scores, "0-10"))
    as_1_10 = estimate_nps(parse_scores(scores, "1-10"))
    assert as_0_10 == as_1_10


@given(st.lists(st.integers(0, 10), min_size=1, max_size=200))
@settings(max_examples=100, deadline=None)
def test_parsing_text_round_trips_and_detection_is_consistent(scores: list[int]) -> None:
    assert parse_scores([f" {s} " for s in scores]).tolist() == scores
    info = detect_scale(scores)
    if 0 in scores:
        assert info.scale == "0-10"
    if max(scores) > 5:
        assert info.metric == "nps"


@given(st.lists(st.integers(1, 5), min_size=2, max_size=200))
@settings(max_examples=100, deadline=None)
def test_csat_stays_on_its_scale(scores: list[int]) -> None:
    est = csat_estimate(scores)
    assert 1.0 <= est.ci_low <= est.mean <= est.ci_high <= 5.0
    assert 0.0 <= est.share_ci_low <= est.share_satisfied <= est.share_ci_high <= 1.0
