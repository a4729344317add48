"""The JSON file cache under voc's disk caches: per model, atomic, damage-tolerant."""

from __future__ import annotations

from pathlib import Path

from voc.nlp.file_cache import JsonFileCache, text_key


def test_values_survive_a_new_instance_of_the_same_model(tmp_path: Path) -> None:
    cache = JsonFileCache(tmp_path, "languages", "abc123")
    cache.put(text_key("Bra service"), {"sv": 0.7, "nb": 0.3})
    cache.save()
    again = JsonFileCache(tmp_path, "languages", "abc123")
    assert again.get(text_key("Bra service")) == {"sv": 0.7, "nb": 0.3}
    assert len(again) == 1
    assert not list(tmp_path.glob("*.tmp"))  # the temporary file was renamed


def test_another_model_never_reads_the_file(tmp_path: Path) -> None:
    cache = JsonFileCache(tmp_path, "languages", "model-one")
    cache.put("k", 1)
    cache.save()
    # Same file name (first 32 characters of the fingerprint) but another fingerprint.
    other = JsonFileCache(tmp_path, "languages", "model-one" + "-changed")
    assert other.get("k") is None
    assert JsonFileCache(tmp_path, "languages", "model-two").get("k") is None


def test_a_damaged_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    cache = JsonFileCache(tmp_path, "themes", "fp")
    cache.path.write_text('{"fingerprint": "fp", "val', encoding="utf-8")
    fresh = JsonFileCache(tmp_path, "themes", "fp")
    assert len(fresh) == 0
    fresh.put("k", [1, 2])
    fresh.save()
    assert JsonFileCache(tmp_path, "themes", "fp").get("k") == [1, 2]


def test_nothing_is_written_until_something_is_put(tmp_path: Path) -> None:
    JsonFileCache(tmp_path, "themes", "fp").save()
    assert not list(tmp_path.iterdir())
