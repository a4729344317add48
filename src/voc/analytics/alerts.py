"""Alerts to act on today: churn-risk words, very low scores from large accounts, theme jumps.

Churn-risk phrases are matched in detractor comments (score 0-6) in Swedish, Norwegian
(bokmål and nynorsk), Danish and English, on word boundaries, case-insensitively, with
common inflections. A phrase under negation ("we will not cancel") still raises the alert:
a person reads it in seconds, a missed cancellation costs an account.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from voc.analytics.breakdown import Freq
from voc.analytics.inputs import row_numbers
from voc.analytics.results import Alert
from voc.analytics.trends import theme_share_table

#: Churn-risk phrases per language, as regular expressions over lower-case text.
RISK_PATTERNS: dict[str, tuple[str, ...]] = {
    "sv": (
        r"säg(?:a|er|s)? upp",
        r"sagt upp",
        r"uppsägning\w*",
        r"avsluta(?:r)? (?:avtal|konto)",
        r"byt(?:a|er|t)? (?:till (?:en )?annan )?(?:leverantör|bank|bolag)\w*",
        r"advokat\w*",
        r"jurist\w*",
        r"anmäl(?:a|er|t|de)? (?:er|dig|detta|det|till)\b",
        r"polisanmäl\w*",
        r"reklamation\w*",
        r"reklamera\w*",
        r"klaga\w*",
        r"klagomål\w*",
        r"konsumentverket",
        r"reklamationsnämnd\w*",
    ),
    "nb": (
        r"si(?:er)? opp",
        r"sagt opp",
        r"oppsigelse\w*",
        r"bytt(?:e|er)? (?:til (?:en )?annen )?(?:leverandør|bank|selskap)\w*",
        r"avslutte\w* (?:avtal|kundeforhold)\w*",
        r"advokat\w*",
        r"jurist\w*",
        r"klage\w*",
        r"forbrukerrådet",
        r"forbrukertilsynet",
    ),
    "nn": (r"sei(?:e|er)? opp", r"byt(?:e|ar)? (?:leverandør|bank|selskap)\w*", r"oppseiing\w*"),
    "da": (
        r"opsig\w*",
        r"opsagt",
        r"skift(?:e|er)? (?:til (?:en )?anden )?(?:leverandør|bank|selskab)\w*",
        r"advokat\w*",
        r"klage\w*",
        r"reklamation\w*",
        r"forbrugerrådet",
        r"ankenævn\w*",
    ),
    "en": (
        r"cancel\w*",
        r"terminat\w* (?:the |our |my )?(?:contract|agreement|account)\w*",
        r"switch\w* (?:to (?:another|a different) )?(?:supplier|provider|vendor|bank)\w*",
        r"chang\w* (?:supplier|provider|vendor)\w*",
        r"lawyer\w*",
        r"attorney\w*",
        r"legal action",
        r"\bsue\b",
        r"complain\w*",
        r"ombudsman",
        r"leav\w* you\b",
    ),
}
_RISK = re.compile(
    "|".join(rf"\b(?:{p})" for ps in RISK_PATTERNS.values() for p in ps), re.IGNORECASE
)
#: Segment values that mean a large customer, compared case-insensitively.
LARGE_VALUES = frozenset(
    {
        "large",
        "enterprise",
        "key account",
        "strategic",
        "corporate",
        "stor",
        "stora",
        "store",
        "storkund",
        "storkunde",
        "storkunder",
        "storföretag",
        "storbedrift",
        "stor virksomhed",
        "xl",
    }
)
_EXCERPT = 280


def _excerpt(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def risk_phrase(text: str) -> str | None:
    """The first churn-risk phrase in ``text`` (as written), or None."""
    match = _RISK.search(text)
    return match.group(0) if match else None


def churn_risk_alerts(frame: pd.DataFrame, max_score: int = 6) -> list[Alert]:
    """Detractor comments (score <= ``max_score``) that name a churn risk."""
    rows = row_numbers(frame)
    out = []
    for i, (score, comment) in enumerate(zip(frame["score"], frame["comment"], strict=True)):
        if int(score) > max_score or not isinstance(comment, str) or not comment:
            continue
        phrase = risk_phrase(comment)
        if phrase:
            out.append(
                Alert(
                    kind="churn_risk",
                    severity="high",
                    row=int(rows[i]),
                    response_id=str(frame["response_id"].iloc[i])
                    if "response_id" in frame
                    else None,
                    score=int(score),
                    matched=phrase,
                    comment=_excerpt(comment),
                    reason=f"detractor (score {int(score)}) writes {phrase!r}: churn risk",
                )
            )
    return out


def _is_large(
    values: pd.Series, large_values: Collection[str] | None, quantile: float
) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().mean() > 0.8:  # a numeric size (employees, revenue): top quantile
        return (numbers >= numbers.quantile(quantile)).to_numpy()
    wanted = {v.casefold() for v in (large_values or LARGE_VALUES)}
    return values.fillna("").astype(str).str.strip().str.casefold().isin(wanted).to_numpy()


def large_account_alerts(
    frame: pd.DataFrame,
    size_column: str,
    *,
    very_low: int = 3,
    large_values: Collection[str] | None = None,
    quantile: float = 0.8,
) -> list[Alert]:
    """Scores of ``very_low`` or less from large customers (by name or top size quantile)."""
    large = _is_large(frame[size_column], large_values, quantile)
    low = frame["score"].to_numpy(dtype=int) <= very_low
    rows = row_numbers(frame)
    out = []
    for i in np.flatnonzero(large & low):
        size = str(frame[size_column].iloc[i])
        score = int(frame["score"].iloc[i])
        out.append(
            Alert(
                kind="large_account",
                severity="high" if score <= 1 else "medium",
                row=int(rows[i]),
                response_id=str(frame["response_id"].iloc[i]) if "response_id" in frame else None,
                score=score,
                matched=size,
                comment=_excerpt(frame["comment"].iloc[i]) if "comment" in frame else "",
                reason=f"score {score} from a large account ({size_column} = {size!r})",
            )
        )
    return out


def theme_jump_alerts(
    frame: pd.DataFrame,
    mentions: np.ndarray,
    theme_ids: Sequence[str],
    *,
    freq: Freq = "M",
    alpha: float = 0.01,
    min_mentions: int = 5,
    latest_only: bool = True,
    base: np.ndarray | None = None,
) -> list[Alert]:
    """Themes whose share of responses rose significantly from one period to the next.

    One-sided two-proportion z-test (pooled SE) per theme and pair of consecutive periods,
    Bonferroni-corrected over the themes: p < alpha / k. Only the latest pair unless
    ``latest_only`` is False.
    """
    periods, counts, totals = theme_share_table(frame, mentions, freq, base)
    pairs = range(max(len(periods) - 1, 0))
    if latest_only:
        pairs = range(max(len(periods) - 2, 0), max(len(periods) - 1, 0))
    threshold = alpha / max(len(theme_ids), 1)
    out = []
    for t in pairs:
        n1, n2 = totals[t], totals[t + 1]
        for k, theme_id in enumerate(theme_ids):
            x1, x2 = counts[t, k], counts[t + 1, k]
            if x2 < min_mentions or n1 == 0 or n2 == 0:
                continue
            pooled = (x1 + x2) / (n1 + n2)
            se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
            z = (x2 / n2 - x1 / n1) / se if se > 0 else 0.0
            p_value = 0.5 * math.erfc(z / math.sqrt(2.0))
            if p_value < threshold:
                out.append(
                    Alert(
                        kind="theme_jump",
                        severity="medium",
                        theme_id=theme_id,
                        period=periods[t + 1],
                        p_value=round(p_value, 6),
                        reason=(
                            f"{theme_id}: {100 * x2 / n2:.0f}% of responses in "
                            f"{periods[t + 1]} vs {100 * x1 / n1:.0f}% in {periods[t]} "
                            f"({int(x2)} vs {int(x1)} mentions; z = {z:.1f}, "
                            f"p = {p_value:.2g})"
                        ),
                    )
                )
    return out


def find_alerts(
    frame: pd.DataFrame,
    mentions: np.ndarray | None = None,
    theme_ids: Sequence[str] = (),
    *,
    size_column: str | None = None,
    freq: Freq = "M",
    very_low: int = 3,
    alpha: float = 0.01,
) -> list[Alert]:
    """All alerts, churn risk first, then large accounts, then theme jumps."""
    alerts = churn_risk_alerts(frame)
    if size_column is not None and size_column in frame.columns:
        alerts += large_account_alerts(frame, size_column, very_low=very_low)
    if mentions is not None and len(theme_ids):
        alerts += theme_jump_alerts(frame, mentions, theme_ids, freq=freq, alpha=alpha)
    return alerts
