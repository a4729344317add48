"""Finding the score, comment, date, id and segment columns of an export.

Headers are matched first, by words in Swedish, Norwegian, Danish and English, and a
header match must also hold the right kind of content; where no header matches, content
alone decides. Whatever the user forces through ColumnOverrides is taken as given.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from voc.errors import InputError
from voc.io.dates import is_date_text, parse_date
from voc.io.headers import COMMENT_WORDS, DATE_WORDS, ID_WORDS, SCORE_WORDS, header_rank
from voc.io.values import is_number, is_score_like
from voc.types import ColumnMapping

logger = logging.getLogger(__name__)

TIDY_COLUMNS = ("row", "response_id", "score", "comment", "submitted_at")

MAX_SEGMENT_VALUES = 50
_SAMPLE = 1000


@dataclass(frozen=True)
class ColumnOverrides:
    """Columns a user forces (CLI flags / API fields); None leaves the choice to detection."""

    score: str | None = None
    comment: str | None = None
    date: str | None = None
    response_id: str | None = None
    segments: tuple[str, ...] | None = None  # None = auto-detect segment columns


@dataclass(frozen=True)
class DetectedColumns:
    """The mapping found, plus notes worth showing the user (e.g. a non-unique id column)."""

    mapping: ColumnMapping
    notes: tuple[str, ...] = ()


class _Profile:
    """What one column holds, computed on demand from a sample of its non-empty cells."""

    def __init__(self, name: str, position: int, column: pd.Series) -> None:
        self.name = name
        self.position = position
        self._nonempty = column[column != ""]
        self.sample: list[str] = self._nonempty.head(_SAMPLE).tolist()
        self._shares: dict[str, float] = {}

    @property
    def n_values(self) -> int:
        return len(self._nonempty)

    @cached_property
    def distinct(self) -> int:
        return int(self._nonempty.nunique())

    def share(self, test: str) -> float:
        """Share of the sampled cells that pass ``test``."""
        if test not in self._shares:
            self._shares[test] = self._share(test)
        return self._shares[test]

    def _share(self, test: str) -> float:
        if not self.sample:
            return 0.0
        check = {
            "score": is_score_like,
            "number": is_number,
            "date_text": is_date_text,
            "date": lambda v: parse_date(v) is not None,
            "words": lambda v: " " in v,
        }[test]
        return sum(1 for v in self.sample if check(v)) / len(self.sample)

    @cached_property
    def avg_length(self) -> float:
        return sum(len(v) for v in self.sample) / len(self.sample) if self.sample else 0.0


def detect_columns(
    cells: pd.DataFrame, overrides: ColumnOverrides | None = None
) -> DetectedColumns:
    """Map the columns of ``cells`` (str cells, names as in the file) to survey roles."""
    overrides = overrides or ColumnOverrides()
    names = [str(c) for c in cells.columns]
    profiles = [_Profile(name, i, cells[name]) for i, name in enumerate(names)]
    forced, forced_segments = _resolve_overrides(names, overrides)
    taken = set(forced.values()) | set(forced_segments or ())
    notes: list[str] = []

    score = forced.get("score") or _detect_score(profiles, taken, names)
    taken.add(score)
    response_id = forced.get("response_id") or _detect_id(profiles, taken, notes)
    if response_id:
        taken.add(response_id)
    date = forced.get("date") or _detect_date(profiles, taken, notes)
    if date:
        taken.add(date)
    comment = forced.get("comment") or _detect_comment(profiles, taken)
    if comment:
        taken.add(comment)
    if forced_segments is None:
        segments = _detect_segments(profiles, taken, _nonblank_rows(cells))
    else:
        segments = forced_segments

    mapping = ColumnMapping(
        score=score, comment=comment, date=date, response_id=response_id, segments=segments
    )
    logger.info("column mapping: %s", mapping.model_dump())
    return DetectedColumns(mapping=mapping, notes=tuple(notes))


def _resolve_overrides(
    names: list[str], overrides: ColumnOverrides
) -> tuple[dict[str, str], list[str] | None]:
    """The forced role columns by role, and the forced segments (None = detect them)."""

    def find(name: str, role: str) -> str:
        if name in names:
            return name
        wanted = " ".join(name.split()).casefold()
        near = [n for n in names if " ".join(n.split()).casefold() == wanted]
        if len(near) == 1:
            return near[0]
        raise InputError(
            f"not found (given for {role}); available columns: {names!r}",
            column=name,
        )

    forced: dict[str, str] = {}
    used: dict[str, str] = {}
    for role in ("score", "comment", "date", "response_id"):
        given = getattr(overrides, role)
        if given is None:
            continue
        found = find(given, role)
        if found in used:
            raise InputError(f"is given for both {used[found]} and {role}", column=found)
        used[found] = role
        forced[role] = found
    if overrides.segments is None:
        return forced, None
    segments: list[str] = []
    for given in overrides.segments:
        found = find(given, "segments")
        if found in used:
            raise InputError(
                f"is given for both {used[found]} and segments",
                column=found,
            )
        if found in TIDY_COLUMNS:
            raise InputError(
                "cannot be a segment: the loaded table has a column of that name itself; rename it",
                column=found,
            )
        segments.append(found)
    return forced, list(dict.fromkeys(segments))


def _detect_score(profiles: list[_Profile], taken: set[str], names: list[str]) -> str:
    free = [p for p in profiles if p.name not in taken]
    by_header = []
    for p in free:
        rank = header_rank(p.name, SCORE_WORDS)
        if rank is not None and p.share("score") >= 0.5:
            by_header.append((rank, -p.share("score"), p.position, p.name))
    if by_header:
        return min(by_header)[3]

    # No header says "score": a column of 0-10 whole numbers with some spread is taken,
    # unless its header says it is an id or a date.
    by_content = [
        p
        for p in free
        if p.share("score") >= 0.9
        and p.distinct >= 2
        and header_rank(p.name, ID_WORDS) is None
        and header_rank(p.name, DATE_WORDS) is None
    ]
    if len(by_content) == 1:
        logger.info("score column %r found by its content", by_content[0].name)
        return by_content[0].name
    if len(by_content) > 1:
        candidates = [p.name for p in by_content]
        raise InputError(
            f"several columns look like 0-10 scores: {candidates!r}; pass --score-col NAME"
        )
    message = f"no score column found among {names!r}; pass --score-col NAME"
    named = [p.name for p in free if header_rank(p.name, SCORE_WORDS) is not None]
    if named:
        verb, its = ("is", "its") if len(named) == 1 else ("are", "their")
        message += (
            f" ({', '.join(repr(n) for n in named)} {verb} named like a score column, but "
            f"fewer than half of {its} values are whole numbers 0-10)"
        )
    raise InputError(message)


def _detect_id(profiles: list[_Profile], taken: set[str], notes: list[str]) -> str | None:
    matches = []
    for p in profiles:
        if p.name in taken:
            continue
        rank = 0 if p.name.strip() == "#" else header_rank(p.name, ID_WORDS)
        if rank is not None and p.n_values:
            matches.append((rank, p.position, p))
    for _, _, p in sorted(matches, key=lambda m: (m[0], m[1])):
        if p.distinct == p.n_values:
            return p.name
        notes.append(
            f"column {p.name!r} looks like a response id but has repeated values; "
            "row numbers are used as response ids instead"
        )
    return None


def _detect_date(profiles: list[_Profile], taken: set[str], notes: list[str]) -> str | None:
    free = [p for p in profiles if p.name not in taken]
    by_header = []
    unreadable = []
    for p in free:
        rank = header_rank(p.name, DATE_WORDS)
        if rank is None:
            continue
        if p.n_values == 0 or p.share("date") >= 0.5:
            by_header.append((rank, p.position, p.name))
        else:
            unreadable.append(p.name)
    if by_header:
        return min(by_header)[2]
    by_content = [p for p in free if p.n_values and p.share("date_text") >= 0.9]
    if by_content:
        return by_content[0].name
    notes.extend(
        f"column {name!r} is named like a date column but most of its values are not dates "
        "this tool can read; responses have no dates (pass --date-col to force it)"
        for name in unreadable
    )
    return None


def _detect_comment(profiles: list[_Profile], taken: set[str]) -> str | None:
    free = [p for p in profiles if p.name not in taken]
    by_header = [
        p
        for p in free
        if header_rank(p.name, COMMENT_WORDS) is not None and p.share("number") < 0.5
    ]
    if by_header:
        return max(by_header, key=lambda p: (p.avg_length, -p.position)).name
    # Free text: long, varied, written in words; not a code, an e-mail or a date.
    by_content = [
        p
        for p in free
        if p.n_values
        and p.avg_length >= 10
        and p.share("words") >= 0.3
        and p.share("number") < 0.5
        and p.share("date_text") < 0.5
        and p.distinct > min(MAX_SEGMENT_VALUES, p.n_values / 2)
        and header_rank(p.name, ID_WORDS) is None
    ]
    if by_content:
        return max(by_content, key=lambda p: (p.avg_length, -p.position)).name
    return None


def _detect_segments(profiles: list[_Profile], taken: set[str], rows: int) -> list[str]:
    segments = []
    for p in profiles:
        if (
            p.name in taken
            or p.name in TIDY_COLUMNS
            or header_rank(p.name, ID_WORDS) is not None
            or header_rank(p.name, DATE_WORDS) is not None
        ):
            continue
        # A constant column splits nothing; a numeric one is a measure, not a group.
        if not 2 <= p.distinct <= MAX_SEGMENT_VALUES or p.distinct >= rows / 2:
            continue
        if p.share("number") == 1.0 or p.share("date_text") >= 0.9:
            continue
        segments.append(p.name)
    return segments


def _nonblank_rows(cells: pd.DataFrame) -> int:
    if cells.empty:
        return 0
    return int((cells != "").any(axis=1).sum())
