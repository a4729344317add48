"""Follow-up of actions: did NPS (and the targeted theme) move where the action was taken?

An action has a name, a date, the segment it targeted (``column=value``; empty for every
customer) and optionally the theme it meant to fix. Its effect is read as a difference in
differences: the change from before to after the date in the targeted segment, minus the
same change among the rest of the customers over the same periods, so that what moved for
everyone (season, a price change) is not credited to the action.

    did = (NPS_T,after - NPS_T,before) - (NPS_R,after - NPS_R,before)

The four groups are independent samples, so var(did) is the sum of the four adjusted-Wald
variances (as in :func:`voc.analytics.nps.compare_nps`); the theme's share uses the
Agresti-Caffo adjustment (one success and one failure added per group).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from voc.analytics.business_results import ActionEffect
from voc.analytics.nps import Z_95, estimate_nps
from voc.errors import InputError
from voc.types import NpsEstimate


@dataclass(frozen=True)
class Action:
    """Something done for customers on a date: a campaign, a training, a fix."""

    name: str
    date: str  # ISO date; answers on or after it count as "after"
    segment: str = ""  # "column=value"; "" = all customers (then no comparison group)
    theme: str | None = None

    def segment_parts(self) -> tuple[str, str] | None:
        if not self.segment:
            return None
        column, sep, value = self.segment.partition("=")
        if not sep or not column.strip():
            raise InputError(
                f"action {self.name!r}: segment {self.segment!r} must read column=value"
            )
        return column.strip(), value.strip()


def _adjusted(est: NpsEstimate) -> tuple[float, float]:
    n_adj = est.n + 3.0
    p = (est.promoters + 0.75) / n_adj
    d = (est.detractors + 0.75) / n_adj
    return p - d, max(p + d - (p - d) ** 2, 0.0) / n_adj


def nps_did(
    treated_before: NpsEstimate,
    treated_after: NpsEstimate,
    rest_before: NpsEstimate,
    rest_after: NpsEstimate,
) -> tuple[float | None, float | None, float | None]:
    """DiD of NPS in points and its 95% interval (adjusted-Wald centres and variances).

    None where a group has no responses: there is no change to measure (never a 0)."""
    estimates = (treated_before, treated_after, rest_before, rest_after)
    if any(e.nps is None for e in estimates):
        return None, None, None
    parts = [_adjusted(e) for e in (treated_before, treated_after, rest_before, rest_after)]
    centre = (parts[1][0] - parts[0][0]) - (parts[3][0] - parts[2][0])
    se = math.sqrt(sum(v for _, v in parts))
    point = (treated_after.nps or 0.0) - (treated_before.nps or 0.0)
    point -= (rest_after.nps or 0.0) - (rest_before.nps or 0.0)
    return point, 100.0 * (centre - Z_95 * se), 100.0 * (centre + Z_95 * se)


def share_did(counts: list[tuple[int, int]]) -> tuple[float, float, float]:
    """DiD of a share in percentage points, from (hits, n) of the four groups in the order
    treated before, treated after, rest before, rest after; Agresti-Caffo interval."""
    plain = [h / n if n else 0.0 for h, n in counts]
    adj = [((h + 1) / (n + 2), n + 2) for h, n in counts]
    point = (plain[1] - plain[0]) - (plain[3] - plain[2])
    centre = (adj[1][0] - adj[0][0]) - (adj[3][0] - adj[2][0])
    se = math.sqrt(sum(p * (1 - p) / n for p, n in adj))
    return 100.0 * point, 100.0 * (centre - Z_95 * se), 100.0 * (centre + Z_95 * se)


def evaluate_action(
    frame: pd.DataFrame,
    action: Action,
    mentioned: np.ndarray | None = None,
    *,
    min_sample: int = 30,
) -> ActionEffect:
    """Before/after NPS and theme share of ``action``'s segment against the rest.

    Args:
        mentioned: 0/1 per response, whether it mentions the action's theme (None when the
            action names no theme or the theme is unknown).

    Raises InputError for an unreadable date or an unknown segment column.
    """
    try:
        when = pd.Timestamp(action.date)
    except ValueError as exc:
        raise InputError(f"action {action.name!r}: {action.date!r} is not a date") from exc
    dated = frame["submitted_at"].notna().to_numpy()
    after = (frame["submitted_at"] >= when).to_numpy() & dated
    before = dated & ~after
    parts = action.segment_parts()
    warnings: list[str] = []
    if parts is None:
        treated = np.ones(len(frame), dtype=bool)
    else:
        column, value = parts
        if column not in frame.columns:
            raise InputError(
                f"action {action.name!r}: no segment column {column!r}; segments: "
                f"{[c for c in frame.columns if c not in ('row', 'score', 'comment')]}",
            )
        treated = (frame[column].astype(str).str.strip() == value).to_numpy()
        if not treated.any():
            warnings.append(f"no response has {column} = {value!r}")
    rest = ~treated
    undated = int((~dated).sum())
    if undated:
        warnings.append(f"{undated} responses without a date are left out")
    scores = frame["score"].to_numpy(dtype=int)
    cells = {
        "treated before": treated & before,
        "treated after": treated & after,
        "rest before": rest & before,
        "rest after": rest & after,
    }
    estimates = {name: estimate_nps(scores[mask], min_sample) for name, mask in cells.items()}
    for name, est in estimates.items():
        if est.low_sample:
            warnings.append(
                f"{name}: only {est.n} responses (< {min_sample}); the change is indicative"
            )
    did, low, high = nps_did(*estimates.values())
    theme: dict[str, float | None] = {}
    if mentioned is not None:
        has_comment = frame["comment"].astype(str).str.strip().ne("").to_numpy()
        hits = np.asarray(mentioned, dtype=bool)
        counts = [
            (int((hits & m & has_comment).sum()), int((m & has_comment).sum()))
            for m in cells.values()
        ]
        t_did, t_low, t_high = share_did(counts)
        theme = {
            "theme_share_before": round(counts[0][0] / counts[0][1], 4) if counts[0][1] else None,
            "theme_share_after": round(counts[1][0] / counts[1][1], 4) if counts[1][1] else None,
            "theme_did": round(t_did, 2),
            "theme_did_ci_low": round(t_low, 2),
            "theme_did_ci_high": round(t_high, 2),
        }
    if parts is None:
        warnings.append("no segment given: compared with nobody, the change is not the action's")
    return ActionEffect(
        name=action.name,
        date=when.date().isoformat(),
        segment=action.segment,
        theme_id=action.theme,
        treated_before=estimates["treated before"],
        treated_after=estimates["treated after"],
        rest_before=estimates["rest before"],
        rest_after=estimates["rest after"],
        did=None if did is None else round(did, 2),
        did_ci_low=None if low is None else round(low, 2),
        did_ci_high=None if high is None else round(high, 2),
        low_sample=any(e.low_sample for e in estimates.values()),
        warnings=warnings,
        **theme,
    )
