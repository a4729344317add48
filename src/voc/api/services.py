"""Dashboard answers: store queries in, the core's analytics applied, API schemas out.

Routes call these so that no route computes an NPS itself; the arithmetic is the same
:mod:`voc.analytics` code the CLI report uses.
"""

from __future__ import annotations

from dataclasses import astuple

from voc.analytics import rank_themes
from voc.analytics.impact import ImpactStats, theme_impacts_from_counts
from voc.analytics.nps import estimate_from_counts, nps_group
from voc.api.schemas import (
    ClassifiedTheme,
    ClassifyOut,
    CommentOut,
    HitOut,
    ImprovementArea,
    JobOut,
    NpsOverview,
    QuoteOut,
    ThemeOut,
    ThemeResult,
)
from voc.config import Settings
from voc.nlp.langid import detect
from voc.nlp.taxonomy import Taxonomy
from voc.pipeline import Analyzer
from voc.store import ResultFilters, WorkspaceRepository
from voc.store.queries import GroupCounts, ThemeCounts
from voc.store.records import CommentRecord, RunRecord
from voc.types import NpsGroup, PeriodNps, Polarity


def job_out(run: RunRecord) -> JobOut:
    return JobOut(
        id=run.id,
        upload_id=run.upload_id,
        status=run.status,
        stage=run.stage,
        progress_percent=run.progress,
        attempts=run.attempts,
        taxonomy_version=run.taxonomy_number,
        error=run.error,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )


def comment_out(c: CommentRecord) -> CommentOut:
    return CommentOut(
        upload_id=c.upload_id,
        row=c.row,
        response_id=c.response_id,
        score=c.score,
        nps_group=NpsGroup(c.nps_group) if c.nps_group else None,
        csat_score=c.csat_score,
        submitted_at=c.submitted_at,
        comment=c.comment,
        language=c.language,
        segments=c.segments,
        themes=[
            HitOut(
                theme_id=h.theme_id,
                confidence=h.confidence,
                polarity=Polarity(h.polarity),
                start=h.start,
                end=h.end,
            )
            for h in c.themes
        ],
    )


def themes_out(taxonomy: Taxonomy, language: str) -> list[ThemeOut]:
    return [ThemeOut(id=t.id, label=t.label(language), group=t.group) for t in taxonomy.themes]


def nps_overview(repo: WorkspaceRepository, f: ResultFilters, settings: Settings) -> NpsOverview:
    """Overall NPS and NPS per month, each with its 95% interval."""
    overall = repo.results.nps_counts(f)
    periods = repo.results.nps_counts_by_period(f)
    m = settings.min_sample
    return NpsOverview(
        overall=estimate_from_counts(overall.promoters, overall.passives, overall.detractors, m),
        periods=[
            PeriodNps(
                period=p, estimate=estimate_from_counts(c.promoters, c.passives, c.detractors, m)
            )
            for p, c in periods
        ],
    )


def _impact_stats(counts: ThemeCounts, taxonomy: Taxonomy, settings: Settings) -> list[ImpactStats]:
    """The report's impact statistics, from counts the database aggregated (no row fetch)."""
    if counts.overall == GroupCounts(0, 0, 0):
        return []
    none = GroupCounts(0, 0, 0)
    return theme_impacts_from_counts(
        astuple(counts.overall),
        [astuple(counts.mentioned.get(t, none)) for t in taxonomy.ids],
        taxonomy.ids,
        counts.n_commented,
        min_sample=settings.min_sample,
        n_bootstrap=settings.bootstrap_samples,
        random_state=settings.random_state,
    )


def theme_results(
    repo: WorkspaceRepository, f: ResultFilters, taxonomy: Taxonomy, settings: Settings
) -> list[ThemeResult]:
    """Every theme's impact on NPS with its bootstrap CI, most negative first."""
    counts = repo.results.theme_counts(f)
    stats = _impact_stats(counts, taxonomy, settings)
    polarity = counts.polarity
    out = [_theme_result(s, taxonomy, polarity.get(s.theme_id, {}), settings) for s in stats]
    return sorted(out, key=lambda t: (t.impact is None, t.impact or 0.0))


def _theme_result(
    s: ImpactStats, taxonomy: Taxonomy, polarity: dict[str, int], settings: Settings
) -> ThemeResult:
    theme = taxonomy[s.theme_id]
    return ThemeResult(
        theme_id=s.theme_id,
        label=theme.label(settings.report_language),
        group=theme.group,
        n_comments=s.n_comments,
        share=s.share,
        nps_with=s.nps_with,
        nps_without=s.nps_without,
        # A theme nobody mentions has no impact to estimate: null, not a measured 0.
        impact=s.impact if s.n_comments else None,
        impact_ci_low=s.ci_low if s.n_comments else None,
        impact_ci_high=s.ci_high if s.n_comments else None,
        significant=bool(s.n_comments) and (s.ci_low > 0 or s.ci_high < 0),
        positive=polarity.get("positive", 0),
        negative=polarity.get("negative", 0),
        neutral=polarity.get("neutral", 0),
    )


def improvement_areas(
    repo: WorkspaceRepository,
    f: ResultFilters,
    taxonomy: Taxonomy,
    settings: Settings,
    limit: int,
) -> list[ImprovementArea]:
    """Themes that cost NPS, ranked as the report ranks them, with detractors' quotes."""
    counts = repo.results.theme_counts(f)
    stats = _impact_stats(counts, taxonomy, settings)
    by_id = {s.theme_id: s for s in stats}
    polarity = counts.polarity
    improvement, _ = rank_themes(stats)
    areas = []
    for rank, theme_id in enumerate(improvement[:limit], start=1):
        quotes = repo.results.quotes(
            f, theme_id, "negative", ["detractor", "passive"], settings.quotes_per_theme
        )
        areas.append(
            ImprovementArea(
                rank=rank,
                theme=_theme_result(
                    by_id[theme_id], taxonomy, polarity.get(theme_id, {}), settings
                ),
                quotes=[
                    QuoteOut(
                        response_id=q.response_id,
                        text=q.comment,
                        language=q.language,
                        score=q.score,
                        nps_group=NpsGroup(q.nps_group),
                    )
                    for q in quotes
                ],
            )
        )
    return areas


def classify(analyzer: Analyzer, text: str, score: int | None) -> ClassifyOut:
    """Language, themes and NPS group of one comment, as the pipeline would assign them."""
    guess = detect([text], prior="survey", backend=analyzer.settings.language_backend)[0]
    assignment = analyzer.theme_model.transform([text])[0]
    taxonomy = analyzer.taxonomy
    language = analyzer.settings.report_language
    return ClassifyOut(
        language=guess.lang,
        language_confidence=round(guess.confidence, 4),
        nps_group=None if score is None else nps_group(score),
        themes=[
            ClassifiedTheme(
                theme_id=h.theme_id,
                label=taxonomy[h.theme_id].label(language),
                confidence=h.confidence,
                polarity=h.polarity,
                start=h.start,
                end=h.end,
            )
            for h in assignment.hits
        ],
        unassigned_reason=assignment.unassigned_reason,
        taxonomy_version=f"{taxonomy.name}@{taxonomy.version}",
    )
