"""Finding repeated responses: the same respondent, date, score and comment twice.

Exports merged twice, or downloaded in overlapping date ranges and pasted together, repeat
responses; counted twice they would move the NPS. A row is a repeat of an earlier one when
they agree on who answered (the response id, or else the respondent/account column), the
date, the score and every comment field. Without a column saying who answered, identical
rows may be two people giving the same short answer in the same minute, so they are kept
and counted in a warning instead. Every removed row is listed, never dropped silently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from voc.types import ColumnMapping, SkippedRow


def find_duplicates(
    cells: pd.DataFrame, mapping: ColumnMapping, rows: np.ndarray | None = None
) -> tuple[list[SkippedRow], str | None]:
    """The repeats among ``cells`` (raw cells indexed by row number), each with the row it
    repeats, and a warning when repeats were seen but could not be told from new answers.

    Args:
        rows: a boolean mask of the rows to consider (the usable ones); all by default.
    """
    answer = [mapping.score, *mapping.comment_fields]
    who = mapping.response_id or mapping.respondent
    if who is None:
        return [], _unattributed_note(_select(cells, rows, [mapping.date, *answer]), mapping)
    if mapping.response_id is None and mapping.date is None:
        return [], None  # one customer may give the same answer again a month later
    keys = _select(cells, rows, [who, mapping.date, *answer])
    known = (keys[who] != "").to_numpy()
    # One 64-bit hash per row instead of pandas' per-column factorisation, which for a
    # million unique ids and comments costs hundreds of MB; rows whose hashes collide are
    # compared in full below, so a collision can never remove a response.
    hashes = pd.util.hash_pandas_object(keys, index=False)
    involved = hashes.duplicated(keep=False).to_numpy() & known
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


def _select(
    cells: pd.DataFrame, rows: np.ndarray | None, columns: list[str | None]
) -> pd.DataFrame:
    # Only the key columns of the rows asked for: a copy of pointers, never of every column.
    names = list(dict.fromkeys(c for c in columns if c))
    return cells[names] if rows is None else cells.loc[rows, names]


def _what(mapping: ColumnMapping) -> str:
    items = ["response id" if mapping.response_id else "respondent"]
    items += ["date"] if mapping.date else []
    items += ["score", "comment"] if mapping.comment_fields else ["score"]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _unattributed_note(keys: pd.DataFrame, mapping: ColumnMapping) -> str | None:
    if mapping.date is None or not mapping.comment_fields:
        return None
    dated_with_text = (keys[mapping.date] != "") & (keys[mapping.comment_fields] != "").any(axis=1)
    repeats = pd.util.hash_pandas_object(keys, index=False).duplicated(keep="first")
    repeated = int((repeats & dated_with_text).sum())
    if not repeated:
        return None
    return (
        f"{repeated} rows repeat an earlier row's date, score and comment exactly; they are "
        "kept because no column says who answered (map a response id or respondent column, "
        "e.g. --id-col, to have repeats removed)"
    )
