"""The core vocabulary of voc: typed records that flow between stages and into reports.

They are frozen pydantic models so that a Report serialises to JSON with a documented
schema (``Report.model_json_schema()``) and the API can return them as they are.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class NpsGroup(StrEnum):
    """Where a 0-10 answer falls: promoter 9-10, passive 7-8, detractor 0-6."""

    PROMOTER = "promoter"
    PASSIVE = "passive"
    DETRACTOR = "detractor"


class Polarity(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"


# --- input ---------------------------------------------------------------------------


class ColumnMapping(_Record):
    """Which columns of the export hold what (names as written in the file)."""

    score: str
    comment: str | None = None
    date: str | None = None
    response_id: str | None = None
    segments: list[str] = Field(default_factory=list)
    extra_comments: list[str] = Field(
        default_factory=list,
        description="Further comment columns of the same response ('What do we do well?', "
        "'What should we improve?'); the analysed comment joins all comment fields",
    )
    respondent: str | None = Field(
        default=None,
        description="Column naming who answered (customer or account id); may repeat; "
        "used with the date and the text to find duplicate responses",
    )

    @property
    def comment_fields(self) -> list[str]:
        """The comment columns in the order their texts are joined: main one, then extras."""
        return ([self.comment] if self.comment else []) + list(self.extra_comments)


class SkippedRow(_Record):
    """A row that could not be used, and why. Rows are numbered as a spreadsheet shows them."""

    row: int
    column: str | None
    value: str
    reason: str


class LoadReport(_Record):
    """What reading the export did: every row read is either used or listed in ``skipped``."""

    source: str
    file_type: str = Field(description="csv, xlsx or dataframe")
    encoding: str | None = None
    delimiter: str | None = None
    rows_read: int
    rows_used: int
    skipped: list[SkippedRow] = Field(default_factory=list)
    mapping: ColumnMapping
    scale: str = Field(
        description="'0-10' or '1-10' (NPS); '1-5' or '1-7' (CSAT), from the setting, "
        "the question text or the data (see scale_reason)"
    )
    scale_reason: str = ""
    empty_comments: int = 0
    layout: str = Field(
        default="generic",
        description="Export layout recognised: qualtrics, surveymonkey, typeform, "
        "google-forms, delighted or generic",
    )
    header_rows: int = Field(default=1, description="Rows of headers above the data")
    column_labels: dict[str, str] = Field(
        default_factory=dict,
        description="Question text of mapped columns whose header is a tool's column id",
    )
    redactions: dict[str, int] = Field(
        default_factory=dict,
        description="Personal data replaced in comments, per kind (email, phone, "
        "personnummer, fodselsnummer, cpr, name); empty when redaction is off",
    )
    duplicates_removed: int = Field(
        default=0, description="Repeated responses left out; each is also listed in skipped"
    )


# --- analytics -----------------------------------------------------------------------


class NpsEstimate(_Record):
    """NPS with its 95% confidence interval (adjusted Wald).

    ``low_sample`` is True when n is below the minimum-sample setting: such a figure must
    never be shown without a warning. With no responses (n 0) there is no score: ``nps``
    and its interval are None (null in JSON), never 0, which would read as a real score.
    """

    n: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None = Field(description="-100..100; null when n is 0")
    ci_low: float | None = Field(description="null when n is 0")
    ci_high: float | None = Field(description="null when n is 0")
    low_sample: bool


class PeriodNps(_Record):
    period: str = Field(description="Month YYYY-MM, quarter YYYYQn or ISO week YYYY-Www")
    estimate: NpsEstimate


class SegmentNps(_Record):
    column: str
    value: str
    estimate: NpsEstimate


class LanguageShare(_Record):
    language: str
    n: int
    share: float


class ProposedTheme(_Record):
    """A theme discovery found in comments the taxonomy left unassigned: a candidate to add."""

    topic_id: int
    label: str
    labels: dict[str, str] = Field(default_factory=dict, description="Label per language")
    keywords: list[str]
    size: int
    share: float = Field(description="Share of responses with a comment")
    languages: dict[str, int]
    nps: NpsEstimate | None = Field(default=None, description="In an NPS report; else None")
    csat: CsatEstimate | None = Field(default=None, description="In a CSAT report; else None")
    quotes: list[Quote] = Field(default_factory=list)


class Quote(_Record):
    response_id: str
    text: str
    language: str
    score: int
    nps_group: NpsGroup | None = Field(default=None, description="None in a CSAT report")
    satisfied: bool | None = Field(
        default=None, description="CSAT report: the answer is in the top two boxes"
    )


class ThemeImpact(_Record):
    """One theme's weight in NPS: impact = NPS(all) - NPS(all without the theme's comments)."""

    theme_id: str
    label: str
    group: str
    n_comments: int
    share: float = Field(description="Share of responses with a comment that mention the theme")
    nps_with: NpsEstimate
    nps_without: NpsEstimate
    impact: float | None = Field(description="NPS points; null when no comment mentions it")
    impact_ci_low: float | None
    impact_ci_high: float | None
    positive: int
    negative: int
    neutral: int
    quotes: list[Quote] = Field(default_factory=list)

    @property
    def significant(self) -> bool:
        """True when the 95% interval of the impact excludes zero."""
        if self.impact_ci_low is None or self.impact_ci_high is None:
            return False
        return self.impact_ci_low > 0 or self.impact_ci_high < 0


# --- per comment ---------------------------------------------------------------------


class ThemeHit(_Record):
    """One theme found in one comment, with the evidence span (character offsets)."""

    theme_id: str
    confidence: float
    polarity: Polarity
    start: int
    end: int


class CommentResult(_Record):
    row: int
    response_id: str
    score: int
    nps_group: NpsGroup | None = Field(description="None in a CSAT report")
    satisfied: bool | None = Field(
        default=None, description="CSAT report: the answer is in the top two boxes; else None"
    )
    submitted_at: str | None
    comment: str
    language: str
    language_confidence: float
    themes: list[ThemeHit] = Field(default_factory=list)
    unassigned_reason: str | None = Field(
        default=None,
        description="Why no taxonomy theme was assigned (empty comment, generic comment, no "
        "theme close enough); None when the comment has themes",
    )
    discovered_theme: int | None = Field(
        default=None,
        description="``topic_id`` of the proposed new theme this comment belongs to, when "
        "discovery ran and placed it",
    )
    segments: dict[str, str] = Field(default_factory=dict)
    comment_fields: dict[str, str] = Field(
        default_factory=dict,
        description="Each comment column's own text, when the export has several; "
        "``comment`` is the non-empty ones joined with a newline",
    )


# --- the report ----------------------------------------------------------------------

# The analytics result records build on the records above (NpsEstimate, Quote, ...), so they
# are imported only once those exist; voc.analytics imports voc.types first for the same reason.
from voc.analytics.business_results import BusinessReport  # noqa: E402
from voc.analytics.results import (  # noqa: E402
    AccountNps,
    Alert,
    CsatEstimate,
    CsatThemeImpact,
    DriverModel,
    GroupThemeImpact,
    KindNps,
    NpsDifference,
    PeriodCsat,
    RankedTheme,
    SegmentCsat,
    Trend,
    WhatIf,
)


class Report(_Record):
    """Everything one analysis found. ``report.json`` is this model, serialised."""

    voc_version: str
    generated_at: str
    embedding_model: str
    taxonomy_version: str
    load: LoadReport
    metric: Literal["nps", "csat"] = Field(
        default="nps",
        description="What the report measures: 'nps' fills nps, monthly_nps, segment_nps and "
        "theme_impacts; 'csat' fills csat, monthly_csat, segment_csat and "
        "csat_theme_impacts. The other metric's fields stay empty: the two are never pooled",
    )
    survey_kind: str | None = Field(
        default=None,
        description="relational, transactional or employee when the export says so (a survey "
        "kind or touchpoint column); an export that mixes kinds gives one report per kind",
    )
    nps: NpsEstimate | None = Field(default=None, description="None in a CSAT report")
    monthly_nps: list[PeriodNps] = Field(default_factory=list)
    segment_nps: list[SegmentNps] = Field(default_factory=list)
    csat: CsatEstimate | None = Field(default=None, description="None in an NPS report")
    monthly_csat: list[PeriodCsat] = Field(default_factory=list)
    segment_csat: list[SegmentCsat] = Field(default_factory=list)
    languages: list[LanguageShare]
    language_settled_by_prior: int = Field(
        default=0, description="Short/ambiguous comments whose language the survey's mix decided"
    )
    language_mixed: int = Field(default=0, description="Comments flagged as mixing languages")
    theme_impacts: list[ThemeImpact] = Field(default_factory=list)
    csat_theme_impacts: list[CsatThemeImpact] = Field(
        default_factory=list, description="CSAT report: each theme's impact on CSAT"
    )
    improvement_areas: list[str] = Field(description="Theme ids, most negative impact first")
    strengths: list[str] = Field(description="Theme ids, most positive impact first")
    comment_results: list[CommentResult]
    warnings: list[str] = Field(default_factory=list)
    proposed_themes: list[ProposedTheme] = Field(
        default_factory=list,
        description="New themes discovered among comments no taxonomy theme matched",
    )
    discovery_outliers: int = Field(
        default=0, description="Unmatched comments discovery left in no proposed theme"
    )
    # --- analytics: trends, drivers, ranked areas, alerts, what-if (docs: "Analytics") ---
    scale_rule: str = Field(default="", description="Grouping rule applied to the scores")
    quarterly_nps: list[PeriodNps] = Field(default_factory=list)
    weekly_nps: list[PeriodNps] = Field(default_factory=list)
    nps_change: NpsDifference | None = Field(
        default=None, description="Latest month vs the month before, with a z-test"
    )
    quarter_change: NpsDifference | None = None
    nps_trend: Trend | None = Field(default=None, description="Monthly NPS slope, last months")
    kind_nps: list[KindNps] = Field(default_factory=list)
    account_nps: AccountNps | None = None
    segment_theme_impacts: list[GroupThemeImpact] = Field(default_factory=list)
    period_theme_impacts: list[GroupThemeImpact] = Field(default_factory=list)
    drivers: DriverModel | None = None
    ranked_improvements: list[RankedTheme] = Field(default_factory=list)
    ranked_strengths: list[RankedTheme] = Field(default_factory=list)
    ranking_method: str = ""
    alerts: list[Alert] = Field(default_factory=list)
    what_if: list[WhatIf] = Field(default_factory=list)
    # --- business: customer data and actions (docs: "Business") ---
    business: BusinessReport | None = Field(
        default=None,
        description="Customer join, revenue-weighted NPS, revenue at risk, NPS by customer "
        "attribute, drivers with customer variables, what-if in revenue, action follow-up; "
        "None unless a customer file or actions were given",
    )

    @property
    def n_responses(self) -> int:
        """Responses analysed, whichever the metric."""
        estimate = self.csat if self.metric == "csat" else self.nps
        return estimate.n if estimate is not None else 0

    def theme(self, theme_id: str) -> ThemeImpact:
        """The impact record of one theme (NPS report)."""
        for impact in self.theme_impacts:
            if impact.theme_id == theme_id:
                return impact
        raise KeyError(theme_id)

    def csat_theme(self, theme_id: str) -> CsatThemeImpact:
        """The impact record of one theme (CSAT report)."""
        for impact in self.csat_theme_impacts:
            if impact.theme_id == theme_id:
                return impact
        raise KeyError(theme_id)

    # DataFrame views for notebooks and the CSV writer; their column names are part of the
    # public contract (documented in docs/report-schema.md).
    @property
    def themes(self) -> pd.DataFrame:
        if self.metric == "csat":
            return _csat_themes_frame(self.csat_theme_impacts)
        rows = [
            {
                "theme_id": t.theme_id,
                "label": t.label,
                "group": t.group,
                "n_comments": t.n_comments,
                "share": t.share,
                "nps_with": t.nps_with.nps,
                "nps_without": t.nps_without.nps,
                "impact": t.impact,
                "impact_ci_low": t.impact_ci_low,
                "impact_ci_high": t.impact_ci_high,
                "positive": t.positive,
                "negative": t.negative,
                "neutral": t.neutral,
                "low_sample": t.nps_with.low_sample,
            }
            for t in self.theme_impacts
        ]
        return pd.DataFrame(rows, columns=_THEME_COLUMNS)

    @property
    def nps_by_month(self) -> pd.DataFrame:
        return _estimates_frame(
            [(p.period,) for p in self.monthly_nps],
            [p.estimate for p in self.monthly_nps],
            ["period"],
        )

    @property
    def nps_by_segment(self) -> pd.DataFrame:
        return _estimates_frame(
            [(s.column, s.value) for s in self.segment_nps],
            [s.estimate for s in self.segment_nps],
            ["column", "value"],
        )

    @property
    def csat_by_month(self) -> pd.DataFrame:
        return _csat_frame(
            [(p.period,) for p in self.monthly_csat],
            [p.estimate for p in self.monthly_csat],
            ["period"],
        )

    @property
    def csat_by_segment(self) -> pd.DataFrame:
        return _csat_frame(
            [(s.column, s.value) for s in self.segment_csat],
            [s.estimate for s in self.segment_csat],
            ["column", "value"],
        )

    @property
    def comments(self) -> pd.DataFrame:
        # A CSAT report has a "satisfied" column (top-2 box) where an NPS one has its group.
        group_column = "satisfied" if self.metric == "csat" else "nps_group"
        rows = [
            {
                "row": c.row,
                "response_id": c.response_id,
                "submitted_at": c.submitted_at,
                "score": c.score,
                group_column: c.satisfied
                if self.metric == "csat"
                else (c.nps_group.value if c.nps_group else ""),
                "language": c.language,
                "themes": ";".join(h.theme_id for h in c.themes),
                "polarities": ";".join(h.polarity.value for h in c.themes),
                "unassigned_reason": c.unassigned_reason or "",
                "discovered_theme": c.discovered_theme,
                "comment": c.comment,
                **c.segments,
            }
            for c in self.comment_results
        ]
        return pd.DataFrame(rows)


_THEME_COLUMNS = [
    "theme_id",
    "label",
    "group",
    "n_comments",
    "share",
    "nps_with",
    "nps_without",
    "impact",
    "impact_ci_low",
    "impact_ci_high",
    "positive",
    "negative",
    "neutral",
    "low_sample",
]
_ESTIMATE_COLUMNS = [
    "n",
    "promoters",
    "passives",
    "detractors",
    "nps",
    "ci_low",
    "ci_high",
    "low_sample",
]


def _estimates_frame(
    keys: list[tuple[str, ...]], estimates: list[NpsEstimate], key_columns: list[str]
) -> pd.DataFrame:
    rows = [
        {
            **dict(zip(key_columns, key, strict=True)),
            **{c: getattr(e, c) for c in _ESTIMATE_COLUMNS},
        }
        for key, e in zip(keys, estimates, strict=True)
    ]
    return pd.DataFrame(rows, columns=key_columns + _ESTIMATE_COLUMNS)


_CSAT_THEME_COLUMNS = [
    "theme_id",
    "label",
    "group",
    "n_comments",
    "share",
    "csat_with",
    "csat_without",
    "impact",
    "impact_ci_low",
    "impact_ci_high",
    "share_impact",
    "share_impact_ci_low",
    "share_impact_ci_high",
    "positive",
    "negative",
    "neutral",
    "low_sample",
]
_CSAT_COLUMNS = [
    "n",
    "mean",
    "ci_low",
    "ci_high",
    "satisfied",
    "share_satisfied",
    "share_ci_low",
    "share_ci_high",
    "low_sample",
]


def _csat_themes_frame(impacts: list[CsatThemeImpact]) -> pd.DataFrame:
    rows = [
        {
            "theme_id": t.theme_id,
            "label": t.label,
            "group": t.group,
            "n_comments": t.n_comments,
            "share": t.share,
            "csat_with": t.csat_with.mean,
            "csat_without": t.csat_without.mean,
            "impact": t.impact,
            "impact_ci_low": t.impact_ci_low,
            "impact_ci_high": t.impact_ci_high,
            "share_impact": t.share_impact,
            "share_impact_ci_low": t.share_impact_ci_low,
            "share_impact_ci_high": t.share_impact_ci_high,
            "positive": t.positive,
            "negative": t.negative,
            "neutral": t.neutral,
            "low_sample": t.csat_with.low_sample,
        }
        for t in impacts
    ]
    return pd.DataFrame(rows, columns=_CSAT_THEME_COLUMNS)


def _csat_frame(
    keys: list[tuple[str, ...]], estimates: list[CsatEstimate], key_columns: list[str]
) -> pd.DataFrame:
    rows = [
        {
            **dict(zip(key_columns, key, strict=True)),
            **{c: getattr(e, c) for c in _CSAT_COLUMNS},
        }
        for key, e in zip(keys, estimates, strict=True)
    ]
    return pd.DataFrame(rows, columns=key_columns + _CSAT_COLUMNS)
