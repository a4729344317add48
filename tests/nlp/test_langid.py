"""Language identification on the hard cases of Nordic survey comments."""

from __future__ import annotations

import dataclasses

import pytest

from voc.nlp.langid import LanguageGuess, detect, language_mix

SWEDISH = [
    "Mycket bra service och snabb leverans",
    "Jag är väldigt nöjd med hjälpen",
    "Det tog för lång tid att få svar",
    "Personalen var trevlig och kunnig",
    "Inte så bra, fakturan var fel",
    "Enkelt att beställa och bra priser",
]
NORWEGIAN = [
    "Veldig fornøyd med leveransen",
    "Det tok altfor lang tid å få svar",
    "Hyggelig og kunnskapsrik kundeservice",
    "Ikke så bra, fakturaen var feil",
    "Enkelt å bestille og gode priser",
    "Jeg er veldig fornøyd med hjelpen",
]


def one(text: str, **kwargs: object) -> LanguageGuess:
    return detect([text], **kwargs)[0]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Veldig fornøyd med hjelpen", "nb"),
        ("Hvordan kan jeg bytte abonnement? Veldig dårlig informasjon", "nb"),
        ("Meget tilfreds med jeres hjælp", "da"),
        ("Hvad koster det? Det var ikke godt nok", "da"),
        ("Eg er ikkje nøgd med svaret", "nn"),
        ("Kva skal eg gjere no? Berre tull", "nn"),
        ("Jag är inte nöjd med svaret", "sv"),
        ("Mycket bra och snabb leverans", "sv"),
        ("Very happy with the support", "en"),
    ],
)
def test_nordic_spelling_decides_the_language(text: str, lang: str) -> None:
    assert one(text).lang == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Jag ar inte nojd med svaret", "sv"),  # sv without å/ä/ö
        ("Veldig fornoyd med hjelpen", "nb"),  # nb without ø
        ("Meget tilfreds med hjaelpen", "da"),  # da without æ
        ("JAG ÄR VÄLDIGT NÖJD MED ER", "sv"),
        ("EG ER IKKJE NØGD", "nn"),
        ("Veldig fornøyd 👍👍 10/10", "nb"),
        ("Se https://example.com/faq - väldigt bra svar", "sv"),
    ],
)
def test_no_diacritics_caps_emoji_and_urls(text: str, lang: str) -> None:
    assert one(text).lang == lang


@pytest.mark.parametrize("text", ["", "   ", "a", "👍🙂", "10/10", "123 456", "https://x.se", "ok"])
def test_text_without_language_is_und(text: str) -> None:
    guess = one(text)
    assert guess.lang == "und"
    assert guess.confidence == 0.0


def test_guess_is_frozen_and_ranked() -> None:
    guess = one("Mycket bra service och snabb leverans")
    with pytest.raises(dataclasses.FrozenInstanceError):
        guess.lang = "en"  # type: ignore[misc]
    probs = [p for _, p in guess.alternatives]
    assert probs == sorted(probs, reverse=True)
    assert 0.0 <= guess.confidence <= 1.0
    assert guess.alternatives[0] == (guess.lang, guess.confidence)


def test_same_input_same_output_and_batch_equals_single() -> None:
    texts = [*SWEDISH, *NORWEGIAN, "Bra", "Hej", "Tak for sidst"]
    first = detect(texts)
    assert detect(texts) == first
    assert [one(t) for t in texts] == first


def test_langdetect_backend_is_seeded() -> None:
    texts = ["Bra service", "Tak", "ok ok", "Veldig bra"]
    assert detect(texts, backend="langdetect") == detect(texts, backend="langdetect")


def test_survey_prior_settles_ambiguous_text_from_the_batch() -> None:
    in_sweden = detect(["Bra service", *SWEDISH * 2], prior="survey")[0]
    in_norway = detect(["Bra service", *NORWEGIAN * 2], prior="survey")[0]
    assert in_sweden.lang == "sv"
    assert in_norway.lang in {"nb", "no"}
    assert in_sweden.decided_by_prior
    assert in_norway.decided_by_prior


def test_prior_never_flips_a_confident_guess() -> None:
    texts = ["Jag är väldigt nöjd med hjälpen från er kundtjänst", "Meget tilfreds med jer"]
    without = detect(texts)
    with_prior = detect(texts, prior={"nb": 0.98, "en": 0.02})
    confident = [g for g in without if g.confidence >= 0.8]
    assert confident
    for before, after in zip(without, with_prior, strict=True):
        if before.confidence >= 0.8:
            assert after == before


def test_mapping_prior_from_a_market_column() -> None:
    assert one("Bra service", prior={"sv": 1.0}).lang == "sv"
    assert one("Bra service", prior={"no": 1.0}).lang in {"nb", "no"}
    with pytest.raises(ValueError, match="prior"):
        detect(["Bra"], prior="sweden")  # type: ignore[arg-type]


def test_mixed_language_comment_is_flagged() -> None:
    guess = one("Bra service but slow invoicing")
    assert guess.mixed
    assert not one("Mycket bra service och snabb leverans").mixed
    assert not one("Very good service and fast delivery").mixed


def test_language_mix_counts_every_guess() -> None:
    guesses = detect([*SWEDISH, "Very happy with the support", "👍"])
    assert language_mix(guesses) == {"sv": len(SWEDISH), "en": 1, "und": 1}


def test_unknown_backend_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown language backend"):
        detect(["Bra"], backend="nope")


@pytest.mark.parametrize("backend", ["voc", "lingua", "fasttext", "langdetect"])
def test_every_backend_answers_offline(backend: str) -> None:
    guesses = detect(["Jag är väldigt nöjd med hjälpen", "🙂"], backend=backend)
    assert guesses[0].lang == "sv"
    assert guesses[1].lang == "und"


def test_norwegian_of_unclear_standard_is_no() -> None:
    guess = one("Bra service", prior={"no": 1.0})
    assert guess.lang == "no"
    assert {lang for lang, _ in guess.alternatives[:2]} == {"nb", "nn"}


def test_market_column_gives_a_prior() -> None:
    from voc.nlp.langid import market_prior

    sweden, norway = market_prior("SE"), market_prior("Norge")
    assert sweden is not None and norway is not None
    assert one("Bra service", prior=sweden).lang == "sv"
    assert one("Bra service", prior=norway).lang in {"nb", "no"}
    assert market_prior("Atlantis") is None


def test_nynorsk_spelling_is_read_from_character_ngrams() -> None:
    from voc.nlp._langid.stack import shipped_cascade

    model = shipped_cascade().nb_nn
    nynorsk, bokmal = model.score([["ikkje", "kva", "korleis"], ["ikke", "hva", "hvordan"]])
    assert nynorsk > 0 > bokmal
    assert one("Eg er ikkje nøgd med kundeservicen").lang == "nn"
    assert one("Jeg er ikke fornøyd med kundeservicen").lang == "nb"


def test_word_ngrams_are_scikit_learns_char_wb() -> None:
    from voc.nlp._langid.ngram import word_ngrams

    grams = [" ", "e", "g", " ", " e", "eg", "g ", " eg", "eg ", " eg "]
    assert sorted(word_ngrams("eg")) == sorted(grams)
    assert word_ngrams("i") == [" ", "i", " ", " i", "i ", " i "]


def test_ngram_model_fits_deterministically_and_round_trips() -> None:
    from voc.nlp._langid.ngram import NorwegianStandardNB

    texts = ["eg veit ikkje", "kva gjer du", "jeg vet ikke", "hva gjør du", "jag vet inte"]
    labels = ["nn", "nn", "nb", "nb", "sv"]
    model = NorwegianStandardNB(min_count=1).fit(texts, labels)
    again = NorwegianStandardNB.from_dict(
        NorwegianStandardNB(min_count=1).fit(texts, labels).to_dict()
    )
    assert model.weights_ == again.weights_
    assert model.word_score("ikkje") > 0 > model.word_score("ikke")
    # Only the padding spaces are known n-grams of "zzz": little evidence either way.
    assert abs(model.word_score("zzz")) < abs(model.word_score("ikkje"))


def test_standard_split_moves_only_nb_and_nn() -> None:
    import numpy as np

    from voc.nlp._langid.ngram import StandardSplit

    split = StandardSplit()
    split.coef_ = np.array([1.0, 0.5, 0.0])
    split.intercept_ = 0.0
    classes = ["da", "en", "nb", "nn", "sv"]
    probs = np.array([[0.1, 0.1, 0.3, 0.3, 0.2]])
    out = split.adjust(probs, classes, np.array([4.0]), np.array([False]))
    assert out[0, [0, 1, 4]].tolist() == [0.1, 0.1, 0.2]
    assert out[0, 2] + out[0, 3] == pytest.approx(0.6)
    assert out[0, 3] > out[0, 2]  # a positive score leans nynorsk


def test_word_features_match_one_token_at_a_time() -> None:
    import numpy as np

    from voc.nlp._langid.lexicon import _TokenTable, token_features, word_feature_matrix

    texts = [["bra", "service"], [], ["ikkje", "bra", "zzzq"]]
    expected = np.array(
        [
            np.mean([token_features(t) for t in toks], axis=0) if toks else np.zeros(20)
            for toks in texts
        ]
    )
    assert np.allclose(word_feature_matrix(texts), expected)
    small = _TokenTable(limit=3)  # starts afresh when full: same rows
    assert np.allclose(
        small.gather(["bra", "service"]), small.gather(["service", "x", "bra"])[[2, 0]]
    )


def test_fasttext_matrix_matches_score_maps() -> None:
    from voc.nlp._langid.backends import CANDIDATES, FastTextScorer

    texts = ["Mycket bra service", "Veldig bra"]
    scorer = FastTextScorer()
    for row, scores in zip(scorer.predict_matrix(texts), scorer.predict_proba(texts), strict=True):
        assert {lang: p for lang, p in zip(CANDIDATES, row, strict=True) if p > 0} == scores


def test_prior_settles_a_shared_spelling_even_when_the_model_is_sure() -> None:
    from voc.nlp._langid.lexicon import all_shared_spelling

    assert all_shared_spelling("Bra service")
    assert not all_shared_spelling("Wrong invoice again")  # common in English only
    assert not all_shared_spelling("Tack")
    alone = one("Bra service")
    in_norway = one("Bra service", prior={"no": 1.0})
    assert in_norway.lang in {"nb", "no"} and in_norway.decided_by_prior
    assert one("Bra service", prior={"sv": 1.0}).lang == "sv"
    assert one("Bra service") == alone  # without a prior nothing changes
    # An English complaint in a mostly Swedish survey stays English.
    assert one("Wrong invoice again", prior={"sv": 0.6, "en": 0.3, "nb": 0.1}).lang == "en"


def test_only_shared_spellings_are_flattened() -> None:
    # Swedish-only words keep the model's confidence; "Super" is written in all five.
    assert one("Tack").confidence > 0.95
    assert one("Snabb leverans").confidence > 0.9
    shared = one("Super")
    assert shared.confidence < 0.5
    assert len(shared.alternatives) == 5


def test_kept_scores_give_the_same_guesses_and_skip_the_backend(tmp_path) -> None:
    from voc.nlp.file_cache import JsonFileCache
    from voc.nlp.langid import get_scorer, register_backend, scorer_fingerprint

    texts = ["Bra service", *SWEDISH, *NORWEGIAN, "Good support but the invoice was wrong", ""]
    fingerprint = scorer_fingerprint("voc")
    assert fingerprint is not None
    first = detect(texts, prior="survey", score_cache=JsonFileCache(tmp_path, "lang", fingerprint))
    assert first == detect(texts, prior="survey")

    # A second run reads every score from the file: a backend that fails if called proves it.
    calls: list[int] = []

    class Counting:
        def predict_proba(self, batch):  # type: ignore[no-untyped-def]
            calls.append(len(batch))
            return get_scorer("voc").predict_proba(batch)

    register_backend("counting-test", Counting())  # type: ignore[arg-type]
    assert scorer_fingerprint("counting-test") is None  # a registered scorer is never kept
    kept = JsonFileCache(tmp_path, "lang", fingerprint)
    again = detect(
        [*texts, "Helt ny kommentar om fakturan"],
        prior="survey",
        backend="counting-test",
        score_cache=kept,
    )
    # The survey prior is applied after the kept scores: the new comment moves it as usual.
    assert again == detect([*texts, "Helt ny kommentar om fakturan"], prior="survey")
    assert calls == [1]  # only the new comment was scored
