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
    for theme_id in ("competence", "availability", "ui_usability", "price", "billing",
                     "communication", "onboarding", "contact_person"):
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
