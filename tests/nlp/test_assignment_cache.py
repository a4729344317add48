"""voc.nlp.assignment_cache: kept themes, keyed by the model that gave them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from voc.config import Settings
from voc.nlp.assignment_cache import AssignmentCache, model_fingerprint
from voc.nlp.taxonomy import Correction
from voc.pipeline import Analyzer
from voc.types import Polarity

COMMENTS = [
    "Kunnig personal men portalen är krånglig",
    "Felaktig faktura igen",
    "Ingen svarar i telefon",
    "Bra!",
    "",
]
LANGS = ["sv", "sv", "sv", "sv", None]


def cached_analyzer(settings: Settings, folder: Path) -> Analyzer:
    return Analyzer(settings.model_copy(update={"embedding_cache_dir": folder}))


def test_a_second_run_scores_only_new_comments_and_gives_the_same_themes(
    fast_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cached_analyzer(fast_settings, tmp_path).assign_themes(COMMENTS, languages=LANGS)
    assert list(tmp_path.glob("themes-*.json"))

    again = cached_analyzer(fast_settings, tmp_path)
    scored: list[int] = []
    assign = again._assign

    def counting(model, comments, langs, progress):  # type: ignore[no-untyped-def]
        scored.append(len(comments))
        return assign(model, comments, langs, progress)

    monkeypatch.setattr(again, "_assign", counting)
    new = "Priset har gått upp för mycket"
    result = again.assign_themes([*COMMENTS, new], languages=[*LANGS, "sv"])
    assert scored == [1]  # only the new comment
    assert result[:-1] == first
    uncached = Analyzer(fast_settings).assign_themes([*COMMENTS, new], languages=[*LANGS, "sv"])
    assert result == uncached


def test_the_language_is_part_of_the_key(fast_settings: Settings, tmp_path: Path) -> None:
    analyzer = cached_analyzer(fast_settings, tmp_path)
    [assignment] = analyzer.assign_themes(["Bra service"], languages=["sv"])
    cache = AssignmentCache(tmp_path, model_fingerprint(analyzer.theme_model))
    assert cache.get("Bra service", "sv") == assignment
    assert cache.get("Bra service", "nb") is None


def test_a_correction_gives_a_new_fingerprint(fast_settings: Settings) -> None:
    analyzer = Analyzer(fast_settings)
    before = model_fingerprint(analyzer.theme_model)
    assert model_fingerprint(Analyzer(fast_settings).theme_model) == before  # stable
    corrected = replace(
        analyzer.taxonomy,
        corrections=(Correction("nobody picks up", "availability", Polarity.NEGATIVE),),
    )
    after = model_fingerprint(Analyzer(fast_settings, taxonomy=corrected).theme_model)
    assert after != before


def test_a_damaged_file_is_ignored_and_rewritten(fast_settings: Settings, tmp_path: Path) -> None:
    analyzer = cached_analyzer(fast_settings, tmp_path)
    expected = analyzer.assign_themes(COMMENTS, languages=LANGS)
    [path] = tmp_path.glob("themes-*.json")
    path.write_text('{"fingerprint": "x", "assignm', encoding="utf-8")
    again = cached_analyzer(fast_settings, tmp_path).assign_themes(COMMENTS, languages=LANGS)
    assert again == expected
    assert (
        AssignmentCache(tmp_path, model_fingerprint(analyzer.theme_model)).get(
            COMMENTS[0], LANGS[0]
        )
        == expected[0]
    )


def test_a_cached_reanalysis_gives_the_same_report(fast_settings: Settings, tmp_path: Path) -> None:
    # Themes and language scores both kept: the second report's comments (languages, themes,
    # impacts) equal an analysis without any cache.
    sample = Path(__file__).parents[2] / "data" / "sample" / "nps_export.csv"
    cached_analyzer(fast_settings, tmp_path).analyze(sample)
    assert list(tmp_path.glob("languages-*.json")) and list(tmp_path.glob("themes-*.json"))
    again = cached_analyzer(fast_settings, tmp_path).analyze(sample)
    plain = Analyzer(fast_settings).analyze(sample)
    assert again.comment_results == plain.comment_results
    assert again.theme_impacts == plain.theme_impacts
