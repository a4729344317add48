"""Result records of the business view: the customer join, revenue figures, actions.

Frozen pydantic models, as in :mod:`voc.analytics.results`; every estimate carries its 95%
interval and a ``low_sample`` flag. ``Report.business`` holds a :class:`BusinessReport`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from voc.analytics.results import DriverModel, NpsDifference
from voc.types import NpsEstimate


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class UnmatchedResponse(_Result):
    """A response whose account key is blank or not in the customer file."""

    row: int = Field(description="Row of the export, as a spreadsheet shows it")
    response_id: str
    key: str = Field(description="The key as written in the export ('' when blank)")


class CustomerJoinReport(_Result):
    """How the export was joined to the customer file; nothing left out unsaid."""

    source: str = Field(description="The customer file")
    survey_key: str = Field(description="Join column in the export")
    customer_key: str = Field(description="Join column in the customer file")
    accounts: int = Field(description="Accounts in the customer file")
    responses_matched: int
    responses_unmatched: int
    unmatched_responses: list[UnmatchedResponse] = Field(default_factory=list)
    accounts_without_response: int
    silent_accounts: list[str] = Field(
        default_factory=list, description="Keys of accounts with no response"
    )
    segments: list[str] = Field(description="Customer columns used as segments")
    numeric: list[str] = Field(description="Numeric customer columns used as drivers")
    revenue: str | None = Field(default=None, description="Annual revenue column, if any")
    owner: str | None = Field(default=None, description="Account owner (seller) column, if any")


class WeightedNps(_Result):
    """NPS with each answer weighted by its account's annual revenue.

    An account's revenue is split evenly over its answers, so an account counts by its
    revenue however many people answered. The interval is a seeded bootstrap over accounts.
    """

    nps: float
    ci_low: float
    ci_high: float
    n_responses: int
    n_accounts: int
    revenue: float = Field(description="Summed revenue of the accounts that answered")
    unweighted: NpsEstimate = Field(description="Plain NPS of the same responses")
    n_bootstrap: int
    low_sample: bool


class RiskAccount(_Result):
    """An account whose latest answer is a detractor's, with what it said and who owns it."""

    account: str
    revenue: float
    score: int
    submitted_at: str | None
    response_id: str
    comment: str
    owner: str | None = None


class RevenueAtRisk(_Result):
    """Summed revenue of the accounts whose latest answer is a detractor (0-6).

    A count over known accounts, not an estimate: no interval.
    """

    revenue: float
    share: float = Field(description="Of the revenue of all accounts that answered")
    accounts: list[RiskAccount] = Field(description="Largest revenue first")
    rule: str


class AttributeNps(_Result):
    """NPS of one value of a customer attribute, against all other customers' answers."""

    column: str
    value: str
    estimate: NpsEstimate
    versus_rest: NpsDifference = Field(description="This value (b) minus the rest (a), z-test")


class RevenueWhatIf(_Result):
    """The what-if of an improvement area in revenue terms.

    Same assumption as the plain what-if: ``fraction`` of the detractors who mention the
    theme become passives; here counted by their accounts' revenue.
    """

    theme_id: str
    fraction: float
    revenue_of_detractors: float = Field(
        description="Revenue of accounts with a detractor answer mentioning the theme"
    )
    revenue_moved: float = Field(description="fraction x that revenue")
    revenue_at_risk_after: float = Field(
        description="Revenue at risk if those accounts' latest answers stopped being detractors"
    )
    weighted_nps_before: float
    weighted_nps_after: float
    lift: float
    lift_ci_low: float
    lift_ci_high: float
    statement: str


class ActionEffect(_Result):
    """Before/after of one recorded action, against the rest of the customers (DiD).

    did = (after - before in the targeted segment) - (after - before among the rest);
    its interval uses the adjusted-Wald variances of the four NPS figures.
    """

    name: str
    date: str
    segment: str = Field(description="column=value the action targeted ('' = everyone)")
    theme_id: str | None
    treated_before: NpsEstimate
    treated_after: NpsEstimate
    rest_before: NpsEstimate
    rest_after: NpsEstimate
    did: float | None = Field(
        description="Difference in differences of NPS, points (null where a group is empty)"
    )
    did_ci_low: float | None
    did_ci_high: float | None
    theme_share_before: float | None = None
    theme_share_after: float | None = None
    theme_did: float | None = Field(
        default=None, description="DiD of the theme's share, percentage points"
    )
    theme_did_ci_low: float | None = None
    theme_did_ci_high: float | None = None
    low_sample: bool
    warnings: list[str] = Field(default_factory=list)


class BusinessReport(_Result):
    """Everything the customer data adds to a report (docs/report-schema.md: Business)."""

    join: CustomerJoinReport | None = Field(
        default=None, description="The customer join; None when only actions were given"
    )
    weighted_nps: WeightedNps | None = None
    revenue_at_risk: RevenueAtRisk | None = None
    attribute_nps: list[AttributeNps] = Field(default_factory=list)
    drivers: DriverModel | None = Field(
        default=None,
        description="Themes and customer variables in one regularised model; customer "
        "variables are named 'column=value' (categories) or 'column>=median'",
    )
    what_if: list[RevenueWhatIf] = Field(default_factory=list)
    actions: list[ActionEffect] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
