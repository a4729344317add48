from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from voc.api.ingest import read_upload, response_rows
from voc.config import Settings
from voc.io import LoadedSurvey
from voc.jobs.tasks import stored_survey
from voc.store.records import UploadRecord

EXPORT = (
    "ID,Date,Score,Well,Improve,Office\n"
    "a,2026-01-05 23:30,3,Fel på fakturan,Maila a@b.se,Malmö\n"
    "b,,9,Kunnig personal,,Oslo\n"
    "c,2026-02-01,tio,Bra,,Oslo\n"
    "d,2026-02-02,7,,Snabbare svar,\n"
).encode()


def _committed() -> tuple[LoadedSurvey, UploadRecord]:
    _, loaded = read_upload(EXPORT, "e.csv", None, Settings(embedding_model="hashing"))
    upload = UploadRecord(
        id="u",
        filename="e.csv",
        status="committed",
        size_bytes=len(EXPORT),
        rows_used=len(loaded.frame),
        created_at=datetime.now(UTC),
        load_report=loaded.report.model_dump(mode="json"),
        warnings=loaded.warnings,
    )
    return loaded, upload


def test_stored_rows_rebuild_the_frame_the_file_gives() -> None:
    loaded, upload = _committed()
    survey = stored_survey(upload, response_rows(loaded))
    pd.testing.assert_frame_equal(survey.frame, loaded.frame)
    assert survey.report == loaded.report
    assert "Maila [email]" in survey.frame["comment"][0] and survey.warnings == loaded.warnings


@pytest.mark.parametrize("zone", ["UTC", "Europe/Stockholm", None])
def test_times_come_back_as_naive_utc_whatever_zone_the_database_uses(zone: str | None) -> None:
    loaded, upload = _committed()
    rows = response_rows(loaded)
    if zone is None:  # SQLite: naive UTC
        rows = [
            replace(r, submitted_at=r.submitted_at and r.submitted_at.replace(tzinfo=None))
            for r in rows
        ]
    else:  # PostgreSQL: aware, in the session's zone
        rows = [
            replace(r, submitted_at=r.submitted_at and r.submitted_at.astimezone(ZoneInfo(zone)))
            for r in rows
        ]
    times = stored_survey(upload, rows).frame["submitted_at"]
    assert times[0] == pd.Timestamp("2026-01-05 23:30") and pd.isna(times[1])
