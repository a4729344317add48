from voc.nlp.keywords import class_tfidf, stem, stop_words, tokenize


def test_inflections_share_a_stem() -> None:
    forms = ["faktura", "fakturan", "fakturor", "fakturorna", "fakturaen", "fakturaene"]
    assert len({stem(w) for w in forms}) == 1
    assert stem("kundene") == stem("kunder") == stem("kund")


def test_nordic_and_english_stop_words_are_dropped() -> None:
    assert {"och", "att", "ikke", "ikkje", "dere", "är", "the", "bra", "nöjd"} <= stop_words()
    assert tokenize("Fakturan är fel och ikkje bra, the invoice") == ["fakturan", "fel", "invoice"]


def test_class_keywords_are_distinctive_and_in_the_class_own_spelling() -> None:
    docs = [
        "fakturan är fel",
        "fel på fakturan igen",
        "fakturorna stämmer aldrig",
        "fakturaen er feil",
        "fakturaene er feil",
        "lång väntetid i telefon",
        "väntetid i telefon igen",
        "ok",
    ]
    classes = [0, 0, 0, 1, 1, 2, 2, -1]
    words = {c: [w for w, _ in kw] for c, kw in class_tfidf(docs, classes, top_n=3).items()}
    assert words[0] == ["fel", "fakturan"]  # "faktura" is in two classes: less distinctive
    assert words[1] == ["feil", "fakturaen"]  # the Norwegian comments' own spelling
    assert "telefon" in words[2] and "väntetid" in words[2]
    assert not {"är", "på", "er", "i"} & {w for ws in words.values() for w in ws}


def test_empty_input_gives_no_keywords() -> None:
    assert class_tfidf([], []) == {}
    assert class_tfidf(["och att"], [0]) == {0: []}
