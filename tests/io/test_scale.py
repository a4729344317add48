"""Choosing between the 0-10 NPS scale and a 1-10 variant."""

from __future__ import annotations

from voc.io.scale import choose_scale


def test_setting_wins() -> None:
    assert choose_scale([0, 5], "NPS (0-10)", "1-10") == (
        "1-10",
        "The scale is 1-10 because the scale setting says so.",
    )


def test_header_says_1_10_with_hyphen_or_en_dash() -> None:
    assert choose_scale([5], "Betyg (1-10)", "auto")[0] == "1-10"
    assert choose_scale([5], "Betyg 1–10", "auto")[0] == "1-10"
    assert choose_scale([5], "Rate us from 1 to 10", "auto")[0] == "1-10"
    assert choose_scale([5], "Score (0-10)", "auto")[0] == "0-10"


def test_hundred_scores_without_a_zero_mean_1_10() -> None:
    scale, reason = choose_scale([1, 5, 10] * 34, "Score", "auto")
    assert scale == "1-10"
    assert reason == (
        "The scale is 1-10 because none of the 102 valid scores is 0, which is very unlikely "
        "on a 0-10 scale."
    )


def test_too_few_scores_keep_0_10() -> None:
    scale, reason = choose_scale([1, 5, 10] * 33, "Score", "auto")
    assert scale == "0-10"
    assert "99 scores are too few" in reason


def test_a_zero_keeps_0_10() -> None:
    assert choose_scale([0] + [5] * 200, "Score", "auto") == (
        "0-10",
        "The scale is 0-10, the standard NPS scale; some scores are 0.",
    )


def test_infer_scale_says_how_it_knows() -> None:
    from voc.io.scale import infer_scale

    assert infer_scale([2, 9, 10] * 50, "Score").reason.startswith(
        "0-10 assumed (no 0 or 1 in the data)"
    )
    assert infer_scale([1, 9, 10] * 50, "Score").scale == "1-10"
    assert infer_scale([3, 9], "Score", question="Betyg (0-10)").basis == "question"
    chosen = infer_scale([1, 2, 5] * 40, "Score")
    assert (chosen.scale, chosen.metric, chosen.basis) == ("1-5", "csat", "data")
    assert infer_scale([1, 2, 6, 7] * 30, "Score").scale == "1-7"
    small = infer_scale([2, 3, 4], "Hur nöjd är du med hjälpen?")
    assert (small.scale, small.metric) == ("1-5", "csat")
    hint = infer_scale([1, 3, 4], "Score")
    assert (hint.scale, hint.basis) == ("0-10", "assumed")
    assert "Every answer lies in 1..4" in hint.reason
    assert infer_scale([1, 3], "Hur nöjd är du? (0-10)").scale == "0-10"
