"""The project's sample read in other shapes (issues 14 and 19): a title row in a workbook,
a month column instead of dates, NUL bytes in a comment, and byte mutations of the file."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voc.analytics import estimate_nps, nps_by_month
from voc.errors import InputError
from voc.io import load_survey
from voc.io.survey import LoadedSurvey

from .test_fuzz import time_limit

SAMPLE = Path(__file__).parents[2] / "data" / "sample" / "nps_export.csv"
SAMPLE_BYTES = SAMPLE.read_bytes()
DATE = "Submitted"


def figures(loaded: LoadedSurvey) -> tuple[object, list[tuple[str, object]]]:
    overall = estimate_nps(loaded.frame["score"].to_numpy())
    monthly = [(p.period, p.estimate) for p in nps_by_month(loaded.frame)]
    return overall, monthly


@pytest.fixture(scope="module")
def original() -> LoadedSurvey:
    return load_survey(SAMPLE)


def test_xlsx_copy_with_a_title_row_gives_the_same_figures(original: LoadedSurvey) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NPS-undersøkelse 2025 – eksport"])
    sheet.append(list(frame.columns))
    for values in frame.itertuples(index=False):
        sheet.append(list(values))
    data = io.BytesIO()
    workbook.save(data)
    loaded = load_survey(io.BytesIO(data.getvalue()), filename="sample.xlsx")
    assert loaded.header_row == 2
    assert loaded.report.mapping.model_dump() == original.report.mapping.model_dump()
    assert figures(loaded) == figures(original)
    assert figures(original)[1]  # the sample has monthly figures to compare


def test_csv_copy_with_a_month_column_gives_the_same_figures(original: LoadedSurvey) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    months = pd.to_datetime(frame[DATE], errors="coerce").dt.strftime("%Y-%m").fillna("")
    frame.insert(1, "Month", months)
    loaded = load_survey(
        io.BytesIO(frame.drop(columns=[DATE]).to_csv(index=False).encode()), filename="m.csv"
    )
    assert loaded.report.mapping.date == "Month"
    assert loaded.time_granularity == "month"
    assert figures(loaded) == figures(original)


def test_nul_bytes_in_one_comment_give_the_same_nps(original: LoadedSurvey) -> None:
    lines = SAMPLE_BYTES.split(b"\n")
    assert b",Bra.," in lines[1]
    lines[1] = lines[1].replace(b",Bra.,", b",B\x00\x00r\x00a\x00.\x00\x00,")
    assert lines[1].count(b"\x00") == 6
    loaded = load_survey(io.BytesIO(b"\n".join(lines)), filename="nul.csv")
    assert figures(loaded) == figures(original)
    assert loaded.report.rows_used == original.report.rows_used
    assert "control character(s) (NUL or similar, not text) were removed from 1 row(s): 2;" in (
        " ".join(loaded.warnings)
    )


def test_mostly_nul_bytes_are_still_binary() -> None:
    with pytest.raises(InputError, match="binary data"):
        load_survey(io.BytesIO(SAMPLE_BYTES[:300] + b"\x00" * 2000), filename="b.csv")


@st.composite
def mutations(draw: st.DrawFn) -> bytes:
    data = bytearray(SAMPLE_BYTES[: draw(st.integers(200, len(SAMPLE_BYTES)))])
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "delete", "insert", "nul", "control"]))
        at = draw(st.integers(0, len(data) - 1)) if data else 0
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "delete" and data:
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif kind == "nul":
            data[at:at] = b"\x00" * draw(st.integers(1, 40))
        else:
            data[at:at] = bytes(draw(st.lists(st.integers(1, 31), min_size=1, max_size=10)))
    return bytes(data)


@given(data=mutations())
@settings(
    max_examples=40, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow]
)
def test_byte_mutations_of_the_sample_load_or_fail_clearly(data: bytes) -> None:
    with time_limit(10):
        try:
            loaded = load_survey(io.BytesIO(data), filename="mutated.csv")
        except InputError as exc:
            assert str(exc).strip()
            return
    report = loaded.report
    assert report.rows_used == len(loaded.frame) > 0
    assert report.rows_read == report.rows_used + len(report.skipped)


def test_nul_comment_reads_as_the_clean_comment(original: LoadedSurvey) -> None:
    data = SAMPLE_BYTES.replace(b",Bra.,", b",B\x00\x00r\x00a\x00.\x00\x00,", 1)
    loaded = load_survey(io.BytesIO(data), filename="nul.csv")
    assert loaded.frame["comment"][0] == original.frame["comment"][0] == "Bra."


# --- title rows and period formats ---------------------------------------------------------

_TITLE = st.lists(
    st.lists(
        st.sampled_from(
            ["", "NPS-undersøkelse 2025 – eksport", "Filter: alla", "Exported 2025-12-01", "Notes"]
        ),
        min_size=1,
        max_size=2,
    ),
    max_size=3,
)
_PERIODS = {
    "%Y-%m": "month",
    "%Y/%m": "month",
    "%m/%Y": "month",
    "%b %Y": "month",
    "q": "quarter",
    "Qy": "quarter",
    "w": "week",
}
_NB_MONTHS = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]


def write_period(day: pd.Timestamp, style: str) -> str:
    if style == "q":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if style == "Qy":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    if style == "w":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if style == "nb":
        return f"{_NB_MONTHS[day.month - 1]} {day.year}"
    return day.strftime(style)


@given(
    titles=_TITLE,
    style=st.sampled_from([*_PERIODS, "nb"]),
    sep=st.sampled_from([",", ";", "\t"]),
    header=st.sampled_from(["Month", "Månad", "Måned", "Period", "Kvartal", "Vecka", "Uke", "Tid"]),
)
@settings(
    max_examples=40, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow]
)
def test_title_rows_and_period_formats(
    titles: list[list[str]], style: str, sep: str, header: str, original: LoadedSurvey
) -> None:
    frame = original.frame.head(120)
    periods = [write_period(pd.Timestamp(d), style) for d in frame["submitted_at"]]
    table = pd.DataFrame({"Score": frame["score"], header: periods, "Comment": frame["comment"]})
    head = "".join(sep.join(row) + "\n" for row in titles)
    data = head + table.to_csv(index=False, sep=sep)
    loaded = load_survey(io.BytesIO(data.encode()), filename="p.csv")
    assert loaded.header_row == len(titles) + 1
    assert loaded.report.mapping.date == header
    assert loaded.report.rows_used == 120
    granularity = _PERIODS.get(style, "month")
    assert loaded.time_granularity == granularity
    if granularity == "month":
        assert [p.period for p in nps_by_month(loaded.frame)] == [
            p.period for p in nps_by_month(frame)
        ]
    else:
        assert nps_by_month(loaded.frame) == []
