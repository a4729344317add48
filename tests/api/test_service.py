"""The service end to end on SQLite and PostgreSQL: upload, commit, job, dashboards, exports."""

from __future__ import annotations

import csv
import io
import json
import logging
import time

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from voc.logs import make_handler
from voc.nlp.langid import detect
from voc.store import Store

from .conftest import Tenant

SECRET = "Hemlig kommentar om fakturan zq9x"
EXPORT = (
    "Response ID,Date,Score,Comment,Office\n"
    "1,2026-01-05,10,Kunnig personal mycket kompetent,Malmö\n"
    "2,2026-01-06,3,Fel på fakturan igen fel belopp,Malmö\n"
    "3,2026-01-09,2,Felaktig faktura igen,Oslo\n"
    "4,2026-02-01,8,,Oslo\n"
    "5,2026-02-02,nine,Bra,Oslo\n"
    f"6,2026-02-03,4,{SECRET},Malmö\n"
    "7,2026-02-05,9,Very competent and knowledgeable staff,Oslo\n"
).encode()


def upload(client: TestClient, tenant: Tenant, body: bytes = EXPORT) -> dict:
    response = client.post(
        "/v1/uploads",
        files={"file": ("export.csv", body, "text/csv")},
        headers=tenant.headers("analyst"),
    )
    assert response.status_code == 201, response.text
    return response.json()


def wait_for(client: TestClient, tenant: Tenant, job_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}", headers=tenant.headers("viewer")).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def analysed(client: TestClient, tenant: Tenant, body: bytes = EXPORT) -> tuple[str, str]:
    """Upload, commit and analyse ``body`` (EXPORT); (upload id, job id)."""
    upload_id = upload(client, tenant, body)["upload"]["id"]
    commit = client.post(f"/v1/uploads/{upload_id}/commit", headers=tenant.headers("analyst"))
    assert commit.status_code == 200, commit.text
    job = client.post("/v1/jobs", json={"upload_id": upload_id}, headers=tenant.headers("analyst"))
    assert job.status_code == 202, job.text
    done = wait_for(client, tenant, job.json()["id"])
    assert done["status"] == "succeeded", done
    return upload_id, done["id"]


def test_upload_previews_the_mapping_before_commit(service: TestClient, tenant_a: Tenant) -> None:
    preview = upload(service, tenant_a)
    assert preview["upload"]["status"] == "pending"
    assert preview["detected"]["score"] == "Score"
    assert preview["detected"]["comment"] == "Comment"
    assert preview["rows_read"] == 7 and preview["rows_used"] == 6 and preview["skipped"] == 1
    assert preview["first_skipped"][0]["value"] == "nine"
    assert preview["preview"][0]["segments"] == {"Office": "Malmö"}
    # Nothing is stored as responses before commit.
    nps = service.get("/v1/results/nps", headers=tenant_a.headers("viewer")).json()
    assert nps["overall"]["n"] == 0
    # An empty workspace has no score: null, never a 0 a dashboard would draw.
    assert nps["overall"]["nps"] is None and nps["overall"]["ci_low"] is None
    assert nps["periods"] == []


def test_commit_with_a_corrected_mapping(service: TestClient, tenant_a: Tenant) -> None:
    upload_id = upload(service, tenant_a)["upload"]["id"]
    response = service.post(
        f"/v1/uploads/{upload_id}/commit",
        json={"segment_cols": []},
        headers=tenant_a.headers("analyst"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "committed" and body["rows_used"] == 6
    assert body["mapping"]["segments"] == []
    again = service.post(f"/v1/uploads/{upload_id}/commit", headers=tenant_a.headers("analyst"))
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_job_progress_and_dashboard_results(service: TestClient, tenant_a: Tenant) -> None:
    _, job_id = analysed(service, tenant_a)
    headers = tenant_a.headers("viewer")
    job = service.get(f"/v1/jobs/{job_id}", headers=headers).json()
    assert job["progress_percent"] == 100 and job["stage"] == "done" and job["attempts"] == 1

    nps = service.get("/v1/results/nps", headers=headers).json()
    assert nps["overall"]["n"] == 6
    assert [p["period"] for p in nps["periods"]] == ["2026-01", "2026-02"]
    assert nps["overall"]["ci_low"] < nps["overall"]["nps"] < nps["overall"]["ci_high"]
    oslo = service.get("/v1/results/nps?segment=Office:Oslo", headers=headers).json()
    assert oslo["overall"]["n"] == 3
    feb = service.get("/v1/results/nps?period_from=2026-02", headers=headers).json()
    assert feb["overall"]["n"] == 3

    themes = service.get("/v1/results/themes", headers=headers).json()
    billing = next(t for t in themes if t["n_comments"] and t["theme_id"] == "billing")
    assert billing["impact"] < 0 and billing["impact_ci_low"] <= billing["impact"]

    page = service.get(
        "/v1/results/comments?theme=billing&sort=score_asc&page_size=1", headers=headers
    ).json()
    assert page["total"] >= 2 and len(page["items"]) == 1
    first = page["items"][0]
    assert first["score"] == 2 and any(h["theme_id"] == "billing" for h in first["themes"])
    assert first["language"] == "sv"

    report = service.get(f"/v1/jobs/{job_id}/report", headers=headers).json()
    assert report["nps"]["n"] == 6 and report["load"]["rows_read"] == 7

    areas = service.get("/v1/results/improvement-areas", headers=headers)
    assert areas.status_code == 200, areas.text


def test_dashboard_impacts_are_the_reports(service: TestClient, tenant_a: Tenant) -> None:
    # The API aggregates counts in SQL, the report counts its arrays: same counts, same seed,
    # so the same impact and the same bootstrap interval.
    upload_id, job_id = analysed(service, tenant_a)
    headers = tenant_a.headers("viewer")
    report = service.get(f"/v1/jobs/{job_id}/report", headers=headers).json()
    themes = service.get(f"/v1/results/themes?upload_id={upload_id}", headers=headers).json()
    fields = ("n_comments", "share", "impact", "impact_ci_low", "impact_ci_high")
    by_api = {t["theme_id"]: tuple(t[f] for f in fields) for t in themes}
    by_report = {t["theme_id"]: tuple(t[f] for f in fields) for t in report["theme_impacts"]}
    assert by_api == by_report and any(v[0] > 0 for v in by_api.values())
    # A theme nobody mentions has no impact to estimate: null, never a measured 0.
    unmentioned = [t for t in themes if t["n_comments"] == 0]
    assert unmentioned and all(t["impact"] is None for t in unmentioned)
    assert all(t["nps_with"]["nps"] is None for t in unmentioned)
    html = service.get(f"/v1/jobs/{job_id}/report", headers=headers)
    assert html.status_code == 200


def test_exports_csv_and_xlsx(service: TestClient, tenant_a: Tenant) -> None:
    analysed(service, tenant_a)
    headers = tenant_a.headers("viewer")
    response = service.get("/v1/exports/comments.csv?segment=Office:Malmö", headers=headers)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["response_id"] for r in rows} == {"1", "2", "6"}
    assert "billing" in next(r for r in rows if r["response_id"] == "2")["themes"]
    xlsx = service.get("/v1/exports/comments.xlsx", headers=headers)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.max_row == 7  # header + 6 responses


TAXONOMY = """
version: "7"
name: tiny
themes:
  - id: billing
    group: money
    labels: {en: Billing}
    seeds:
      negative:
        sv: [fel på fakturan, felaktig faktura]
  - id: staff
    group: people
    labels: {en: Staff}
    seeds:
      positive:
        sv: [kunnig personal]
"""


def test_taxonomy_is_versioned_and_used_by_classify(service: TestClient, tenant_a: Tenant) -> None:
    default = service.get("/v1/taxonomy", headers=tenant_a.headers("viewer")).json()
    assert default["number"] == 0 and default["name"] == "default-b2b-service"
    put = service.put(
        "/v1/taxonomy", json={"content": TAXONOMY}, headers=tenant_a.headers("analyst")
    )
    assert put.status_code == 200, put.text
    assert put.json()["number"] == 1 and [t["id"] for t in put.json()["themes"]] == [
        "billing",
        "staff",
    ]
    second = service.put(
        "/v1/taxonomy", json={"content": TAXONOMY}, headers=tenant_a.headers("analyst")
    )
    assert second.json()["number"] == 2
    versions = service.get("/v1/taxonomy/versions", headers=tenant_a.headers("viewer")).json()
    assert [v["number"] for v in versions] == [1, 2]
    result = service.post(
        "/v1/classify",
        json={"text": "Fel på fakturan igen", "score": 3},
        headers=tenant_a.headers("viewer"),
    ).json()
    assert result["taxonomy_version"] == "tiny@7"
    assert result["nps_group"] == "detractor"
    assert result["language"] == detect(["Fel på fakturan igen"], prior="survey")[0].lang
    assert [t["theme_id"] for t in result["themes"]] == ["billing"]


def test_invalid_taxonomy_is_problem_json(service: TestClient, tenant_a: Tenant) -> None:
    response = service.put(
        "/v1/taxonomy", json={"content": "themes: [1"}, headers=tenant_a.headers("admin")
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_classify_with_the_default_taxonomy(service: TestClient, tenant_a: Tenant) -> None:
    response = service.post(
        "/v1/classify", json={"text": "Kunnig personal"}, headers=tenant_a.headers("viewer")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["nps_group"] is None
    assert body["language"] == detect(["Kunnig personal"], prior="survey")[0].lang
    assert body["taxonomy_version"].startswith("default-b2b-service@")


def test_keys_need_to_be_valid(service: TestClient, tenant_a: Tenant) -> None:
    missing = service.get("/v1/uploads")
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert service.get("/v1/uploads", headers={"X-API-Key": "voc_nope"}).status_code == 401
    created = service.post(
        "/v1/keys", json={"role": "viewer", "name": "tv"}, headers=tenant_a.headers("admin")
    )
    assert created.status_code == 201
    key = created.json()
    assert service.get("/v1/uploads", headers={"X-API-Key": key["key"]}).status_code == 200
    service.delete(f"/v1/keys/{key['id']}", headers=tenant_a.headers("admin"))
    assert service.get("/v1/uploads", headers={"X-API-Key": key["key"]}).status_code == 401


def test_keys_are_hashed_at_rest(service: TestClient, store: Store, tenant_a: Tenant) -> None:
    from sqlalchemy import text

    with store.engine.connect() as connection:
        stored = [tuple(r) for r in connection.execute(text("SELECT * FROM api_keys"))]
    flat = " ".join(str(v) for row in stored for v in row)
    assert stored and all(key not in flat for key in tenant_a.keys.values())


def test_limits_on_upload_size_and_rows(fast_settings, fast_analyzer, database_url) -> None:  # type: ignore[no-untyped-def]
    from voc.api.main import create_app

    settings = fast_settings.model_copy(update={"max_upload_mb": 1, "max_rows": 3})
    with TestClient(create_app(settings, analyzer=fast_analyzer)) as client:
        store: Store = client.app.state.store  # type: ignore[attr-defined]
        tenant = _tenant(store)
        big = b"Score,Comment\n" + b"9,bra\n" * 200_000
        response = client.post(
            "/v1/uploads", files={"file": ("big.csv", big, "text/csv")}, headers=tenant
        )
        assert response.status_code == 413 and "1 MB limit" in response.json()["detail"]
        response = client.post(
            "/v1/uploads", files={"file": ("e.csv", EXPORT, "text/csv")}, headers=tenant
        )
        assert response.status_code == 413 and "VOC_MAX_ROWS" in response.json()["detail"]


def _tenant(store: Store) -> dict[str, str]:
    ws = store.create_workspace("limits")
    return {"X-API-Key": store.create_key(ws.id, "analyst")[1]}


def test_no_comment_text_in_logs(
    service: TestClient, tenant_a: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    as_json = io.StringIO()
    handler = make_handler("json", as_json)  # what `voc serve` / `voc worker` write
    logging.getLogger().addHandler(handler)
    try:
        analysed(service, tenant_a)
        viewer = {**tenant_a.headers("viewer"), "X-Request-ID": "req-42"}
        classified = service.post("/v1/classify", json={"text": SECRET}, headers=viewer)
        service.post("/v1/classify", json={"text": "x" * 20_000}, headers=viewer)
    finally:
        logging.getLogger().removeHandler(handler)
    assert classified.headers["X-Request-ID"] == "req-42"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET /v1/jobs/" in logged  # the access log is on
    assert "zq9x" not in logged and "xxxxxxxx" not in logged

    lines = [json.loads(line) for line in as_json.getvalue().splitlines()]
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    access = [line for line in lines if line["logger"] == "voc.api.access"]
    assert all(line["workspace_id"] == tenant_a.workspace_id for line in access)
    given = [line for line in access if line["request_id"] == "req-42"]
    fresh = {line["request_id"] for line in access} - {"req-42"}
    assert len(given) == 2 and len(fresh) == len(access) - 2  # a new id for every other request
    jobs = [line for line in lines if line["logger"] == "voc.jobs.tasks"]
    assert jobs and all(line["job_id"] and line["workspace_id"] for line in jobs)
    assert "zq9x" not in as_json.getvalue() and "xxxxxxxx" not in as_json.getvalue()


def test_readyz_and_cors(fast_settings, fast_analyzer) -> None:  # type: ignore[no-untyped-def]
    from voc.api.main import create_app

    settings = fast_settings.model_copy(update={"cors_origins": ["https://portal.example"]})
    with TestClient(create_app(settings, analyzer=fast_analyzer)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["database"] == "ok"
        preflight = client.options(
            "/v1/results/nps",
            headers={
                "Origin": "https://portal.example",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "X-API-Key",
            },
        )
        assert preflight.headers["access-control-allow-origin"] == "https://portal.example"


def test_unknown_route_is_problem_json(service: TestClient) -> None:
    response = service.get("/v1/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_alerts_of_a_finished_job(service: TestClient, tenant_a: Tenant) -> None:
    body = (
        "Response ID,Date,Score,Comment,Office\n"
        "1,2026-01-05,10,Kunnig personal,Malmö\n"
        "2,2026-01-06,2,Vi kommer att säga upp avtalet efter detta,Malmö\n"
        "3,2026-01-09,9,Bra service,Oslo\n"
    ).encode()
    upload_id = upload(service, tenant_a, body)["upload"]["id"]
    analyst = tenant_a.headers("analyst")
    assert service.post(f"/v1/uploads/{upload_id}/commit", headers=analyst).status_code == 200
    job = service.post("/v1/jobs", json={"upload_id": upload_id}, headers=analyst).json()
    assert wait_for(service, tenant_a, job["id"])["status"] == "succeeded"
    alerts = service.get(f"/v1/jobs/{job['id']}/alerts", headers=tenant_a.headers("viewer"))
    assert alerts.status_code == 200, alerts.text
    churn = [a for a in alerts.json() if a["kind"] == "churn_risk"]
    assert [a["response_id"] for a in churn] == ["2"]
    assert "säga upp" in churn[0]["reason"]
