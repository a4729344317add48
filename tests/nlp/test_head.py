from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from voc.errors import ModelNotFoundError
from voc.nlp.embed import HashingEmbedder
from voc.nlp.head import POLARITY_CLASSES, ThemeHead, prototype_logits
from voc.nlp.lexical import LexicalVectorizer, fold

TEXTS = [
    "fakturan var fel igen",
    "fel belopp på fakturan",
    "dubbelfakturerade oss",
    "fakturaen stemmer aldri",
    "wrong invoice again",
    "invoice errors every month",
    "portalen är krånglig",
    "portalen er tungvint",
    "the portal is clumsy",
    "hard to find things in the portal",
    "portalen är smidig",
    "easy portal",
    "kunnig personal",
    "flinke folk",
    "they know their stuff",
    "okunnig konsult",
]
THEMES = ["billing", "portal", "competence"]
LABELS = np.array([[1, 0, 0]] * 6 + [[0, 1, 0]] * 6 + [[0, 0, 1]] * 4, dtype=np.int8)
POLARITY = np.array([0] * 6 + [0, 0, 0, 0, 2, 2] + [2, 2, 2, 0], dtype=np.int8)


def _fit(**params: object) -> tuple[ThemeHead, np.ndarray, np.ndarray]:
    vectors = HashingEmbedder().encode(TEXTS)
    prototypes = np.full((len(TEXTS), len(THEMES)), 0.5, dtype=np.float32)
    head = ThemeHead(min_positives=3, **params).fit(  # type: ignore[arg-type]
        TEXTS, vectors, prototypes, LABELS, THEMES, polarity=POLARITY
    )
    return head, vectors, prototypes


def test_fold_removes_case_and_diacritics() -> None:
    assert fold("Fakturan ÄR fel, kjøpte Æbler") == "fakturan ar fel, kjopte aebler"


def test_lexical_rows_do_not_depend_on_the_batch() -> None:
    lexical = LexicalVectorizer(min_df=1).fit(TEXTS)
    alone = lexical.transform(["fakturan var fel"]).toarray()
    batch = lexical.transform(["portalen", "fakturan var fel"]).toarray()[1:]
    assert np.array_equal(alone, batch)


def test_punctuation_is_a_word_boundary_for_the_ngrams() -> None:
    # "phone." must give the n-grams of "phone" (its end "one ", "ne "), not lose them.
    lexical = LexicalVectorizer(min_df=1).fit(["you never pick up the phone", "bra hjalp"])
    plain = lexical.transform(["you never pick up the phone"]).toarray()
    for text in ("You never pick up the phone.", "you never, pick up the phone!!"):
        assert np.array_equal(lexical.transform([text]).toarray(), plain)


def test_a_head_saved_before_punctuation_stripping_loads_as_it_was_fitted() -> None:
    old = LexicalVectorizer(min_df=1, strip_punctuation=False).fit(["the phone.", "bra"])
    state = old.to_state()
    del state["strip_punctuation"]  # files written before the option existed
    loaded = LexicalVectorizer.from_state(state)
    assert not loaded.strip_punctuation
    assert np.array_equal(
        loaded.transform(["the phone."]).toarray(), old.transform(["the phone."]).toarray()
    )


def test_head_learns_its_training_themes() -> None:
    head, vectors, prototypes = _fit()
    probs = head.predict_proba(TEXTS, vectors, prototypes)
    assert probs.shape == (len(TEXTS), 3)
    assert (probs.argmax(axis=1) == LABELS.argmax(axis=1)).mean() == 1.0


def test_head_save_load_round_trip(tmp_path: Path) -> None:
    head, vectors, prototypes = _fit()
    path = head.save(tmp_path / "head.npz", taxonomy="tiny", embedder="hashing")
    loaded, meta = ThemeHead.load(path)
    assert meta == {"taxonomy": "tiny", "embedder": "hashing"}
    assert loaded.theme_ids_ == THEMES and loaded.C == head.C
    before = head.predict_proba(TEXTS, vectors, prototypes)
    after = loaded.predict_proba(TEXTS, vectors, prototypes)
    np.testing.assert_allclose(after, before, atol=2e-3)  # weights are stored as float16
    polarity_before = head.predict_polarity(TEXTS, vectors, prototypes)
    polarity_after = loaded.predict_polarity(TEXTS, vectors, prototypes)
    assert polarity_before is not None and polarity_after is not None
    assert np.array_equal(polarity_before.argmax(1), polarity_after.argmax(1))


def test_head_refuses_missing_or_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="does not exist"):
        ThemeHead.load(tmp_path / "nothing.npz")
    bad = tmp_path / "bad.npz"
    np.savez(bad, info=np.frombuffer(b'{"format": 99}', dtype=np.uint8))
    with pytest.raises(ModelNotFoundError, match="format 99"):
        ThemeHead.load(bad)


def test_theme_with_too_few_examples_gets_no_regression() -> None:
    _, vectors, prototypes = _fit()
    sparse = ThemeHead(min_positives=5).fit(
        TEXTS, vectors, prototypes, LABELS, THEMES
    )  # competence has 4 positives
    probs = sparse.predict_proba(TEXTS, vectors, prototypes)
    assert list(sparse.fitted_) == [True, True, False]
    assert np.isnan(probs[:, 2]).all() and not np.isnan(probs[:, :2]).any()


def test_unknown_cells_are_left_out_of_a_theme_regression() -> None:
    vectors = HashingEmbedder().encode(TEXTS)
    prototypes = np.full((len(TEXTS), 3), 0.5, dtype=np.float32)
    labels = LABELS.copy()
    labels[:6, 1] = -1  # nobody said whether the billing comments are about the portal
    head = ThemeHead(min_positives=3).fit(TEXTS, vectors, prototypes, labels, THEMES)
    assert head.fitted_.all()


def test_sentiment_regression_reads_polarity() -> None:
    head, vectors, prototypes = _fit()
    polarity = head.predict_polarity(TEXTS, vectors, prototypes)
    assert polarity is not None and polarity.shape == (len(TEXTS), len(POLARITY_CLASSES))
    np.testing.assert_allclose(polarity.sum(axis=1), 1.0, rtol=1e-5)
    assert (polarity.argmax(axis=1) == POLARITY).mean() >= 0.9


def test_calibration_observed_rate_follows_predicted_probability() -> None:
    """On data drawn from a known logistic model, each probability bin's observed rate of
    positives on fresh data is close to the mean probability the head predicts there."""
    rng = np.random.default_rng(0)
    dim, n = 16, 6000
    weights = rng.normal(size=dim)

    def draw(count: int) -> tuple[np.ndarray, np.ndarray]:
        x = rng.normal(size=(count, dim)).astype(np.float32) / 2
        p = 1 / (1 + np.exp(-(x @ weights - 1.0)))
        return x, (rng.random(count) < p).astype(np.int8)

    x_train, y_train = draw(n)
    x_test, y_test = draw(n)
    texts = [""] * n
    prototypes = np.full((n, 1), 0.5, dtype=np.float32)
    head = ThemeHead(prototype_weight=0.0, lexical_weight=0.0, C=100.0)
    head.fit(texts, x_train, prototypes, y_train[:, None], ["t"], polarity=None)
    probs = head.predict_proba(texts, x_test, prototypes)[:, 0]
    edges = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0]
    for low, high in itertools.pairwise(edges):
        inside = (probs >= low) & (probs < high)
        if inside.sum() >= 200:
            assert abs(y_test[inside].mean() - probs[inside].mean()) < 0.05, (low, high)


def test_prototype_logits_are_clipped_log_odds() -> None:
    logits = prototype_logits(np.array([[0.5, 0.0, 1.0, 0.9]]))
    assert logits[0, 0] == pytest.approx(0.0)
    assert logits[0, 1] == -8.0 and logits[0, 2] == 8.0
    assert logits[0, 3] == pytest.approx(np.log(9), rel=1e-4)
