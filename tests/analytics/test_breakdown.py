import pandas as pd
import pytest

from voc.analytics.breakdown import nps_by_account, nps_by_period, period_labels
from voc.errors import InputError


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": [2, 3, 4, 5, 6, 7, 8],
            "score": [10, 9, 2, 8, 10, 0, 7],
            "submitted_at": pd.to_datetime(
                [
                    "2025-12-29",
                    "2026-01-02",
                    "2026-01-20",
                    "2026-03-31",
                    "2026-04-01",
                    None,
                    "2026-04-07",
                ]
            ),
            "Account": ["A", "A", "B", "B", "C", "", "D"],
            "Size": ["Large", "Large", "Small", "Small", "Small", "", "Large"],
        }
    )


def test_period_labels_for_week_month_quarter() -> None:
    dates = _frame()["submitted_at"]
    assert period_labels(dates, "W").tolist()[:3] == ["2026-W01", "2026-W01", "2026-W04"]
    assert period_labels(dates, "M").tolist()[:2] == ["2025-12", "2026-01"]
    assert period_labels(dates, "Q").tolist()[3:5] == ["2026Q1", "2026Q2"]
    assert pd.isna(period_labels(dates, "Q").iloc[5])
    with pytest.raises(ValueError, match="freq"):
        period_labels(dates, "D")  # type: ignore[arg-type]


def test_nps_by_quarter_and_week_carry_n_ci_and_flag() -> None:
    quarters = nps_by_period(_frame(), "Q", min_sample=3)
    assert [(q.period, q.estimate.n, q.estimate.nps, q.estimate.low_sample) for q in quarters] == [
        ("2025Q4", 1, 100.0, True),
        ("2026Q1", 3, 0.0, False),
        ("2026Q2", 2, 50.0, True),
    ]
    weeks = nps_by_period(_frame(), "W")
    assert [w.period for w in weeks] == ["2026-W01", "2026-W04", "2026-W14", "2026-W15"]
    assert all(w.estimate.low_sample and w.estimate.ci_high - w.estimate.ci_low > 50 for w in weeks)


def test_account_level_nps_counts_each_account_once() -> None:
    # A: mean 9.5 promoter; B: mean 5 detractor; C: 10 promoter; D: 7 passive; blank left out.
    view = nps_by_account(_frame(), "Account", size_column="Size", min_sample=3)
    assert [(a.account, a.mean_score, a.group, a.size) for a in view.accounts] == [
        ("B", 5.0, "detractor", "Small"),
        ("D", 7.0, "passive", "Large"),
        ("A", 9.5, "promoter", "Large"),
        ("C", 10.0, "promoter", "Small"),
    ]
    assert (view.estimate.n, view.estimate.nps) == (4, 25.0)
    assert view.respondent_estimate.n == 6 and view.respondent_estimate.nps == pytest.approx(
        100 * (3 - 1) / 6, abs=0.01
    )
    assert "1 responses without an account id" in view.rule
    assert len(nps_by_account(_frame(), "Account", top=2).accounts) == 2
    with pytest.raises(InputError, match="no column 'Customer'"):
        nps_by_account(_frame(), "Customer")
