"""Checks on the frames analytics is given, failing with the rows and values at fault.

The tidy responses frame has ``row`` (spreadsheet row number), ``response_id``, ``score``
(int), ``comment`` (str), ``submitted_at`` (datetime64, NaT when unknown) and segment columns
by name. A theme-mention matrix has one 0/1 column per theme, one row per response, in the
frame's order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from voc.errors import InputError

_MAX_LISTED = 5


def row_numbers(frame: pd.DataFrame) -> np.ndarray:
    """The spreadsheet row of each response: the ``row`` column, else position + 2 (header 1)."""
    if "row" in frame.columns:
        return frame["row"].to_numpy(dtype="int64")
    return np.arange(len(frame), dtype="int64") + 2


def listing(
    rows: Sequence[int] | np.ndarray, values: Sequence[object] | np.ndarray | pd.Series
) -> str:
    """'row 4: 'ten', row 9: '11' (and 3 more)' for an error message."""
    pairs = [f"row {int(r)}: {v!r}" for r, v in zip(rows, values, strict=True)]
    shown = ", ".join(pairs[:_MAX_LISTED])
    more = len(pairs) - _MAX_LISTED
    return shown + (f" (and {more} more)" if more > 0 else "")


def require_rows(n: int, minimum: int, what: str) -> None:
    """Fail when fewer than ``minimum`` responses are left for ``what``."""
    if n < minimum:
        raise InputError(f"{what} needs at least {minimum} responses; only {n} were given")


def require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Fail naming the first of ``columns`` that the responses table lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"the responses table has no column {missing[0]!r} "
            f"(columns: {', '.join(map(str, frame.columns))})",
            column=missing[0],
        )


def mention_matrix(
    mentions: pd.DataFrame | np.ndarray, n_rows: int, theme_ids: Sequence[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """A float 0/1 matrix (n_rows x k) and its theme ids from a DataFrame or an array.

    A DataFrame's column names are the theme ids; an array needs ``theme_ids``.
    """
    if isinstance(mentions, pd.DataFrame):
        ids = [str(c) for c in mentions.columns] if theme_ids is None else list(theme_ids)
        values = mentions.to_numpy()
    else:
        values = np.asarray(mentions)
        if values.ndim == 1:
            values = values[:, None]
        if theme_ids is None:
            raise InputError("a mention array needs theme_ids (one per column)")
        ids = list(theme_ids)
    if values.ndim != 2 or values.shape[0] != n_rows or values.shape[1] != len(ids):
        raise InputError(
            f"the theme-mention matrix has shape {values.shape}; expected "
            f"({n_rows}, {len(ids)}): one row per response, one column per theme"
        )
    try:
        matrix = values.astype(float)
    except (TypeError, ValueError):
        raise InputError("the theme-mention matrix must hold 0/1 or True/False") from None
    bad = ~np.isin(matrix, (0.0, 1.0))
    if bad.any():
        row, col = map(int, np.argwhere(bad)[0])
        value = values[row, col]
        value = value.item() if isinstance(value, np.generic) else value
        raise InputError(
            f"theme-mention matrix, response {row}, theme {ids[col]!r}: {value!r} is not 0/1"
        )
    return matrix, ids


def polarity_counts(polarity: pd.DataFrame, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Counts of positive/negative/neutral per theme from the long polarity table.

    ``polarity`` has ``response_index``, ``theme_id``, ``polarity`` (positive/negative/neutral).
    Returns a frame indexed by theme id with those three count columns (zeros included).
    """
    require_columns(polarity, ["theme_id", "polarity"])
    unknown = sorted(set(polarity["polarity"].astype(str)) - {"positive", "negative", "neutral"})
    if unknown:
        raise InputError(
            f"polarity must be positive, negative or neutral; found {unknown[:3]}",
            column="polarity",
        )
    counts = pd.crosstab(polarity["theme_id"].astype(str), polarity["polarity"].astype(str))
    return (
        counts.reindex(
            index=list(theme_ids), columns=["positive", "negative", "neutral"], fill_value=0
        )
        .fillna(0)
        .astype(int)
    )
