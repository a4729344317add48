from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from voc.analytics.business import (
    customer_indicators,
    nps_by_attribute,
    revenue_at_risk,
    revenue_weighted_nps,
    revenue_what_if,
)
from voc.analytics.whatif import what_if
from voc.errors import InputError


def _frame() -> pd.DataFrame:
    # Account A (revenue 900): answers 10 and 2 -> each weighs 450; B (100): 9; C (0 revenue
    # known as NaN): 0 -> left out of the weighting.
    return pd.DataFrame(
        {
            "row": [2, 3, 4, 5, 6],
            "response_id": ["r1", "r2", "r3", "r4", "r5"],
            "score": [10, 2, 9, 0, 8],
            "comment": ["bra", "faktura fel", "ok", "hemskt", "fint"],
            "submitted_at": pd.to_datetime(
                ["2025-01-01", "2025-03-01", "2025-02-01", "2025-02-01", "2025-01-15"]
            ),
            "konto": ["A", "A", "B", "C", "D"],
            "revenue": [900.0, 900.0, 100.0, np.nan, 400.0],
            "owner": ["Åsa", "Åsa", "Per", "Per", "Per"],
        }
    )


def test_revenue_weighted_nps_by_hand() -> None:
    f = _frame()
    result = revenue_weighted_nps(f["score"].to_numpy(), f["konto"], f["revenue"], n_bootstrap=200)
    # weights: r1 450 (+1), r2 450 (-1), r3 100 (+1), r5 400 (0); C has no revenue.
    assert result.nps == pytest.approx(100 * (450 - 450 + 100) / 1400, abs=0.01)
    assert result.n_responses == 4
    assert result.n_accounts == 3
    assert result.revenue == 1400
    assert result.unweighted.nps == pytest.approx(100 * (2 - 1) / 4)
    assert result.ci_low <= result.nps <= result.ci_high


def test_revenue_weighted_nps_without_any_revenue_is_an_input_error() -> None:
    f = _frame().assign(revenue=np.nan)
    with pytest.raises(InputError, match="known revenue"):
        revenue_weighted_nps(f["score"].to_numpy(), f["konto"], f["revenue"])


def test_weighted_interval_covers_and_narrows_with_more_accounts() -> None:
    rng = np.random.default_rng(0)
    keys = pd.Series([f"k{i}" for i in range(400)])
    revenue = pd.Series(rng.lognormal(10, 1, 400))
    scores = rng.choice([0, 5, 7, 8, 9, 10], 400)
    wide = revenue_weighted_nps(scores[:20], keys[:20], revenue[:20], n_bootstrap=300)
    narrow = revenue_weighted_nps(scores, keys, revenue, n_bootstrap=300)
    assert narrow.ci_high - narrow.ci_low < wide.ci_high - wide.ci_low
    assert wide.low_sample and not narrow.low_sample


def test_revenue_at_risk_by_hand_uses_each_accounts_latest_answer() -> None:
    f = _frame()
    risk = revenue_at_risk(f, "konto", "revenue", "owner")
    # A's latest answer (2025-03-01) is a 2 -> at risk 900; B promoter; C has no revenue;
    # D passive. Revenue of accounts that answered with a known revenue: 900 + 100 + 400.
    assert risk.revenue == 900
    assert risk.share == pytest.approx(900 / 1400, abs=1e-4)
    [account] = risk.accounts
    assert (account.account, account.score, account.comment, account.owner) == (
        "A",
        2,
        "faktura fel",
        "Åsa",
    )


def test_a_later_promoter_answer_takes_the_account_off_the_risk_list() -> None:
    f = _frame()
    f.loc[0, "submitted_at"] = pd.Timestamp("2025-04-01")
    assert revenue_at_risk(f, "konto", "revenue").revenue == 0


def test_nps_by_attribute_tests_each_value_against_the_rest() -> None:
    f = pd.DataFrame(
        {"score": [10] * 40 + [0] * 40 + [10] * 20, "plan": ["Bas"] * 40 + ["Premium"] * 60}
    )
    rows = {(r.column, r.value): r for r in nps_by_attribute(f, ["plan"])}
    premium = rows[("plan", "Premium")]
    assert premium.estimate.nps == pytest.approx(100 * (20 - 40) / 60, abs=0.01)
    assert premium.versus_rest.a.nps == 100
    assert premium.versus_rest.significant and premium.versus_rest.difference < 0


def test_customer_indicators_leave_the_most_common_category_out() -> None:
    f = pd.DataFrame({"plan": ["Bas", "Bas", "Premium", ""], "staff": [1.0, 5.0, 9.0, np.nan]})
    x, names = customer_indicators(f, ["plan"], ["staff"])
    assert names == ["plan=Premium", "staff>=5"]
    assert x.tolist() == [[0, 0], [0, 1], [1, 1], [0, 0]]


def test_revenue_what_if_by_hand() -> None:
    f = _frame()
    mentioned = np.array([False, True, False, True, False])
    plain = what_if(f["score"].to_numpy(), mentioned, "billing", fraction=0.5)
    risk = revenue_at_risk(f, "konto", "revenue")
    result = revenue_what_if(f, mentioned, plain, "konto", "revenue", risk, n_bootstrap=100)
    # Only r2 (A, weight 450) is a detractor mentioning billing with a known revenue.
    assert result.revenue_of_detractors == 900
    assert result.lift == pytest.approx(100 * 0.5 * 450 / 1400, abs=0.01)
    assert result.weighted_nps_after == pytest.approx(result.weighted_nps_before + result.lift)
    assert result.revenue_at_risk_after == 450
