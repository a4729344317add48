"""Split comments into sentences and contrast clauses, keeping character offsets.

"Kunnig personal men portalen är krånglig" carries two themes with opposite polarity;
assigning themes per clause, not per comment, is what lets one comment count for both.
Offsets let every theme assignment point back at its evidence in the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that turn a sentence ("good X, but bad Y") in sv / nb / nn / da / en. The split
# happens before the word, so the contrast word stays with the clause it introduces.
CONTRAST_WORDS = (
    "men", "but", "however", "although", "though", "whereas", "yet",
    "dock", "däremot", "fast", "även om", "trots att",
    "mens", "derimot", "likevel", "selv om", "enda", "sjølv om", "endå",
    "imidlertid", "dog",
)
_CONTRAST = re.compile(
    r"(?:,\s*|\s+)(?=(?:" + "|".join(re.escape(w) for w in CONTRAST_WORDS) + r")\b)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\s*\n+\s*|\s+[-–—]\s+")
_MIN_CLAUSE_CHARS = 3


@dataclass(frozen=True)
class Segment:
    """A clause of a comment: ``text == comment[start:end]``."""

    text: str
    start: int
    end: int


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in pattern.finditer(text, start, end):
        if match.start() > cursor:
            spans.append((cursor, match.start()))
        cursor = match.end()
    if cursor < end:
        spans.append((cursor, end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",.;:!?-–—"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:-–—"):
        end -= 1
    return start, end


def segment(comment: str) -> list[Segment]:
    """Sentences, then contrast clauses within them; clauses too short to mean much merge left."""
    spans: list[tuple[int, int]] = []
    for s_start, s_end in _split(comment, 0, len(comment), _SENTENCE_END):
        for c_start, c_end in _split(comment, s_start, s_end, _CONTRAST):
            c_start, c_end = _trim(comment, c_start, c_end)
            if c_end - c_start < _MIN_CLAUSE_CHARS and spans:
                spans[-1] = (spans[-1][0], max(spans[-1][1], c_end))
            elif c_end > c_start:
                spans.append((c_start, c_end))
    return [Segment(comment[s:e], s, e) for s, e in spans]
