from __future__ import annotations

import pandas as pd

from voc.config import Settings
from voc.nlp.embed import HashingEmbedder
from voc.nlp.langid import detect
from voc.nlp.themes import REASON_BELOW, REASON_GENERIC, ThemeAssignment
from voc.proposals import MIN_DISCOVERY, propose_themes


def test_unmatched_comments_become_proposed_themes(fast_settings: Settings) -> None:
    # 40 comments about something the taxonomy does not know (parking), in two languages,
    # that guided assignment left unmatched.
    texts = [
        ("Parkeringen vid kontoret är omöjlig" if i % 2 else "Parkering ved kontoret er umulig")
        + f" ({i})"
        for i in range(40)
    ]
    frame = pd.DataFrame(
        {
            "response_id": [str(i) for i in range(40)],
            "score": [3 if i % 2 else 8 for i in range(40)],
            "comment": texts,
        }
    )
    unmatched = [ThemeAssignment((), REASON_BELOW)] * 40
    found = propose_themes(frame, detect(texts), unmatched, HashingEmbedder(), fast_settings)
    proposed, outliers = found.themes, found.outliers
    assert proposed and not found.warnings
    assert sum(p.size for p in proposed) + outliers == 40
    assert outliers <= 4  # at most 10%, each explained (the estimator's cap: test_discovery.py)
    biggest = proposed[0]
    assert biggest.nps.n == biggest.size and biggest.quotes
    assert biggest.keywords
    # Every placed comment points at its proposed theme, and sizes agree with those links.
    assert len(found.topic_of_row) == 40 - outliers
    for theme in proposed:
        assert list(found.topic_of_row.values()).count(theme.topic_id) == theme.size


def test_generic_comments_and_small_leftovers_propose_nothing(fast_settings: Settings) -> None:
    texts = [f"Bra ({i})" for i in range(40)]
    frame = pd.DataFrame(
        {"response_id": [str(i) for i in range(40)], "score": [9] * 40, "comment": texts}
    )
    generic = [ThemeAssignment((), REASON_GENERIC)] * 40
    assert (
        propose_themes(frame, detect(texts), generic, HashingEmbedder(), fast_settings).themes == []
    )
    few = [ThemeAssignment((), REASON_BELOW)] * (MIN_DISCOVERY - 1) + [
        ThemeAssignment((), REASON_GENERIC)
    ] * (40 - MIN_DISCOVERY + 1)
    found = propose_themes(frame, detect(texts), few, HashingEmbedder(), fast_settings)
    assert found.themes == [] and found.topic_of_row == {} and not found.warnings
