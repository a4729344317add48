from pathlib import Path

import pytest

from voc.errors import TaxonomyError
from voc.nlp.taxonomy import load_taxonomy, parse_taxonomy

GOOD = """\
version: "1"
themes:
  - id: price
    group: commercial
    labels: {en: Price, sv: Pris}
    seeds:
      negative:
        en: [too expensive]
        sv: [för dyrt]
"""


def test_default_taxonomy_has_the_b2b_themes_in_three_languages() -> None:
    taxonomy = load_taxonomy()
    for theme_id in (
        "competence",
        "availability",
        "ui_usability",
        "price",
        "billing",
        "communication",
        "onboarding",
        "contact_person",
    ):
        theme = taxonomy[theme_id]
        assert {"en", "sv", "nb"} <= set(theme.labels)
        languages = {lang for by_lang in theme.seeds.values() for lang in by_lang}
        assert {"en", "sv", "nb"} <= languages
    assert taxonomy.version


def test_label_falls_back_to_english_then_id() -> None:
    theme = parse_taxonomy(GOOD).themes[0]
    assert theme.label("sv") == "Pris"
    assert theme.label("nn") == "Price"
    assert theme.seed_phrases() == [("negative", "too expensive"), ("negative", "för dyrt")]


def test_load_from_file(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_taxonomy(path).ids == ["price"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\nthemes:\n  - id: a\n   labels: [x\n", r"line 4: invalid YAML"),
        (GOOD.replace("  - id: price\n", "  - group: x\n"), r"line 3: theme #1 has no 'id'"),
        (GOOD.replace("    labels: {en: Price, sv: Pris}\n", ""), r"line 3: .*needs 'labels'"),
        (GOOD.replace("      negative:", "      angry:"), r"line 7: .*unknown polarity 'angry'"),
        (GOOD + GOOD.split("themes:\n")[1], r"line 10: duplicate theme id 'price'"),
        (GOOD.replace('version: "1"\n', ""), r"missing 'version'"),
        ("just text", r"expected a mapping"),
    ],
)
def test_bad_taxonomy_names_the_line(text: str, message: str) -> None:
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(text, source="my.yaml")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="does not exist"):
        load_taxonomy(tmp_path / "nope.yaml")


def test_generic_phrases_as_a_list_or_per_language() -> None:
    as_list = parse_taxonomy(GOOD.replace("themes:\n", "generic: [we will be back]\nthemes:\n"))
    assert as_list.generic == ("we will be back",)
    per_lang = parse_taxonomy(
        GOOD.replace(
            "themes:\n", "generic:\n  en: [we will be back]\n  sv: [vi kommer tillbaka]\nthemes:\n"
        )
    )
    assert per_lang.generic == ("we will be back", "vi kommer tillbaka")
    assert parse_taxonomy(GOOD).generic == ()
    assert load_taxonomy().generic


def test_bad_generic_phrases_name_the_line() -> None:
    text = GOOD.replace("themes:\n", "generic:\n  en: [ok, 3]\nthemes:\n")
    with pytest.raises(TaxonomyError, match=r"my.yaml, line 3: generic.en must be a list"):
        parse_taxonomy(text, source="my.yaml")


def test_nynorsk_seeds_are_allowed() -> None:
    taxonomy = load_taxonomy()
    assert any("nn" in by_lang for t in taxonomy.themes for by_lang in t.seeds.values())


def test_corrections_are_read_with_their_theme_and_polarity() -> None:
    taxonomy = parse_taxonomy(
        GOOD
        + "corrections:\n"
        + "  - {text: 'kostar skjortan', theme: price, polarity: negative}\n"
        + "  - text: 'priset är ok'\n"
        + "    theme: price\n"
    )
    assert [(c.text, c.theme_id, c.polarity.value) for c in taxonomy.corrections] == [
        ("kostar skjortan", "price", "negative"),
        ("priset är ok", "price", "neutral"),
    ]


@pytest.mark.parametrize(
    ("corrections", "message"),
    [
        (
            "  - {text: 'x', theme: billing}\n",
            "line 11: correction #1 names unknown theme 'billing'",
        ),
        ("  - {text: '', theme: price}\n", "line 11: correction #1 needs a non-empty 'text'"),
        ("  - {text: 'x', theme: price, polarity: angry}\n", "unknown polarity 'angry'"),
        ("  - just a string\n", "correction #1 must be a mapping"),
        ("  text: x\n", "corrections must be a list"),
    ],
)
def test_bad_corrections_name_the_line(corrections: str, message: str) -> None:
    with pytest.raises(TaxonomyError, match=message.replace("(", r"\(")):
        parse_taxonomy(GOOD + "corrections:\n" + corrections)
