import numpy as np
import pandas as pd
import pytest

from voc.analytics.alerts import (
    churn_risk_alerts,
    find_alerts,
    large_account_alerts,
    risk_phrase,
    theme_jump_alerts,
)


@pytest.mark.parametrize(
    ("comment", "phrase"),
    [
        ("Vi kommer att säga upp avtalet", "säga upp"),
        ("Vi säger upp oss nästa månad", "säger upp"),
        ("Funderar på att byta leverantör", "byta leverantör"),
        ("Vi har kontaktat vår jurist", "jurist"),
        ("Jag kommer att anmäla er till ARN", "anmäla er"),
        ("Vi kommer til å si opp avtalen", "si opp"),
        ("Eg kjem til å seie opp avtalen", "seie opp"),
        ("Vi bytte leverandør i fjor og angrer ikke", "bytte leverandør"),
        ("Vi vil opsige aftalen", "opsige"),
        ("Vi har sendt en klage", "klage"),
        ("Vi har talt med en advokat", "advokat"),
        ("I will cancel my subscription", "cancel"),
        ("We are switching supplier", "switching supplier"),
        ("Our lawyer will be in touch", "lawyer"),
        ("Filed a formal complaint", "complaint"),
        ("Reklamation på leveransen", "Reklamation"),
    ],
)
def test_churn_risk_phrases_in_five_languages(comment: str, phrase: str) -> None:
    assert risk_phrase(comment) == phrase


@pytest.mark.parametrize(
    "comment",
    [
        "Fakturan var fel igen",
        "Lang ventetid på telefonen",
        "The app is slow",
        "Anmälan till kursen gick smidigt",
        "Uppsala-kontoret är bra",
        "",
    ],
)
def test_ordinary_complaints_are_not_churn_risk(comment: str) -> None:
    assert risk_phrase(comment) is None


def test_churn_alerts_only_for_detractors_with_row_and_id() -> None:
    frame = pd.DataFrame(
        {
            "row": [2, 3, 4],
            "response_id": ["R1", "R2", "R3"],
            "score": [9, 4, 6],
            "comment": ["Vi kanske säger upp", "Ok", "I will cancel"],
        }
    )
    (alert,) = churn_risk_alerts(frame)
    assert (alert.kind, alert.row, alert.response_id, alert.score) == ("churn_risk", 4, "R3", 6)
    assert alert.reason == "detractor (score 6) writes 'cancel': churn risk"


def test_very_low_scores_from_large_accounts() -> None:
    frame = pd.DataFrame(
        {
            "row": [2, 3, 4, 5],
            "response_id": ["a", "b", "c", "d"],
            "score": [1, 2, 9, 0],
            "comment": ["", "", "", ""],
            "Size": ["Enterprise", "Small", "Large", "storkund"],
        }
    )
    alerts = large_account_alerts(frame, "Size")
    assert [(a.row, a.severity, a.matched) for a in alerts] == [
        (2, "high", "Enterprise"),
        (5, "high", "storkund"),
    ]
    numeric = frame.assign(Size=[5000, 10, 8000, 40])
    assert [a.row for a in large_account_alerts(numeric, "Size", quantile=0.5)] == [2]


def test_a_theme_whose_share_jumps_month_over_month() -> None:
    dates = pd.to_datetime(["2026-01-15"] * 100 + ["2026-02-15"] * 100)
    frame = pd.DataFrame({"score": [8] * 200, "submitted_at": dates, "comment": [""] * 200})
    mentions = np.zeros((200, 2))
    mentions[:5, 0] = 1  # billing 5% in January
    mentions[100:130, 0] = 1  # 30% in February
    mentions[:10, 1] = 1  # price 10% -> 12%: no alert
    mentions[100:112, 1] = 1
    (alert,) = theme_jump_alerts(frame, mentions, ["billing", "price"])
    assert (alert.kind, alert.theme_id, alert.period) == ("theme_jump", "billing", "2026-02")
    assert alert.p_value is not None and alert.p_value < 0.001
    assert alert.reason.startswith("billing: 30% of responses in 2026-02 vs 5% in 2026-01")
    everything = find_alerts(frame, mentions, ["billing", "price"])
    assert [a.kind for a in everything] == ["theme_jump"]
