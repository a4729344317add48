from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voc.nlp.discovery import OUTLIER, DiscoveredTheme, ThemeDiscovery, sentiment_direction
from voc.nlp.embed import HashingEmbedder

# Three planted themes, each written in Swedish, Norwegian and English.
THEMES = {
    "tone": (
        [
            "tonen i era inkassobrev är för hård",
            "hård ton mot våra kunder i breven",
            "inkassobreven har en otrevlig ton",
        ],
        [
            "tonen i inkassobrevene er for hard",
            "hard tone mot kundene våre i brevene",
            "inkassobrevene har en ubehagelig tone",
        ],
        [
            "the tone of your collection letters is too harsh",
            "harsh tone towards our customers",
            "collection letters have an unfriendly tone",
        ],
    ),
    "security": (
        ["vi vill ha tvåfaktorsinloggning", "saknar tvåfaktor och sso", "inloggning med sso"],
        ["vi vil ha tofaktor innlogging", "savner tofaktor og sso", "innlogging med sso"],
        ["we want two factor login", "missing two factor and sso", "login with sso please"],
    ),
    "reports": (
        [
            "bättre rapporter och statistik",
            "rapporterna saknar statistik per kund",
            "exportera rapporter till excel",
        ],
        [
            "bedre rapporter og statistikk",
            "rapportene mangler statistikk per kunde",
            "eksportere rapporter til excel",
        ],
        [
            "better reports and statistics",
            "reports lack statistics per customer",
            "export reports to excel",
        ],
    ),
}
LANGS = ("sv", "nb", "en")


def planted(n_per_cell: int, seed: int = 0) -> tuple[np.ndarray, list[str], list[str], list[str]]:
    """Synthetic vectors: a direction per theme, a shift per language, noise per comment."""
    rng = np.random.default_rng(seed)
    dim = 32
    theme_dir = {t: rng.normal(size=dim) for t in THEMES}
    lang_dir = {g: rng.normal(size=dim) * 0.6 for g in LANGS}
    vectors, texts, langs, truth = [], [], [], []
    for theme, by_lang in THEMES.items():
        for lang, phrases in zip(LANGS, by_lang, strict=True):
            for i in range(n_per_cell):
                vectors.append(theme_dir[theme] + lang_dir[lang] + rng.normal(size=dim) * 0.35)
                texts.append(phrases[i % len(phrases)])
                langs.append(lang)
                truth.append(theme)
    x = np.asarray(vectors, dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True), texts, langs, truth


def purity(labels: np.ndarray, truth: list[str]) -> float:
    """Share of planted themes whose comments (outliers aside) land in one theme of their own."""
    ok, used = 0, set[int]()
    for theme in THEMES:
        found = {int(lab) for lab, t in zip(labels, truth, strict=True) if t == theme} - {OUTLIER}
        ok += len(found) == 1 and not found & used
        used |= found
    return ok / len(THEMES)


def test_small_survey_of_30_comments_finds_the_themes_across_languages() -> None:
    x, texts, langs, truth = planted(n_per_cell=4)  # 3 themes x 3 languages x 4 = 36
    x, texts, langs, truth = x[:30], texts[:30], langs[:30], truth[:30]
    model = ThemeDiscovery(random_state=0).fit(x, texts, langs)
    assert len(model.topics_) >= 2
    assert model.outlier_share <= 0.10
    # one theme per subject, not one per language
    for topic in model.topics_:
        assert len(topic.languages) >= 2


def test_a_language_with_one_stray_member_gets_no_label_of_its_own() -> None:
    # Twelve Swedish comments on one subject and one Danish comment placed with them: the
    # Danish comment must not become the theme's Danish label (it would read as the theme).
    x, texts, langs, _ = planted(n_per_cell=12)
    keep = [i for i, g in enumerate(langs) if g == "sv"]
    x, texts, langs = x[keep], [texts[i] for i in keep], [langs[i] for i in keep]
    tone = [i for i, t in enumerate(texts) if "ton" in t]
    stray = x[tone].mean(axis=0)
    x = np.vstack([x, stray / np.linalg.norm(stray)])
    texts, langs = [*texts, "meget utilfreds"], [*langs, "da"]
    model = ThemeDiscovery(random_state=0, small_data_below=1000).fit(x, texts, langs)
    (topic,) = [t for t in model.topics_ if t.languages.get("da")]
    assert "da" not in topic.labels and "sv" in topic.labels
    assert "meget" not in topic.label


def test_themes_hold_across_languages_with_language_alignment() -> None:
    x, texts, langs, truth = planted(n_per_cell=12)
    aligned = ThemeDiscovery(random_state=0, small_data_below=1000).fit(x, texts, langs)
    assert purity(aligned.labels_, truth) == 1.0
    plain = ThemeDiscovery(random_state=0, small_data_below=1000, align_languages=False)
    assert purity(plain.fit(x, texts, langs).labels_, truth) < 1.0  # splits by language
    topic = aligned.topics_[0]
    assert set(topic.labels) == set(LANGS) and set(topic.quotes) == set(LANGS)
    assert all(q.language == lang for lang, qs in topic.quotes.items() for q in qs)


def test_umap_path_is_deterministic_and_keeps_outliers_under_ten_percent() -> None:
    x, texts, langs, _ = planted(n_per_cell=25)  # 225 comments: UMAP + HDBSCAN
    a = ThemeDiscovery(random_state=3, small_data_below=100).fit(x, texts, langs)
    b = ThemeDiscovery(random_state=3, small_data_below=100).fit(x, texts, langs)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert [t.keywords for t in a.topics_] == [t.keywords for t in b.topics_]
    assert a.outlier_share <= 0.10
    for index, reason in a.outlier_reasons_.items():
        assert a.labels_[index] == OUTLIER and "similarity" in reason


def test_transform_of_one_comment_equals_its_row_in_a_batch() -> None:
    x, texts, langs, _ = planted(n_per_cell=6)
    model = ThemeDiscovery(random_state=0).fit(x, texts, langs)
    batch = model.transform(x, langs)
    np.testing.assert_array_equal(batch, model.labels_)
    for i in range(0, len(x), 7):
        assert model.transform(x[i : i + 1], [langs[i]])[0] == batch[i]


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    x, texts, langs, _ = planted(n_per_cell=6)
    model = ThemeDiscovery(random_state=0, n_quotes=2).fit(x, texts, langs)
    model.save(tmp_path / "discovery")
    loaded = ThemeDiscovery.load(tmp_path / "discovery")
    assert loaded.topics_ == model.topics_
    assert loaded.n_quotes == 2
    np.testing.assert_array_equal(loaded.transform(x, langs), model.transform(x, langs))
    assert loaded.outlier_reasons_ == model.outlier_reasons_


def test_keywords_skip_nordic_and_english_stop_words() -> None:
    x, texts, langs, _ = planted(n_per_cell=6)
    model = ThemeDiscovery(random_state=0).fit(x, texts, langs)
    stop = {"och", "att", "er", "og", "the", "of", "i", "på", "til", "to", "med", "with"}
    for topic in model.topics_:
        assert topic.keywords and not stop & set(topic.keywords)
        assert isinstance(topic, DiscoveredTheme) and topic.label
    words = {w for t in model.topics_ for w in t.keywords}
    assert {"sso", "rapporter"} & words


def test_works_with_a_real_embedder_on_text(hashing_embedder: HashingEmbedder) -> None:
    texts = [p for by_lang in THEMES.values() for phrases in by_lang for p in phrases] * 2
    langs = [
        g for by_lang in THEMES.values() for g, ps in zip(LANGS, by_lang, strict=True) for _ in ps
    ] * 2
    model = ThemeDiscovery(random_state=0).fit(hashing_embedder.encode(texts), texts, langs)
    assert sum(t.size for t in model.topics_) + int((model.labels_ == OUTLIER).sum()) == len(texts)


def test_nuisance_direction_is_removed_and_saved(tmp_path: Path) -> None:
    x, texts, langs, truth = planted(n_per_cell=6)
    rng = np.random.default_rng(1)
    praise = np.asarray(rng.normal(size=x.shape[1]), dtype=np.float32)
    praise /= np.linalg.norm(praise)
    # half of every theme praises, half complains: a strong shared axis across themes
    signs = np.where(np.arange(len(x)) % 2 == 0, 1.0, -1.0)[:, None]
    noisy = x + 1.5 * signs * praise
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    model = ThemeDiscovery(random_state=0).fit(noisy, texts, langs, nuisance=praise)
    assert purity(model.labels_, truth) == 1.0
    model.save(tmp_path / "m")
    again = ThemeDiscovery.load(tmp_path / "m")
    np.testing.assert_array_equal(again.transform(noisy, langs), model.labels_)
    with pytest.raises(ValueError, match="columns"):
        ThemeDiscovery().fit(x, texts, langs, nuisance=np.ones((1, 3)))


def test_sentiment_direction_points_from_complaint_to_praise(
    hashing_embedder: HashingEmbedder,
) -> None:
    axis = sentiment_direction(hashing_embedder)
    assert axis.shape == (1, 384)
    np.testing.assert_allclose(np.linalg.norm(axis), 1.0, rtol=1e-5)


def test_too_few_comments_give_no_theme_and_say_why() -> None:
    x, texts, langs, _ = planted(n_per_cell=1)
    model = ThemeDiscovery(min_topic_size=20).fit(x[:5], texts[:5], langs[:5])
    assert model.topics_ == [] and set(model.labels_) == {OUTLIER}
    assert all("too few" in r for r in model.outlier_reasons_.values())


def test_mismatched_inputs_are_rejected() -> None:
    x, texts, langs, _ = planted(n_per_cell=2)
    with pytest.raises(ValueError, match="one entry per text"):
        ThemeDiscovery().fit(x, texts, langs[:-1])
    with pytest.raises(ValueError, match="n == len"):
        ThemeDiscovery().fit(x[:-1], texts)


def test_outlier_cap_holds_when_it_falls_between_equal_similarities(
    hashing_embedder: HashingEmbedder,
) -> None:
    # 40 near-identical comments: the comment that sits exactly at the cap used to fall
    # out through float rounding (5 outliers, 12.5%).
    texts = [
        ("Parkeringen vid kontoret är omöjlig" if i % 2 else "Parkering ved kontoret er umulig")
        + f" ({i})"
        for i in range(40)
    ]
    langs = ["sv" if i % 2 else "nb" for i in range(40)]
    x = hashing_embedder.encode(texts)
    model = ThemeDiscovery(random_state=0).fit(
        x, texts, langs, nuisance=sentiment_direction(hashing_embedder)
    )
    assert model.outlier_share <= 0.10
    assert len(model.outlier_reasons_) == int((model.labels_ == OUTLIER).sum())
    # every theme's least typical member, whose similarity set the cutoff, stays in alone
    for i in range(len(x)):
        assert model.transform(x[i : i + 1], [langs[i]])[0] == model.labels_[i]


def test_a_proposed_theme_is_labelled_with_a_central_clause_not_a_keyword_list() -> None:
    from voc.nlp.discovery import central_phrase

    members = [
        "Parkeringen vid kontoret är omöjlig. Annars bra.",
        "Ingen parkering för besökare",
        "parkering saknas",
    ]
    assert central_phrase(members, ["parkering", "kontor"], "sv") == (
        "Parkeringen vid kontoret är omöjlig"
    )
    # no clause holds a keyword: the most central comment's first clause, at most nine words
    long = ["ett två tre fyra fem sex sju åtta nio tio elva. Slut"]
    assert central_phrase(long, ["zzz"], "sv") == "ett två tre fyra fem sex sju åtta nio"
    assert central_phrase([], ["x"], None) is None
