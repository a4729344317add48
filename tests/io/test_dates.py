"""Reading submission dates in ISO, Nordic, US and spreadsheet forms."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voc.io.dates import parse_date, parse_dates, to_datetime_series


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
