from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from voc.analytics.actions import Action, evaluate_action, nps_did, share_did
from voc.analytics.nps import estimate_from_counts
from voc.errors import InputError


def _draw(rng: np.random.Generator, p: tuple[float, float], n: int):
    promoters, passives, detractors = rng.multinomial(n, [p[0], 1 - p[0] - p[1], p[1]])
    return estimate_from_counts(int(promoters), int(passives), int(detractors))


def test_did_interval_covers_the_truth_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(2026)
    # (promoter, detractor) probabilities: treated before/after, rest before/after.
    cells = [(0.30, 0.40), (0.50, 0.20), (0.35, 0.30), (0.40, 0.28)]
    truth = 100 * ((0.50 - 0.20) - (0.30 - 0.40) - ((0.40 - 0.28) - (0.35 - 0.30)))
    sizes = [80, 120, 300, 260]
    replications = 4000
    covered = 0
    for _ in range(replications):
        estimates = [_draw(rng, p, n) for p, n in zip(cells, sizes, strict=True)]
        _, low, high = nps_did(*estimates)
        covered += low <= truth <= high
    assert 0.93 <= covered / replications <= 0.97


def test_share_did_interval_covers_the_truth() -> None:
    rng = np.random.default_rng(7)
    shares, sizes = [0.30, 0.10, 0.25, 0.24], [90, 110, 250, 240]
    truth = 100 * ((0.10 - 0.30) - (0.24 - 0.25))
    replications = 4000
    covered = 0
    for _ in range(replications):
        counts = [(int(rng.binomial(n, s)), n) for s, n in zip(shares, sizes, strict=True)]
        _, low, high = share_did(counts)
        covered += low <= truth <= high
    assert 0.93 <= covered / replications <= 0.97


def _frame() -> pd.DataFrame:
    dates = pd.to_datetime(["2025-01-10", "2025-08-10"] * 20)
    region = ["Nord"] * 20 + ["Syd"] * 20
    scores = [2, 10] * 10 + [8, 8] * 10
    return pd.DataFrame(
        {"score": scores, "submitted_at": dates, "Region": region, "comment": ["x"] * 40}
    )


def test_evaluate_action_reads_the_change_against_the_rest() -> None:
    f = _frame()
    mentioned = np.array([d.month == 1 for d in f["submitted_at"]]) & (f["Region"] == "Nord")
    effect = evaluate_action(
        f, Action("Faktura", "2025-07-01", "Region=Nord", "billing"), mentioned.to_numpy()
    )
    assert effect.treated_before.nps == -100 and effect.treated_after.nps == 100
    assert effect.rest_before.nps == 0 and effect.rest_after.nps == 0
    assert effect.did == 200
    assert effect.theme_share_before == 1.0 and effect.theme_share_after == 0.0
    assert effect.theme_did == -100
    assert effect.low_sample
    assert any("treated before: only 10 responses" in w for w in effect.warnings)


def test_action_with_a_bad_segment_or_date_says_so() -> None:
    with pytest.raises(InputError, match="column=value"):
        evaluate_action(_frame(), Action("x", "2025-07-01", "Nord"))
    with pytest.raises(InputError, match="no segment column 'Kontor'"):
        evaluate_action(_frame(), Action("x", "2025-07-01", "Kontor=Malmö"))
    with pytest.raises(InputError, match="not a date"):
        evaluate_action(_frame(), Action("x", "den sjunde", "Region=Nord"))
