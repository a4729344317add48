"""The survey prior: what the rest of an export says about one short, ambiguous comment."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

# Add-one style smoothing, so that a language absent from the batch is unlikely, not impossible.
_SMOOTHING = 0.5
# Below this many confident comments a batch says too little about itself.
MIN_CONFIDENT = 5


def normalise_prior(prior: Mapping[str, float]) -> dict[str, float]:
    """Return ``prior`` as probabilities; ``no`` is shared equally by ``nb`` and ``nn``."""
    out: dict[str, float] = {}
    for lang, weight in prior.items():
        if weight < 0:
            raise ValueError(f"prior weight for {lang!r} is negative: {weight}")
        if lang == "no":
            out["nb"] = out.get("nb", 0.0) + weight / 2
            out["nn"] = out.get("nn", 0.0) + weight / 2
        else:
            out[lang] = out.get(lang, 0.0) + weight
    total = sum(out.values())
    if total <= 0:
        raise ValueError("prior weights sum to zero")
    return {lang: weight / total for lang, weight in out.items()}


def survey_prior(
    confident_langs: Iterable[str], candidates: Iterable[str]
) -> dict[str, float] | None:
    """Estimate the language mix of a batch from its confident guesses; None if too few."""
    counts = Counter(lang for lang in confident_langs if lang != "und")
    if sum(counts.values()) < MIN_CONFIDENT:
        return None
    smoothed = {lang: _SMOOTHING for lang in candidates}
    for lang, n in counts.items():
        smoothed[lang] = smoothed.get(lang, 0.0) + n
    return normalise_prior(smoothed)


def apply_prior(
    scores: Mapping[str, float], prior: Mapping[str, float], strength: float = 1.0
) -> dict[str, float]:
    """Bayes' rule: ``scores`` times ``prior ** strength``, renormalised."""
    floor = 1e-4
    posterior = {lang: p * (prior.get(lang, 0.0) + floor) ** strength for lang, p in scores.items()}
    total = sum(posterior.values())
    if total <= 0:
        return dict(scores)
    return {lang: p / total for lang, p in posterior.items()}


# What respondents in a market usually write: the home language, English, the neighbours.
_MARKETS: dict[str, dict[str, float]] = {
    "se": {"sv": 0.85, "en": 0.10, "nb": 0.02, "da": 0.02, "nn": 0.01},
    "no": {"nb": 0.72, "nn": 0.13, "en": 0.10, "sv": 0.03, "da": 0.02},
    "dk": {"da": 0.85, "en": 0.10, "sv": 0.03, "nb": 0.02},
    "fi": {"sv": 0.45, "en": 0.45, "nb": 0.05, "da": 0.05},
    "gb": {"en": 0.96, "sv": 0.01, "nb": 0.01, "nn": 0.01, "da": 0.01},
}
_MARKET_NAMES = {
    "sweden": "se", "sverige": "se", "swe": "se", "sv": "se",
    "norway": "no", "norge": "no", "noreg": "no", "nor": "no", "nb": "no", "nn": "no",
    "denmark": "dk", "danmark": "dk", "dnk": "dk", "da": "dk",
    "finland": "fi", "suomi": "fi", "fin": "fi",
    "uk": "gb", "united kingdom": "gb", "gbr": "gb", "en": "gb",
}  # fmt: skip


def market_prior(market: str) -> dict[str, float] | None:
    """A language prior for a country/market value ("SE", "Norge", "DNK"...); None if unknown."""
    key = market.strip().lower()
    return _MARKETS.get(_MARKET_NAMES.get(key, key))
