"""Finding repeated responses: the same respondent, date, score and comment twice.

Exports merged twice, or downloaded in overlapping date ranges and pasted together, repeat
responses; counted twice they would move the NPS. A row is a repeat of an earlier one when
they agree on who answered (the response id, or else the respondent/account column), the
date, the score and every comment field. Without a column saying who answered, identical
rows may be two people giving the same short answer in the same minute, so they are kept
and counted in a warning instead. Every removed row is listed, never dropped silently.
"""

from __future__ import annotations

import pandas as pd

from voc.types import ColumnMapping, SkippedRow


def find_duplicates(
    rows: pd.DataFrame, mapping: ColumnMapping
) -> tuple[list[SkippedRow], str | None]:
    """The repeats among ``rows`` (raw cells indexed by row number), each with the row it
    repeats, and a warning when repeats were seen but could not be told from new answers.
    """
    answer = [mapping.score, *mapping.comment_fields]
    who = mapping.response_id or mapping.respondent
    if who is None:
        return [], _unattributed_note(rows, mapping, answer)
    if mapping.response_id is None and mapping.date is None:
        return [], None  # one customer may give the same answer again a month later
    columns = list(dict.fromkeys([who, *([mapping.date] if mapping.date else []), *answer]))
    keys = rows[columns]
    known = (keys[who] != "").to_numpy()
    involved = keys.duplicated(keep=False).to_numpy() & known
    if not involved.any():
        return [], None
    first_row: dict[tuple[str, ...], int] = {}
    repeats: list[SkippedRow] = []
    what = _what(mapping)
    for row, values in zip(
        keys.index[involved], keys[involved].itertuples(index=False), strict=True
    ):
        key = tuple(values)
        if key not in first_row:
            first_row[key] = int(row)
            continue
        repeats.append(
            SkippedRow(
                row=int(row),
                column=who,
                value=str(values[0]),
                reason=f"duplicate of row {first_row[key]}: same {what}",
            )
        )
    return repeats, None


def _what(mapping: ColumnMapping) -> str:
    items = ["response id" if mapping.response_id else "respondent"]
    items += ["date"] if mapping.date else []
    items += ["score", "comment"] if mapping.comment_fields else ["score"]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _unattributed_note(rows: pd.DataFrame, mapping: ColumnMapping, answer: list[str]) -> str | None:
    if mapping.date is None or not mapping.comment_fields:
        return None
    keys = rows[[mapping.date, *answer]]
    dated_with_text = (keys[mapping.date] != "") & (keys[mapping.comment_fields] != "").any(axis=1)
    repeated = int((keys.duplicated(keep="first") & dated_with_text).sum())
    if not repeated:
        return None
    return (
        f"{repeated} rows repeat an earlier row's date, score and comment exactly; they are "
        "kept because no column says who answered (map a response id or respondent column, "
        "e.g. --id-col, to have repeats removed)"
    )
