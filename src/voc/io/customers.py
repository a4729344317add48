"""Customer data next to the survey: read the account file, find the join key, join.

The customer file (CSV/TSV or XLSX, any encoding the survey reader takes) has one row per
account: a key (``Kundnummer``, ``Org.nr`` ...) and attributes such as price plan, region,
seller, industry, size and annual revenue. :func:`load_joined_survey` reads the export as
:func:`voc.io.load_survey` does, finds the column both files share by name and values (or
the one given), and adds the account attributes to every response of the account.

Nothing is dropped silently: responses whose key is blank or not in the customer file stay
in the analysis with blank attributes and are counted and listed, as are accounts with no
response. A duplicated account, a revenue cell that is not a number, or a key that is not
in both files stops with an error that names the rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from voc.analytics.actions import Action
from voc.analytics.business_results import CustomerJoinReport, UnmatchedResponse
from voc.config import Settings
from voc.errors import InputError
from voc.io.columns import MAX_SEGMENT_VALUES, ColumnOverrides, detect_columns
from voc.io.readers import read_table
from voc.io.survey import LoadedSurvey, _blank_rows, _mapped_columns, build_survey, load_survey
from voc.io.table import RawTable
from voc.io.values import is_number

Source = str | Path | pd.DataFrame | BinaryIO

#: Headers of the annual revenue column (sv / no / da / en).
REVENUE_HEADER = re.compile(
    r"revenue|turnover|\barr\b|omsättning|omsetning|omsætning|intäkt|inntekt|årsvärde|"
    r"contract value|annual value|avtalsvärde",
    re.IGNORECASE,
)
#: Headers of the person who owns the account and acts on its answers.
OWNER_HEADER = re.compile(
    r"owner|seller|sales ?rep|account manager|\bkam\b|säljare|selger|sælger|ansvarig|"
    r"kundansvarig|kontaktperson|rådgivare|rådgiver",
    re.IGNORECASE,
)
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_CURRENCY = re.compile(
    r"^(?:sek|nok|dkk|eur|usd|kr\.?|€|\$)\s*|\s*(?:sek|nok|dkk|eur|usd|kr\.?|:-|€|\$)$", re.I
)
#: A column whose filled cells are at least this share numbers is meant to be numeric.
_NUMERIC_SHARE = 0.9
_LIST_LIMIT = 10


def parse_amount(raw: str) -> float | None:
    """A number as Nordic files write it: '1 200 000', '1.200.000,50', '1,5', '250000 kr'."""
    text = _CURRENCY.sub("", raw.strip())
    text = _NUMBER_SPACES.sub("", text)
    if not text:
        return None
    if "," in text and "." in text:
        # The mark that comes last is the decimal one: 1.200.000,50 or 1,200,000.50.
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(".") > 1 or text.count(",") > 1:
        text = text.replace(".", "").replace(",", "")
    if not is_number(text):
        return None
    return float(text)


@dataclass(frozen=True, eq=False)
class CustomerTable:
    """The customer file as read: str cells indexed by spreadsheet row (header = row 1)."""

    cells: pd.DataFrame
    source: str
    encoding: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.cells.columns]


def read_customers(
    source: Source, *, filename: str | None = None, settings: Settings | None = None
) -> CustomerTable:
    """Read a customer file (CSV/TSV/XLSX path, upload or DataFrame).

    Raises InputError when it cannot be read, has no data rows, or rows that do not split
    into the header's columns (they are named: an account row is never lost).
    """
    settings = settings or Settings()
    table: RawTable = read_table(
        source, filename=filename, max_bytes=settings.max_upload_mb * 1024**2
    )
    if table.skipped:
        rows = ", ".join(f"row {s.row} ({s.reason})" for s in table.skipped[:_LIST_LIMIT])
        raise InputError(
            f"customer file {table.source!r}: {len(table.skipped)} rows cannot be read as "
            f"accounts: {rows}; fix them so that no account is lost"
        )
    cells = table.cells[(table.cells != "").any(axis=1)]
    if cells.empty:
        raise InputError(f"customer file {table.source!r} has no account rows")
    return CustomerTable(cells, table.source, table.encoding, table.notes)


def _loose(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).casefold()


def _find(columns: Sequence[str], name: str) -> str | None:
    if name in columns:
        return name
    matches = [c for c in columns if _loose(c) == _loose(name)]
    return matches[0] if len(matches) == 1 else None


def find_join_key(
    survey: pd.DataFrame, customers: CustomerTable, key: str | None = None
) -> tuple[str, str]:
    """The join column in the export and in the customer file, by name and values.

    Given ``key``, both files must have it (names compared loosely). Otherwise every
    column both files share by name is a candidate and the one whose survey values are
    most often found among the accounts wins; at least one value must match.

    Raises:
        InputError: the key is missing from a file, or no shared column matches.
    """
    survey_columns = [str(c) for c in survey.columns]
    if key is not None:
        in_survey, in_customers = _find(survey_columns, key), _find(customers.columns, key)
        if in_survey is None:
            raise InputError(
                f"the customer key is not a column of the export; its columns: {survey_columns}",
                column=key,
            )
        if in_customers is None:
            raise InputError(
                f"the customer key is not a column of the customer file {customers.source!r}; "
                f"its columns: {customers.columns}",
                column=key,
            )
        return in_survey, in_customers
    best: tuple[float, str, str] | None = None
    for column in customers.columns:
        in_survey = _find(survey_columns, column)
        if in_survey is None:
            continue
        values = survey[in_survey].astype(str).str.strip()
        values = values[values != ""]
        if values.empty:
            continue
        accounts = set(customers.cells[column].astype(str).str.strip())
        overlap = float(values.isin(accounts).mean())
        if overlap > 0 and (best is None or overlap > best[0]):
            best = (overlap, in_survey, column)
    if best is None:
        raise InputError(
            "no column of the export matches a column of the customer file "
            f"{customers.source!r} by name and values; name the key with --customer-key "
            f"(export columns: {survey_columns}; customer columns: {customers.columns})"
        )
    return best[1], best[2]


@dataclass(frozen=True, eq=False)
class CustomerAttributes:
    """The customer file checked and typed: one row per account, indexed by key."""

    accounts: pd.DataFrame  # index: key (str); str columns and float columns
    key: str
    rows: pd.Series  # spreadsheet row of each account, indexed by key
    segments: list[str]
    numeric: list[str]
    revenue: str | None
    owner: str | None
    other: list[str] = field(default_factory=list)


def type_customers(
    customers: CustomerTable,
    key: str,
    *,
    revenue: str | None = None,
    owner: str | None = None,
) -> CustomerAttributes:
    """Check the accounts and type their columns: segments, numeric drivers, revenue, owner.

    Raises:
        InputError: an account key is blank or repeated (rows named), the revenue column
            holds a cell that is not a number, or a mostly numeric column has a few
            cells that are not numbers (rows and values named).
    """
    cells = customers.cells
    keys = cells[key].astype(str).str.strip()
    blank = keys[keys == ""]
    if len(blank):
        raise InputError(
            f"{len(blank)} accounts of {customers.source!r} have no key: rows "
            f"{_rows(blank.index)}; every account needs one",
            column=key,
        )
    repeated = keys[keys.duplicated(keep=False)]
    if len(repeated):
        groups = repeated.groupby(repeated, sort=False).groups
        shown = "; ".join(
            f"{value!r} in rows {_rows(index)}" for value, index in list(groups.items())[:5]
        )
        raise InputError(
            f"{len(groups)} accounts appear more than once in {customers.source!r} ({shown}); "
            "keep one row per account",
            column=key,
        )
    columns = [c for c in customers.columns if c != key]
    revenue = _pick(columns, revenue, REVENUE_HEADER, "revenue")
    owner = _pick(columns, owner, OWNER_HEADER, "owner")
    accounts = pd.DataFrame(index=pd.Index(keys.to_numpy(), name=key))
    segments, numeric, other = [], [], []
    for column in columns:
        raw = cells[column].astype(str).str.strip()
        filled = raw[raw != ""]
        amounts = filled.map(parse_amount)
        share = float(amounts.notna().mean()) if len(filled) else 0.0
        if column == revenue or (share >= _NUMERIC_SHARE and len(filled)):
            bad = filled[amounts.isna()]
            if len(bad):
                shown = ", ".join(f"row {r} {v!r}" for r, v in list(bad.items())[:_LIST_LIMIT])
                raise InputError(
                    f"{len(bad)} cells of {customers.source!r} are not numbers ({shown}); "
                    "expected an amount such as 1200000 or '1 200 000'",
                    column=column,
                )
            accounts[column] = raw.map(parse_amount).astype(float).to_numpy()
            if column != revenue:
                numeric.append(column)
            continue
        accounts[column] = raw.to_numpy()
        distinct = filled.nunique()
        if column != owner and 2 <= distinct <= MAX_SEGMENT_VALUES and distinct < len(keys):
            segments.append(column)
        else:
            other.append(column)
    if owner is not None and owner not in segments:
        # The owner is a segment too when there are few of them (NPS per seller).
        distinct = accounts[owner].replace("", np.nan).nunique()
        if 2 <= distinct <= MAX_SEGMENT_VALUES:
            segments.append(owner)
            other.remove(owner)
    if revenue is not None and (accounts[revenue] < 0).any():
        negative = accounts.index[accounts[revenue] < 0]
        raise InputError(
            f"revenue must not be negative: rows {_rows(keys.index[keys.isin(negative)])}",
            column=revenue,
        )
    return CustomerAttributes(
        accounts=accounts,
        key=key,
        rows=pd.Series(keys.index.to_numpy(), index=keys.to_numpy()),
        segments=segments,
        numeric=numeric,
        revenue=revenue,
        owner=owner,
        other=other,
    )


def _pick(
    columns: Sequence[str], given: str | None, pattern: re.Pattern[str], role: str
) -> str | None:
    if given is not None:
        found = _find(columns, given)
        if found is None:
            raise InputError(
                f"not a column of the customer file (given for {role}); columns: {list(columns)}",
                column=given,
            )
        return found
    return next((c for c in columns if pattern.search(c)), None)


def _rows(index: Iterable[object]) -> str:
    rows = list(index)
    shown = [str(r) for r in rows[:_LIST_LIMIT]]
    more = len(rows) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True, eq=False)
class JoinedSurvey(LoadedSurvey):
    """A survey with its business context: the accounts' attributes joined into ``frame``
    (see :class:`CustomerJoin`; None without a customer file) and the actions to follow up."""

    customers: CustomerJoin | None = None
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True, eq=False)
class CustomerJoin:
    """Which frame columns came from the customer file and what each one is."""

    key: str  # frame column with each response's account key (as in the export)
    segments: list[str]
    numeric: list[str]
    revenue: str | None
    owner: str | None
    accounts: pd.DataFrame  # every account of the file, typed, indexed by key
    report: CustomerJoinReport


def join_customers(
    frame: pd.DataFrame,
    survey_key: str,
    key_values: pd.Series,
    attributes: CustomerAttributes,
    source: str,
) -> tuple[pd.DataFrame, CustomerJoin]:
    """Add each response's account attributes to ``frame`` (aligned with ``key_values``).

    Attribute columns keep their names, or get ' (customers)' appended when the export
    has a column of that name already.
    """
    keys = key_values.astype(str).str.strip().reset_index(drop=True)
    out = frame.copy()
    out[survey_key] = keys.to_numpy()
    accounts = attributes.accounts
    matched = keys.isin(accounts.index)
    renamed: dict[str, str] = {}
    for column in accounts.columns:
        name = column if column not in out.columns else f"{column} (customers)"
        renamed[column] = name
        values = accounts[column].reindex(keys.to_numpy())
        if not pd.api.types.is_numeric_dtype(accounts[column]):
            values = values.fillna("").astype(str)
        out[name] = values.to_numpy()
    unmatched = [
        UnmatchedResponse(row=int(r), response_id=str(i), key=str(k))
        for r, i, k in zip(
            frame["row"][~matched.to_numpy()],
            frame["response_id"][~matched.to_numpy()],
            keys[~matched],
            strict=True,
        )
    ]
    answered = set(keys[matched])
    silent = [k for k in accounts.index if k not in answered]
    report = CustomerJoinReport(
        source=source,
        survey_key=survey_key,
        customer_key=attributes.key,
        accounts=len(accounts),
        responses_matched=int(matched.sum()),
        responses_unmatched=len(unmatched),
        unmatched_responses=unmatched,
        accounts_without_response=len(silent),
        silent_accounts=[str(k) for k in silent],
        segments=[renamed[c] for c in attributes.segments],
        numeric=[renamed[c] for c in attributes.numeric],
        revenue=renamed.get(attributes.revenue) if attributes.revenue else None,
        owner=renamed.get(attributes.owner) if attributes.owner else None,
    )
    join = CustomerJoin(
        key=survey_key,
        segments=report.segments,
        numeric=report.numeric,
        revenue=report.revenue,
        owner=report.owner,
        accounts=accounts.rename(columns=renamed),
        report=report,
    )
    return out, join


def join_warnings(report: CustomerJoinReport) -> list[str]:
    """What the reader must know about the join: unmatched responses, silent accounts."""
    out = []
    if report.responses_unmatched:
        shown = ", ".join(
            f"row {u.row} ({u.key or 'blank'})" for u in report.unmatched_responses[:5]
        )
        out.append(
            f"{report.responses_unmatched} responses have no account in the customer file "
            f"({shown}); they stay in the analysis without customer attributes "
            "(business.join.unmatched_responses lists them)"
        )
    if report.accounts_without_response:
        out.append(
            f"{report.accounts_without_response} of {report.accounts} accounts have no "
            "response (business.join.silent_accounts lists them)"
        )
    return out


def load_joined_survey(
    source: Source,
    customers: CustomerTable | None,
    *,
    actions: Sequence[Action] = (),
    key: str | None = None,
    revenue: str | None = None,
    owner: str | None = None,
    filename: str | None = None,
    overrides: ColumnOverrides | None = None,
    settings: Settings | None = None,
) -> JoinedSurvey:
    """:func:`voc.io.load_survey` plus the customer join (when ``customers`` is given) and
    the actions to follow up; see the module docstring.

    The customer attributes are added to ``frame``; the categorical ones also become
    segments of ``report.mapping`` so every breakdown by segment covers them.
    """
    settings = settings or Settings()
    if customers is None:
        plain = load_survey(source, filename=filename, overrides=overrides, settings=settings)
        return without_customers(plain, actions)
    table = read_table(source, filename=filename, max_bytes=settings.max_upload_mb * 1024**2)
    survey_key, customer_key = find_join_key(table.cells, customers, key)
    attributes = type_customers(customers, customer_key, revenue=revenue, owner=owner)
    detected = detect_columns(table.cells, overrides, table.layout)
    key_cells = table.cells[survey_key]
    blank = _blank_rows(table.cells)
    table = replace(table, cells=table.cells[_mapped_columns(detected.mapping)])
    loaded = build_survey(table, detected, settings, blank=blank)
    key_values = key_cells.loc[loaded.frame["row"].to_numpy()]
    return with_customers(loaded, survey_key, key_values, attributes, customers, actions)


def without_customers(loaded: LoadedSurvey, actions: Sequence[Action] = ()) -> JoinedSurvey:
    """``loaded`` as a :class:`JoinedSurvey` with no customer table."""
    return JoinedSurvey(
        frame=loaded.frame,
        report=loaded.report,
        warnings=loaded.warnings,
        comment_fields=loaded.comment_fields,
        actions=tuple(actions),
    )


def with_customers(
    loaded: LoadedSurvey,
    survey_key: str,
    key_values: pd.Series,
    attributes: CustomerAttributes,
    customers: CustomerTable,
    actions: Sequence[Action] = (),
) -> JoinedSurvey:
    """``loaded`` with the accounts' ``attributes`` joined on ``key_values`` (one per
    response); the categorical attributes become segments of the report's mapping."""
    frame, join = join_customers(loaded.frame, survey_key, key_values, attributes, customers.source)
    mapping = loaded.report.mapping
    segments = list(mapping.segments) + [s for s in join.segments if s not in mapping.segments]
    report = loaded.report.model_copy(
        update={"mapping": mapping.model_copy(update={"segments": segments})}
    )
    return JoinedSurvey(
        frame=frame,
        report=report,
        warnings=(*loaded.warnings, *customers.notes, *join_warnings(join.report)),
        comment_fields=loaded.comment_fields,
        customers=join,
        actions=tuple(actions),
    )
