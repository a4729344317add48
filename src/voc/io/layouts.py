"""Recognising survey-tool export layouts: header rows, question texts, bookkeeping columns.

Survey tools put more than column names above the data. Qualtrics writes three header rows
(column ids, question texts, ``{"ImportId": ...}`` JSON with the time zone of date
columns); SurveyMonkey two (question texts, then "Response" / "Open-Ended Response" or the
answer option). Typeform, Google Forms and Delighted write one, recognisable by its names.
What a layout says is advice for column detection: which rows are headers, what each
column asks, which columns are the tool's bookkeeping (never a segment), which column the
tool uses for the date and the response id, and in which time zone its times are written.
The fixtures in ``tests/io/fixtures`` follow each tool's documented layout.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain, islice

from voc.io.dates import header_timezone, is_date_text
from voc.io.values import is_number

Record = tuple[int, list[str]]

_PEEK = 2  # header rows after the first that a layout may use
_SEARCH = 30  # records looked at to find the header row below titles and notes
# Row 2 of a SurveyMonkey export, in the languages its accounts are set to.
_SM_ANSWER_HEADERS = frozenset(
    {
        "Response",
        "Open-Ended Response",
        "Svar",
        "Öppet svar",
        "Åpent svar",
        "Åbent svar",
        "Antwort",
        "Offene Antwort",
        "Vastaus",
        "Avoin vastaus",
    }
)
_IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:')
# Google Forms' first column, in the language of the form owner's account.
_GOOGLE_TIMESTAMPS = frozenset(
    {
        "Timestamp",
        "Tidsstämpel",
        "Tidsstempel",
        "Tidsmerke",
        "Zeitstempel",
        "Aikaleima",
    }
)
_TYPEFORM_DATES = re.compile(r"^(Start|Submit) Date \(UTC\)$")

# fmt: off
_QUALTRICS_METADATA = frozenset({
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
    "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
    "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
    "DistributionChannel", "UserLanguage",
})
_SURVEYMONKEY_METADATA = frozenset({
    "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
    "First Name", "Last Name",
})
_TYPEFORM_METADATA = frozenset({
    "#", "Start Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags", "Ending",
    "Response Type",
})
_GOOGLE_METADATA = frozenset({
    "Email Address", "E-postadress", "E-postadresse", "E-mailadresse", "E-Mail-Adresse",
    "Sähköpostiosoite",
})
_DELIGHTED_METADATA = frozenset({
    "Response ID", "Person ID", "Email", "Name", "Permalink", "Notes", "Tags",
    "Last Updated Timestamp", "Survey Type", "Delighted Source", "Response Timestamp",
})
# fmt: on


@dataclass(frozen=True)
class HeaderLayout:
    """What the header rows say, keyed by column position (0-based).

    ``hints`` maps a role ("score", "comment", "date", "response_id") to the position of
    the column the tool uses for it; ``metadata`` holds the tool's bookkeeping columns.
    """

    tool: str = "generic"
    header_rows: int = 1
    labels: Mapping[int, str] = field(default_factory=dict)
    timezones: Mapping[int, str] = field(default_factory=dict)
    metadata: frozenset[int] = frozenset()
    hints: Mapping[str, int] = field(default_factory=dict)
    header_row: int = 1  # the spreadsheet row of the (first) header row
    notes: tuple[str, ...] = ()  # e.g. title rows skipped above the header
    nps_groups: Mapping[int, int] = field(default_factory=dict)  # group column -> score column

    def by_name(self, names: Mapping[int, str]) -> TableLayout:
        """The same facts keyed by the table's final column names (``names``: position -> name)."""
        return TableLayout(
            tool=self.tool,
            header_rows=self.header_rows,
            header_row=self.header_row,
            notes=self.notes,
            nps_groups={
                names[g]: names[q] for g, q in self.nps_groups.items() if g in names and q in names
            },
            labels={names[i]: t for i, t in self.labels.items() if i in names and t != names[i]},
            timezones={names[i]: z for i, z in self.timezones.items() if i in names},
            metadata=frozenset(names[i] for i in self.metadata if i in names),
            hints={role: names[i] for role, i in self.hints.items() if i in names},
        )


@dataclass(frozen=True)
class TableLayout:
    """What the header rows say, keyed by column name (see :class:`HeaderLayout`)."""

    tool: str = "generic"
    header_rows: int = 1
    labels: Mapping[str, str] = field(default_factory=dict)
    timezones: Mapping[str, str] = field(default_factory=dict)
    metadata: frozenset[str] = frozenset()
    hints: Mapping[str, str] = field(default_factory=dict)
    header_row: int = 1
    notes: tuple[str, ...] = ()
    nps_groups: Mapping[str, str] = field(default_factory=dict)


def split_header(records: Iterator[Record]) -> tuple[list[str], HeaderLayout, Iterator[Record]]:
    """The column names, the layout, and the data records that follow the header rows.

    The header is the first record that looks like one among the first few: as wide as the
    table below it (at least half its filled cells) and made of names, not numbers or
    dates. Title, notes and blank rows above it are skipped and named in the layout's
    notes. The layout decides how many of the records after it are header rows too. No
    non-empty record: no names, no records.
    """
    head = list(islice(records, _SEARCH))
    filled = [_filled(fields) for _, fields in head]
    if not any(filled):
        return [], HeaderLayout(), iter(())
    at = _header_position(head, filled)
    row, fields = head[at]
    names, layout, body = header_rows(fields, chain(head[at + 1 :], records))
    notes = _skipped_above(head[:at], row)
    return names, replace(layout, header_row=row, notes=(*layout.notes, *notes)), body


def _filled(fields: Sequence[str]) -> int:
    return sum(1 for f in fields if f.strip())


def _header_position(head: list[Record], filled: list[int]) -> int:
    first = next(i for i, n in enumerate(filled) if n)
    # The table's width: a high quantile of the filled cells per row, so that neither rows
    # with empty answers nor the odd row split into too many fields decide it.
    counts = sorted(n for n in filled if n)
    width = counts[int(0.8 * (len(counts) - 1))]
    if width < 2:
        return first
    for i in range(len(head)):
        following = [f for _, f in head[i + 1 : i + 1 + _PEEK]]
        if filled[i] and _is_tool_header(following):
            return i
    # A header names (nearly) every column; a title or notes row fills one or two cells.
    for share in (0.75, 0.5):
        for i, (_, fields) in enumerate(head):
            if filled[i] >= max(2, share * width) and _names_share(fields) >= 0.8:
                return i
    return first


def _is_tool_header(following: Sequence[Sequence[str]]) -> bool:
    return bool(
        (len(following) >= 2 and _is_qualtrics_import_row(following[1]))
        or (following and _is_surveymonkey_answer_row(following[0]))
    )


def _names_share(fields: Sequence[str]) -> float:
    """Share of the filled cells that could be column names (not numbers or dates)."""
    cells = [f.strip() for f in fields if f.strip()]
    names = sum(1 for c in cells if not is_number(c) and not is_date_text(c))
    return names / len(cells) if cells else 0.0


def _skipped_above(above: list[Record], header_row: int) -> tuple[str, ...]:
    texts = [
        f"row {r}: " + repr(" ".join(f.strip() for f in fields if f.strip())[:80])
        for r, fields in above
        if _filled(fields)
    ]
    if not texts:
        return ()
    return (
        f"the header is row {header_row}; {len(texts)} row(s) above it that are not part "
        f"of the table were skipped ({'; '.join(texts[:5])}"
        + ("; ..." if len(texts) > 5 else "")
        + ")",
    )


def header_rows(
    header: Sequence[str], records: Iterator[Record]
) -> tuple[list[str], HeaderLayout, Iterator[Record]]:
    """Like :func:`split_header` when the header row is already known."""
    peeked = list(islice(records, _PEEK))
    names, layout = detect_layout(header, [fields for _, fields in peeked])
    return names, layout, chain(peeked[layout.header_rows - 1 :], records)


def detect_layout(
    header: Sequence[str], following: Sequence[Sequence[str]]
) -> tuple[list[str], HeaderLayout]:
    """Column names and layout from the header row and up to two rows below it."""
    names = [h.strip() for h in header]
    if len(following) >= 2 and _is_qualtrics_import_row(following[1]):
        return names, _qualtrics(names, following[0], following[1])
    if following and _is_qualtrics_label_row(names, following[0]):
        # An export whose ImportId row was removed (or a legacy one): ids, then labels.
        return names, _qualtrics(names, following[0], (), header_rows=2)
    if following and _is_surveymonkey_answer_row(following[0]):
        return _surveymonkey(names, following[0])
    if "#" in names and any(_TYPEFORM_DATES.match(n) for n in names):
        return names, _single_row(
            "typeform", names, _TYPEFORM_METADATA, {"response_id": "#", "date": "Submit Date (UTC)"}
        )
    if names and names[0] in _GOOGLE_TIMESTAMPS:
        return names, _single_row("google-forms", names, _GOOGLE_METADATA, {"date": names[0]})
    if {"Score", "Comment", "Response Timestamp"} <= set(names):
        return names, _single_row(
            "delighted",
            names,
            _DELIGHTED_METADATA,
            {
                "score": "Score",
                "comment": "Comment",
                "date": "Response Timestamp",
                "response_id": "Response ID",
            },
        )
    return names, _single_row("generic", names, frozenset(), {})


def _single_row(
    tool: str, names: list[str], metadata: frozenset[str], hints: dict[str, str]
) -> HeaderLayout:
    position = {n: i for i, n in reversed(list(enumerate(names)))}
    return HeaderLayout(
        tool=tool,
        timezones=_header_timezones(names),
        metadata=frozenset(i for i, n in enumerate(names) if n in metadata),
        hints={role: position[n] for role, n in hints.items() if n in position},
    )


def _header_timezones(texts: Sequence[str]) -> dict[int, str]:
    zones = {}
    for i, text in enumerate(texts):
        zone = header_timezone(text)
        if zone:
            zones[i] = zone
    return zones


# --- Qualtrics ---------------------------------------------------------------------------


def _is_qualtrics_import_row(row: Sequence[str]) -> bool:
    cells = [c.strip() for c in row if c.strip()]
    return bool(cells) and sum(1 for c in cells if _IMPORT_ID.match(c)) >= 0.5 * len(cells)


def _is_qualtrics_label_row(names: Sequence[str], row: Sequence[str]) -> bool:
    # Qualtrics' own column ids (StartDate, ResponseId, ...) with text, not dates, below
    # its date columns.
    dates = [i for i, n in enumerate(names) if n in ("StartDate", "EndDate", "RecordedDate")]
    known = sum(1 for n in names if n in _QUALTRICS_METADATA)
    return (
        known >= 3
        and bool(dates)
        and all(i < len(row) and row[i].strip() and not is_date_text(row[i]) for i in dates)
    )


def _qualtrics(
    names: list[str],
    questions: Sequence[str],
    imports: Sequence[str],
    *,
    header_rows: int = 3,
) -> HeaderLayout:
    labels: dict[int, str] = {}
    zones: dict[int, str] = {}
    metadata: set[int] = set()
    hints: dict[str, int] = {}
    group_of: dict[int, str] = {}  # an NPS group column -> the name of its score column
    group_ids: dict[int, str] = {}  # ... and the score column's ImportId
    ids: dict[str, int] = {}
    for i, name in enumerate(names):
        question = questions[i].strip() if i < len(questions) else ""
        if question:
            labels[i] = question
        info = _import_info(imports[i] if i < len(imports) else "")
        zone = info.get("timeZone") or header_timezone(question)
        if zone:
            zones[i] = zone
        import_id = info.get("ImportId", "")
        # The NPS question's derived group (1-3 or Promoter/Passive/Detractor) must never be
        # taken for the score itself.
        if (
            name in _QUALTRICS_METADATA
            or name.upper().endswith("_NPS_GROUP")
            or import_id.upper().endswith("_NPS_GROUP")
            or name.startswith("Q_")
        ):
            metadata.add(i)
        if name.upper().endswith("_NPS_GROUP") or import_id.upper().endswith("_NPS_GROUP"):
            group_of[i] = name[: -len("_NPS_GROUP")] if name.upper().endswith("_NPS_GROUP") else ""
            group_ids[i] = import_id[: -len("_NPS_GROUP")] if import_id else ""
        ids[import_id] = i
        if name == "RecordedDate" or import_id == "recordedDate":
            hints.setdefault("date", i)
        if name == "ResponseId" or import_id == "_recordId":
            hints.setdefault("response_id", i)
    position = {n: i for i, n in reversed(list(enumerate(names)))}
    nps_groups = {}
    for i, base in group_of.items():
        score = ids.get(group_ids.get(i, "")) if group_ids.get(i) else None
        score = score if score is not None else position.get(base)
        if score is not None and score != i:
            nps_groups[i] = score
    if nps_groups:
        # The NPS question is the one Qualtrics derives a group from: found by structure,
        # whatever the language of its question text.
        hints.setdefault("score", min(nps_groups.values()))
    return HeaderLayout(
        tool="qualtrics",
        header_rows=header_rows,
        labels=labels,
        timezones=zones,
        metadata=frozenset(metadata),
        hints=hints,
        nps_groups=nps_groups,
    )


def _import_info(cell: str) -> dict[str, str]:
    try:
        info = json.loads(cell)
    except ValueError:
        return {}
    if not isinstance(info, dict):
        return {}
    return {str(k): str(v) for k, v in info.items() if isinstance(v, str | int)}


# --- SurveyMonkey ------------------------------------------------------------------------


def _is_surveymonkey_answer_row(row: Sequence[str]) -> bool:
    cells = [c.strip() for c in row]
    return any(c in _SM_ANSWER_HEADERS for c in cells) and not any(
        re.fullmatch(r"[\d.,:/ -]+", c) for c in cells if c
    )


def _surveymonkey(questions: list[str], answers: Sequence[str]) -> tuple[list[str], HeaderLayout]:
    # A multiple-choice question spans several columns: its text stands above the first
    # and each column's answer option below; "Response" marks a one-column question.
    names: list[str] = []
    current = ""
    for i, question in enumerate(questions):
        answer = answers[i].strip() if i < len(answers) else ""
        if question:
            current = question
        elif not answer:
            current = ""
        base = question or current
        if answer in _SM_ANSWER_HEADERS or not answer:
            names.append(base)
        else:
            names.append(f"{base} - {answer}" if base else answer)
    layout = _single_row(
        "surveymonkey",
        names,
        _SURVEYMONKEY_METADATA,
        {"response_id": "Respondent ID", "date": "End Date"},
    )
    return names, HeaderLayout(
        tool=layout.tool,
        header_rows=2,
        timezones=layout.timezones,
        metadata=layout.metadata,
        hints=layout.hints,
    )
