"""Drivers of NPS with co-mentions held fixed: L2-regularised logistic regression.

One-at-a-time impact credits a theme with everything that comes with it: when customers who
complain about billing also complain about price, both themes get the full blame. Here two
models are fitted on the theme indicators together, detractor vs not and promoter vs not,
each with an L2 penalty (``penalty`` on the coefficients, none on the intercept). A theme's
*attributed impact* is what the models say NPS loses or gains through it:

    100 / N * sum over responses mentioning k of
        [P(promoter | x) - P(detractor | x)] - [same with k switched off]

which reads in the same NPS points as one-at-a-time impact and equals it when themes are
never co-mentioned and the models fit exactly. Intervals come from a seeded bootstrap over
responses. :func:`compare_drivers` notes where the two views disagree in sign or rank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from voc.analytics.impact import ImpactStats
from voc.analytics.inputs import require_rows
from voc.analytics.nps import net_scores
from voc.analytics.results import DriverEffect, DriverModel, DriverNote

METHOD = (
    "L2-regularised logistic regression of detractor (0-6) vs not and of promoter (9-10) "
    "vs not on all theme indicators together; attributed impact = change in predicted "
    "NPS over the responses mentioning the theme when the theme is switched off; "
    "seeded bootstrap 95% intervals"
)
_MAX_ITER = 30
_TOL = 1e-8


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35.0, 35.0)))


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None = None,
    penalty: float = 1.0,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Intercept and coefficients of an L2-penalised logistic regression (Newton-Raphson).

    Minimises -sum w_i log-likelihood_i + penalty/2 * |coef|^2; the intercept is free.
    """
    n, k = x.shape
    w = np.ones(n) if weights is None else weights
    design = np.hstack([np.ones((n, 1)), x])
    ridge = np.full(k + 1, float(penalty))
    ridge[0] = 0.0
    if start is None:
        rate = min(max(float(w @ y) / max(float(w.sum()), 1e-12), 1e-4), 1 - 1e-4)
        beta = np.zeros(k + 1)
        beta[0] = np.log(rate / (1 - rate))
    else:
        beta = start.copy()
    for _ in range(_MAX_ITER):
        p = _sigmoid(design @ beta)
        grad = design.T @ (w * (p - y)) + ridge * beta
        hess = (design * (w * p * (1 - p))[:, None]).T @ design + np.diag(ridge + 1e-9)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if float(np.max(np.abs(step))) < _TOL:
            break
    return beta


def _attributed(
    x: np.ndarray, weights: np.ndarray, det: np.ndarray, prom: np.ndarray
) -> np.ndarray:
    """Attributed impact (NPS points) of every theme for one pair of fitted models."""
    logit_d = det[0] + x @ det[1:]
    logit_p = prom[0] + x @ prom[1:]
    with_theme = _sigmoid(logit_p)[:, None] - _sigmoid(logit_d)[:, None]
    without = _sigmoid(logit_p[:, None] - x * prom[1:]) - _sigmoid(logit_d[:, None] - x * det[1:])
    gain = (x * (with_theme - without)) * weights[:, None]
    return 100.0 * gain.sum(axis=0) / weights.sum()


def _cells(x: np.ndarray, net: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Responses grouped by (themes mentioned, detractor / passive / promoter).

    Both models and the attributed impact depend on a response only through its theme
    indicators and its group, so a response is as good as a count on its cell: 100,000
    responses over 12 themes fall into a few hundred cells. Returns each cell's indicators,
    its detractor and promoter outcome (0/1) and every response's cell.
    """
    keys = np.hstack([x, np.sign(net)[:, None]])
    cells, cell_of_row = np.unique(keys, axis=0, return_inverse=True)
    sign = cells[:, -1]
    return cells[:, :-1], (sign < 0).astype(float), (sign > 0).astype(float), cell_of_row.ravel()


def fit_drivers(
    scores: np.ndarray,
    mentions: np.ndarray,
    theme_ids: Sequence[str],
    *,
    penalty: float = 1.0,
    n_bootstrap: int = 200,
    random_state: int = 0,
    min_sample: int = 30,
    min_rows: int = 20,
    impacts: Sequence[ImpactStats] = (),
) -> DriverModel:
    """Fit the co-mention-aware driver model; ``impacts`` (one-at-a-time) adds the notes.

    Raises InputError with fewer than ``min_rows`` responses. Themes never mentioned are
    left out.
    """
    if penalty <= 0:
        raise ValueError(
            f"penalty must be positive (co-mentioned themes are collinear), not {penalty}"
        )
    scores = np.asarray(scores, dtype=int)
    require_rows(len(scores), min_rows, "the driver model")
    mentions = np.asarray(mentions, dtype=float)
    used = mentions.sum(axis=0) > 0
    ids = [t for t, u in zip(theme_ids, used, strict=True) if u]
    x, y_det, y_prom, cell_of_row = _cells(mentions[:, used], net_scores(scores))
    counts = np.bincount(cell_of_row, minlength=len(x)).astype(float)
    det = fit_logistic(x, y_det, counts, penalty)
    prom = fit_logistic(x, y_prom, counts, penalty)
    point = _attributed(x, counts, det, prom)

    # The bootstrap resamples responses; a resample is the number of times each cell's
    # responses were drawn, so each refit is over the cells (a few hundred at most) and
    # gives what a refit over the resampled responses would.
    rng = np.random.default_rng(random_state)
    boot_det, boot_prom, boot_attr = [], [], []
    for _ in range(n_bootstrap):
        drawn = np.bincount(rng.integers(0, len(scores), len(scores)), minlength=len(scores))
        w = np.bincount(cell_of_row, weights=drawn, minlength=len(x))
        d = fit_logistic(x, y_det, w, penalty, start=det)
        p = fit_logistic(x, y_prom, w, penalty, start=prom)
        boot_det.append(d[1:])
        boot_prom.append(p[1:])
        boot_attr.append(_attributed(x, w, d, p))

    def interval(draws: list[np.ndarray], fallback: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not draws:
            return fallback, fallback
        low, high = np.percentile(np.vstack(draws), [2.5, 97.5], axis=0)
        return low, high

    det_low, det_high = interval(boot_det, det[1:])
    prom_low, prom_high = interval(boot_prom, prom[1:])
    attr_low, attr_high = interval(boot_attr, point)
    plain = {s.theme_id: s.impact for s in impacts}
    order = np.argsort(point, kind="stable")
    rank = {ids[i]: r + 1 for r, i in enumerate(order)}
    effects = [
        DriverEffect(
            theme_id=t,
            n_mentions=int(counts @ x[:, j]),
            detractor_log_odds=round(float(det[j + 1]), 4),
            detractor_ci_low=round(float(det_low[j]), 4),
            detractor_ci_high=round(float(det_high[j]), 4),
            promoter_log_odds=round(float(prom[j + 1]), 4),
            promoter_ci_low=round(float(prom_low[j]), 4),
            promoter_ci_high=round(float(prom_high[j]), 4),
            attributed_impact=round(float(point[j]), 2),
            ci_low=round(float(attr_low[j]), 2),
            ci_high=round(float(attr_high[j]), 2),
            one_at_a_time=plain.get(t),
            rank=rank[t],
        )
        for j, t in enumerate(ids)
    ]
    effects.sort(key=lambda e: e.rank)
    notes = (
        compare_drivers(effects, impacts, mentions=mentions[:, used], theme_ids=ids)
        if impacts
        else []
    )
    return DriverModel(
        method=METHOD,
        n=len(scores),
        penalty=penalty,
        n_bootstrap=n_bootstrap,
        effects=effects,
        notes=notes,
        low_sample=len(scores) < min_sample,
    )


def _co_mentioned(
    theme_id: str, mentions: np.ndarray | None, theme_ids: Sequence[str]
) -> str | None:
    """The theme most often mentioned together with ``theme_id`` (None if none)."""
    if mentions is None or theme_id not in theme_ids:
        return None
    k = list(theme_ids).index(theme_id)
    mine = mentions[:, k] > 0
    together = mentions[mine].sum(axis=0)
    together[k] = 0
    if not mine.any() or together.max() == 0:
        return None
    return str(theme_ids[int(np.argmax(together))])


def compare_drivers(
    effects: Sequence[DriverEffect],
    impacts: Sequence[ImpactStats],
    *,
    min_mentions: int = 3,
    rank_gap: int = 2,
    mentions: np.ndarray | None = None,
    theme_ids: Sequence[str] = (),
) -> list[DriverNote]:
    """Notes where one-at-a-time impact and attributed impact disagree.

    A sign note when the two point the other way and either interval excludes zero; a rank
    note when a theme's place among the themes (mentioned at least ``min_mentions`` times)
    differs by ``rank_gap`` or more.
    """
    plain: Mapping[str, ImpactStats] = {s.theme_id: s for s in impacts}
    shared = [e for e in effects if e.theme_id in plain and e.n_mentions >= min_mentions]
    by_plain = {
        s: i + 1
        for i, s in enumerate(sorted((e.theme_id for e in shared), key=lambda t: plain[t].impact))
    }
    by_model = {
        e.theme_id: i + 1 for i, e in enumerate(sorted(shared, key=lambda e: e.attributed_impact))
    }
    notes: list[DriverNote] = []
    for e in shared:
        s = plain[e.theme_id]
        sure = (e.ci_low > 0 or e.ci_high < 0) or (s.ci_low > 0 or s.ci_high < 0)
        partner = _co_mentioned(e.theme_id, mentions, theme_ids)
        because = f" (most often mentioned together with {partner})" if partner else ""
        plain_rank, model_rank = by_plain[e.theme_id], by_model[e.theme_id]
        if s.impact * e.attributed_impact < 0 and sure:
            text = (
                f"{e.theme_id}: {s.impact:+.1f} NPS points one at a time but "
                f"{e.attributed_impact:+.1f} with co-mentioned themes held fixed; "
                f"its plain impact comes from the themes it is mentioned with{because}"
            )
            notes.append(DriverNote(theme_id=e.theme_id, kind="sign", text=text))
        elif abs(plain_rank - model_rank) >= rank_gap:
            text = (
                f"{e.theme_id}: ranks {plain_rank} of {len(shared)} one at a time "
                f"({s.impact:+.1f}) but {model_rank} with co-mentions held fixed "
                f"({e.attributed_impact:+.1f}){because}"
            )
            notes.append(DriverNote(theme_id=e.theme_id, kind="rank", text=text))
    return notes
