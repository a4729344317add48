from __future__ import annotations

import numpy as np
import pytest

from voc.nlp.embed import E5Embedder, HashingEmbedder
from voc.nlp.taxonomy import load_taxonomy, parse_taxonomy
from voc.nlp.themes import REASON_EMPTY, REASON_GENERIC, Correction, GuidedThemeModel
from voc.types import Polarity

TINY = """\
version: "t1"
themes:
  - id: billing
    labels: {en: Billing}
    seeds:
      negative: {en: [wrong invoice, invoice errors], sv: [fel på fakturan, felaktig faktura]}
      positive: {en: [correct invoices], sv: [korrekta fakturor]}
  - id: portal
    labels: {en: Portal}
    seeds:
      negative: {en: [portal is clumsy], sv: [portalen är krånglig]}
      positive: {en: [portal is easy], sv: [portalen är smidig]}
  - id: competence
    labels: {en: Competence}
    seeds:
      positive: {en: [knowledgeable staff], sv: [kunnig personal]}
      negative: {en: [incompetent staff], sv: [okunnig personal]}
"""


@pytest.fixture()
def tiny_model(hashing_embedder: HashingEmbedder) -> GuidedThemeModel:
    return GuidedThemeModel(parse_taxonomy(TINY), hashing_embedder).fit()


def test_one_comment_gets_several_themes_with_evidence(tiny_model: GuidedThemeModel) -> None:
    comment = "Kunnig personal men portalen är krånglig"
    (result,) = tiny_model.transform([comment])
    by_theme = {h.theme_id: h for h in result.hits}
    assert set(by_theme) == {"competence", "portal"}
    assert comment[by_theme["competence"].start : by_theme["competence"].end] == "Kunnig personal"
    assert "portalen" in comment[by_theme["portal"].start : by_theme["portal"].end]
    assert by_theme["competence"].polarity is Polarity.POSITIVE
    assert by_theme["portal"].polarity is Polarity.NEGATIVE
    assert all(0.0 <= h.confidence <= 1.0 for h in result.hits)


def test_one_clause_with_two_coordinated_themes_gets_both(tiny_model: GuidedThemeModel) -> None:
    comment = "fel på fakturan och portalen är krånglig"
    (result,) = tiny_model.transform([comment])
    spans = {h.theme_id: comment[h.start : h.end] for h in result.hits}
    assert spans == {"billing": "fel på fakturan", "portal": "portalen är krånglig"}


def test_threshold_is_calibrated_on_the_seeds_or_set_by_hand(
    hashing_embedder: HashingEmbedder,
) -> None:
    default = GuidedThemeModel(parse_taxonomy(TINY), hashing_embedder).fit()
    assert default.threshold_ == 0.5
    calibrated = GuidedThemeModel(parse_taxonomy(TINY), hashing_embedder, threshold=None).fit()
    assert 0.05 <= calibrated.threshold_ <= 0.9 and calibrated.threshold is None
    assert list(calibrated.thresholds_) == [calibrated.threshold_] * 3
    strict = GuidedThemeModel(parse_taxonomy(TINY), hashing_embedder, threshold=0.99).fit()
    assert strict.threshold_ == 0.99 and strict.threshold == 0.99
    assert all(
        h.confidence >= 0.99
        for r in strict.transform(["fel på fakturan", "portal x"])
        for h in r.hits
    )
    offset = GuidedThemeModel(
        parse_taxonomy(TINY), hashing_embedder, threshold=None, threshold_offset=0.05
    ).fit()
    assert offset.threshold_ == pytest.approx(calibrated.threshold_ + 0.05)
    assert offset.threshold_offset == 0.05  # fit never rewrites its parameters


def test_probabilities_per_theme_and_competition(hashing_embedder: HashingEmbedder) -> None:
    taxonomy = parse_taxonomy(TINY)
    exclusive = GuidedThemeModel(taxonomy, hashing_embedder, competition=1.0).fit()
    probs = exclusive.theme_probabilities(["fel på fakturan", "ok"])
    assert probs.shape == (2, 3)
    assert probs[0].argmax() == 0 and probs[0].sum() <= 1.0 + 1e-9
    assert probs[1].max() < 0.5  # "ok" is closest to the generic anchors
    independent = GuidedThemeModel(taxonomy, hashing_embedder, competition=0.0).fit()
    assert (independent.theme_probabilities(["fel på fakturan"]) >= probs[:1] - 1e-9).all()


def test_taxonomy_generic_phrases_keep_comments_unassigned(
    hashing_embedder: HashingEmbedder,
) -> None:
    text = TINY.replace("themes:\n", "generic: [vi kommer tillbaka]\nthemes:\n", 1)
    model = GuidedThemeModel(parse_taxonomy(text), hashing_embedder).fit()
    (result,) = model.transform(["vi kommer tillbaka"])
    assert result.hits == () and result.unassigned_reason == REASON_GENERIC


def test_languages_must_match_comments(tiny_model: GuidedThemeModel) -> None:
    with pytest.raises(ValueError, match="one entry per comment"):
        tiny_model.transform(["a", "b"], ["sv"])
    assert tiny_model.transform(["Kunnig personal"], ["sv"]) == tiny_model.transform(
        ["Kunnig personal"]
    )


def test_empty_and_off_topic_comments_are_unassigned_with_a_reason(
    tiny_model: GuidedThemeModel,
) -> None:
    empty, off_topic = tiny_model.transform(["", "xyzzy qwerty"])
    assert empty.hits == () and empty.unassigned_reason == REASON_EMPTY
    assert off_topic.hits == () and off_topic.unassigned_reason


def test_single_comment_equals_its_row_in_a_batch(tiny_model: GuidedThemeModel) -> None:
    batch = ["fel på fakturan igen", "Kunnig personal", "", "portal is clumsy and slow"]
    together = tiny_model.transform(batch)
    alone = [tiny_model.transform([c])[0] for c in batch]
    assert together == alone


def test_refit_is_deterministic(hashing_embedder: HashingEmbedder) -> None:
    comments = ["felaktig faktura", "portalen är smidig", "knowledgeable staff but wrong invoice"]
    a = GuidedThemeModel(parse_taxonomy(TINY), hashing_embedder).fit().transform(comments)
    b = GuidedThemeModel(parse_taxonomy(TINY), hashing_embedder).fit().transform(comments)
    assert a == b


def test_corrections_teach_new_phrasings(hashing_embedder: HashingEmbedder) -> None:
    phrase = "kreditnota saknas"
    plain = GuidedThemeModel(parse_taxonomy(TINY), hashing_embedder).fit()
    assert all(h.theme_id != "billing" for h in plain.transform([phrase])[0].hits)
    taught = GuidedThemeModel(parse_taxonomy(TINY), hashing_embedder).fit(
        [Correction(phrase, "billing", Polarity.NEGATIVE)]
    )
    (hit,) = taught.transform([phrase])[0].hits
    assert (hit.theme_id, hit.polarity) == ("billing", Polarity.NEGATIVE)


def test_a_theme_description_finds_comments_its_seeds_miss(
    hashing_embedder: HashingEmbedder,
) -> None:
    text = TINY.replace(
        "    labels: {en: Billing}\n",
        "    labels: {en: Billing, sv: Fakturering}\n"
        "    description: Invoices, credit notes and reminders.\n",
    )
    with_prototypes = GuidedThemeModel(parse_taxonomy(text), hashing_embedder).fit()
    seeds_only = GuidedThemeModel(
        parse_taxonomy(text), hashing_embedder, label_prototypes=False
    ).fit()
    comment = "reminders and credit notes"
    assert [h.theme_id for h in with_prototypes.transform([comment])[0].hits] == ["billing"]
    assert seeds_only.transform([comment])[0].hits == ()
    # labels and descriptions join the seeds as neutral phrases: billing's 2 labels and
    # description, one label for each of the two other themes
    assert len(with_prototypes.seed_vectors_) == len(seeds_only.seed_vectors_) + 5
    assert (with_prototypes.seed_polarity_ == "neutral").sum() == 5


def test_vectors_are_centred_on_the_taxonomy_and_corrections_do_not_move_it(
    hashing_embedder: HashingEmbedder,
) -> None:
    taxonomy = parse_taxonomy(TINY)
    model = GuidedThemeModel(taxonomy, hashing_embedder).fit()
    raw = GuidedThemeModel(taxonomy, hashing_embedder, center=False).fit()
    phrases = np.vstack([raw.seed_vectors_, raw.generic_vectors_])
    np.testing.assert_allclose(model.center_, phrases.mean(axis=0), atol=1e-6)
    assert not raw.center_.any() and model.center is True  # fit keeps its parameters
    norms = np.linalg.norm(model.seed_vectors_, axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)
    taught = GuidedThemeModel(taxonomy, hashing_embedder).fit(
        [Correction("kreditnota saknas", "billing", Polarity.NEGATIVE)]
    )
    np.testing.assert_array_equal(taught.center_, model.center_)


def test_correction_for_unknown_theme_is_rejected(hashing_embedder: HashingEmbedder) -> None:
    with pytest.raises(KeyError, match="nope"):
        GuidedThemeModel(parse_taxonomy(TINY), hashing_embedder).fit([Correction("x", "nope")])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        (
            "Kunnig personal men portalen är krånglig",
            {("competence", "positive"), ("ui_usability", "negative")},
        ),
        ("Fakturan var fel igen", {("billing", "negative")}),
        ("Feil på fakturaen igjen", {("billing", "negative")}),
        ("Wrong invoice again", {("billing", "negative")}),
        ("Lång väntetid i telefon, ingen svarar", {("availability", "negative")}),
        (
            "Dyrt, men dere svarer alltid raskt",
            {("price", "negative"), ("availability", "positive")},
        ),
        ("Too expensive for what you get", {("price", "negative")}),
        ("Tydliga fakturor och rimliga priser", {("billing", "positive"), ("price", "positive")}),
        ("Dei svarar aldri på telefonen", {("availability", "negative")}),
        (
            "Snabba svar, men fakturan var fel",
            {("availability", "positive"), ("billing", "negative")},
        ),
    ],
)
def test_default_taxonomy_with_e5_across_languages(
    comment: str, expected: set[tuple[str, str]]
) -> None:
    model = _e5_model()
    (result,) = model.transform([comment])
    assert {(h.theme_id, h.polarity.value) for h in result.hits} == expected


@pytest.mark.slow
def test_generic_comments_stay_unassigned_with_e5() -> None:
    results = _e5_model().transform(["Bra!", "Ok", "Inget att anmärka"])
    assert all(r.hits == () and r.unassigned_reason for r in results)


@pytest.mark.slow
def test_translations_get_the_same_themes_with_e5() -> None:
    sv, nb, en = _e5_model().transform(
        [
            "Kunniga handläggare men långa väntetider i telefon",
            "Kunnskapsrike saksbehandlere, men lang ventetid på telefonen",
            "Knowledgeable case handlers but long waiting times on the phone",
        ]
    )
    themes = [{h.theme_id for h in r.hits} for r in (sv, nb, en)]
    assert themes[0] == themes[1] == themes[2] == {"competence", "availability"}


_MODEL: list[GuidedThemeModel] = []


def _e5_model() -> GuidedThemeModel:
    if not _MODEL:
        _MODEL.append(GuidedThemeModel(load_taxonomy(), E5Embedder()).fit())
    return _MODEL[0]
