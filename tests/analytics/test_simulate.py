import numpy as np

from voc.analytics.simulate import RISK_COMMENT, THEMES, planted_survey


def test_planted_survey_is_seeded_and_aligned() -> None:
    a, b = planted_survey(n=300, random_state=5), planted_survey(n=300, random_state=5)
    assert a.frame.equals(b.frame) and a.mentions.equals(b.mentions)
    assert len(a.frame) == len(a.mentions) == 300 and list(a.mentions.columns) == list(THEMES)
    assert a.frame["score"].between(0, 10).all()
    assert {"row", "response_id", "score", "comment", "submitted_at"} <= set(a.frame.columns)
    assert len(a.polarity) == int(a.mentions.to_numpy().sum())


def test_exactly_one_risk_comment_from_a_detractor() -> None:
    survey = planted_survey()
    risky = survey.frame[survey.frame["comment"] == RISK_COMMENT]
    assert risky["response_id"].tolist() == [survey.truth.risk_response_id]
    assert int(risky["score"].iloc[0]) <= 6


def test_the_rising_theme_grows_in_its_segment_only() -> None:
    survey = planted_survey()
    frame, rising = survey.frame, survey.mentions[survey.truth.rising_theme].to_numpy()
    month = frame["submitted_at"].dt.month.to_numpy()
    oslo = (frame["Office"] == "Oslo").to_numpy()
    first, last = month == month.min(), month == month.max()
    assert rising[oslo & last].mean() > 4 * rising[oslo & first].mean()
    assert abs(rising[~oslo & last].mean() - rising[~oslo & first].mean()) < 0.03
    assert np.isclose(survey.frame["score"].mean(), 7.7, atol=0.3)
