"""Finding the score, comment, date, id and segment columns of an export.

Headers are matched first, by words in Swedish, Norwegian, Danish and English (and by the
question text a survey tool writes under its column ids), and a header match must also
hold the right kind of content; where no header matches, content alone decides. A
recognised survey-tool layout adds hints (the tool's date and id columns) and marks its
bookkeeping columns, which are never taken for a score, comment or segment. Whatever the
user forces through ColumnOverrides is taken as given.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from voc.errors import InputError
from voc.io.dates import is_date_text, is_period_text, parse_date
from voc.io.headers import (
    COMMENT_WORDS,
    DATE_WORDS,
    FOLLOW_UP_WORDS,
    ID_WORDS,
    PERIOD_WORDS,
    PERSONAL_WORDS,
    RESPONDENT_HEADERS,
    RESPONDENT_WORDS,
    SCORE_WORDS,
    header_rank,
)
from voc.io.layouts import TableLayout
from voc.io.overrides import TIDY_COLUMNS, ColumnOverrides, resolve_overrides
from voc.io.table import LAYOUT_ATTR
from voc.io.values import is_number, is_score_like
from voc.types import ColumnMapping

logger = logging.getLogger(__name__)

__all__ = ["TIDY_COLUMNS", "ColumnOverrides", "DetectedColumns", "detect_columns"]

MAX_SEGMENT_VALUES = 50
_SAMPLE = 1000


@dataclass(frozen=True)
class DetectedColumns:
    """The mapping found, plus notes worth showing the user (e.g. a non-unique id column)."""

    mapping: ColumnMapping
    notes: tuple[str, ...] = ()

    @property
    def comment_fields(self) -> list[str]:
        """Every comment column: the main one, then the extra ones."""
        return self.mapping.comment_fields


class _Profile:
    """What one column holds, computed on demand from a sample of its non-empty cells."""

    def __init__(self, name: str, position: int, column: pd.Series, label: str = "") -> None:
        self.name = name
        self.position = position
        self.label = label  # the question text under a survey tool's column id
        self._column = column
        filled = column != ""
        self.n_values = int(filled.sum())
        self._has_empty = self.n_values < len(column)
        # Only a sample is kept: holding every column's non-empty cells at once would
        # double the table's pointers while the columns are chosen.
        self.sample: list[str] = column[filled].head(_SAMPLE).tolist()
        self._shares: dict[str, float] = {}

    def rank(self, words: Sequence[str]) -> int | None:
        """The strongest of ``words`` in the header or its question text (lower = stronger)."""
        ranks = [
            r
            for r in (header_rank(self.name, words), header_rank(self.label, words))
            if r is not None
        ]
        return min(ranks) if ranks else None

    @cached_property
    def distinct(self) -> int:
        """Distinct non-empty values."""
        return int(self._column.nunique()) - int(self._has_empty)

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
            "period": is_period_text,
            "time": lambda v: is_period_text(v) or parse_date(v) is not None,
            "words": lambda v: " " in v,
        }[test]
        return sum(1 for v in self.sample if check(v)) / len(self.sample)

    @cached_property
    def avg_length(self) -> float:
        return sum(len(v) for v in self.sample) / len(self.sample) if self.sample else 0.0

    @property
    def is_text(self) -> bool:
        """Written answers rather than numbers, dates or codes."""
        return (
            self.n_values > 0
            and self.share("number") < 0.5
            and self.share("date_text") < 0.5
            and self.share("period") < 0.5
            and (
                self.distinct > min(MAX_SEGMENT_VALUES, self.n_values / 2) or self.avg_length >= 20
            )
        )


def detect_columns(
    cells: pd.DataFrame,
    overrides: ColumnOverrides | None = None,
    layout: TableLayout | None = None,
) -> DetectedColumns:
    """Map the columns of ``cells`` (str cells, names as in the file) to survey roles.

    Args:
        layout: what the export's header rows say; by default the one the reader left on
            ``cells.attrs``, if any.
    """
    overrides = overrides or ColumnOverrides()
    if layout is None:
        found = cells.attrs.get(LAYOUT_ATTR)
        layout = found if isinstance(found, TableLayout) else TableLayout()
    names = [str(c) for c in cells.columns]
    profiles = [
        _Profile(name, i, cells[name], layout.labels.get(name, "")) for i, name in enumerate(names)
    ]
    by_name = {p.name: p for p in profiles}
    forced, forced_lists = resolve_overrides(names, overrides, layout)
    taken = set(forced.values()) | {n for group in forced_lists.values() for n in group}
    # The tool's bookkeeping columns are only ever taken when the tool says so (hints).
    free = [p for p in profiles if p.name not in layout.metadata]
    notes: list[str] = []

    def hinted(role: str) -> str | None:
        name = layout.hints.get(role)
        return name if name in by_name and name not in taken else None

    score = forced.get("score") or _hinted_score(hinted("score"), by_name)
    score = score or _detect_score([p for p in free if p.name not in taken], names)
    taken.add(score)
    response_id = forced.get("response_id")
    respondent = forced.get("respondent")
    if response_id is None:
        response_id, repeating = _detect_id(profiles, taken, hinted("response_id"), cells)
        if repeating:
            respondent = respondent or repeating
            notes.append(
                f"column {repeating!r} looks like a response id but has repeated values; "
                "row numbers are used as response ids instead, and the column is kept as "
                "the respondent id (to find duplicate responses)"
            )
    if response_id:
        taken.add(response_id)
    respondent = respondent or _detect_respondent(profiles, taken)
    # The respondent column stays free for segments: an account column that repeats is
    # what the analytics' per-account NPS looks for among the segments.
    not_text = taken | ({respondent} if respondent else set())
    date = forced.get("date") or hinted("date") or _detect_date(profiles, not_text, notes)
    if date:
        taken.add(date)
        not_text.add(date)
    comment = forced.get("comment") or hinted("comment") or _detect_comment(free, not_text)
    if comment:
        taken.add(comment)
        not_text.add(comment)
    if "extra_comments" in forced_lists:
        extras = forced_lists["extra_comments"]
    elif "comment" in forced or comment is None:
        extras = []
    else:
        extras = _detect_extra_comments(free, not_text)
    taken.update(extras)
    if "segments" in forced_lists:
        segments = forced_lists["segments"]
    else:
        segments = _detect_segments(free, taken, _nonblank_rows(cells))

    mapping = ColumnMapping(
        score=score,
        comment=comment,
        date=date,
        response_id=response_id,
        segments=segments,
        extra_comments=extras,
        respondent=respondent,
    )
    logger.info("column mapping: %s", mapping.model_dump())
    return DetectedColumns(mapping=mapping, notes=tuple(notes))


def _hinted_score(name: str | None, by_name: dict[str, _Profile]) -> str | None:
    return name if name and by_name[name].share("score") >= 0.5 else None


def _detect_score(free: list[_Profile], names: list[str]) -> str:
    by_header = []
    for p in free:
        rank = p.rank(SCORE_WORDS)
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
        and p.rank(ID_WORDS) is None
        and p.rank(DATE_WORDS) is None
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
    named = [p.name for p in free if p.rank(SCORE_WORDS) is not None]
    if named:
        verb, its = ("is", "its") if len(named) == 1 else ("are", "their")
        message += (
            f" ({', '.join(repr(n) for n in named)} {verb} named like a score column, but "
            f"fewer than half of {its} values are whole numbers 0-10)"
        )
    raise InputError(message)


def _detect_id(
    profiles: list[_Profile], taken: set[str], hint: str | None, cells: pd.DataFrame
) -> tuple[str | None, str | None]:
    """The response id column, or else the first id-like column whose values repeat."""
    matches = []
    for p in profiles:
        if p.name in taken:
            continue
        rank = -1 if p.name == hint else 0 if p.name.strip() == "#" else p.rank(ID_WORDS)
        if rank is not None and p.n_values:
            matches.append((rank, p.position, p))
    repeating: str | None = None
    for _, _, p in sorted(matches, key=lambda m: (m[0], m[1])):
        if p.distinct == p.n_values or _repeats_are_duplicate_rows(cells, p.name):
            return p.name, None
        repeating = repeating or p.name
    return None, repeating


def _repeats_are_duplicate_rows(cells: pd.DataFrame, name: str) -> bool:
    # An export merged twice repeats whole rows, ids included: those are duplicates to
    # remove, and the id column is still the response id.
    column = cells[name]
    repeated = column.duplicated(keep=False) & (column != "")
    rows = cells[repeated]
    return bool(len(rows)) and int(rows.duplicated().sum()) == int(
        column[repeated].duplicated().sum()
    )


def _detect_respondent(profiles: list[_Profile], taken: set[str]) -> str | None:
    matches = []
    for p in profiles:
        if p.name in taken or not p.n_values:
            continue
        whole = " ".join(p.name.casefold().replace("_", " ").split()) in RESPONDENT_HEADERS
        rank = len(RESPONDENT_WORDS) if whole else p.rank(RESPONDENT_WORDS)
        if rank is not None:
            matches.append((rank, p.position, p.name))
    return min(matches)[2] if matches else None


def _detect_date(profiles: list[_Profile], taken: set[str], notes: list[str]) -> str | None:
    """The time column: a date (by header, then content), else a period column.

    A column named like a period ("Month", "Månad", "Kvartal", "Uke") counts after the
    date headers, so an export with both a timestamp and its month uses the timestamp.
    """
    free = [p for p in profiles if p.name not in taken]
    by_header = []
    unreadable = []
    for p in free:
        rank = p.rank(DATE_WORDS)
        if rank is None and (period_rank := p.rank(PERIOD_WORDS)) is not None:
            rank = len(DATE_WORDS) + period_rank
        if rank is None:
            continue
        if p.n_values == 0 or p.share("time") >= 0.5:
            by_header.append((rank, p.position, p.name))
        else:
            unreadable.append(p.name)
    if by_header:
        return min(by_header)[2]
    by_content = [p for p in free if p.n_values and p.share("date_text") >= 0.9]
    by_content += [p for p in free if p.n_values and p.share("period") >= 0.9]
    if by_content:
        return by_content[0].name
    notes.extend(
        f"column {name!r} is named like a date or period column but most of its values are "
        "not dates or periods this tool can read; responses have no dates (pass --date-col "
        "to force it)"
        for name in unreadable
    )
    return None


def _detect_comment(free: list[_Profile], taken: set[str]) -> str | None:
    candidates = [p for p in free if p.name not in taken]
    by_header = [
        p for p in candidates if p.rank(COMMENT_WORDS) is not None and p.share("number") < 0.5
    ]
    if by_header:
        return max(by_header, key=lambda p: (p.avg_length, -p.position)).name
    # Only follow-up questions ("What do we do well?" / "What should we improve?"): the
    # first is the main field, so the joined comment reads in the order they were asked.
    follow_ups = [p for p in candidates if p.rank(FOLLOW_UP_WORDS) is not None and p.is_text]
    if follow_ups:
        return follow_ups[0].name
    # Free text: long, varied, written in words; not a code, an e-mail or a date.
    by_content = [
        p
        for p in candidates
        if p.n_values
        and p.avg_length >= 10
        and p.share("words") >= 0.3
        and p.share("number") < 0.5
        and p.share("date_text") < 0.5
        and p.share("period") < 0.5
        and p.distinct > min(MAX_SEGMENT_VALUES, p.n_values / 2)
        and p.rank(ID_WORDS) is None
        and p.rank(PERSONAL_WORDS) is None
    ]
    if by_content:
        return max(by_content, key=lambda p: (p.avg_length, -p.position)).name
    return None


def _detect_extra_comments(free: list[_Profile], taken: set[str]) -> list[str]:
    # Only by header: a second free-text column without a telling header may be anything
    # (notes by staff, an address), and joining it into the comment would be a guess.
    return [
        p.name
        for p in free
        if p.name not in taken
        and p.is_text
        and (p.rank(COMMENT_WORDS) is not None or p.rank(FOLLOW_UP_WORDS) is not None)
        and p.rank(PERSONAL_WORDS) is None
    ]


def _detect_segments(free: list[_Profile], taken: set[str], rows: int) -> list[str]:
    segments = []
    for p in free:
        if (
            p.name in taken
            or p.name in TIDY_COLUMNS
            or p.rank(ID_WORDS) is not None
            or p.rank(DATE_WORDS) is not None
            or p.rank(PERSONAL_WORDS) is not None
        ):
            continue
        # A constant column splits nothing; a numeric one is a measure, not a group.
        if not 2 <= p.distinct <= MAX_SEGMENT_VALUES or p.distinct >= rows / 2:
            continue
        if p.share("number") == 1.0 or p.share("date_text") >= 0.9 or p.share("period") >= 0.9:
            continue
        segments.append(p.name)
    return segments


def _nonblank_rows(cells: pd.DataFrame) -> int:
    if cells.empty:
        return 0
    return int((cells != "").any(axis=1).sum())
