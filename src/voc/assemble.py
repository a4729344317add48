"""Turn what the stages found into the Report's records: comments, theme impacts, quotes,
language shares and the warnings a reader needs. Pure functions of their inputs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from voc.analytics import ImpactStats
from voc.config import Settings
from voc.io import LoadedSurvey
from voc.nlp.langid import UND, LanguageGuess
from voc.nlp.taxonomy import Taxonomy
from voc.nlp.themes import ThemeAssignment
from voc.types import (
    CommentResult,
    LanguageShare,
    NpsGroup,
    Polarity,
    Quote,
    ThemeHit,
    ThemeImpact,
)

QUOTE_MAX_CHARS = 280
#: Segment columns that identify the customer account (B2B) or its size, by header.
ACCOUNT_COLUMN = re.compile(
    r"\baccount\b|kund ?(?:nr|nummer|id)|customer ?(?:id|number|no)\b|org\.? ?nr|"
    r"organi[sz]ation ?(?:id|number)|organisa(?:tions|sjons)nummer|\bcompany\b|\bföretag\b",
    re.IGNORECASE,
)
SIZE_COLUMN = re.compile(r"size|storlek|størrelse|employees|anställda|ansatte", re.IGNORECASE)


def comment_results(
    frame: pd.DataFrame,
    groups: Sequence[NpsGroup | None],
    guesses: list[LanguageGuess],
    assignments: list[ThemeAssignment],
    segments: list[str],
    fields: pd.DataFrame | None = None,
    topic_of_row: dict[int, int] | None = None,
    satisfied: Sequence[bool | None] | None = None,
) -> list[CommentResult]:
    """One record per response. An NPS report passes each answer's group; a CSAT report
    passes None groups and ``satisfied`` (top-2 box) per answer."""
    topic_of_row = topic_of_row or {}
    top_box = list(satisfied) if satisfied is not None else [None] * len(frame)
    # Whole columns as Python lists: row access through pandas costs ~0.2 ms a response,
    # which at 100,000 responses was most of the report's assembly.
    dates = [
        None if pd.isna(d) else pd.Timestamp(d).isoformat() for d in frame["submitted_at"].tolist()
    ]
    segment_values = {c: [str(v) for v in frame[c].tolist()] for c in segments}
    fields_of = _comment_fields_by_row(fields, frame.index)
    return [
        CommentResult(
            row=int(row),
            response_id=str(response_id),
            score=int(score),
            nps_group=group,
            satisfied=top,
            submitted_at=date,
            comment=str(comment),
            language=guess.lang,
            language_confidence=round(guess.confidence, 4),
            themes=list(assignment.hits),
            unassigned_reason=None if assignment.hits else assignment.unassigned_reason,
            discovered_theme=topic_of_row.get(position),
            segments={c: values[position] for c, values in segment_values.items()},
            comment_fields=fields_of[position],
        )
        for position, (row, response_id, score, comment, group, top, guess, assignment, date) in (
            enumerate(
                zip(
                    frame["row"].tolist(),
                    frame["response_id"].tolist(),
                    frame["score"].tolist(),
                    frame["comment"].tolist(),
                    groups,
                    top_box,
                    guesses,
                    assignments,
                    dates,
                    strict=True,
                )
            )
        )
    ]


def _comment_fields_by_row(fields: pd.DataFrame | None, index: pd.Index) -> list[dict[str, str]]:
    """Each comment column's own text per response, when the export has more than one
    (see voc.io); the frame's index labels are positions in ``fields``."""
    if fields is None or fields.shape[1] < 2:
        return [{} for _ in range(len(index))]
    columns = [(str(c), fields.iloc[:, i].tolist()) for i, c in enumerate(fields.columns)]
    return [{c: str(values[int(label)]) for c, values in columns} for label in index]


def theme_impact(
    stats: ImpactStats, comments: list[CommentResult], taxonomy: Taxonomy, settings: Settings
) -> ThemeImpact:
    """One theme's impact record: the figures plus polarity counts and quotes."""
    theme = taxonomy[stats.theme_id]
    hits = [(c, h) for c in comments for h in c.themes if h.theme_id == stats.theme_id]
    polarity = Counter(h.polarity for _, h in hits)
    return ThemeImpact(
        theme_id=stats.theme_id,
        label=theme.label(settings.report_language),
        group=theme.group,
        n_comments=stats.n_comments,
        share=stats.share,
        nps_with=stats.nps_with,
        nps_without=stats.nps_without,
        # A theme nobody mentions has no impact to estimate: null, not a measured 0.
        impact=stats.impact if stats.n_comments else None,
        impact_ci_low=stats.ci_low if stats.n_comments else None,
        impact_ci_high=stats.ci_high if stats.n_comments else None,
        positive=polarity[Polarity.POSITIVE],
        negative=polarity[Polarity.NEGATIVE],
        neutral=polarity[Polarity.NEUTRAL],
        quotes=pick_quotes(hits, stats.impact, settings.quotes_per_theme),
    )


def survey_warnings(
    loaded: LoadedSurvey,
    guesses: list[LanguageGuess],
    has_comment: np.ndarray,
    settings: Settings,
) -> list[str]:
    """What the reader must know about the input: small sample, skipped rows, undated, und."""
    s = settings
    n = len(loaded.frame)
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
    undetermined = sum(1 for g, c in zip(guesses, has_comment, strict=True) if c and g.lang == UND)
    if undetermined:
        out.append(f"{undetermined} comments' language could not be determined (und)")
    return out


def find_column(columns: Sequence[str], pattern: re.Pattern[str]) -> str | None:
    return next((c for c in columns if pattern.search(c)), None)


def language_shares(guesses: list[LanguageGuess], has_comment: np.ndarray) -> list[LanguageShare]:
    counts = Counter(g.lang for g, c in zip(guesses, has_comment, strict=True) if c)
    total = sum(counts.values())
    return [
        LanguageShare(language=lang, n=n, share=round(n / total, 4))
        for lang, n in counts.most_common()
    ]


def pick_quotes(
    hits: list[tuple[CommentResult, ThemeHit]],
    impact: float,
    k: int,
    on_side: Callable[[CommentResult], bool] | None = None,
) -> list[Quote]:
    """The k clearest comments on the theme, on the side of its impact, languages varied.

    For a theme that pulls NPS down, quotes come from negative mentions by detractors and
    passives first; for a strength, from positive mentions by promoters. ``on_side`` says
    instead which answers are on the side of the impact (a CSAT report: below the top two
    boxes for a theme that pulls CSAT down, in them for a strength).
    """
    want = Polarity.NEGATIVE if impact < 0 else Polarity.POSITIVE
    wanted_groups = {NpsGroup.DETRACTOR, NpsGroup.PASSIVE} if impact < 0 else {NpsGroup.PROMOTER}

    def nps_side(comment: CommentResult) -> bool:
        return comment.nps_group in wanted_groups

    side = on_side or nps_side

    def rank(item: tuple[CommentResult, ThemeHit]) -> tuple[bool, bool, bool, float, int]:
        comment, hit = item
        return (
            hit.polarity != want,
            not side(comment),
            len(comment.comment) > QUOTE_MAX_CHARS,
            -hit.confidence,
            comment.row,
        )

    ordered = sorted(hits, key=rank)
    ideal = [c for c, h in ordered if h.polarity == want and side(c)]
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
            satisfied=c.satisfied,
        )
        for c in chosen
    ]
