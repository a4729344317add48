"""Migration 0006_csat: CSAT rows stored before it get their answer and scale."""

from __future__ import annotations

import json

from sqlalchemy import text

from voc.store import Store


def test_migration_copies_csat_answers_of_older_uploads(database_url: str) -> None:
    store = Store(database_url)
    try:
        store.upgrade("0002")
        uploads = {  # id -> (load report, rows as (row, score, nps group))
            "five": ({"scale": "1-5"}, [(2, 4, ""), (3, 1, "")]),
            "seven": ({"scale": "auto"}, [(2, 6, ""), (3, 2, "")]),
            "nps": ({"scale": "0-10"}, [(2, 9, "promoter")]),
        }
        with store.engine.begin() as c:
            c.execute(text("INSERT INTO workspaces VALUES ('w', 'w', CURRENT_TIMESTAMP)"))
            for upload_id, (report, rows) in uploads.items():
                c.execute(
                    text(
                        "INSERT INTO uploads (id, workspace_id, filename, status, size_bytes, "
                        "load_report, rows_used, created_at) VALUES "
                        "(:id, 'w', 'f.csv', 'committed', 3, :report, 0, CURRENT_TIMESTAMP)"
                    ),
                    {"id": upload_id, "report": json.dumps(report)},
                )
                for row, score, group in rows:
                    c.execute(
                        text(
                            "INSERT INTO responses (workspace_id, upload_id, row, response_id, "
                            "score, nps_group, comment, segments) VALUES "
                            "('w', :upload, :row, :rid, :score, :grp, '', '{}')"
                        ),
                        {
                            "upload": upload_id,
                            "row": row,
                            "rid": f"{upload_id}{row}",
                            "score": score,
                            "grp": group,
                        },
                    )
        store.upgrade()
        with store.engine.connect() as c:
            found = {
                (u, r): (s, scale)
                for u, r, s, scale in c.execute(
                    text("SELECT upload_id, row, csat_score, csat_scale FROM responses")
                )
            }
        assert found == {
            ("five", 2): (4, "1-5"),
            ("five", 3): (1, "1-5"),
            # No CSAT scale in the report: 1-7 because an answer is above 5.
            ("seven", 2): (6, "1-7"),
            ("seven", 3): (2, "1-7"),
            ("nps", 2): (None, None),
        }
        store.downgrade("0002")
        store.upgrade()
    finally:
        store.dispose()
