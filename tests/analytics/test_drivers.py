import math

import numpy as np
import pytest

from voc.analytics.drivers import compare_drivers, fit_drivers, fit_logistic
from voc.analytics.impact import theme_impacts
from voc.errors import InputError


def _one_theme() -> tuple[np.ndarray, np.ndarray]:
    # Mentioned by 10: 6 detractors, 3 passives, 1 promoter; the other 10: 2 / 3 / 5.
    scores = np.array([3] * 6 + [7] * 3 + [10] + [3] * 2 + [7] * 3 + [10] * 5)
    mentions = np.array([[1.0]] * 10 + [[0.0]] * 10)
    return scores, mentions


def test_unpenalised_logistic_recovers_the_odds_ratio() -> None:
    scores, mentions = _one_theme()
    beta = fit_logistic(mentions, (scores <= 6).astype(float), penalty=1e-9)
    # odds of detractor: 6/4 with the theme, 2/8 without -> log(6) = 1.792
    assert beta[1] == pytest.approx(math.log(6), abs=1e-4)
    assert beta[0] == pytest.approx(math.log(2 / 8), abs=1e-4)
    shrunk = fit_logistic(mentions, (scores <= 6).astype(float), penalty=5.0)
    assert 0 < shrunk[1] < beta[1]  # the L2 penalty pulls towards zero


def test_attributed_impact_equals_plain_impact_for_a_lone_theme() -> None:
    # NPS(all) = (6 - 8) / 20 = -10; without the theme (5 - 2) / 10 = +30 -> impact -40.
    # The model fits each cell exactly: 10/20 x [(0.1 - 0.6) - (0.5 - 0.2)] x 100 = -40.
    scores, mentions = _one_theme()
    impacts = theme_impacts(scores, mentions, ["billing"], 20, n_bootstrap=0)
    model = fit_drivers(
        scores, mentions, ["billing"], penalty=1e-9, n_bootstrap=50, impacts=impacts, min_rows=10
    )
    (effect,) = model.effects
    assert impacts[0].impact == pytest.approx(-40.0)
    assert effect.attributed_impact == pytest.approx(-40.0, abs=0.01)
    assert effect.one_at_a_time == pytest.approx(-40.0)
    assert effect.detractor_log_odds == pytest.approx(math.log(6), abs=1e-3)
    assert effect.promoter_log_odds == pytest.approx(math.log((1 / 9) / (5 / 5)), abs=1e-3)
    assert effect.ci_low <= effect.attributed_impact <= effect.ci_high
    assert model.low_sample and model.notes == []


def _confounded() -> tuple[np.ndarray, np.ndarray]:
    """A drives detractors; B is mostly mentioned with A and has no effect of its own;
    C has a mild effect of its own and is never co-mentioned."""
    det, pas, pro = 3, 7, 10
    blocks = [  # (A, B, C, scores)
        (1, 1, 0, [det] * 64 + [pas] * 8 + [pro] * 8),
        (1, 0, 0, [det] * 16 + [pas] * 2 + [pro] * 2),
        (0, 0, 1, [det] * 30 + [pas] * 15 + [pro] * 15),
        (0, 1, 0, [det] * 4 + [pas] * 6 + [pro] * 10),
        (0, 0, 0, [det] * 44 + [pas] * 66 + [pro] * 110),
    ]
    scores = np.concatenate([np.array(s) for *_, s in blocks])
    mentions = np.vstack([np.tile([a, b, c], (len(s), 1)) for a, b, c, s in blocks]).astype(float)
    return scores, mentions


def test_co_mentioned_theme_loses_its_borrowed_blame() -> None:
    scores, mentions = _confounded()
    ids = ["A", "B", "C"]
    impacts = theme_impacts(scores, mentions, ids, len(scores), n_bootstrap=100)
    plain = {s.theme_id: s.impact for s in impacts}
    assert plain["B"] < plain["C"] < 0  # one at a time, B looks worse than C
    model = fit_drivers(scores, mentions, ids, n_bootstrap=100, impacts=impacts)
    effect = {e.theme_id: e for e in model.effects}
    # Exactly 0 without the penalty; the L2 shrinkage of A leaks a little onto B.
    assert abs(effect["B"].attributed_impact) < abs(plain["B"]) / 5
    assert effect["B"].ci_low < 0 < effect["B"].ci_high
    assert effect["C"].attributed_impact < effect["B"].attributed_impact
    assert [e.theme_id for e in model.effects] == ["A", "C", "B"]  # ranked by the model
    assert [e.rank for e in model.effects] == [1, 2, 3]
    notes = compare_drivers(model.effects, impacts, rank_gap=1, mentions=mentions, theme_ids=ids)
    texts = {n.theme_id: n.text for n in notes}
    assert "mentioned together with A" in texts["B"]
    assert "ranks 2 of 3 one at a time" in texts["B"]


def test_driver_model_is_seeded_and_needs_enough_rows() -> None:
    scores, mentions = _confounded()
    a = fit_drivers(scores, mentions, ["A", "B", "C"], n_bootstrap=30, random_state=4)
    b = fit_drivers(scores, mentions, ["A", "B", "C"], n_bootstrap=30, random_state=4)
    assert a == b
    with pytest.raises(InputError, match="at least 20 responses; only 5"):
        fit_drivers(scores[:5], mentions[:5], ["A", "B", "C"])


def _row_level_reference(
    scores: np.ndarray, x: np.ndarray, n_bootstrap: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The driver model fitted response by response, as before responses were grouped:
    point attributed impact and its bootstrap 2.5 / 97.5 percentiles."""
    from voc.analytics.drivers import _attributed

    y_det, y_prom = (scores <= 6).astype(float), (scores >= 9).astype(float)
    ones = np.ones(len(scores))
    det, prom = fit_logistic(x, y_det, ones), fit_logistic(x, y_prom, ones)
    point = _attributed(x, ones, det, prom)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_bootstrap):
        w = np.bincount(rng.integers(0, len(scores), len(scores)), minlength=len(scores))
        w = w.astype(float)
        d = fit_logistic(x, y_det, w, start=det)
        p = fit_logistic(x, y_prom, w, start=prom)
        draws.append(_attributed(x, w, d, p))
    low, high = np.percentile(np.vstack(draws), [2.5, 97.5], axis=0)
    return point, low, high


def test_grouping_responses_into_cells_gives_the_row_level_fit() -> None:
    # 400 responses, 4 co-mentioned themes: the grouped fit and its bootstrap must equal
    # the row-by-row computation with the same seed, not merely resemble it.
    rng = np.random.default_rng(7)
    x = (rng.random((400, 4)) < [0.3, 0.2, 0.15, 0.1]).astype(float)
    x[:, 1] = np.maximum(x[:, 1], x[:, 0] * (rng.random(400) < 0.5))  # co-mentions
    scores = np.clip(np.round(8 - 3 * x[:, 0] + 1.5 * x[:, 2] + rng.normal(0, 2, 400)), 0, 10)
    scores = scores.astype(int)
    model = fit_drivers(scores, x, ["a", "b", "c", "d"], n_bootstrap=40, random_state=3)
    point, low, high = _row_level_reference(scores, x, 40, 3)
    by_id = {e.theme_id: e for e in model.effects}
    for j, theme in enumerate("abcd"):
        effect = by_id[theme]
        assert effect.attributed_impact == pytest.approx(point[j], abs=0.006)
        assert effect.ci_low == pytest.approx(low[j], abs=0.006)
        assert effect.ci_high == pytest.approx(high[j], abs=0.006)
        assert effect.n_mentions == int(x[:, j].sum())
