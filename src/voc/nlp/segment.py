"""Split comments into sentences and contrast clauses, keeping character offsets.

"Kunnig personal men portalen är krånglig" carries two themes with opposite polarity;
assigning themes per clause, not per comment, is what lets one comment count for both.
Offsets let every theme assignment point back at its evidence in the original text.

Sentences come from spaCy's blank pipelines (``sv`` / ``nb`` / ``en`` / ``da``, ``xx`` for
anything else) with the rule-based ``sentencizer``: a tokenizer that knows each language's
abbreviations ("t.ex.", "bl.a.", "e.g.") and needs no model download. Line breaks, dashes
between words and semicolons also end a sentence (survey answers use them as full stops),
and within a sentence a contrast word ("men", "but", "mens", "dock", "although" ...) starts
a new clause.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Words that turn a sentence ("good X, but bad Y") in sv / nb / nn / da / en. The split
# happens before the word, so the contrast word stays with the clause it introduces.
CONTRAST_WORDS = (
    "men",
    "but",
    "however",
    "although",
    "though",
    "whereas",
    "yet",
    "dock",
    "däremot",
    "fast",
    "även om",
    "trots att",
    "mens",
    "derimot",
    "likevel",
    "selv om",
    "enda",
    "sjølv om",
    "endå",
    "imidlertid",
    "dog",
)
# "fast" and "yet" are contrast words only after a comma ("bra, fast dyrt"); without one
# they are mostly something else ("fast kontaktperson", "not yet").
_NEEDS_COMMA = frozenset({"fast", "yet", "enda", "dog"})
_SINGLE = frozenset(w for w in CONTRAST_WORDS if " " not in w)
_DOUBLE = frozenset(tuple(w.split()) for w in CONTRAST_WORDS if " " in w)
# Hard breaks that spaCy's sentencizer does not treat as sentence ends.
_HARD_BREAK = re.compile(r"\s*\n+\s*|(?<=\S)\s+[-–—]+\s+(?=\S)|\s*;\s*")
_MIN_CLAUSE_CHARS = 3
_TRIM_START = ",.;:!?-–—"
_TRIM_END = ",;:-–—"

# spaCy blank pipeline per language code; nn and no use the bokmål rules.
_PIPELINE_LANGUAGE = {"sv": "sv", "nb": "nb", "nn": "nb", "no": "nb", "da": "da", "en": "en"}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Segment:
    """A clause of a comment: ``text == comment[start:end]``."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=8)
def _pipeline(code: str) -> Any:
    import spacy

    nlp = spacy.blank(code)
    nlp.add_pipe("sentencizer")
    return nlp


def pipeline_for(language: str | None) -> Any:
    """The blank spaCy pipeline (tokenizer + sentencizer) used for ``language``."""
    with _LOCK:  # lru_cache is not atomic: two threads could build the same pipeline
        return _pipeline(_PIPELINE_LANGUAGE.get((language or "").lower(), "xx"))


def _is_abbreviation(sentence: Any) -> bool:
    # "ca. 40 min": a lone short word and a full stop is an abbreviation the tokenizer
    # did not know, not a sentence of its own.
    words = [t for t in sentence if not t.is_punct]
    return len(words) == 1 and len(words[0].text) <= 3 and sentence.text.rstrip().endswith(".")


def _clause_starts(sentence: Any) -> list[int]:
    """Character offsets (within the doc) where a contrast clause begins."""
    starts = []
    tokens = list(sentence)
    for i, token in enumerate(tokens):
        if i == 0:
            continue
        word = token.lower_
        pair = (word, tokens[i + 1].lower_) if i + 1 < len(tokens) else None
        if word not in _SINGLE and pair not in _DOUBLE:
            continue
        after_comma = tokens[i - 1].text == ","
        if word in _NEEDS_COMMA and not after_comma:
            continue
        starts.append(token.idx)
    return starts


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in _TRIM_START):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _TRIM_END):
        end -= 1
    return start, end


def _sentence_spans(comment: str, nlp: Any) -> list[tuple[int, int, list[int]]]:
    """(start, end, clause starts) per sentence, in comment offsets."""
    out: list[tuple[int, int, list[int]]] = []
    for h_start, h_end in _split_on(comment, 0, len(comment), _HARD_BREAK):
        doc = nlp(comment[h_start:h_end])
        pending: int | None = None
        for sent in doc.sents:
            if _is_abbreviation(sent) and sent.end < len(doc):
                pending = sent.start_char if pending is None else pending
                continue
            s_start = h_start + (pending if pending is not None else sent.start_char)
            pending = None
            cuts = [h_start + c for c in _clause_starts(sent)]
            out.append((s_start, h_start + sent.end_char, cuts))
    return out


def segment(comment: str, language: str | None = None) -> list[Segment]:
    """Sentences, then contrast clauses within them; clauses too short to mean much merge left.

    Args:
        comment: the raw comment; offsets refer to it.
        language: ``sv`` / ``nb`` / ``nn`` / ``da`` / ``en`` picks that language's tokenizer
            rules; anything else (or None) uses spaCy's multi-language rules.
    """
    if not comment.strip():
        return []
    spans: list[tuple[int, int]] = []
    for s_start, s_end, cuts in _sentence_spans(comment, pipeline_for(language)):
        bounds = [s_start, *cuts, s_end]
        for c_start, c_end in itertools.pairwise(bounds):
            c_start, c_end = _trim(comment, c_start, c_end)
            if c_end <= c_start:
                continue
            if c_end - c_start < _MIN_CLAUSE_CHARS and spans:
                spans[-1] = (spans[-1][0], max(spans[-1][1], c_end))
            else:
                spans.append((c_start, c_end))
    return [Segment(comment[s:e], s, e) for s, e in spans]


# Coordination inside a clause: "tydliga fakturor och rimliga priser", "Kompetenta,
# tillgängliga och trevliga". Not a clause boundary (the parts often lean on each other),
# but each part is worth scoring on its own so that a clause can carry two themes.
_COORDINATION = re.compile(
    r"\s*,\s*|\s*&\s*|\s+\+\s+|\s+(?:och|samt|og|and|plus)\s+", re.IGNORECASE
)


def coordinated_parts(comment: str, clause: Segment) -> list[Segment]:
    """The coordinated parts of ``clause`` (offsets into ``comment``); [] when it has none."""
    parts = []
    for p_start, p_end in _split_on(comment, clause.start, clause.end, _COORDINATION):
        p_start, p_end = _trim(comment, p_start, p_end)
        if p_end - p_start >= _MIN_CLAUSE_CHARS:
            parts.append(Segment(comment[p_start:p_end], p_start, p_end))
    return parts if len(parts) > 1 else []


def _split_on(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in pattern.finditer(text, start, end):
        if match.start() > cursor:
            spans.append((cursor, match.start()))
        cursor = match.end()
    if cursor < end:
        spans.append((cursor, end))
    return spans
