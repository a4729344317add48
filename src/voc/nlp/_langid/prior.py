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
