"""Keywords for groups of comments: c-TF-IDF with Swedish, Norwegian and English stop words.

BERTopic's default vectorizer keeps every word, and its usual fix, English stop words,
leaves "och", "att", "ikke", "ikkje" as the top "keywords" of a Nordic theme. Here the stop
words are spaCy's own sv / nb / da / en lists, a short nynorsk list (spaCy has none), and
the words every survey comment uses ("bra", "good", "nöjd") that name no theme. Inflected
forms are folded by a light suffix stripper ("fakturan", "fakturor", "fakturaen" count as
one word) and each keyword is shown in its most frequent written form.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

# fmt: off
# spaCy has no nynorsk stop words; these are the function words that differ from bokmål.
NYNORSK_STOP_WORDS = frozenset([
    "eg", "meg", "deg", "dykk", "dykkar", "dei", "deira", "deim", "honom", "ho", "henne",
    "kva", "kven", "kvar", "korleis", "kvifor", "kor", "ikkje", "ein", "eit", "ei", "eitt",
    "berre", "frå", "mykje", "noko", "nokon", "nokre", "sjølv", "sjå", "hjå", "òg", "og",
    "vore", "vart", "vert", "blir", "blei", "er", "var", "har", "hadde", "ha", "me", "oss",
    "vår", "våre", "sin", "si", "sitt", "sine", "då", "no", "slik", "sånn", "like",
    "mellom", "under", "over", "etter", "før", "med", "mot", "til", "om", "som", "at",
    "for", "på", "i", "av", "meir",
])
# Common function words missing from spaCy's sv / nb lists.
EXTRA_STOP_WORDS = frozenset(["är", "dere", "ju", "nog", "bara", "fine"])
# Words that carry sentiment or filler but never name a theme.
SURVEY_STOP_WORDS = frozenset([
    "bra", "dålig", "dåligt", "dåliga", "god", "gott", "goda", "bättre", "bäst", "nöjd",
    "nöjda", "jättebra", "toppen", "super", "mycket", "väldig", "väldigt", "lite", "ganska",
    "alltid", "aldrig", "helt", "tack", "ok", "okej", "godt", "gode", "bedre", "best",
    "dårlig", "dårlige", "fornøyd", "fornøgd", "veldig", "svært", "litt", "aldri", "takk",
    "good", "great", "bad", "better", "very", "really", "quite", "always", "never",
    "thanks", "thank", "okay", "nice", "satisfied", "happy", "lot", "lots", "just", "also",
    "even", "still", "get", "got", "would", "could",
])

_TOKEN = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
# Longest first: the stripper removes the first suffix that leaves a stem of 3+ letters.
_SUFFIXES = tuple(sorted([
    "arnas", "ernas", "ornas", "arna", "erna", "orna", "andet", "ande", "ningen", "ningar",
    "ningane", "ningene", "heten", "heter", "hetens", "ene", "ane", "ena", "erne", "ernes",
    "aren", "eren", "orer", "aen", "ar", "er", "or", "en", "et", "an", "na", "ne", "a", "e",
    "s",
], key=len, reverse=True))
# fmt: on


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's sv / nb / da / en stop words, nynorsk and other function words, survey filler."""
    from spacy.lang.da.stop_words import STOP_WORDS as DA
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.nb.stop_words import STOP_WORDS as NB
    from spacy.lang.sv.stop_words import STOP_WORDS as SV

    return frozenset(SV | NB | DA | EN | NYNORSK_STOP_WORDS | EXTRA_STOP_WORDS | SURVEY_STOP_WORDS)


def stem(word: str) -> str:
    """A light Nordic/English suffix stripper: groups inflections, not a real lemmatiser."""
    for _ in range(2):  # "fakturaene" -> "faktura" -> "faktur"
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased words of two or more letters, stop words removed."""
    stops = stop_words()
    return [w for w in _TOKEN.findall(text.lower()) if w not in stops]


class _Vocabulary:
    """Stems seen in a corpus, and the written forms of each stem per document."""

    def __init__(self, documents: Sequence[str]):
        self.doc_words: list[list[str]] = [tokenize(doc) for doc in documents]
        self.doc_stems = [[stem(w) for w in words] for words in self.doc_words]
        self.terms = sorted({s for stems in self.doc_stems for s in stems})
        self.index = {s: i for i, s in enumerate(self.terms)}

    def display(self, rows: Sequence[int]) -> dict[str, str]:
        """Each stem's most frequent written form in these documents (a theme's own words:
        "behandler" for the Norwegian comments, "behandlar" for the nynorsk ones)."""
        forms: dict[str, Counter[str]] = {}
        for i in rows:
            for word, s in zip(self.doc_words[i], self.doc_stems[i], strict=True):
                forms.setdefault(s, Counter())[word] += 1
        # Ties go to the shortest, then alphabetically first form: deterministic output.
        return {
            s: min(c.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]
            for s, c in forms.items()
        }


def class_tfidf(
    documents: Sequence[str], classes: Sequence[int], top_n: int = 8, min_df: int = 2
) -> dict[int, list[tuple[str, float]]]:
    """Top c-TF-IDF keywords per class (BERTopic's formula: tf * log(1 + A / f)).

    Args:
        documents: the texts.
        classes: a class id per text; negative ids (outliers) count only in the background.
        top_n: keywords per class.
        min_df: a keyword must occur in at least this many documents of its class, unless
            the class is smaller than that.
    """
    vocab = _Vocabulary(documents)
    ids = sorted({int(c) for c in classes if int(c) >= 0})
    if not ids or not vocab.terms:
        return {c: [] for c in ids}
    row_of = {c: i for i, c in enumerate(ids)}
    tf = np.zeros((len(ids), len(vocab.terms)), dtype=np.float64)
    df = np.zeros_like(tf)
    background = np.zeros(len(vocab.terms), dtype=np.float64)
    for stems, cls in zip(vocab.doc_stems, classes, strict=True):
        cols = [vocab.index[s] for s in stems]
        np.add.at(background, cols, 1.0)
        if int(cls) < 0:
            continue
        np.add.at(tf[row_of[int(cls)]], cols, 1.0)
        df[row_of[int(cls)], sorted(set(cols))] += 1.0
    sizes = Counter(int(c) for c in classes if int(c) >= 0)
    average_words = max(tf.sum() / len(ids), 1.0)
    idf = np.log1p(average_words / np.maximum(background, 1.0))
    weights = (tf / np.maximum(tf.sum(axis=1, keepdims=True), 1.0)) * idf
    members: dict[int, list[int]] = {}
    for i, c in enumerate(classes):
        members.setdefault(int(c), []).append(i)
    out: dict[int, list[tuple[str, float]]] = {}
    for cls, row in row_of.items():
        display = vocab.display(members[cls])
        needed = min(min_df, sizes[cls])
        score = np.where(df[row] >= needed, weights[row], 0.0)
        order = np.lexsort((np.arange(len(score)), -score))[:top_n]
        out[cls] = [
            (display[vocab.terms[j]], round(float(score[j]), 6)) for j in order if score[j] > 0
        ]
    return out
