"""NPS in business terms: revenue-weighted NPS, revenue at risk, NPS by customer attribute,
drivers with customer variables, what-if in revenue.

Inputs are the responses frame with its accounts' attributes already joined (see
:mod:`voc.io.customers`): a key column naming each response's account, a revenue column
(float, NaN when unknown), an owner column and customer segment and numeric columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from voc.analytics.breakdown import segment_values
from voc.analytics.business_results import (
    AttributeNps,
    RevenueAtRisk,
    RevenueWhatIf,
    RiskAccount,
    WeightedNps,
)
from voc.analytics.drivers import fit_drivers
from voc.analytics.nps import compare_nps, estimate_nps, net_scores
from voc.analytics.results import DriverModel, WhatIf
from voc.errors import InputError

RISK_RULE = (
    "accounts whose latest answer (by date, then row) is a detractor's (0-6); "
    "their annual revenue summed"
)


def _account_weights(keys: pd.Series, revenue: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per response: its share of the account's revenue (revenue / answers), and usable."""
    revenue = pd.to_numeric(revenue, errors="coerce")
    usable = (keys.astype(str) != "") & revenue.notna() & (revenue > 0)
    answers = keys[usable].map(keys[usable].value_counts())
    weights = np.zeros(len(keys))
    weights[usable.to_numpy()] = (revenue[usable] / answers).to_numpy(dtype=float)
    return weights, usable.to_numpy()


def _by_account(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum of ``values`` per account, and the account index of each row."""
    accounts, index = np.unique(keys, return_inverse=True)
    sums = np.zeros(len(accounts))
    np.add.at(sums, index, values)
    return sums, index


def _account_bootstrap(
    numerators: np.ndarray, denominators: np.ndarray, n_bootstrap: int, random_state: int
) -> np.ndarray:
    """Ratio sum(num)/sum(den) over ``n_bootstrap`` resamples of accounts (with replacement)."""
    rng = np.random.default_rng(random_state)
    k = len(numerators)
    counts = rng.multinomial(k, np.full(k, 1.0 / k), size=n_bootstrap).astype(float)
    den = counts @ denominators
    return np.where(den > 0, counts @ numerators / np.where(den > 0, den, 1.0), 0.0)


def revenue_weighted_nps(
    scores: np.ndarray,
    keys: pd.Series,
    revenue: pd.Series,
    *,
    n_bootstrap: int = 500,
    random_state: int = 0,
    min_sample: int = 30,
) -> WeightedNps:
    """NPS with each answer weighted by its account's revenue (split over its answers).

    Only answers whose account has a known, positive revenue count. The 95% interval is
    the percentile interval of a seeded bootstrap that resamples accounts, since answers
    of one account are not independent.

    Raises InputError when no answer has a known revenue.
    """
    scores = np.asarray(scores, dtype=int)
    keys = keys.astype(str).reset_index(drop=True)
    weights, usable = _account_weights(keys, revenue.reset_index(drop=True))
    if not usable.any():
        raise InputError("no response has an account with a known revenue")
    net = net_scores(scores[usable])
    w = weights[usable]
    point = 100.0 * float(w @ net) / float(w.sum())
    weighted_net, _ = _by_account(keys[usable].to_numpy(), w * net)
    account_revenue, _ = _by_account(keys[usable].to_numpy(), w)
    draws = 100.0 * _account_bootstrap(weighted_net, account_revenue, n_bootstrap, random_state)
    low, high = np.percentile(draws, [2.5, 97.5]) if n_bootstrap else (point, point)
    n_accounts = len(account_revenue)
    return WeightedNps(
        nps=round(point, 2),
        ci_low=round(float(low), 2),
        ci_high=round(float(high), 2),
        n_responses=int(usable.sum()),
        n_accounts=n_accounts,
        revenue=round(float(account_revenue.sum()), 2),
        unweighted=estimate_nps(scores[usable], min_sample),
        n_bootstrap=n_bootstrap,
        low_sample=n_accounts < min_sample,
    )


def latest_answers(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Each account's latest answer: by ``submitted_at`` (undated first), then by row."""
    known = frame[frame[key].astype(str) != ""]
    ordered = known.assign(_undated=known["submitted_at"].isna()).sort_values(
        ["_undated", "submitted_at", "row"], ascending=[False, True, True], kind="stable"
    )
    return ordered.groupby(key, sort=False).tail(1).drop(columns="_undated")


def revenue_at_risk(
    frame: pd.DataFrame, key: str, revenue: str, owner: str | None = None
) -> RevenueAtRisk:
    """Revenue of the accounts whose latest answer is a detractor, listed by account."""
    latest = latest_answers(frame, key)
    latest = latest[pd.to_numeric(latest[revenue], errors="coerce").notna()]
    at_risk = latest[latest["score"] <= 6].sort_values(revenue, ascending=False, kind="stable")
    total = float(latest[revenue].sum())
    risk = float(at_risk[revenue].sum())
    accounts = [
        RiskAccount(
            account=str(row[key]),
            revenue=round(float(row[revenue]), 2),
            score=int(row["score"]),
            submitted_at=None
            if pd.isna(row["submitted_at"])
            else pd.Timestamp(row["submitted_at"]).isoformat(),
            response_id=str(row["response_id"]),
            comment=str(row["comment"]),
            owner=(str(row[owner]) or None) if owner else None,
        )
        for _, row in at_risk.iterrows()
    ]
    return RevenueAtRisk(
        revenue=round(risk, 2),
        share=round(risk / total, 4) if total else 0.0,
        accounts=accounts,
        rule=RISK_RULE,
    )


def nps_by_attribute(
    frame: pd.DataFrame, columns: Sequence[str], min_sample: int = 30
) -> list[AttributeNps]:
    """NPS per value of each customer attribute, tested against the other customers.

    Responses without a value (no account, blank cell) are in neither side.
    """
    out: list[AttributeNps] = []
    for column in columns:
        values = segment_values(frame, column)
        known = values != "(blank)"
        for value in sorted(values[known].unique(), key=lambda v: (-(values == v).sum(), v)):
            mine = (values == value).to_numpy()
            rest = known.to_numpy() & ~mine
            estimate = estimate_nps(frame["score"].to_numpy()[mine], min_sample)
            other = estimate_nps(frame["score"].to_numpy()[rest], min_sample)
            out.append(
                AttributeNps(
                    column=column,
                    value=str(value),
                    estimate=estimate,
                    versus_rest=compare_nps(other, estimate, f"other {column}", str(value)),
                )
            )
    return out


def customer_indicators(
    frame: pd.DataFrame, segments: Sequence[str], numeric: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """0/1 columns for the driver model: one per category (the most common one is the
    reference, left out) and one per numeric column (at or above its median)."""
    columns: list[np.ndarray] = []
    names: list[str] = []
    for column in segments:
        values = segment_values(frame, column)
        counts = values[values != "(blank)"].value_counts()
        for value in sorted(counts.index[1:]):
            columns.append((values == value).to_numpy(dtype=float))
            names.append(f"{column}={value}")
    for column in numeric:
        amounts = pd.to_numeric(frame[column], errors="coerce")
        if amounts.notna().sum() < 2 or amounts.nunique() < 2:
            continue
        median = float(amounts.median())
        columns.append((amounts >= median).to_numpy(dtype=float))
        names.append(f"{column}>={median:g}")
    if not columns:
        return np.zeros((len(frame), 0)), []
    return np.column_stack(columns), names


def business_drivers(
    frame: pd.DataFrame,
    mentions: np.ndarray,
    theme_ids: Sequence[str],
    matched: np.ndarray,
    segments: Sequence[str],
    numeric: Sequence[str],
    *,
    n_bootstrap: int = 200,
    random_state: int = 0,
    min_sample: int = 30,
) -> DriverModel:
    """Themes and customer variables in the driver model of :mod:`voc.analytics.drivers`.

    Fitted on the responses matched to an account. A customer variable's attributed
    impact reads as the NPS points its customers lose (or gain) against the reference
    category with the themes they mention held fixed.
    """
    rows = frame[matched]
    extra, names = customer_indicators(rows, segments, numeric)
    x = np.hstack([np.asarray(mentions, dtype=float)[matched], extra])
    return fit_drivers(
        rows["score"].to_numpy(dtype=int),
        x,
        [*theme_ids, *names],
        n_bootstrap=n_bootstrap,
        random_state=random_state,
        min_sample=min_sample,
    )


def revenue_what_if(
    frame: pd.DataFrame,
    mentioned: np.ndarray,
    plain: WhatIf,
    key: str,
    revenue: str,
    risk: RevenueAtRisk | None,
    *,
    n_bootstrap: int = 500,
    random_state: int = 0,
) -> RevenueWhatIf:
    """``plain`` (a what-if of voc.analytics.whatif) counted in revenue.

    Moving a detractor answer of weight w to passive raises the weighted NPS by w / W
    (times 100); the interval resamples accounts.
    """
    keys = frame[key].astype(str).reset_index(drop=True)
    weights, usable = _account_weights(keys, frame[revenue].reset_index(drop=True))
    scores = frame["score"].to_numpy(dtype=int)
    hit = (scores <= 6) & np.asarray(mentioned, dtype=bool) & usable
    net = net_scores(scores)
    total = float(weights.sum())
    before = 100.0 * float(weights @ net) / total if total else 0.0
    lift = 100.0 * plain.fraction * float(weights[hit].sum()) / total if total else 0.0
    per_account_gain, _ = _by_account(keys[usable].to_numpy(), (weights * hit)[usable])
    per_account_weight, _ = _by_account(keys[usable].to_numpy(), weights[usable])
    draws = (
        100.0
        * plain.fraction
        * _account_bootstrap(per_account_gain, per_account_weight, n_bootstrap, random_state)
    )
    low, high = np.percentile(draws, [2.5, 97.5]) if n_bootstrap and total else (lift, lift)
    revenue_values = pd.to_numeric(frame[revenue], errors="coerce").to_numpy()
    accounts_hit = pd.Series(revenue_values[hit], index=keys[hit].to_numpy())
    revenue_hit = float(accounts_hit.groupby(level=0).first().sum())
    risk_after = None
    if risk is not None:
        hit_ids = set(frame["response_id"].astype(str).to_numpy()[hit])
        fixed = sum(a.revenue for a in risk.accounts if a.response_id in hit_ids)
        risk_after = risk.revenue - plain.fraction * fixed
    moved = plain.fraction * revenue_hit
    statement = (
        f"The detractors who mention {plain.theme_id} belong to accounts worth "
        f"{revenue_hit:,.0f} a year; if {plain.fraction:.0%} of them became passives, "
        f"revenue-weighted NPS would move from {before:+.1f} to {before + lift:+.1f} "
        f"(lift 95% CI {float(low):+.1f} to {float(high):+.1f})"
    )
    if risk_after is not None and risk is not None:
        statement += f" and revenue at risk from {risk.revenue:,.0f} to about {risk_after:,.0f}."
    return RevenueWhatIf(
        theme_id=plain.theme_id,
        fraction=plain.fraction,
        revenue_of_detractors=round(revenue_hit, 2),
        revenue_moved=round(moved, 2),
        revenue_at_risk_after=round(risk_after if risk_after is not None else 0.0, 2),
        weighted_nps_before=round(before, 2),
        weighted_nps_after=round(before + lift, 2),
        lift=round(lift, 2),
        lift_ci_low=round(float(low), 2),
        lift_ci_high=round(float(high), 2),
        statement=statement,
    )
