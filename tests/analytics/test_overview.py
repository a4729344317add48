import pandas as pd
import pytest

from voc.analytics.overview import NpsAnalysis, analyze_responses
from voc.analytics.simulate import planted_survey
from voc.errors import InputError


def test_one_call_runs_everything_and_round_trips_as_json() -> None:
    survey = planted_survey(n=600, random_state=2)
    result = analyze_responses(
        survey.frame,
        survey.mentions,
        polarity=survey.polarity,
        segment_columns=["Office", "Customer size"],
        account_column="account_id",
        size_column="Customer size",
        n_bootstrap=50,
        labels={"billing": "Billing"},
    )
    assert result.nps.n == 600 and len(result.by_month) == 6 and len(result.by_quarter) == 2
    assert result.change_month is not None and result.change_month.label_b == "2026-06"
    assert result.trend is not None and result.trend.unit == "NPS points"
    assert result.accounts is not None and result.accounts.estimate.n < 600
    assert result.drivers is not None and result.ranked.improvements
    assert {s.theme_id for s in result.sentiment} == set(survey.mentions.columns)
    assert result.what_if and result.what_if[0].theme_id == result.ranked.improvements[0].theme_id
    assert any(a.response_id == survey.truth.risk_response_id for a in result.alerts)
    assert NpsAnalysis.model_validate_json(result.model_dump_json()) == result


def test_few_responses_still_analysed_with_warnings() -> None:
    survey = planted_survey(n=12, random_state=1)
    result = analyze_responses(survey.frame, survey.mentions, n_bootstrap=20)
    assert result.drivers is None and result.nps.low_sample
    assert any("no driver model" in w for w in result.warnings)


def test_bad_input_is_refused_with_rows_and_values() -> None:
    survey = planted_survey(n=40, random_state=1)
    with pytest.raises(InputError, match="needs at least 1 responses; only 0"):
        analyze_responses(survey.frame.iloc[:0], survey.mentions.iloc[:0])
    text = survey.frame.astype({"score": object})
    text.loc[3, "score"] = "tio"
    with pytest.raises(InputError, match=r"row 5: 'tio'"):
        analyze_responses(text, survey.mentions)
    with pytest.raises(InputError, match=r"outside the 1-10 scale: row \d+: 0"):
        analyze_responses(survey.frame.assign(score=0), survey.mentions, scale="1-10")
    with pytest.raises(InputError, match="CSAT 1-5 answers are not NPS"):
        analyze_responses(survey.frame, survey.mentions, scale="1-5")
    # One touchpoint answered a 1-5 CSAT question, the other the 0-10 NPS question.
    csat_chat = survey.frame.assign(
        Touchpoint=["Support"] * 20 + ["Chat"] * 20, score=[10, 3] * 10 + [4, 5, 3, 5] * 5
    )
    with pytest.raises(InputError, match="mixed scales: Touchpoint = 'Chat'"):
        analyze_responses(csat_chat, survey.mentions, kind_column="Touchpoint")
    mixed = survey.frame.assign(Touchpoint=["Relational"] * 20 + ["Support"] * 20)
    with pytest.raises(InputError, match="mix survey kinds"):
        analyze_responses(mixed, survey.mentions, kind_column="Touchpoint")
    with pytest.raises(InputError, match="no column 'Region'"):
        analyze_responses(survey.frame, survey.mentions, segment_columns=["Region"])
    short = survey.mentions.iloc[:30]
    with pytest.raises(InputError, match="shape"):
        analyze_responses(survey.frame, short)


def test_touchpoints_of_one_kind_are_broken_down() -> None:
    survey = planted_survey(n=60, random_state=3)
    frame = survey.frame.assign(Touchpoint=pd.Series(["Support", "Delivery"] * 30))
    result = analyze_responses(frame, survey.mentions, kind_column="Touchpoint", n_bootstrap=20)
    assert [k.value for k in result.by_kind] == ["(all transactional)", "Delivery", "Support"]
