from __future__ import annotations

import pytest

from voc.nlp.embed import E5Embedder, HashingEmbedder
from voc.nlp.taxonomy import load_taxonomy, parse_taxonomy
from voc.nlp.themes import REASON_EMPTY, Correction, GuidedThemeModel
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


def test_empty_and_off_topic_comments_are_unassigned_with_a_reason(
        tiny_model: GuidedThemeModel) -> None:
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
        [Correction(phrase, "billing", Polarity.NEGATIVE)])
    (hit,) = taught.transform([phrase])[0].hits
    assert (hit.theme_id, hit.polarity) == ("billing", Polarity.NEGATIVE)


def test_correction_for_unknown_theme_is_rejected(hashing_embedder: HashingEmbedder) -> None:
    with pytest.raises(KeyError, match="nope"):
        GuidedThemeModel(parse_taxonomy(TINY), hashing_embedder).fit([Correction("x", "nope")])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("Kunnig personal men portalen är krånglig",
         {("competence", "positive"), ("ui_usability", "negative")}),
        ("Fakturan var fel igen", {("billing", "negative")}),
        ("Feil på fakturaen igjen", {("billing", "negative")}),
        ("Wrong invoice again", {("billing", "negative")}),
        ("Lång väntetid i telefon, ingen svarar", {("availability", "negative")}),
        ("Dyrt, men dere svarer alltid raskt", {("price", "negative"),
                                                ("availability", "positive")}),
        ("Too expensive for what you get", {("price", "negative")}),
    ],
)
def test_default_taxonomy_with_e5_across_languages(comment: str,
                                                   expected: set[tuple[str, str]]) -> None:
    model = _e5_model()
    (result,) = model.transform([comment])
    assert {(h.theme_id, h.polarity.value) for h in result.hits} == expected


@pytest.mark.slow
def test_generic_comments_stay_unassigned_with_e5() -> None:
    results = _e5_model().transform(["Bra!", "Ok", "Inget att anmärka"])
    assert all(r.hits == () and r.unassigned_reason for r in results)


_MODEL: list[GuidedThemeModel] = []


def _e5_model() -> GuidedThemeModel:
    if not _MODEL:
        _MODEL.append(GuidedThemeModel(load_taxonomy(), E5Embedder()).fit())
    return _MODEL[0]
