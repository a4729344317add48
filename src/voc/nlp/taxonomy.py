"""The theme taxonomy: a versioned YAML file of themes, labels and seed phrases.

Users own this file: they add themes or seed phrases by editing it, so every mistake in it
must come back as a message that names the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from voc.errors import TaxonomyError
from voc.types import Polarity

POLARITIES = ("positive", "negative", "neutral")
DEFAULT_TAXONOMY = "taxonomy.yaml"


@dataclass(frozen=True)
class Theme:
    """One theme: its id, labels per language and seed phrases per polarity and language."""

    id: str
    group: str
    labels: dict[str, str]
    description: str
    seeds: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # What the theme covers and what belongs to a neighbouring theme instead, in words a
    # person labelling comments would use; ``covers`` also serves as prototype text.
    covers: str = ""
    excludes: str = ""

    def label(self, language: str) -> str:
        """The label in ``language``, falling back to English, then to the id."""
        for lang in (language, "nb" if language in ("no", "nn") else language, "en"):
            if lang in self.labels:
                return self.labels[lang]
        return self.id

    def seed_phrases(self) -> list[tuple[str, str]]:
        """Every (polarity, phrase) pair, in file order."""
        return [
            (polarity, phrase)
            for polarity, by_language in self.seeds.items()
            for phrases in by_language.values()
            for phrase in phrases
        ]


@dataclass(frozen=True)
class Correction:
    """A user's correction: this text is about this theme (with this polarity).

    Corrections become extra seed phrases of their theme: assignment changes at once, for
    the same thing said in other words and languages too, and no model is trained.
    """

    text: str
    theme_id: str
    polarity: Polarity = Polarity.NEUTRAL


@dataclass(frozen=True)
class Taxonomy:
    """A versioned set of themes, plus phrases that name no theme in this domain.

    ``generic`` holds comments that say something but name no theme ("we will be back",
    "keep up the good work"); they join the built-in anchors ("ok", "nöjd") that keep
    such comments unassigned.
    """

    version: str
    name: str
    themes: tuple[Theme, ...]
    generic: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def __getitem__(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping, for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _fail(source: str, line: int | None, message: str) -> TaxonomyError:
    where = f"{source}, line {line}" if line else source
    return TaxonomyError(f"{where}: {message}")


def _phrases(value: Any, source: str, line: int, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(source, line, f"{where} must be a list of non-empty phrases")
    return tuple(v.strip() for v in value)


def _parse_theme(raw: Any, source: str, index: int, parent_line: int) -> Theme:
    if not isinstance(raw, dict):
        raise _fail(source, parent_line, f"theme #{index + 1} must be a mapping with an 'id'")
    line = raw.get("__line__", parent_line)
    theme_id = raw.get("id")
    if not isinstance(theme_id, str) or not theme_id.strip():
        raise _fail(source, line, f"theme #{index + 1} has no 'id'")
    labels = raw.get("labels")
    if not isinstance(labels, dict) or not any(k != "__line__" for k in labels):
        raise _fail(
            source, line, f"theme {theme_id!r} needs 'labels' per language, e.g. {{en: ...}}"
        )
    seeds_raw = raw.get("seeds")
    if not isinstance(seeds_raw, dict):
        raise _fail(
            source, line, f"theme {theme_id!r} needs 'seeds' with positive/negative phrases"
        )
    seeds: dict[str, dict[str, tuple[str, ...]]] = {}
    for polarity, by_language in seeds_raw.items():
        if polarity == "__line__":
            continue
        if polarity not in POLARITIES:
            raise _fail(
                source,
                seeds_raw["__line__"],
                f"theme {theme_id!r}: unknown polarity {polarity!r}, expected one of "
                f"{', '.join(POLARITIES)}",
            )
        if not isinstance(by_language, dict):
            raise _fail(
                source,
                seeds_raw["__line__"],
                f"theme {theme_id!r}: seeds.{polarity} must map language to phrases",
            )
        seeds[polarity] = {
            lang: _phrases(phrases, source, by_language["__line__"], f"seeds.{polarity}.{lang}")
            for lang, phrases in by_language.items()
            if lang != "__line__"
        }
    if not any(phrases for by_language in seeds.values() for phrases in by_language.values()):
        raise _fail(source, line, f"theme {theme_id!r} has no seed phrases")
    return Theme(
        id=theme_id.strip(),
        group=str(raw.get("group", "other")),
        labels={k: str(v) for k, v in labels.items() if k != "__line__"},
        description=str(raw.get("description", "")),
        seeds=seeds,
        covers=_text(raw.get("covers"), source, line, f"theme {theme_id!r}: covers"),
        excludes=_text(raw.get("excludes"), source, line, f"theme {theme_id!r}: excludes"),
    )


def _text(value: Any, source: str, line: int, where: str) -> str:
    """An optional free-text field: absent, or a string."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _fail(source, line, f"{where} must be text")
    return value.strip()


def parse_taxonomy(text: str, source: str = "<taxonomy>") -> Taxonomy:
    """Parse and validate taxonomy YAML text."""
    try:
        raw = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise _fail(source, line, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise _fail(source, None, f"invalid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("themes"), list):
        raise _fail(source, None, "expected a mapping with 'version' and a list 'themes'")
    if "version" not in raw:
        raise _fail(source, raw.get("__line__"), "missing 'version' (bump it when you edit themes)")
    themes = [
        _parse_theme(item, source, i, raw["__line__"]) for i, item in enumerate(raw["themes"])
    ]
    seen: set[str] = set()
    for item, theme in zip(raw["themes"], themes, strict=True):
        if theme.id in seen:
            raise _fail(source, item.get("__line__"), f"duplicate theme id {theme.id!r}")
        seen.add(theme.id)
    if not themes:
        raise _fail(source, raw.get("__line__"), "the taxonomy has no themes")
    generic = _generic(raw.get("generic", []), source, raw["__line__"])
    corrections = _corrections(raw.get("corrections"), source, raw["__line__"], seen)
    return Taxonomy(
        version=str(raw["version"]),
        name=str(raw.get("name", source)),
        themes=tuple(themes),
        generic=generic,
        corrections=corrections,
    )


def _corrections(value: Any, source: str, line: int, theme_ids: set[str]) -> tuple[Correction, ...]:
    """``corrections`` is a list of ``{text, theme, polarity}`` (polarity optional)."""
    if value in (None, []):
        return ()
    if not isinstance(value, list):
        raise _fail(source, line, "corrections must be a list of {text, theme, polarity}")
    out = []
    for i, item in enumerate(value):
        where = f"correction #{i + 1}"
        if not isinstance(item, dict):
            raise _fail(source, line, f"{where} must be a mapping with 'text' and 'theme'")
        item_line = item.get("__line__", line)
        text, theme_id = item.get("text"), item.get("theme")
        if not isinstance(text, str) or not text.strip():
            raise _fail(source, item_line, f"{where} needs a non-empty 'text'")
        if theme_id not in theme_ids:
            raise _fail(
                source,
                item_line,
                f"{where} names unknown theme {theme_id!r}; themes are "
                f"{', '.join(sorted(theme_ids))}",
            )
        polarity = item.get("polarity", "neutral")
        if polarity not in POLARITIES:
            raise _fail(
                source,
                item_line,
                f"{where}: unknown polarity {polarity!r}, expected one of {', '.join(POLARITIES)}",
            )
        out.append(Correction(text.strip(), str(theme_id), Polarity(polarity)))
    return tuple(out)


def _generic(value: Any, source: str, line: int) -> tuple[str, ...]:
    """``generic`` is a list of phrases, or a mapping language -> list of phrases."""
    if isinstance(value, dict):
        line = value.get("__line__", line)
        return tuple(
            phrase
            for lang, phrases in value.items()
            if lang != "__line__"
            for phrase in _phrases(phrases, source, line, f"generic.{lang}")
        )
    if value in (None, []):
        return ()
    return _phrases(value, source, line, "generic")


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Load a taxonomy file, or the bundled default when ``path`` is None."""
    if path is None:
        text = resources.files("voc.data").joinpath(DEFAULT_TAXONOMY).read_text("utf-8")
        return parse_taxonomy(text, source=f"voc/data/{DEFAULT_TAXONOMY}")
    path = Path(path)
    if not path.is_file():
        raise TaxonomyError(f"taxonomy file {path} does not exist")
    return parse_taxonomy(path.read_text("utf-8"), source=str(path))
