from __future__ import annotations

import numpy as np
import pytest

from voc.nlp.embed import HashingEmbedder
from voc.nlp.hybrid import ADAPT_MIN_COMMENTS, HybridThemeModel, LabelledComments
from voc.nlp.taxonomy import Correction, parse_taxonomy
from voc.types import Polarity

TAXONOMY = """\
version: "t1"
name: tiny
themes:
  - id: billing
    labels: {en: Billing}
    covers: "wrong or unclear invoices"
    seeds:
      negative: {en: [wrong invoice], sv: [fel på fakturan]}
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
# A user's own theme with seed phrases only: the head has never seen it.
WITH_PARKING = (
    TAXONOMY
    + """\
  - id: parking
    labels: {en: Parking}
    seeds:
      negative: {en: [nowhere to park, no parking spaces], sv: [ingen parkering]}
"""
)
# Each comment: (text, {theme: polarity code}) with 0 negative, 2 positive.
COMMENTS = [
    ("fakturan var fel igen", {"billing": 0}),
    ("fel belopp på fakturan", {"billing": 0}),
    ("dubbelfakturerade oss i mars", {"billing": 0}),
    ("fakturaen stemmer aldri", {"billing": 0}),
    ("wrong invoice again", {"billing": 0}),
    ("invoices are correct", {"billing": 2}),
    ("portalen är krånglig", {"portal": 0}),
    ("portalen er tungvint", {"portal": 0}),
    ("the portal is clumsy", {"portal": 0}),
    ("hard to find anything in the portal", {"portal": 0}),
    ("portalen är smidig", {"portal": 2}),
    ("easy portal to use", {"portal": 2}),
    ("kunnig personal", {"competence": 2}),
    ("flinke folk hos dere", {"competence": 2}),
    ("they know their stuff", {"competence": 2}),
    ("okunnig konsult", {"competence": 0}),
    ("skilled people", {"competence": 2}),
    ("kunnig personal men portalen är krånglig", {"competence": 2, "portal": 0}),
    ("fel på fakturan och portalen är krånglig", {"billing": 0, "portal": 0}),
    ("ok", {}),
    ("bra", {}),
    ("nöjd", {}),
]
THEMES = ("billing", "portal", "competence")


def labelled() -> LabelledComments:
    labels = np.array([[t in row for t in THEMES] for _, row in COMMENTS], dtype=np.int8)
    polarity = np.array([[row.get(t, -1) for t in THEMES] for _, row in COMMENTS], dtype=np.int8)
    return LabelledComments(
        texts=tuple(text for text, _ in COMMENTS),
        theme_ids=THEMES,
        labels=labels,
        polarity=polarity,
    )


def model(taxonomy: str = TAXONOMY, **kwargs: object) -> HybridThemeModel:
    params = {"head_params": {"min_positives": 2}, **kwargs}
    return HybridThemeModel(
        parse_taxonomy(taxonomy),
        HashingEmbedder(),
        training=labelled(),
        **params,  # type: ignore[arg-type]
    )


def themes_of(fitted: HybridThemeModel, texts: list[str]) -> list[set[str]]:
    return [{h.theme_id for h in a.hits} for a in fitted.transform(texts)]


def test_training_themes_come_back_with_spans_and_polarity() -> None:
    fitted = model().fit()
    comment = "kunnig personal men portalen är krånglig"
    (result,) = fitted.transform([comment])
    by_theme = {h.theme_id: h for h in result.hits}
    assert set(by_theme) == {"competence", "portal"}
    assert comment[by_theme["competence"].start : by_theme["competence"].end] == "kunnig personal"
    assert by_theme["competence"].polarity is Polarity.POSITIVE
    assert by_theme["portal"].polarity is Polarity.NEGATIVE


def test_probabilities_are_the_decision_and_threshold_is_respected() -> None:
    fitted = model(threshold=0.6).fit()
    found, probs = fitted.transform_scored(["fakturan var fel igen", "ok"])
    assert probs.shape == (2, 3) and ((probs >= 0) & (probs <= 1)).all()
    for assignment, row in zip(found, probs, strict=True):
        assert {h.theme_id for h in assignment.hits} == {
            t for t, p in zip(THEMES, row, strict=True) if p >= 0.6
        }
    assert found[1].hits == () and found[1].unassigned_reason


def test_a_correction_changes_an_assignment() -> None:
    text = "betalningspåminnelse för betald räkning"
    before = model().fit()
    assert "billing" not in themes_of(before, [text])[0]
    after = model().fit([Correction(text, "billing", Polarity.NEGATIVE)])
    assert "billing" in themes_of(after, [text])[0]
    assert after.head_ is not before.head_  # the head was re-fitted with the correction


def test_a_user_theme_with_seeds_only_works_through_the_prototypes() -> None:
    fitted = model(WITH_PARKING).fit()
    assert list(fitted.theme_ids_) == [*THEMES, "parking"]
    assert fitted._head_columns[-1] == -1  # no regression: prototype path
    found = themes_of(fitted, ["no parking spaces at the office", "fakturan var fel igen"])
    assert found[0] == {"parking"}
    assert "billing" in found[1] and "parking" not in found[1]


def test_deterministic_and_a_comment_does_not_depend_on_its_batch() -> None:
    texts = [text for text, _ in COMMENTS] + ["portalen är krånglig men fakturan stämmer"]
    first, second = model().fit(), model().fit()
    together = first.transform(texts)
    assert together == second.transform(texts)
    one_by_one = [first.transform([t])[0] for t in texts]
    assert together == one_by_one


def test_views_segmented_beforehand_give_the_same_result() -> None:
    texts = [text for text, _ in COMMENTS] + ["Portalen är krånglig, men fakturan stämmer."]
    fitted = model().fit()
    views = [fitted.comment_views(t, "sv") for t in texts]
    assert fitted.transform(texts, ["sv"] * len(texts), views=views) == fitted.transform(
        texts, ["sv"] * len(texts)
    )
    # A one-clause comment is its own only view: embedded once, not twice.
    assert fitted.texts_to_embed(
        ["fakturan var fel"], [fitted.comment_views("fakturan var fel", "sv")]
    ) == ["fakturan var fel"]
    with pytest.raises(ValueError, match="one entry per comment"):
        fitted.transform(texts, views=views[:1])


def test_comment_views_embed_one_text_per_comment_with_the_whole_as_evidence() -> None:
    fast = model(views="comment").fit()
    comment = "  kunnig personal men portalen är krånglig "
    views = [fast.comment_views(comment, "sv")]
    assert fast.texts_to_embed([comment], views) == [comment.strip()]
    (result,) = fast.transform([comment], ["sv"])
    assert result.hits
    assert all(comment[h.start : h.end] == comment.strip() for h in result.hits)
    assert fast.transform(["", "   "]) == model().fit().transform(["", "   "])


def test_prototypes_alone_without_training() -> None:
    fitted = HybridThemeModel(parse_taxonomy(TAXONOMY), HashingEmbedder()).fit()
    assert fitted.head_ is None
    assert "billing" in themes_of(fitted, ["fel på fakturan"])[0]


def test_adaptation_is_cross_fitted_and_needs_a_survey() -> None:
    fitted = model().fit()
    small = ["fakturan var fel", "portalen är krånglig"]
    assert fitted.transform_adapted(small)[0] == fitted.transform(small)
    survey = [text for text, _ in COMMENTS] * 2
    survey = survey[: max(ADAPT_MIN_COMMENTS, len(survey))]
    survey += ["fakturan var fel"] * (ADAPT_MIN_COMMENTS - len(survey) + 2)
    found, probs = fitted.transform_adapted(survey)
    assert len(found) == len(survey) and probs.shape == (len(survey), 3)
    # deterministic, and the survey is what it adapts to: same survey, same answer
    assert fitted.transform_adapted(survey)[0] == found


def test_labelled_comments_align_to_other_theme_orders() -> None:
    data = labelled()
    aligned = data.aligned(["portal", "parking", "billing"])
    assert (aligned[:, 1] == -1).all()
    assert np.array_equal(aligned[:, 0], data.labels[:, 1])
    extended = data.extended(["x"], np.array([[1, -1, 0]]), [None], 0.5)
    assert len(extended) == len(data) + 1 and extended.sample_weights()[-1] == 0.5
    assert extended.polarity is not None and (extended.polarity[-1] == -1).all()


def test_languages_must_match_comments() -> None:
    with pytest.raises(ValueError, match="one entry per comment"):
        model().fit().transform(["a", "b"], ["sv"])
