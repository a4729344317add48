"""The business section end to end on a survey with planted structure (tests/business_fixture)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from business_fixture import ACTION_DATE, planted
from voc.analytics.actions import Action
from voc.config import Settings
from voc.io.customers import read_customers
from voc.pipeline import Analyzer
from voc.types import Report


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
