"""Proposed new themes: discovery over the comments no taxonomy theme came close to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from voc.analytics import estimate_nps, nps_group
from voc.analytics.csat import CsatScale, estimate_csat, top_box_min
from voc.config import Settings
from voc.nlp.discovery import OUTLIER, ThemeDiscovery, sentiment_direction
from voc.nlp.embed import Embedder
from voc.nlp.langid import LanguageGuess
from voc.nlp.themes import REASON_BELOW, ThemeAssignment
from voc.types import ProposedTheme, Quote

#: Fewer unmatched comments than this and discovery has nothing worth proposing.
MIN_DISCOVERY = 30


@dataclass(frozen=True)
class Discovered:
    """What discovery proposed, how many comments it left out, and each placed row's topic."""

    themes: list[ProposedTheme] = field(default_factory=list)
    outliers: int = 0
    topic_of_row: dict[int, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def propose_themes(
    frame: pd.DataFrame,
    guesses: Sequence[LanguageGuess],
    assignments: Sequence[ThemeAssignment],
    embedder: Embedder,
    settings: Settings,
    *,
    csat_scale: CsatScale | None = None,
) -> Discovered:
    """Cluster the comments guided mode found nothing close for ("generic" comments such as
    "Bra!" are not worth a theme) into proposed themes with keywords, NPS and quotes.

    With ``csat_scale`` the survey is CSAT: each proposed theme gets its CSAT, not an NPS.
    """
    rows = [
        i for i, a in enumerate(assignments) if not a.hits and a.unassigned_reason == REASON_BELOW
    ]
    if len(rows) < MIN_DISCOVERY:
        return Discovered()
    comments = frame["comment"].tolist()
    texts = [comments[i] for i in rows]
    langs = [guesses[i].lang for i in rows]
    try:
        model = ThemeDiscovery(random_state=settings.random_state).fit(
            embedder.encode(texts),
            texts,
            langs,
            nuisance=sentiment_direction(embedder),
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
                nps_group=None if csat_scale else nps_group(int(scores[rows[q.index]])),
                satisfied=None
                if csat_scale is None
                else bool(scores[rows[q.index]] >= top_box_min(csat_scale)),
            )
            for by_language in topic.quotes.values()
            for q in by_language[:1]
        ]
        proposed.append(
            ProposedTheme(
                topic_id=topic.topic_id,
                label=topic.labels.get(settings.report_language, topic.label),
                labels=dict(topic.labels),
                keywords=list(topic.keywords),
                size=topic.size,
                share=round(topic.size / n_commented, 4) if n_commented else 0.0,
                languages=dict(topic.languages),
                nps=None if csat_scale else estimate_nps(scores[members], settings.min_sample),
                csat=None
                if csat_scale is None
                else estimate_csat(scores[members], csat_scale, settings.min_sample),
                quotes=quotes[: settings.quotes_per_theme],
            )
        )
    topic_of_row = {
        rows[k]: int(label) for k, label in enumerate(model.labels_) if label != OUTLIER
    }
    return Discovered(proposed, int((model.labels_ == OUTLIER).sum()), topic_of_row)
