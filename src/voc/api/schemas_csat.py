"""Response schemas of the CSAT dashboard routes (``/v1/results/csat...``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from voc.types import CsatEstimate, PeriodCsat

CsatScaleName = Literal["1-5", "1-7"]


class CsatOverview(BaseModel):
    scale: CsatScaleName | None = Field(
        description="The scale of the answers counted; null when no response has a CSAT answer"
    )
    overall: CsatEstimate = Field(
        description="Mean with 95% t-interval and top-2-box share with 95% Wilson interval; "
        "every estimate null when n is 0"
    )
    periods: list[PeriodCsat] = Field(description="Monthly CSAT with 95% CIs, oldest first")


class CsatThemeResult(BaseModel):
    theme_id: str
    label: str
    group: str
    n_comments: int
    share: float = Field(description="Share of the CSAT responses with a comment that mention it")
    csat_with: CsatEstimate
    csat_without: CsatEstimate
    impact: float | None = Field(
        description="Points of the mean answer; null when no comment mentions the theme "
        "or every response does"
    )
    impact_ci_low: float | None
    impact_ci_high: float | None
    share_impact: float | None = Field(description="Top-2-box share, percentage points")
    share_impact_ci_low: float | None
    share_impact_ci_high: float | None
    significant: bool = Field(description="The 95% interval of the mean impact excludes 0")
    positive: int
    negative: int
    neutral: int


class CsatQuoteOut(BaseModel):
    response_id: str
    text: str
    language: str | None
    csat_score: int


class CsatImprovementArea(BaseModel):
    rank: int
    theme: CsatThemeResult
    quotes: list[CsatQuoteOut] = Field(
        description="Negative comments on the theme from answers below the top two boxes"
    )
