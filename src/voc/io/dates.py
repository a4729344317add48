"""Reading submission dates as survey tools and Nordic spreadsheets write them.

Each value is read on its own (one bad cell never spoils a column). Only slashed dates
are ambiguous (03/04/2026); their order is decided once per column from the values that
are not, defaulting to day first as in the Nordics unless the column writes AM/PM times
(then it is a US export, month first). Times are returned as naive UTC: a value's own
offset ("+01:00", "Z") wins, then the column's zone as its header states it ("Submit Date
(UTC)", Qualtrics' ``timeZone``); values with neither are taken as they are written.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zoneinfo
from collections.abc import Sequence

import numpy as np
import pandas as pd

from voc.io.values import is_number

_TIME = (
    r"(?:[T ]+|,\s*|\s+kl\.?\s*)"  # "T", " ", ", " or Norwegian " kl. "
    r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp][Mm])?"
)
_TZ = r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
_YMD = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}})(?:{_TIME})?{_TZ}$", re.I)
_DMY = re.compile(rf"^(\d{{1,2}})[.-](\d{{1,2}})[.-](\d{{4}}|\d{{2}})(?:{_TIME})?{_TZ}$", re.I)
_SLASH = re.compile(rf"^(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}|\d{{2}})(?:{_TIME})?{_TZ}$", re.I)
_NAMED = re.compile(rf"^(\d{{1,2}})\.?\s+([^\W\d_]+)\.?,?\s+(\d{{4}})(?:{_TIME})?{_TZ}$", re.I)
# fmt: off
_MONTHS = {
    "jan": 1, "januari": 1, "januar": 1, "january": 1,
    "feb": 2, "februari": 2, "februar": 2, "february": 2,
    "mar": 3, "mars": 3, "marts": 3, "march": 3,
    "apr": 4, "april": 4,
    "maj": 5, "mai": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "augusti": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "des": 12, "december": 12, "desember": 12,
}
# fmt: on
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EARLIEST, _LATEST = 1900, 2200
_HEADER_UTC = re.compile(r"\((?:UTC|GMT|Z)\)", re.I)
_HEADER_OFFSET = re.compile(r"\((?:UTC|GMT)\s*([+-])(\d{1,2})(?::?(\d{2}))?\)", re.I)
_HEADER_IANA = re.compile(r"\(([A-Za-z]+(?:/[A-Za-z_+-]+)+)\)")
# Columns with many values are read with one vectorised pandas call when every value has
# one of these shapes; the rest go through the per-value reader.
_FAST_MIN_VALUES = 2000
_FAST_FORMATS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"), "%Y-%m-%d %H:%M:%S"),
    (re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"), "%Y-%m-%d %H:%M"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"), "%Y-%m-%dT%H:%M:%S"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d"),
)


def header_timezone(header: str) -> str | None:
    """The time zone a column header states: "UTC", "UTC+01:00" or an IANA name, or None."""
    if _HEADER_UTC.search(header):
        return "UTC"
    if match := _HEADER_OFFSET.search(header):
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        return f"UTC{sign}{hours:02d}:{minutes:02d}"
    if (match := _HEADER_IANA.search(header)) and resolve_timezone(match.group(1)):
        return match.group(1)
    return None


def resolve_timezone(name: str | None) -> dt.tzinfo | None:
    """The tzinfo for a zone name from :func:`header_timezone` or Qualtrics, or None."""
    if not name:
        return None
    if name.upper() in {"UTC", "GMT", "Z"}:
        return dt.UTC
    if match := re.fullmatch(r"UTC([+-])(\d{2}):(\d{2})", name):
        offset = dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        return dt.timezone(offset if match.group(1) == "+" else -offset)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def parse_date_column(
    values: Sequence[str] | np.ndarray, timezone: str | None = None
) -> np.ndarray:
    """A column of cells as datetime64[ns] naive UTC, NaT where empty or unreadable.

    Args:
        timezone: the zone that values without an offset of their own are written in
            (see :func:`header_timezone`); None keeps them as written.
    """
    array = np.asarray(values, dtype=object)
    result = np.full(len(array), np.datetime64("NaT"), dtype="datetime64[ns]")
    explicit = np.zeros(len(array), dtype=bool)  # the value carried its own offset
    # Large columns in one ISO shape are read by pandas in one call; only the values it
    # could not read go through the per-value reader, once per distinct value.
    todo = _fast_parse(array, result) if len(array) >= _FAST_MIN_VALUES else None
    rest = array if todo is None else array[todo]
    codes, uniques = pd.factorize(rest)
    texts = [str(u) for u in uniques]
    day_first = slash_day_first(texts)
    parsed = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[ns]")
    had_offset = np.zeros(len(texts), dtype=bool)
    for i, text in enumerate(texts):
        when = _parse(text, day_first, allow_numbers=True)
        if when is None:
            continue
        if when.tzinfo is not None:
            had_offset[i] = True
            when = when.astimezone(dt.UTC).replace(tzinfo=None)
        parsed[i] = np.datetime64(when, "ns")
    known = codes >= 0
    positions = np.flatnonzero(todo) if todo is not None else np.arange(len(array))
    result[positions[known]] = parsed[codes[known]]
    explicit[positions[known]] = had_offset[codes[known]]
    zone = resolve_timezone(timezone)
    if zone is not None and zone is not dt.UTC:
        local = ~explicit & ~np.isnat(result)
        if local.any():
            result[local] = _to_utc(result[local], zone)
    return result


def _fast_parse(array: np.ndarray, result: np.ndarray) -> np.ndarray | None:
    """Fill ``result`` where pandas reads the column's common ISO shape.

    Returns the mask of non-empty values left for the per-value reader, or None when the
    column has no such shape (every value is left).
    """
    first = next((v for v in array[:_FAST_MIN_VALUES] if str(v).strip()), "")
    fmt = next((f for pattern, f in _FAST_FORMATS if pattern.match(str(first))), None)
    if fmt is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stamps = pd.to_datetime(pd.Series(array, dtype=object), format=fmt, errors="coerce")
    values = stamps.to_numpy(dtype="datetime64[ns]")
    years = stamps.dt.year.to_numpy()
    ok = ~np.isnat(values) & (years >= _EARLIEST) & (years <= _LATEST)
    result[ok] = values[ok]
    left: np.ndarray = ~ok & (array != "")
    return left


def _to_utc(local: np.ndarray, zone: dt.tzinfo) -> np.ndarray:
    index = pd.DatetimeIndex(local)
    # An autumn wall time that occurs twice is read as standard time, a spring one that
    # never occurs is moved forward: either way the response keeps a date.
    aware = index.tz_localize(
        zone, ambiguous=np.zeros(len(index), dtype=bool), nonexistent="shift_forward"
    )
    return aware.tz_convert("UTC").tz_localize(None).to_numpy(dtype="datetime64[ns]")


def parse_dates(values: Sequence[str]) -> list[dt.datetime | None]:
    """Each value as a naive UTC datetime, or None when empty or unreadable.

    For whole columns prefer :func:`parse_date_column`, which is vectorised.
    """
    day_first = slash_day_first(values)
    cache: dict[str, dt.datetime | None] = {}
    result = []
    for value in values:
        if value not in cache:
            cache[value] = parse_date(value, day_first=day_first)
        result.append(cache[value])
    return result


def to_datetime_series(values: Sequence[dt.datetime | None]) -> pd.Series:
    """A datetime64[ns] Series, NaT where the value is None."""
    array = np.array(
        [np.datetime64("NaT") if v is None else v for v in values], dtype="datetime64[ns]"
    )
    return pd.Series(array, dtype="datetime64[ns]")


def parse_date(
    value: str, *, day_first: bool = True, allow_numbers: bool = True
) -> dt.datetime | None:
    """One cell as a naive UTC datetime, or None.

    Args:
        day_first: how to read an ambiguous slashed date such as 03/04/2026.
        allow_numbers: read plain numbers as Excel serial dates or Unix timestamps.
    """
    parsed = _parse(value, day_first, allow_numbers)
    if parsed is not None and parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def _parse(value: str, day_first: bool, allow_numbers: bool) -> dt.datetime | None:
    # Aware when the value states its offset, naive otherwise.
    text = value.strip()
    if not text:
        return None
    if is_number(text):
        return _from_number(float(text.replace(",", "."))) if allow_numbers else None
    try:
        parsed = _from_text(text, day_first)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None or not _EARLIEST <= parsed.year <= _LATEST:
        return None
    return parsed


def is_date_text(value: str) -> bool:
    """True when ``value`` is written as a date (plain numbers do not count)."""
    return parse_date(value, allow_numbers=False) is not None


def slash_day_first(values: Sequence[str]) -> bool:
    """Whether the column's slashed dates put the day first (False for US month/day order)."""
    twelve_hour = False
    for value in values:
        match = _SLASH.match(value.strip())
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12:
                return True
            if second > 12:
                return False
            twelve_hour = twelve_hour or bool(match.group(8))
    # No value settles it: AM/PM clock times mean a US export (SurveyMonkey, Google Forms
    # in a US locale), which writes the month first.
    return not twelve_hour


def _from_text(text: str, day_first: bool) -> dt.datetime | None:
    if match := _YMD.match(text):
        year, month, day = (int(g) for g in match.group(1, 2, 3))
        return _build(year, month, day, match.groups()[3:])
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.group(1, 2, 3))
        return _build(_full_year(year), month, day, match.groups()[3:])
    if match := _SLASH.match(text):
        first, second, year = (int(g) for g in match.group(1, 2, 3))
        day, month = (first, second) if day_first else (second, first)
        return _build(_full_year(year), month, day, match.groups()[3:])
    if match := _NAMED.match(text):
        month_number = _MONTHS.get(match.group(2).casefold())
        if month_number is None:
            return None
        return _build(int(match.group(3)), month_number, int(match.group(1)), match.groups()[3:])
    return _from_pandas(text)


def _build(year: int, month: int, day: int, rest: tuple[str | None, ...]) -> dt.datetime:
    hour_s, minute_s, second_s, fraction_s, ampm, tz = rest
    hour = int(hour_s or 0)
    if ampm:
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    micro = int((fraction_s or "0")[:6].ljust(6, "0"))
    parsed = dt.datetime(year, month, day, hour, int(minute_s or 0), int(second_s or 0), micro)
    if tz and tz.upper() not in {"Z", "UTC", "GMT"}:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        return parsed.replace(tzinfo=dt.timezone(sign * offset))
    if tz:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed


def _full_year(year: int) -> int:
    return year + 2000 if year < 100 else year


def _from_number(number: float) -> dt.datetime | None:
    # Excel serial days (1954-2119), then Unix seconds and milliseconds (2001-2286).
    if 20_000 <= number <= 80_000:
        return _EXCEL_EPOCH + dt.timedelta(days=number)
    if 1e9 <= number < 1e10:
        return dt.datetime.fromtimestamp(number, dt.UTC).replace(tzinfo=None)
    if 1e12 <= number < 1e13:
        return dt.datetime.fromtimestamp(number / 1000, dt.UTC).replace(tzinfo=None)
    return None


def _from_pandas(text: str) -> dt.datetime | None:
    # Last resort for spelled-out English forms ("March 14, 2026 9:12 AM"); a four-digit
    # year is required so that words and codes are never taken for dates.
    if not re.search(r"(?<!\d)\d{4}(?!\d)", text) or not re.search(r"[A-Za-z]{3}", text):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stamp = pd.to_datetime(text, dayfirst=True)
    if stamp is pd.NaT or not isinstance(stamp, pd.Timestamp):
        return None
    return stamp.to_pydatetime()


# --- periods -------------------------------------------------------------------------
# Exports and BI extracts often carry the period a response belongs to instead of a
# timestamp. A period is read as its first day and keeps its granularity, so that a month
# column drives monthly figures and is never taken for daily dates.

Granularity = str  # "week", "month" or "quarter"
GRANULARITIES = ("week", "month", "quarter")
_PERIOD_SAMPLE = 200
# fmt: off
_MORE_MONTHS = {
    "mrz": 3, "märz": 3, "marz": 3, "dez": 12, "dezember": 12, "okt.": 10, "sept.": 9,
    "tammikuu": 1, "helmikuu": 2, "maaliskuu": 3, "huhtikuu": 4, "toukokuu": 5,
    "kesäkuu": 6, "heinäkuu": 7, "elokuu": 8, "syyskuu": 9, "lokakuu": 10,
    "marraskuu": 11, "joulukuu": 12, "oktober.": 10, "juny": 6,
}
# fmt: on
_YEAR = r"(\d{4}|'?\d{2})"
_YM = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$")
_QUARTER_AFTER = re.compile(r"^(\d{4})\s*[-/ ]?\s*(?:Q|K|KV)\.?\s*([1-4])$", re.I)
_QUARTER_BEFORE = re.compile(r"^(?:Q|K|KV)\.?\s*([1-4])\s*[-/ ]?\s*(\d{4}|'?\d{2})$", re.I)
_WEEK_AFTER = re.compile(r"^(\d{4})\s*[-/ ]?\s*(?:W|V|v\.)\s*(\d{1,2})$", re.I)
_WEEK_BEFORE = re.compile(
    r"^(?:W|V|v\.|week|vecka|vko|viikko|uke|uge|woche|KW)\s*(\d{1,2})\s*[-/, ]?\s*(\d{4})$", re.I
)
_NAMED_MONTH = re.compile(rf"^([^\W\d_]+)\.?\s*[-/ ]?\s*-?\s*{_YEAR}$", re.I)


def parse_period(value: str) -> tuple[dt.datetime, Granularity] | None:
    """A period cell as (its first day, its granularity), or None when it is not a period.

    Reads ``2025-12``, ``2025/12``, ``12/2025``, ``2025-Q3``, ``Q3 2025``, ``K3 2025``,
    ``2025-W14``, ``v14 2025``, ``mars 2025``, ``Dec 2025``, ``desember 2025``, ``maj -25``.
    """
    text = " ".join(value.strip().split())
    if not text or len(text) > 24:
        return None
    try:
        return _period(text)
    except ValueError:  # month 13, week 54 and the like
        return None


def _period(text: str) -> tuple[dt.datetime, Granularity] | None:
    if match := _YM.match(text):
        return _month(int(match.group(1)), int(match.group(2)))
    if match := _MY.match(text):
        return _month(int(match.group(2)), int(match.group(1)))
    if match := _QUARTER_AFTER.match(text):
        return _quarter(int(match.group(1)), int(match.group(2)))
    if match := _QUARTER_BEFORE.match(text):
        return _quarter(_year(match.group(2)), int(match.group(1)))
    if match := _WEEK_AFTER.match(text):
        return _week(int(match.group(1)), int(match.group(2)))
    if match := _WEEK_BEFORE.match(text):
        return _week(int(match.group(2)), int(match.group(1)))
    if match := _NAMED_MONTH.match(text):
        word = match.group(1).casefold()
        month = _MONTHS.get(word) or _MORE_MONTHS.get(word)
        if month is None:
            return None
        return _month(_year(match.group(2)), month)
    return None


def _year(text: str) -> int:
    return _full_year(int(text.lstrip("'")))


def _checked(when: dt.datetime, granularity: Granularity) -> tuple[dt.datetime, Granularity]:
    if not _EARLIEST <= when.year <= _LATEST:
        raise ValueError(f"year {when.year} out of range")
    return when, granularity


def _month(year: int, month: int) -> tuple[dt.datetime, Granularity]:
    return _checked(dt.datetime(year, month, 1), "month")


def _quarter(year: int, quarter: int) -> tuple[dt.datetime, Granularity]:
    return _checked(dt.datetime(year, 3 * quarter - 2, 1), "quarter")


def _week(year: int, week: int) -> tuple[dt.datetime, Granularity]:
    monday = dt.date.fromisocalendar(year, week, 1)
    return _checked(dt.datetime(monday.year, monday.month, monday.day), "week")


def is_period_text(value: str) -> bool:
    """True when ``value`` is written as a week, month or quarter."""
    return parse_period(value) is not None


def period_granularity(values: Sequence[str] | np.ndarray) -> Granularity | None:
    """The granularity of a column whose values are mostly periods, else None.

    The coarsest granularity found wins: a column holding quarters beside months cannot
    give monthly figures for its quarters.
    """
    array = np.asarray(values, dtype=object)
    # A timestamp column has a distinct value per response: a sample settles it cheaply.
    sample = [str(v) for v in pd.unique(array[: 10 * _PERIOD_SAMPLE]) if str(v).strip()]
    sample = sample[:_PERIOD_SAMPLE]
    if sample and sum(1 for t in sample if parse_period(t) is not None) <= 0.5 * len(sample):
        return None
    texts = [str(v) for v in pd.unique(array) if str(v).strip()]
    if not texts:
        return None
    found = [p[1] for p in map(parse_period, texts) if p is not None]
    if len(found) < 0.5 * len(texts):
        return None
    return max(found, key=GRANULARITIES.index)


def parse_period_column(values: Sequence[str] | np.ndarray) -> np.ndarray:
    """A period column as the first day of each period (datetime64[ns]), NaT where unreadable."""
    array = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(array)
    starts = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[ns]")
    for i, text in enumerate(uniques):
        period = parse_period(str(text))
        if period is not None:
            starts[i] = np.datetime64(period[0], "ns")
    result = np.full(len(array), np.datetime64("NaT"), dtype="datetime64[ns]")
    known = codes >= 0
    result[known] = starts[codes[known]]
    return result


def first_of_period(dates: np.ndarray) -> Granularity | None:
    """ "month" (or "quarter") when every date is midnight on the first day of a month
    (of a quarter): what a spreadsheet's month cell (formatted "mmm-yy") holds.
    """
    known = dates[~np.isnat(dates)]
    if len(known) == 0:
        return None
    stamps = pd.DatetimeIndex(known)
    if not ((stamps.day == 1) & (stamps.normalize() == stamps)).all():
        return None
    return "quarter" if bool(np.isin(stamps.month, [1, 4, 7, 10]).all()) else "month"
