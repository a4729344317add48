"""Reading submission dates in ISO, Nordic, US and spreadsheet forms."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from voc.io.dates import (
    header_timezone,
    parse_date,
    parse_date_column,
    parse_dates,
    to_datetime_series,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-14", dt.datetime(2026, 3, 14)),
        ("2026-03-14 09:12", dt.datetime(2026, 3, 14, 9, 12)),
        ("2026-03-14T09:12:00", dt.datetime(2026, 3, 14, 9, 12)),
        ("2026-03-14T09:12:00Z", dt.datetime(2026, 3, 14, 9, 12)),
        ("2026-03-14T09:12:00+01:00", dt.datetime(2026, 3, 14, 8, 12)),
        ("2026-03-14 09:12:30.250+0200", dt.datetime(2026, 3, 14, 7, 12, 30, 250000)),
        ("2026/3/4", dt.datetime(2026, 3, 4)),
        ("14.03.2026", dt.datetime(2026, 3, 14)),
        ("14.3.2026 09:12", dt.datetime(2026, 3, 14, 9, 12)),
        ("4.3.26", dt.datetime(2026, 3, 4)),
        ("14.03.2026 kl. 09.12", dt.datetime(2026, 3, 14, 9, 12)),
        ("14-03-2026", dt.datetime(2026, 3, 14)),
        ("14/03/2026", dt.datetime(2026, 3, 14)),
        ("14 mars 2026", dt.datetime(2026, 3, 14)),
        ("3. desember 2026", dt.datetime(2026, 12, 3)),
        ("March 14, 2026 9:12 AM", dt.datetime(2026, 3, 14, 9, 12)),
        ("46095", dt.datetime(2026, 3, 14)),  # an Excel serial day
        ("46095.5", dt.datetime(2026, 3, 14, 12)),
        ("1773479520", dt.datetime(2026, 3, 14, 9, 12)),  # Unix seconds
    ],
)
def test_formats(raw: str, expected: dt.datetime) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", "garbage", "Q1", "31.02.2026", "7", "2026-13-01"])
def test_unreadable_or_missing_is_none(raw: str) -> None:
    assert parse_date(raw) is None


def test_slash_order_is_decided_per_column() -> None:
    us = parse_dates(["03/04/2026", "12/31/2026"])
    assert us[0] == dt.datetime(2026, 3, 4)
    nordic = parse_dates(["03/04/2026", "31/12/2026"])
    assert nordic[0] == dt.datetime(2026, 4, 3)
    assert parse_dates(["03/04/2026"]) == [dt.datetime(2026, 4, 3)]


def test_series_is_nanosecond_datetimes_with_nat() -> None:
    series = to_datetime_series([dt.datetime(2026, 3, 14), None])
    assert series.dtype == "datetime64[ns]"
    assert series.isna().tolist() == [False, True]


@given(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_round_trip_iso_and_dotted(when: dt.datetime) -> None:
    when = when.replace(microsecond=0)
    assert parse_date(when.isoformat()) == when
    assert parse_date(when.strftime("%d.%m.%Y %H:%M:%S")) == when


def _utc(when: dt.datetime | None, zone: str) -> pd.Timestamp:
    if when is None:
        return pd.NaT  # type: ignore[return-value]
    return pd.Timestamp(when).tz_localize(zone).tz_convert("UTC").tz_localize(None)


@pytest.mark.parametrize("size", [50, 3000])  # below and above the vectorised threshold
def test_date_column_matches_per_value_reading(size: int) -> None:
    iso = [
        f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:07" for i in range(size)
    ]
    odd = [
        "14.03.2026 09:12",
        "",
        "garbage",
        "2026-03-14T09:12:00+01:00",
        "46095",
        "2026-02-30 10:00:00",
    ]
    values = iso + odd
    result = parse_date_column(values, "Europe/Stockholm")
    assert result.dtype == "datetime64[ns]"
    per_value = parse_dates(values)
    expected = [_utc(w, "Europe/Stockholm") for w in per_value]
    expected[size + 3] = pd.Timestamp("2026-03-14 08:12")  # its own offset, not the zone's
    assert pd.Series(result).tolist() == pd.Series(expected, dtype="datetime64[ns]").tolist()
    assert pd.isna(result[size + 2]) and pd.isna(result[size + 5])  # junk, 30 February


def test_header_time_zones() -> None:
    assert header_timezone("Submit Date (UTC)") == "UTC"
    assert header_timezone("Datum (UTC+01:00)") == "UTC+01:00"
    assert header_timezone("Tid (GMT-5)") == "UTC-05:00"
    assert header_timezone("Svarstid (Europe/Stockholm)") == "Europe/Stockholm"
    assert header_timezone("Datum (Mars/Olympus)") is None
    assert header_timezone("Date") is None


def test_am_pm_settles_an_ambiguous_slashed_column_as_us() -> None:
    assert parse_dates(["03/04/2026 09:00 AM"]) == [dt.datetime(2026, 3, 4, 9)]
    assert parse_dates(["03/04/2026 09:00"]) == [dt.datetime(2026, 4, 3, 9)]


def test_period_granularity_of_columns() -> None:
    from voc.io.dates import period_granularity

    assert period_granularity(["", "", ""]) is None
    assert period_granularity([""] * 3000 + ["2025-03"]) == "month"
    assert period_granularity(["2025-03", "2025-Q2"]) == "quarter"
    assert period_granularity(["2025-03-01 10:00", "2025-03-02 11:00"]) is None
