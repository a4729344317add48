"""Result records of the analytics library: frozen pydantic models that serialise to JSON.

Every figure that can be read as "the NPS of something" carries its n, its 95% interval and
``low_sample`` (n below the minimum-sample setting), so no consumer can show a bare number.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from voc.types import NpsEstimate, Quote


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


# --- scales and kinds ------------------------------------------------------------------


class ScaleInfo(_Result):
    """Which scale the scores are on, the grouping rule applied, and why."""

    scale: Literal["0-10", "1-10", "1-5", "1-7"]
    metric: Literal["nps", "csat"]
    rule: str = Field(description="The grouping rule in words, e.g. promoters 9-10 ...")
    reason: str


class CsatEstimate(_Result):
    """CSAT on a 1-5 (or 1-7) scale: mean with a t-interval, top-box share with a Wilson CI.

    Every estimate is None when ``n`` is 0: no answers give no CSAT, not a CSAT of 0.
    """

    scale: Literal["1-5", "1-7"] = "1-5"
    n: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    top_box_min: int = Field(
        default=4, description="Lowest answer counted as satisfied: 4 on 1-5, 6 on 1-7"
    )
    satisfied: int = Field(description="Answers in the top two boxes (4-5, or 6-7 on 1-7)")
    share_satisfied: float | None = Field(description="satisfied / n (top-2 box), 0..1")
    share_ci_low: float | None
    share_ci_high: float | None
    low_sample: bool


class PeriodCsat(_Result):
    period: str = Field(description="Month YYYY-MM")
    estimate: CsatEstimate


class SegmentCsat(_Result):
    column: str
    value: str
    estimate: CsatEstimate


class CsatThemeImpact(_Result):
    """One theme's weight in CSAT: impact = CSAT(all) - CSAT(all without the theme's comments).

    ``impact`` is in points of the mean score (e.g. -0.12 on a 1-5 scale); ``share_impact`` is
    the same for the top-2-box share, in percentage points. Both intervals are seeded
    percentile bootstraps over responses. None where the figure is undefined (every
    response mentions the theme, so there is no "without").
    """

    theme_id: str
    label: str
    group: str
    n_comments: int
    share: float = Field(description="Share of responses with a comment that mention the theme")
    csat_with: CsatEstimate
    csat_without: CsatEstimate
    impact: float | None
    impact_ci_low: float | None
    impact_ci_high: float | None
    share_impact: float | None = Field(description="Top-2-box share, percentage points")
    share_impact_ci_low: float | None
    share_impact_ci_high: float | None
    positive: int
    negative: int
    neutral: int
    quotes: list[Quote] = Field(default_factory=list)

    @property
    def significant(self) -> bool:
        """True when the 95% interval of the mean impact excludes zero."""
        low, high = self.impact_ci_low, self.impact_ci_high
        return low is not None and high is not None and (low > 0 or high < 0)


class KindNps(_Result):
    """NPS of one survey kind (relational, transactional, employee) and touchpoint value."""

    kind: Literal["relational", "transactional", "employee"]
    value: str = Field(description="The survey_kind/touchpoint value as written in the data")
    estimate: NpsEstimate


# --- comparisons and trends --------------------------------------------------------------


class NpsDifference(_Result):
    """b minus a, with the adjusted-Wald standard error sqrt(SE_a^2 + SE_b^2) and a z-test."""

    label_a: str
    label_b: str
    a: NpsEstimate
    b: NpsEstimate
    difference: float | None = Field(
        description="NPS(b) - NPS(a), points; null when either side has no responses"
    )
    se: float
    z: float
    p_value: float = Field(description="Two-sided")
    ci_low: float
    ci_high: float
    significant: bool = Field(description="p < alpha (0.05 unless stated)")
    low_sample: bool = Field(description="Either side has fewer answers than the minimum")


class Trend(_Result):
    """A weighted least-squares slope over the last periods, with its 95% interval."""

    periods: list[str]
    values: list[float]
    n: list[int]
    slope: float = Field(description="Change per period, in the unit below")
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    unit: str = Field(description="'NPS points' or 'percentage points of responses'")
    direction: Literal["rising", "falling", "flat"] = Field(
        description="rising/falling only when the 95% interval excludes zero"
    )
    low_sample: bool


class GroupNps(_Result):
    """NPS of one value of a grouping (segment column, period, touchpoint, account)."""

    column: str
    value: str
    estimate: NpsEstimate


class AccountScore(_Result):
    """One account: its respondents' mean score and the group that mean falls in."""

    account: str
    n: int = Field(description="Respondents from this account")
    mean_score: float
    group: Literal["promoter", "passive", "detractor"]
    size: str | None = None


class AccountNps(_Result):
    """B2B view: each account counts once, grouped by its respondents' mean score."""

    column: str
    rule: str
    estimate: NpsEstimate
    respondent_estimate: NpsEstimate
    accounts: list[AccountScore]


# --- themes ----------------------------------------------------------------------------


class GroupThemeImpact(_Result):
    """A theme's impact inside one segment value or one period."""

    theme_id: str
    column: str
    value: str
    n: int = Field(description="Responses in this group")
    n_mentions: int
    share: float = Field(description="Share of the group's responses mentioning the theme")
    impact: float
    ci_low: float
    ci_high: float
    nps_with: float | None = Field(description="null when no response of the group mentions it")
    low_sample: bool


class ThemeSentiment(_Result):
    """Mention polarity of one theme, from the theme stage."""

    theme_id: str
    positive: int
    negative: int
    neutral: int
    net: float = Field(description="(positive - negative) / mentions, -1..1")


class DriverEffect(_Result):
    """One theme in the co-mention-aware model (L2 logistic, detractor and promoter)."""

    theme_id: str
    n_mentions: int
    detractor_log_odds: float
    detractor_ci_low: float
    detractor_ci_high: float
    promoter_log_odds: float
    promoter_ci_low: float
    promoter_ci_high: float
    attributed_impact: float = Field(
        description="NPS points this theme costs/earns holding co-mentioned themes fixed"
    )
    ci_low: float
    ci_high: float
    one_at_a_time: float | None = Field(default=None, description="The theme's plain impact")
    rank: int = Field(description="1 = most negative attributed impact")


class DriverNote(_Result):
    """Where one-at-a-time impact and the driver model disagree, in one sentence."""

    theme_id: str
    kind: Literal["sign", "rank"]
    text: str


class DriverModel(_Result):
    """The co-mention-aware driver model: method, sample and one effect per theme."""

    method: str
    n: int
    penalty: float
    n_bootstrap: int
    effects: list[DriverEffect]
    notes: list[DriverNote] = Field(default_factory=list)
    low_sample: bool


class SegmentSpot(_Result):
    """A segment value where a theme's impact is among the most negative."""

    column: str
    value: str
    impact: float
    n: int
    n_mentions: int


class RankedTheme(_Result):
    """One improvement area (or strength) with everything a manager needs to act."""

    theme_id: str
    kind: Literal["improvement", "strength"]
    rank: int
    priority: float = Field(description="NPS points at stake, the sort key (see docs)")
    impact: float
    impact_ci_low: float
    impact_ci_high: float
    attributed_impact: float | None = None
    significant: bool = Field(description="The interval of the impact used excludes zero")
    reach: float = Field(description="Share of respondents mentioning the theme")
    n_mentions: int
    passive_share: float = Field(description="Share of the theme's mentions made by passives")
    trend: Trend | None = None
    worsening: bool = Field(description="Improvement: mentions rising; strength: falling")
    rising_segments: list[str] = Field(default_factory=list, description="'column=value'")
    worst_segments: list[SegmentSpot] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    note: str = ""
    low_sample: bool


class RankedAreas(_Result):
    """The action list: improvement areas and strengths, each best first."""

    improvements: list[RankedTheme]
    strengths: list[RankedTheme]
    method: str


# --- actions ---------------------------------------------------------------------------


class Alert(_Result):
    """A risk to act on now, with its reason and the response it comes from."""

    kind: Literal["churn_risk", "large_account", "theme_jump"]
    severity: Literal["high", "medium"]
    reason: str
    row: int | None = None
    response_id: str | None = None
    score: int | None = None
    theme_id: str | None = None
    period: str | None = None
    matched: str | None = Field(default=None, description="The risk phrase or size value found")
    p_value: float | None = None
    comment: str = ""


class WhatIf(_Result):
    """A stated counterfactual: a share of a theme's detractors become passives."""

    theme_id: str
    fraction: float
    detractors_mentioning: int
    moved: float
    before: NpsEstimate
    nps_after: float
    ci_low: float
    ci_high: float
    lift: float
    lift_ci_low: float
    lift_ci_high: float
    statement: str
    low_sample: bool
