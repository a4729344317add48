"""Compose the stages: read -> detect language -> assign themes -> analytics -> Report.

:class:`Analyzer` holds the loaded models (embedder, fitted theme model) so a service or a
notebook loads them once and analyses many surveys; :func:`analyze` is the one-call form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
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
    estimate_nps,
    find_kind_column,
    grouping_rule,
    nps_by_month,
    nps_by_segment,
    nps_groups,
    rank_themes,
    theme_impacts,
)
from voc.analytics.actions import Action
from voc.analytics.csat import CsatScale
from voc.analytics.kinds import kinds_of
from voc.analytics.results import ScaleInfo
from voc.assemble import (
    ACCOUNT_COLUMN,
    SIZE_COLUMN,
    comment_results,
    find_column,
    language_shares,
    survey_warnings,
    theme_impact,
)
from voc.assemble_csat import csat_report
from voc.business import business_report
from voc.config import Settings
from voc.errors import InputError, ModelNotFoundError
from voc.io import ColumnOverrides, LoadedSurvey, load_survey
from voc.io.columns import DetectedColumns, detect_columns
from voc.io.customers import CustomerTable, load_joined_survey
from voc.io.readers import read_table
from voc.io.survey import build_survey
from voc.io.table import RawTable
from voc.nlp.assignment_cache import AssignmentCache, model_fingerprint
from voc.nlp.bundle import PrecomputedEmbedder, load_head
from voc.nlp.embed import CachedEmbedder, Embedder, load_embedder
from voc.nlp.file_cache import JsonFileCache
from voc.nlp.hybrid import HYBRID_THRESHOLD, HybridThemeModel
from voc.nlp.langid import LanguageGuess, detect, scorer_fingerprint
from voc.nlp.segment import Segment
from voc.nlp.taxonomy import Taxonomy, load_taxonomy
from voc.nlp.themes import GUIDED_THRESHOLD, GuidedThemeModel, ThemeAssignment
from voc.proposals import propose_themes
from voc.split import (
    other_score_column,
    part_name,
    split_survey_by_kind,
    split_survey_by_metric,
    survey_metric,
    with_score_column,
)
from voc.types import (
    Report,
    ThemeImpact,
)

log = logging.getLogger(__name__)

Source = str | Path | pd.DataFrame | BinaryIO
# progress(stage, done, total): called as long stages advance, e.g. for a progress bar.
ProgressCallback = Callable[[str, int, int], None]

_THEME_CHUNK = 64
_SEGMENT_CHUNK = 1000
# Texts per call to the embedder: large enough to keep its batches full, small enough to
# report progress on a long survey.
_EMBED_CHUNK = 2048
ThemeModel = GuidedThemeModel | HybridThemeModel


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


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
    def theme_model(self) -> ThemeModel:
        """The hybrid model where a head fits this taxonomy and embedder, else prototypes."""
        threshold = self.settings.theme_threshold
        if self.settings.theme_model == "hybrid" and threshold != "auto":
            hybrid = self._hybrid_model(threshold)
            if hybrid is not None:
                return hybrid
        return GuidedThemeModel(
            self.taxonomy,
            self.embedder,
            threshold=None if threshold == "auto" else (threshold or GUIDED_THRESHOLD),
        ).fit(self.taxonomy.corrections)

    def _hybrid_model(self, threshold: float | None) -> HybridThemeModel | None:
        try:
            bundled = load_head(self.settings.theme_head_path, embedder_id=self.embedder.model_id)
        except ModelNotFoundError as exc:
            if self.settings.theme_head_path is not None:
                raise
            log.warning("no theme head (%s): themes come from prototypes alone", exc)
            return None
        why_not = bundled.fits(self.taxonomy, self.embedder)
        if why_not:
            log.info("theme head not used (%s): themes come from prototypes alone", why_not)
            return None
        embedder: Embedder = self.embedder
        training = None
        # The labelled comments refit the head for corrections and adaptation, and always
        # fit the generic detector (voc.nlp.generic); without corrections the shipped head
        # is used as it is.
        if bundled.training is not None:
            training = bundled.training.labelled
            if bundled.training.embedder_id == self.embedder.model_id:
                embedder = PrecomputedEmbedder(
                    self.embedder, bundled.training.vector_texts, bundled.training.vectors
                )
        return HybridThemeModel(
            self.taxonomy,
            embedder,
            head=bundled.head,
            training=training,
            threshold=threshold or HYBRID_THRESHOLD,
            views="comment" if self.settings.theme_views == "comment" else "max",
        ).fit(self.taxonomy.corrections)

    @property
    def _caches(self) -> bool:
        return isinstance(self.embedder, CachedEmbedder)

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
        """Themes per comment; each comment's language picks its sentence splitter.

        With ``theme_adapt`` the hybrid model sees the whole survey at once (it re-fits on
        the survey's confident assignments); otherwise comments go in chunks, which gives
        the same result as one at a time.
        """
        model = self.theme_model
        if self.settings.theme_adapt and isinstance(model, HybridThemeModel):
            progress("themes", 0, len(comments))
            adapted = model.transform_adapted(comments, languages)[0]
            progress("themes", len(comments), len(comments))
            return adapted
        langs: list[str | None] = (
            list(languages) if languages is not None else [None] * len(comments)
        )
        cache = self._assignment_cache()
        if cache is None:
            return self._assign(model, comments, langs, progress)
        # Only comments this model has not seen are scored; a comment's themes depend on
        # its text and language alone, so the kept ones are what scoring would give.
        results: list[ThemeAssignment | None] = [
            cache.get(c, g) for c, g in zip(comments, langs, strict=True)
        ]
        todo = [i for i, found in enumerate(results) if found is None]
        fresh = self._assign(model, [comments[i] for i in todo], [langs[i] for i in todo], progress)
        for i, assignment in zip(todo, fresh, strict=True):
            results[i] = assignment
        cache.put_all([comments[i] for i in todo], [langs[i] for i in todo], fresh)
        cache.save()
        progress("themes", len(comments), len(comments))
        return [r for r in results if r is not None]

    def detect_languages(self, comments: Sequence[str]) -> list[LanguageGuess]:
        """Each comment's language, the survey's own mix as the prior; with the embedding
        cache on disk, the backend's scores of comments seen before are reused."""
        backend = self.settings.language_backend
        folder = self.settings.embedding_cache_dir
        fingerprint = scorer_fingerprint(backend)
        cache = (
            JsonFileCache(Path(folder), "languages", fingerprint)
            if folder is not None and fingerprint is not None
            else None
        )
        return detect(comments, prior="survey", backend=backend, score_cache=cache)

    def _assignment_cache(self) -> AssignmentCache | None:
        """The kept assignments of this model, where the embedding cache lives on disk."""
        folder = self.settings.embedding_cache_dir
        if folder is None:
            return None
        return AssignmentCache(Path(folder), self._theme_fingerprint)

    @cached_property
    def _theme_fingerprint(self) -> str:
        """The theme model's fingerprint: computed once, like the model it describes."""
        return model_fingerprint(self.theme_model)

    def _assign(
        self,
        model: ThemeModel,
        comments: Sequence[str],
        langs: list[str | None],
        progress: ProgressCallback,
    ) -> list[ThemeAssignment]:
        # Segment everything, embed every distinct text of the survey in one batch (the
        # cached embedder keeps them), then score in chunks: the chunks only look vectors up.
        views: list[list[Segment]] = []
        for start in range(0, len(comments), _SEGMENT_CHUNK):
            views.extend(
                model.comment_views(c, g)
                for c, g in zip(
                    comments[start : start + _SEGMENT_CHUNK],
                    langs[start : start + _SEGMENT_CHUNK],
                    strict=True,
                )
            )
            progress("segment", min(start + _SEGMENT_CHUNK, len(comments)), len(comments))
        # Only a caching embedder keeps what this pass embeds for the scoring below.
        texts = model.texts_to_embed(comments, views) if self._caches else []
        for start in range(0, len(texts), _EMBED_CHUNK):
            model.embed(texts[start : start + _EMBED_CHUNK])
            progress("embed", min(start + _EMBED_CHUNK, len(texts)), len(texts))
        results: list[ThemeAssignment] = []
        for start in range(0, len(comments), _THEME_CHUNK):
            chunk = slice(start, start + _THEME_CHUNK)
            results.extend(model.transform(comments[chunk], langs[chunk], views=views[chunk]))
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

    def analyze_by_kind(
        self,
        source: Source,
        *,
        filename: str | None = None,
        overrides: ColumnOverrides | None = None,
        progress: ProgressCallback = _no_progress,
    ) -> dict[str, Report]:
        """One report per survey kind (relational, transactional, employee) and per metric
        (NPS, CSAT) in the export.

        Relational and transactional NPS answer different questions, and NPS and CSAT are
        different metrics: none is ever pooled with another. :meth:`analyze` refuses an
        export that mixes kinds; this splits it (see :func:`load_surveys`). An export of one
        kind and metric gives one report under its kind (or ``"all"``); one that holds NPS
        and CSAT gives ``"nps"`` and ``"csat"`` (``"relational-csat"`` ... with kinds too).
        """
        surveys = self.load_surveys(source, filename=filename, overrides=overrides)
        return {
            name: self.analyze_loaded(part, progress=progress) for name, part in surveys.items()
        }

    def load_surveys(
        self,
        source: Source,
        *,
        filename: str | None = None,
        overrides: ColumnOverrides | None = None,
    ) -> dict[str, LoadedSurvey]:
        """Read an export into the surveys it holds, by metric and then by survey kind.

        NPS and CSAT come apart when the export has a second score question naming the
        other metric (an NPS and a CSAT column), or a survey/touchpoint column whose values
        tell CSAT rows from NPS rows (see :mod:`voc.split`).
        """
        s = self.settings
        table = read_table(source, filename=filename, max_bytes=s.max_upload_mb * 1024**2)
        detected = detect_columns(table.cells, overrides, table.layout)
        loaded = build_survey(table, detected, s)
        by_metric = self._two_questions(table, detected, loaded, overrides)
        by_metric = by_metric or split_survey_by_metric(loaded, s)
        out: dict[str, LoadedSurvey] = {}
        for metric, survey in by_metric.items():
            kinds = split_survey_by_kind(survey)
            for kind, part in kinds.items():
                out[part_name(metric, kind, len(by_metric), len(kinds))] = part
        return out

    def _two_questions(
        self,
        table: RawTable,
        detected: DetectedColumns,
        loaded: LoadedSurvey,
        overrides: ColumnOverrides | None,
    ) -> dict[str, LoadedSurvey]:
        """``{"nps": ..., "csat": ...}`` when a second score column holds the other metric."""
        if overrides is not None and overrides.score is not None:
            return {}
        other = other_score_column(table.cells, detected, table.layout.labels)
        if other is None:
            return {}
        try:
            second = build_survey(table, with_score_column(detected, other), self.settings)
        except InputError as exc:
            log.warning("second score column %r not analysed: %s", other, exc)
            return {}
        first_metric = survey_metric(loaded, self.settings).metric
        if survey_metric(second, self.settings).metric == first_metric:
            return {}
        parts = {first_metric: loaded, ("nps" if first_metric == "csat" else "csat"): second}
        questions = {m: repr(p.report.mapping.score) for m, p in parts.items()}
        return {
            metric: replace(
                part,
                warnings=(
                    *part.warnings,
                    f"the export asks two questions: NPS in column {questions['nps']} and "
                    f"CSAT in column {questions['csat']}; each has its own report, never "
                    f"pooled (this is the {metric.upper()} report)",
                ),
            )
            for metric, part in parts.items()
        }

    def analyze_business(
        self,
        source: Source,
        customers: CustomerTable | None,
        *,
        customer_key: str | None = None,
        revenue_column: str | None = None,
        owner_column: str | None = None,
        actions: Sequence[Action] = (),
        filename: str | None = None,
        overrides: ColumnOverrides | None = None,
        progress: ProgressCallback = _no_progress,
    ) -> dict[str, Report]:
        """:meth:`analyze_by_kind` with the customer file joined and actions followed up;
        each report's ``business`` holds what they add (see voc.io.customers)."""
        loaded = load_joined_survey(
            source,
            customers,
            actions=actions,
            key=customer_key,
            revenue=revenue_column,
            owner=owner_column,
            filename=filename,
            overrides=overrides,
            settings=self.settings,
        )
        return {
            kind: self.analyze_loaded(part, progress=progress)
            for kind, part in split_survey_by_kind(loaded).items()
        }

    def analyze_loaded(
        self, loaded: LoadedSurvey, *, progress: ProgressCallback = _no_progress
    ) -> Report:
        """Analyse an already read (and redacted) survey, e.g. one the service stored.

        The survey's metric picks the analytics: NPS (0-10, 1-10) or CSAT (1-5, 1-7).
        """
        info = survey_metric(loaded, self.settings)
        progress("load", 1, 1)
        frame = loaded.frame
        comments = frame["comment"].tolist()
        guesses = self.detect_languages(comments)
        progress("language", 1, 1)
        assignments = self.assign_themes(comments, progress, [g.lang for g in guesses])
        if info.metric == "csat":
            return self._csat_report(loaded, info, guesses, assignments)
        return self._report(loaded, guesses, assignments)

    def _csat_report(
        self,
        loaded: LoadedSurvey,
        info: ScaleInfo,
        guesses: list[LanguageGuess],
        assignments: list[ThemeAssignment],
    ) -> Report:
        scale: CsatScale = "1-7" if info.scale == "1-7" else "1-5"
        discovered = propose_themes(
            loaded.frame, guesses, assignments, self.embedder, self.settings, csat_scale=scale
        )
        return csat_report(
            loaded,
            info,
            guesses,
            assignments,
            discovered,
            self.taxonomy,
            self.settings,
            header=dict(
                voc_version=__version__,
                generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
                embedding_model=self.embedder.model_id,
                taxonomy_version=f"{self.taxonomy.name}@{self.taxonomy.version}",
                survey_kind=_single_kind(loaded),
            ),
        )

    def report_from(
        self,
        loaded: LoadedSurvey,
        guesses: list[LanguageGuess],
        assignments: list[ThemeAssignment],
    ) -> Report:
        """The report of a survey whose languages and themes are already known, e.g.
        assigned in chunks by several workers (:mod:`voc.jobs.chunked`)."""
        info = survey_metric(loaded, self.settings)
        if info.metric == "csat":
            return self._csat_report(loaded, info, guesses, assignments)
        return self._report(loaded, guesses, assignments)

    # --- report assembly ------------------------------------------------------------
    def _report(
        self, loaded: LoadedSurvey, guesses: list[LanguageGuess], assignments: list[ThemeAssignment]
    ) -> Report:
        s = self.settings
        frame = loaded.frame
        scores = frame["score"].to_numpy(dtype=int)
        groups = nps_groups(scores)
        discovered = propose_themes(frame, guesses, assignments, self.embedder, s)
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
        comments = comment_results(
            frame,
            groups,
            guesses,
            assignments,
            loaded.report.mapping.segments,
            loaded.comment_fields,
            discovered.topic_of_row,
        )
        impacts = [theme_impact(st, comments, self.taxonomy, s) for st in stats]
        analysis = self._analytics(loaded, mentions, stats, impacts)
        return Report(
            voc_version=__version__,
            generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            embedding_model=self.embedder.model_id,
            taxonomy_version=f"{self.taxonomy.name}@{self.taxonomy.version}",
            load=loaded.report,
            survey_kind=_single_kind(loaded),
            nps=estimate_nps(scores, s.min_sample),
            monthly_nps=nps_by_month(frame, s.min_sample),
            segment_nps=nps_by_segment(frame, loaded.report.mapping.segments, s.min_sample),
            languages=language_shares(guesses, has_comment),
            language_settled_by_prior=sum(g.decided_by_prior for g in guesses),
            language_mixed=sum(g.mixed for g in guesses),
            theme_impacts=sorted(impacts, key=lambda t: (t.impact is None, t.impact or 0.0)),
            improvement_areas=improvement,
            strengths=strengths,
            comment_results=comments,
            warnings=survey_warnings(loaded, guesses, has_comment, s)
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
            business=business_report(loaded, mentions, theme_ids, analysis.what_if, s),
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
            account_column=find_column(segments, ACCOUNT_COLUMN)
            or (mapping.respondent if mapping.respondent in segments else None),
            size_column=find_column(segments, SIZE_COLUMN),
            impacts=stats,
            quotes={t.theme_id: t.quotes for t in impacts},
            labels={t.theme_id: t.label for t in impacts},
            scale=loaded.report.scale,
            min_sample=s.min_sample,
            n_bootstrap=s.bootstrap_samples,
            random_state=s.random_state,
        )


def _single_kind(loaded: LoadedSurvey) -> str | None:
    """The survey's kind when a kind column names exactly one (mixed kinds fail later)."""
    column = find_kind_column(loaded.frame[loaded.report.mapping.segments])
    if column is None or loaded.frame.empty:
        return None
    kinds = set(kinds_of(loaded.frame, column))
    return kinds.pop() if len(kinds) == 1 else None


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
