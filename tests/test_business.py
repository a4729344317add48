"""The business section end to end on a survey with planted structure.

Plants (seeded): the Premium price plan drags NPS with the same comments as everyone else;
the accounts with the largest revenue are the least happy (revenue-weighted NPS below the
plain one); billing complaints stop in region Nord after the action of 2025-07-01, and those
customers become promoters.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from voc.analytics.actions import Action
from voc.config import Settings
from voc.io.customers import read_customers
from voc.pipeline import Analyzer
from voc.types import Report

ACTION_DATE = "2025-07-01"
BILLING = "Felaktig faktura igen, fel belopp på fakturan"
NEUTRAL = ["Ok", "", "Bra", "Inget särskilt"]
PRAISE = "Kunnig personal, mycket kompetent"


def planted(seed: int = 7, accounts: int = 240, per_account: int = 5):
    """(export, customers) DataFrames."""
    rng = np.random.default_rng(seed)
    keys = [f"K{i:04d}" for i in range(1, accounts + 1)]
    plans = rng.permutation(np.array(["Bas", "Standard", "Premium", "Standard"] * accounts))[
        :accounts
    ]
    regions = np.where(np.arange(accounts) % 2 == 0, "Nord", "Syd")
    sellers = np.array(["Anna", "Björn", "Carin"])[np.arange(accounts) % 3]
    revenue = np.round(rng.lognormal(13.0, 1.0, accounts), -3)
    big = revenue >= np.quantile(revenue, 0.8)
    customers = pd.DataFrame(
        {
            "Kundnummer": keys,
            "Prisplan": plans,
            "Region": regions,
            "Säljare": sellers,
            "Årsomsättning": revenue,
            "Anställda": rng.integers(5, 500, accounts),
        }
    )
    rows = []
    start = pd.Timestamp("2025-01-01")
    for a, key in enumerate(keys):
        for _ in range(per_account):
            date = start + pd.Timedelta(days=int(rng.integers(0, 365)))
            after = date >= pd.Timestamp(ACTION_DATE)
            billing_rate = 0.02 if (after and regions[a] == "Nord") else 0.4
            if rng.random() < billing_rate:
                score, comment = int(rng.integers(1, 6)), BILLING
            else:
                p_detractor = 0.1 + (0.35 if plans[a] == "Premium" else 0) + (0.5 if big[a] else 0)
                if rng.random() < p_detractor:
                    score = int(rng.integers(2, 7))
                else:
                    score = int(rng.choice([7, 8, 9, 10, 10]))
                comment = PRAISE if score >= 9 and rng.random() < 0.3 else str(rng.choice(NEUTRAL))
            rows.append((f"R{len(rows) + 1:05d}", date.date().isoformat(), score, comment, key))
    export = pd.DataFrame(
        rows, columns=["Response ID", "Datum", "Betyg", "Kommentar", "Kundnummer"]
    )
    return export, customers


@pytest.fixture(scope="module")
def planted_report() -> tuple[Report, pd.DataFrame, pd.DataFrame]:
    export, customers = planted()
    settings = Settings(embedding_model="hashing", bootstrap_samples=200)
    reports = Analyzer(settings).analyze_business(
        export,
        read_customers(customers),
        actions=[Action("Fakturarutin", ACTION_DATE, "Region=Nord", "billing")],
    )
    return reports["all"], export, customers


def test_the_premium_plan_is_found_to_drag_nps_beyond_its_themes(planted_report) -> None:
    report, _, _ = planted_report
    business = report.business
    assert business is not None
    premium = next(
        a for a in business.attribute_nps if (a.column, a.value) == ("Prisplan", "Premium")
    )
    assert premium.versus_rest.significant and premium.versus_rest.difference < 0
    assert business.drivers is not None
    effects = {e.theme_id: e for e in business.drivers.effects}
    assert effects["Prisplan=Premium"].ci_high < 0  # themes held fixed
    assert effects["billing"].ci_high < 0
    # Plans, regions and sellers with no plant are not flagged.
    for name in ("Region=Syd", "Prisplan=Bas"):
        assert effects[name].ci_low < 0 < effects[name].ci_high, name


def test_revenue_spread_is_seen_by_the_weighted_nps(planted_report) -> None:
    report, _, _ = planted_report
    weighted = report.business.weighted_nps
    # The largest accounts are the least happy: weighted NPS is clearly below the plain one.
    assert weighted.ci_high < weighted.unweighted.nps
    assert weighted.n_accounts == 240


def test_revenue_at_risk_matches_a_direct_count(planted_report) -> None:
    report, export, customers = planted_report
    latest = (
        export.assign(Datum=pd.to_datetime(export["Datum"]), order=np.arange(len(export)))
        .sort_values(["Datum", "order"])
        .groupby("Kundnummer")
        .tail(1)
    )
    at_risk = set(latest.loc[latest["Betyg"] <= 6, "Kundnummer"])
    expected = customers.loc[customers["Kundnummer"].isin(at_risk), "Årsomsättning"].sum()
    risk = report.business.revenue_at_risk
    assert risk.revenue == pytest.approx(expected)
    assert {a.account for a in risk.accounts} == at_risk
    assert all(a.owner in {"Anna", "Björn", "Carin"} for a in risk.accounts)
    revenues = [a.revenue for a in risk.accounts]
    assert revenues == sorted(revenues, reverse=True)


def test_the_action_lift_is_recovered_against_the_rest(planted_report) -> None:
    report, _, _ = planted_report
    [effect] = report.business.actions
    assert effect.did_ci_low > 0
    assert effect.theme_did is not None and effect.theme_did_ci_high < 0
    assert not effect.low_sample


def test_what_if_comes_in_revenue_and_the_report_serialises(planted_report) -> None:
    report, _, _ = planted_report
    billing = next(w for w in report.business.what_if if w.theme_id == "billing")
    assert billing.lift > 0 and billing.lift_ci_low > 0
    assert billing.revenue_at_risk_after < report.business.revenue_at_risk.revenue
    again = Report.model_validate(json.loads(report.model_dump_json()))
    assert again.business == report.business
