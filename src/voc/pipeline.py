"""Compose the stages: read -> detect language -> assign themes -> analytics -> Report.

:class:`Analyzer` holds the loaded models (embedder, fitted theme model) so a service or a
notebook loads them once and analyses many surveys; :func:`analyze` is the one-call form.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from voc import __version__
from voc.analytics import (
    ImpactStats,
    NpsAnalysis,
    analyze_responses,
    detect_scale,
    estimate_nps,
    find_kind_column,
    grouping_rule,
    nps_by_month,
    nps_by_segment,
    nps_group,
    nps_groups,
    rank_themes,
    theme_impacts,
)
from voc.config import Settings
from voc.errors import InputError
from voc.io import ColumnOverrides, LoadedSurvey, load_survey
from voc.nlp.discovery import OUTLIER, ThemeDiscovery, sentiment_direction
from voc.nlp.embed import Embedder, load_embedder
from voc.nlp.langid import UND, LanguageGuess, detect
from voc.nlp.taxonomy import Taxonomy, load_taxonomy
from voc.nlp.themes import REASON_BELOW, GuidedThemeModel, ThemeAssignment
from voc.types import (
    CommentResult,
    LanguageShare,
    NpsGroup,
    Polarity,
    ProposedTheme,
    Quote,
    Report,
    ThemeHit,
    ThemeImpact,
)

log = logging.getLogger(__name__)

Source = str | Path | pd.DataFrame | BinaryIO
# progress(stage, done, total): called as long stages advance, e.g. for a progress bar.
ProgressCallback = Callable[[str, int, int], None]

_THEME_CHUNK = 64
# Fewer unmatched comments than this and discovery has nothing worth proposing.
_MIN_DISCOVERY = 30
_QUOTE_MAX_CHARS = 280
# Segment columns that identify the customer account (B2B) or its size, by header.
_ACCOUNT_COLUMN = re.compile(
    r"\baccount\b|kund ?(?:nr|nummer|id)|customer ?(?:id|number|no)\b|org\.? ?nr|"
    r"organi[sz]ation ?(?:id|number)|organisa(?:tions|sjons)nummer|\bcompany\b|\bföretag\b",
    re.IGNORECASE,
)
_SIZE_COLUMN = re.compile(r"size|storlek|størrelse|employees|anställda|ansatte", re.IGNORECASE)


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Discovered:
    """What discovery proposed, how many comments it left out, and each placed row's topic."""

    themes: list[ProposedTheme] = field(default_factory=list)
    outliers: int = 0
    topic_of_row: dict[int, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class Analyzer:
    """Loaded models plus settings; ``analyze`` turns an export into a :class:`Report`."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        taxonomy: Taxonomy | None = None,
    ):
        self.settings = settings or Settings()
        self.embedder = embedder or load_embedder(self.settings)
        self.taxonomy = taxonomy or load_taxonomy(self.settings.taxonomy_path)

    @cached_property
    def theme_model(self) -> GuidedThemeModel:
        return GuidedThemeModel(self.taxonomy, self.embedder).fit()

    def warm_up(self) -> None:
        """Load the model and embed the taxonomy now rather than on the first request."""
        _ = self.theme_model

    # --- stages ---------------------------------------------------------------------
    def assign_themes(
        self,
        comments: Sequence[str],
        progress: ProgressCallback = _no_progress,
        languages: Sequence[str | None] | None = None,
    ) -> list[ThemeAssignment]:
        """Themes per comment; each comment's language picks its sentence splitter."""
        results: list[ThemeAssignment] = []
        for start in range(0, len(comments), _THEME_CHUNK):
            chunk = slice(start, start + _THEME_CHUNK)
            results.extend(
                self.theme_model.transform(
                    comments[chunk], None if languages is None else languages[chunk]
                )
            )
            progress("themes", min(start + _THEME_CHUNK, len(comments)), len(comments))
        save = getattr(self.embedder, "save", None)
        if callable(save):
            save()
        return results

    def analyze(
        self,
        source: Source,
        *,
        filename: str | None = None,
        overrides: ColumnOverrides | None = None,
        progress: ProgressCallback = _no_progress,
    ) -> Report:
        """Read an export (path, upload or DataFrame) and analyse it end to end."""
        loaded = load_survey(source, filename=filename, overrides=overrides, settings=self.settings)
        return self.analyze_loaded(loaded, progress=progress)

    def analyze_loaded(
        self, loaded: LoadedSurvey, *, progress: ProgressCallback = _no_progress
    ) -> Report:
        """Analyse an already read (and redacted) survey, e.g. one the service stored."""
        _refuse_csat(loaded, self.settings)
        progress("load", 1, 1)
        frame = loaded.frame
        comments = frame["comment"].tolist()
        guesses = detect(comments, prior="survey", backend=self.settings.language_backend)
        progress("language", 1, 1)
        assignments = self.assign_themes(comments, progress, [g.lang for g in guesses])
        return self._report(loaded, guesses, assignments)

    # --- report assembly ------------------------------------------------------------
    def _report(
        self, loaded: LoadedSurvey, guesses: list[LanguageGuess], assignments: list[ThemeAssignment]
    ) -> Report:
        s = self.settings
        frame = loaded.frame
        scores = frame["score"].to_numpy(dtype=int)
        groups = nps_groups(scores)
        discovered = self._discover(frame, guesses, assignments)
        theme_ids = self.taxonomy.ids
        column_of = {t: i for i, t in enumerate(theme_ids)}
        mentions = np.zeros((len(frame), len(theme_ids)))
        for row, assignment in enumerate(assignments):
            for hit in assignment.hits:
                mentions[row, column_of[hit.theme_id]] = 1.0
        has_comment = frame["comment"].str.strip().ne("").to_numpy()
        stats = theme_impacts(
            scores,
            mentions,
            theme_ids,
            int(has_comment.sum()),
            min_sample=s.min_sample,
            n_bootstrap=s.bootstrap_samples,
            random_state=s.random_state,
        )
        improvement, strengths = rank_themes(stats)
        comment_results = self._comment_results(
            frame,
            groups,
            guesses,
            assignments,
            loaded.report.mapping.segments,
            loaded.comment_fields,
            discovered.topic_of_row,
        )
        impacts = [self._theme_impact(st, comment_results) for st in stats]
        analysis = self._analytics(loaded, mentions, stats, impacts)
        return Report(
            voc_version=__version__,
            generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            embedding_model=self.embedder.model_id,
            taxonomy_version=f"{self.taxonomy.name}@{self.taxonomy.version}",
            load=loaded.report,
            nps=estimate_nps(scores, s.min_sample),
            monthly_nps=nps_by_month(frame, s.min_sample),
            segment_nps=nps_by_segment(frame, loaded.report.mapping.segments, s.min_sample),
            languages=_language_shares(guesses, has_comment),
            language_settled_by_prior=sum(g.decided_by_prior for g in guesses),
            language_mixed=sum(g.mixed for g in guesses),
            theme_impacts=sorted(impacts, key=lambda t: t.impact),
            improvement_areas=improvement,
            strengths=strengths,
            comment_results=comment_results,
            warnings=self._warnings(loaded, len(frame), guesses, has_comment)
            + analysis.warnings
            + discovered.warnings,
            proposed_themes=discovered.themes,
            discovery_outliers=discovered.outliers,
            scale_rule=grouping_rule(loaded.report.scale),
            quarterly_nps=analysis.by_quarter,
            weekly_nps=analysis.by_week,
            nps_change=analysis.change_month,
            quarter_change=analysis.change_quarter,
            nps_trend=analysis.trend,
            kind_nps=analysis.by_kind,
            account_nps=analysis.accounts,
            segment_theme_impacts=analysis.segment_impacts,
            period_theme_impacts=analysis.period_impacts,
            drivers=analysis.drivers,
            ranked_improvements=analysis.ranked.improvements,
            ranked_strengths=analysis.ranked.strengths,
            ranking_method=analysis.ranked.method,
            alerts=analysis.alerts,
            what_if=analysis.what_if,
        )

    def _analytics(
        self,
        loaded: LoadedSurvey,
        mentions: np.ndarray,
        stats: list[ImpactStats],
        impacts: list[ThemeImpact],
    ) -> NpsAnalysis:
        """Trends, kinds, accounts, drivers, ranked areas, alerts, what-ifs (voc.analytics).

        Raises InputError when the export mixes relational and transactional surveys.
        """
        s = self.settings
        mapping = loaded.report.mapping
        segments = mapping.segments
        return analyze_responses(
            loaded.frame,
            mentions,
            self.taxonomy.ids,
            segment_columns=segments,
            kind_column=find_kind_column(loaded.frame[segments]),
            account_column=_find_column(segments, _ACCOUNT_COLUMN)
            or (mapping.respondent if mapping.respondent in segments else None),
            size_column=_find_column(segments, _SIZE_COLUMN),
            impacts=stats,
            quotes={t.theme_id: t.quotes for t in impacts},
            labels={t.theme_id: t.label for t in impacts},
            scale=loaded.report.scale,
            min_sample=s.min_sample,
            n_bootstrap=s.bootstrap_samples,
            random_state=s.random_state,
        )

    def _comment_results(
        self,
        frame: pd.DataFrame,
        groups: list[NpsGroup],
        guesses: list[LanguageGuess],
        assignments: list[ThemeAssignment],
        segments: list[str],
        fields: pd.DataFrame | None = None,
        topic_of_row: dict[int, int] | None = None,
    ) -> list[CommentResult]:
        dates = frame["submitted_at"]
        topic_of_row = topic_of_row or {}
        return [
            CommentResult(
                row=int(row.row),
                response_id=str(row.response_id),
                score=int(row.score),
                nps_group=group,
                submitted_at=None if pd.isna(date) else pd.Timestamp(date).isoformat(),
                comment=str(row.comment),
                language=guess.lang,
                language_confidence=round(guess.confidence, 4),
                themes=list(assignment.hits),
                unassigned_reason=None if assignment.hits else assignment.unassigned_reason,
                discovered_theme=topic_of_row.get(position),
                segments={c: str(frame.at[idx, c]) for c in segments},
                comment_fields=_comment_fields(fields, idx),
            )
            for position, ((idx, row), group, guess, assignment, date) in enumerate(
                zip(frame.iterrows(), groups, guesses, assignments, dates, strict=True)
            )
        ]

    def _theme_impact(self, stats: ImpactStats, comments: list[CommentResult]) -> ThemeImpact:
        theme = self.taxonomy[stats.theme_id]
        hits = [(c, h) for c in comments for h in c.themes if h.theme_id == stats.theme_id]
        polarity = Counter(h.polarity for _, h in hits)
        return ThemeImpact(
            theme_id=stats.theme_id,
            label=theme.label(self.settings.report_language),
            group=theme.group,
            n_comments=stats.n_comments,
            share=stats.share,
            nps_with=stats.nps_with,
            nps_without=stats.nps_without,
            impact=stats.impact,
            impact_ci_low=stats.ci_low,
            impact_ci_high=stats.ci_high,
            positive=polarity[Polarity.POSITIVE],
            negative=polarity[Polarity.NEGATIVE],
            neutral=polarity[Polarity.NEUTRAL],
            quotes=_pick_quotes(hits, stats.impact, self.settings.quotes_per_theme),
        )

    def _discover(
        self, frame: pd.DataFrame, guesses: list[LanguageGuess], assignments: list[ThemeAssignment]
    ) -> Discovered:
        """Propose new themes from comments that no taxonomy theme came close to."""
        rows = [
            i
            for i, a in enumerate(assignments)
            if not a.hits and a.unassigned_reason == REASON_BELOW
        ]
        if len(rows) < _MIN_DISCOVERY:
            return Discovered()
        comments = frame["comment"].tolist()
        texts = [comments[i] for i in rows]
        langs = [guesses[i].lang for i in rows]
        try:
            model = ThemeDiscovery(random_state=self.settings.random_state).fit(
                self.embedder.encode(texts),
                texts,
                langs,
                nuisance=sentiment_direction(self.embedder),
            )
        except ImportError as exc:  # large surveys need the voc[discovery] extra
            return Discovered(warnings=[f"theme discovery skipped: {exc}"])
        scores = frame["score"].to_numpy(dtype=int)
        n_commented = int(frame["comment"].str.strip().ne("").sum())
        proposed = []
        for topic in model.topics_:
            members = [rows[k] for k, label in enumerate(model.labels_) if label == topic.topic_id]
            quotes = [
                Quote(
                    response_id=str(frame["response_id"].iat[rows[q.index]]),
                    text=q.text,
                    language=q.language,
                    score=int(scores[rows[q.index]]),
                    nps_group=nps_group(int(scores[rows[q.index]])),
                )
                for by_language in topic.quotes.values()
                for q in by_language[:1]
            ]
            proposed.append(
                ProposedTheme(
                    topic_id=topic.topic_id,
                    label=topic.labels.get(self.settings.report_language, topic.label),
                    labels=dict(topic.labels),
                    keywords=list(topic.keywords),
                    size=topic.size,
                    share=round(topic.size / n_commented, 4) if n_commented else 0.0,
                    languages=dict(topic.languages),
                    nps=estimate_nps(scores[members], self.settings.min_sample),
                    quotes=quotes[: self.settings.quotes_per_theme],
                )
            )
        topic_of_row = {
            rows[k]: int(label) for k, label in enumerate(model.labels_) if label != OUTLIER
        }
        return Discovered(proposed, int((model.labels_ == OUTLIER).sum()), topic_of_row)

    def _warnings(
        self, loaded: LoadedSurvey, n: int, guesses: list[LanguageGuess], has_comment: np.ndarray
    ) -> list[str]:
        s = self.settings
        out = list(loaded.warnings)
        if n < s.min_sample:
            out.append(
                f"only {n} usable responses (< {s.min_sample}): treat every figure "
                "as indicative, intervals are wide"
            )
        skipped = len(loaded.report.skipped)
        if skipped:
            out.append(
                f"{skipped} of {loaded.report.rows_read} rows could not be used; "
                "see load.skipped for each row and reason"
            )
        undated = int(loaded.frame["submitted_at"].isna().sum())
        if undated and loaded.report.mapping.date:
            out.append(
                f"{undated} responses have no readable date and are left out of the monthly trend"
            )
        undetermined = sum(
            1 for g, c in zip(guesses, has_comment, strict=True) if c and g.lang == UND
        )
        if undetermined:
            out.append(f"{undetermined} comments' language could not be determined (und)")
        return out


def _refuse_csat(loaded: LoadedSurvey, settings: Settings) -> None:
    """Stop before any work when the scores look like CSAT 1-5: NPS of them means nothing."""
    info = detect_scale(loaded.frame["score"].to_numpy(), setting=settings.scale)
    if info.metric == "csat":
        raise InputError(
            f"{info.reason} voc analyze reports NPS (0-10 or 1-10) and never mixes CSAT into "
            "it; set the scale to 0-10 or 1-10 if this really is an NPS question, or use "
            "voc.analytics.csat_estimate for the CSAT mean and share of 4-5",
            column=loaded.report.mapping.score,
        )


def _find_column(columns: Sequence[str], pattern: re.Pattern[str]) -> str | None:
    return next((c for c in columns if pattern.search(c)), None)


def _comment_fields(fields: pd.DataFrame | None, position: object) -> dict[str, str]:
    """Each comment column's own text, when the export has more than one (see voc.io)."""
    if fields is None or fields.shape[1] < 2:
        return {}
    row = int(position)  # type: ignore[call-overload]
    return {str(c): str(fields.iat[row, i]) for i, c in enumerate(fields.columns)}


def _language_shares(guesses: list[LanguageGuess], has_comment: np.ndarray) -> list[LanguageShare]:
    counts = Counter(g.lang for g, c in zip(guesses, has_comment, strict=True) if c)
    total = sum(counts.values())
    return [
        LanguageShare(language=lang, n=n, share=round(n / total, 4))
        for lang, n in counts.most_common()
    ]


def _pick_quotes(hits: list[tuple[CommentResult, ThemeHit]], impact: float, k: int) -> list[Quote]:
    """The k clearest comments on the theme, on the side of its impact, languages varied.

    For a theme that pulls NPS down, quotes come from negative mentions by detractors and
    passives first; for a strength, from positive mentions by promoters.
    """
    want = Polarity.NEGATIVE if impact < 0 else Polarity.POSITIVE
    wanted_groups = {NpsGroup.DETRACTOR, NpsGroup.PASSIVE} if impact < 0 else {NpsGroup.PROMOTER}

    def rank(item: tuple[CommentResult, ThemeHit]) -> tuple[bool, bool, bool, float, int]:
        comment, hit = item
        return (
            hit.polarity != want,
            comment.nps_group not in wanted_groups,
            len(comment.comment) > _QUOTE_MAX_CHARS,
            -hit.confidence,
            comment.row,
        )

    ordered = sorted(hits, key=rank)
    ideal = [c for c, h in ordered if h.polarity == want and c.nps_group in wanted_groups]
    chosen: list[CommentResult] = []
    # One ideal quote per language first, so a mixed survey hears every voice; then the
    # best of the rest in rank order.
    for comment in ideal:
        if len(chosen) < k and comment.language not in {c.language for c in chosen}:
            chosen.append(comment)
    for comment, _ in ordered:
        if len(chosen) < k and comment not in chosen:
            chosen.append(comment)
    return [
        Quote(
            response_id=c.response_id,
            text=c.comment,
            language=c.language,
            score=c.score,
            nps_group=c.nps_group,
        )
        for c in chosen
    ]


_default_analyzers: dict[str, Analyzer] = {}


def analyze(
    source: Source,
    settings: Settings | None = None,
    *,
    filename: str | None = None,
    overrides: ColumnOverrides | None = None,
    progress: ProgressCallback = _no_progress,
) -> Report:
    """Analyse an export or DataFrame with default (or given) settings; models load once."""
    settings = settings or Settings()
    key = settings.model_dump_json()
    if key not in _default_analyzers:
        _default_analyzers[key] = Analyzer(settings)
    return _default_analyzers[key].analyze(
        source, filename=filename, overrides=overrides, progress=progress
    )
