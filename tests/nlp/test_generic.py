"""voc.nlp.generic: telling generic remarks from comments about a subject."""

from __future__ import annotations

import numpy as np

from voc.nlp.generic import GenericDetector
from voc.nlp.hybrid import HybridThemeModel, LabelledComments
from voc.nlp.themes import REASON_BELOW, REASON_GENERIC


def _vectors(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Generic comments near one direction, themed ones near others, plus noise."""
    rng = np.random.default_rng(seed)
    dim = 16
    generic_dir, theme_dir = rng.normal(size=dim), rng.normal(size=dim)
    generic = generic_dir + rng.normal(size=(40, dim)) * 0.5
    themed = theme_dir + rng.normal(size=(40, dim)) * 0.5
    x = np.vstack([generic, themed])
    is_generic = np.r_[np.ones(40, bool), np.zeros(40, bool)]
    return x, is_generic, ~is_generic


def test_detector_separates_generic_from_themed_comments() -> None:
    x, generic, themed = _vectors()
    detector = GenericDetector().fit(x[::2], generic[::2], themed[::2])
    probability = detector.predict_proba(x[1::2])
    assert probability[generic[1::2]].min() > 0.5 > probability[themed[1::2]].max()


def test_comments_in_neither_group_are_left_out_of_the_fit() -> None:
    x, generic, themed = _vectors()
    neither = np.zeros(len(x), bool)
    neither[:5] = True  # say five "generic-looking" rows are off-taxonomy subjects
    with_them = GenericDetector().fit(x, generic & ~neither, themed)
    without = GenericDetector().fit(x[~neither], generic[~neither], themed[~neither])
    np.testing.assert_allclose(with_them.predict_proba(x), without.predict_proba(x))


def test_too_few_examples_leave_it_unfitted() -> None:
    x, generic, themed = _vectors()
    detector = GenericDetector(min_examples=50).fit(x, generic, themed)
    assert detector.state() is None
    assert not detector.predict_proba(x).any()


def test_the_hybrid_model_calls_an_unassigned_generic_comment_generic() -> None:
    from voc.nlp.embed import HashingEmbedder
    from voc.nlp.taxonomy import parse_taxonomy

    taxonomy = parse_taxonomy(
        'version: "1"\nname: t\nthemes:\n'
        "  - id: billing\n    labels: {sv: Fakturor}\n"
        "    seeds: {negative: {sv: [fel faktura, fakturan var fel]}}\n"
    )
    generic = ["allt funkar fint", "funkar fint tack", "fint allt funkar", "allt fint"] * 6
    themed = ["fel faktura igen", "fakturan var fel", "faktura fel belopp", "fel på fakturan"] * 6
    texts = tuple(generic + themed)
    labels = np.array([[0]] * len(generic) + [[1]] * len(themed), dtype=np.int8)
    training = LabelledComments(texts, ("billing",), labels)
    model = HybridThemeModel(taxonomy, HashingEmbedder(), training=training).fit()
    (found,) = model.transform(["funkar fint allt"])
    assert not found.hits and found.unassigned_reason == REASON_GENERIC
    model.generic_min = float("inf")  # the detector off: the taxonomy's anchors only
    (found,) = model.transform(["funkar fint allt"])
    assert not found.hits and found.unassigned_reason == REASON_BELOW
