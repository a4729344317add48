"""A survey with planted structure, to check that the analytics finds what was put in.

Planted (see :class:`PlantedTruth`):
* two themes that drive detractors (billing strongly, availability less so);
* one theme that drives promoters (competence);
* a confounder, price: no effect of its own but mostly mentioned together with billing, so
  one-at-a-time impact blames it and the co-mention-aware model should not;
* a rising trend in one segment: ui_usability mentions grow month by month in Oslo only,
  with a mild negative effect;
* one churn-risk comment from a detractor, and no risk words anywhere else.

Scores come from a multinomial logit over promoter / passive / detractor with the themes as
inputs; everything is seeded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

THEMES = (
    "billing",
    "availability",
    "competence",
    "price",
    "ui_usability",
    "communication",
    "onboarding",
)
# (effect on detractor log-odds, effect on promoter log-odds), passives the reference.
_EFFECTS = {
    "billing": (2.2, -1.2),
    "availability": (1.6, -0.8),
    "competence": (-1.0, 1.6),
    "price": (0.0, 0.0),
    "ui_usability": (0.5, -0.3),
    "communication": (0.0, 0.0),
    "onboarding": (0.0, 0.0),
}
_RATES = {
    "billing": 0.14,
    "availability": 0.13,
    "competence": 0.22,
    "communication": 0.08,
    "onboarding": 0.05,
}
_PHRASES = {
    "billing": ("Fel belopp på fakturan igen", "Feil på fakturaen", "Wrong invoice again"),
    "availability": (
        "Svårt att nå er på telefon",
        "Lang ventetid på telefonen",
        "Long waiting time on the phone",
    ),
    "competence": ("Mycket kunnig personal", "Kunnskapsrike ansatte", "Very competent staff"),
    "price": ("För dyrt", "Altfor høye priser", "Too expensive"),
    "ui_usability": ("Portalen är krånglig", "Nettportalen er tungvint", "The portal is clumsy"),
    "communication": ("Otydlig information", "Uklar informasjon", "Unclear information"),
    "onboarding": ("Uppstarten tog tid", "Oppstarten var treg", "Slow onboarding"),
}
_POLARITY = {
    "billing": "negative",
    "availability": "negative",
    "competence": "positive",
    "price": "negative",
    "ui_usability": "negative",
    "communication": "neutral",
    "onboarding": "neutral",
}
OFFICES = ("Stockholm", "Oslo", "Göteborg", "København")
SIZES = ("Small", "Medium", "Large", "Enterprise")
RISK_COMMENT = "Fel belopp på fakturan igen. Vi kommer att säga upp avtalet."


@dataclass(frozen=True)
class PlantedTruth:
    """What :func:`planted_survey` put in, for tests to check against."""

    improvement_areas: tuple[str, str] = ("billing", "availability")
    strength: str = "competence"
    confounder: str = "price"
    rising_theme: str = "ui_usability"
    rising_segment: tuple[str, str] = ("Office", "Oslo")
    risk_response_id: str = ""


@dataclass(frozen=True, eq=False)
class PlantedSurvey:
    """``frame``: tidy responses (row, response_id, score, comment, submitted_at, Office,
    Customer size, account_id); ``mentions``: 0/1 per theme; ``polarity``: long table
    (response_index, theme_id, polarity); ``truth``: what was planted."""

    frame: pd.DataFrame
    mentions: pd.DataFrame
    polarity: pd.DataFrame
    truth: PlantedTruth


def _mentions(
    rng: np.random.Generator, office: np.ndarray, month: np.ndarray, months: int
) -> np.ndarray:
    n = len(office)
    x = np.zeros((n, len(THEMES)))
    col = {t: k for k, t in enumerate(THEMES)}
    for theme, rate in _RATES.items():
        x[:, col[theme]] = rng.random(n) < rate
    billing = x[:, col["billing"]] > 0
    x[:, col["price"]] = np.where(billing, rng.random(n) < 0.7, rng.random(n) < 0.03)
    growth = month / max(months - 1, 1)  # 0 .. 1 over the months
    ui_rate = np.where(office == "Oslo", 0.02 + 0.33 * growth, 0.02)
    x[:, col["ui_usability"]] = rng.random(n) < ui_rate
    return x


def _scores(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    det = np.log(0.15 / 0.35) + x @ np.array([_EFFECTS[t][0] for t in THEMES])
    prom = np.log(0.50 / 0.35) + x @ np.array([_EFFECTS[t][1] for t in THEMES])
    expo = np.stack([np.exp(det), np.ones(len(x)), np.exp(prom)], axis=1)
    probs = expo / expo.sum(axis=1, keepdims=True)
    group = (rng.random(len(x))[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    det_weights = np.array([1, 1, 2, 3, 4, 6, 8], dtype=float)
    det_scores = rng.choice(7, size=len(x), p=det_weights / det_weights.sum())
    return np.where(
        group == 0,
        det_scores,
        np.where(group == 1, rng.integers(7, 9, len(x)), rng.integers(9, 11, len(x))),
    )


def planted_survey(n: int = 1500, months: int = 6, random_state: int = 0) -> PlantedSurvey:
    """A seeded survey of ``n`` responses over ``months`` months from 2026-01 with planted
    drivers, a confounder, a rising trend in Oslo and one churn-risk comment."""
    rng = np.random.default_rng(random_state)
    office = rng.choice(OFFICES, size=n)
    month = rng.integers(0, months, n)
    x = _mentions(rng, office, month, months)
    scores = _scores(rng, x)
    language = rng.integers(0, 3, n)
    comments = [
        ". ".join(_PHRASES[t][language[i]] for k, t in enumerate(THEMES) if x[i, k])
        or ("" if rng.random() < 0.5 else "Ok")
        for i in range(n)
    ]
    candidates = np.flatnonzero((x[:, 0] > 0) & (scores <= 3))
    risk = int(candidates[0]) if len(candidates) else 0
    scores[risk], x[risk, 0] = min(int(scores[risk]), 3), 1.0
    comments[risk] = RISK_COMMENT
    days = rng.integers(0, 28, n)
    dates = pd.to_datetime(
        [f"2026-{m + 1:02d}-{d + 1:02d}" for m, d in zip(month, days, strict=True)]
    )
    accounts = rng.integers(0, max(n // 6, 1), n)
    frame = pd.DataFrame(
        {
            "row": np.arange(n) + 2,
            "response_id": [f"P-{i:05d}" for i in range(n)],
            "score": scores.astype("int64"),
            "comment": comments,
            "submitted_at": dates,
            "Office": office,
            "Customer size": rng.choice(SIZES, size=n, p=[0.4, 0.3, 0.2, 0.1]),
            "account_id": [f"A-{a:04d}" for a in accounts],
        }
    )
    mentions = pd.DataFrame(x.astype(int), columns=list(THEMES))
    hits = np.argwhere(x > 0)
    polarity = pd.DataFrame(
        {
            "response_index": hits[:, 0],
            "theme_id": [THEMES[k] for k in hits[:, 1]],
            "polarity": [_POLARITY[THEMES[k]] for k in hits[:, 1]],
        }
    )
    truth = PlantedTruth(risk_response_id=str(frame["response_id"].iloc[risk]))
    return PlantedSurvey(frame=frame, mentions=mentions, polarity=polarity, truth=truth)
