"""CSAT dashboard routes on SQLite and PostgreSQL: hand-counted figures, never pooled with NPS."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from voc.store import Store

from .conftest import Tenant
from .test_service import upload, wait_for

FIXTURE = Path(__file__).parents[1] / "fixtures" / "kundtjanst_csat.csv"
CSAT_HEADER = "Hur nöjd är du med hjälpen du fick? (1-5)"
# Both questions on each row; row 6 skipped its CSAT answer, row 7 its NPS score.
TWO_QUESTIONS = (
    "Svar ID,Datum,Hur troligt är det att du skulle rekommendera oss? (0-10),"
    "Hur nöjd är du med hjälpen? (1-5),Kommentar,Kanal\n"
    "1,2025-03-03,10,5,Kunnig och trevlig personal,Telefon\n"
    "2,2025-03-05,2,1,Fel på fakturan igen fel belopp,Chatt\n"
    "3,2025-03-09,3,2,Felaktig faktura och lång väntetid,Telefon\n"
    "4,2025-04-01,9,4,Snabb hjälp,Chatt\n"
    "5,2025-04-02,7,3,,Telefon\n"
    "6,2025-04-03,8,,Okej,Chatt\n"
    "7,2025-04-04,,5,Mycket bra,Telefon\n"
).encode()


def _commit_and_analyse(client: TestClient, tenant: Tenant, body: bytes, name: str) -> str:
    response = client.post(
        "/v1/uploads",
        files={"file": (name, body, "text/csv")},
        headers=tenant.headers("analyst"),
    )
    assert response.status_code == 201, response.text
    upload_id = response.json()["upload"]["id"]
    commit = client.post(f"/v1/uploads/{upload_id}/commit", headers=tenant.headers("analyst"))
    assert commit.status_code == 200, commit.text
    job = client.post("/v1/jobs", json={"upload_id": upload_id}, headers=tenant.headers())
    assert job.status_code == 202, job.text
    done = wait_for(client, tenant, job.json()["id"])
    assert done["status"] == "succeeded", done
    return upload_id


def _hand_count(channel: str | None = None) -> tuple[int, int, int]:
    """(n, sum of answers, answers 4-5) of the fixture, counted here with the csv module."""
    with FIXTURE.open(encoding="utf-8") as f:
        answers = [
            int(r[CSAT_HEADER])
            for r in csv.DictReader(f, delimiter=";")
            if channel is None or r["Kanal"] == channel
        ]
    return len(answers), sum(answers), sum(a >= 4 for a in answers)


def test_an_empty_workspace_has_no_csat(service: TestClient, tenant_a: Tenant) -> None:
    headers = tenant_a.headers("viewer")
    body = service.get("/v1/results/csat", headers=headers).json()
    assert body["scale"] is None and body["periods"] == []
    overall = body["overall"]
    assert overall["n"] == 0
    # No answers give no CSAT: null, never a 0 a dashboard would draw.
    assert overall["mean"] is None and overall["share_satisfied"] is None
    assert overall["ci_low"] is None and overall["share_ci_low"] is None
    assert service.get("/v1/results/csat/themes", headers=headers).json() == []
    assert service.get("/v1/results/csat/improvement-areas", headers=headers).json() == []


def test_csat_upload_gives_hand_counted_csat_and_no_nps(
    service: TestClient, tenant_a: Tenant
) -> None:
    _commit_and_analyse(service, tenant_a, FIXTURE.read_bytes(), "kundtjanst.csv")
    headers = tenant_a.headers("viewer")
    body = service.get("/v1/results/csat", headers=headers).json()
    n, total, satisfied = _hand_count()
    overall = body["overall"]
    assert body["scale"] == "1-5" and overall["n"] == n == 24
    assert overall["mean"] == pytest.approx(total / n, abs=1e-3)
    assert overall["satisfied"] == satisfied == 15
    assert overall["share_satisfied"] == pytest.approx(satisfied / n, abs=1e-4)
    assert overall["ci_low"] < overall["mean"] < overall["ci_high"]
    assert overall["share_ci_low"] < overall["share_satisfied"] < overall["share_ci_high"]
    assert [p["period"] for p in body["periods"]] == ["2025-01", "2025-02"]
    assert sum(p["estimate"]["n"] for p in body["periods"]) == n

    phone = service.get("/v1/results/csat?segment=Kanal:Telefon", headers=headers).json()
    n, total, satisfied = _hand_count("Telefon")
    assert phone["overall"]["n"] == n == 10 and phone["overall"]["satisfied"] == satisfied
    assert phone["overall"]["mean"] == pytest.approx(total / n, abs=1e-3)
    jan = service.get("/v1/results/csat?period_to=2025-01", headers=headers).json()
    assert jan["overall"]["n"] == body["periods"][0]["estimate"]["n"]

    # None of it is in the NPS figures: no NPS, and no theme counts of CSAT comments.
    nps = service.get("/v1/results/nps", headers=headers).json()
    assert nps["overall"]["n"] == 0 and nps["overall"]["nps"] is None
    for theme in service.get("/v1/results/themes", headers=headers).json():
        assert theme["n_comments"] == 0 and theme["impact"] is None
        assert theme["positive"] == theme["negative"] == theme["neutral"] == 0


def test_csat_theme_impacts_are_the_reports(service: TestClient, tenant_a: Tenant) -> None:
    # The route aggregates answer counts in SQL, the report counts its arrays: same counts,
    # same seed, so the same impacts and bootstrap intervals.
    upload_id = _commit_and_analyse(service, tenant_a, FIXTURE.read_bytes(), "kundtjanst.csv")
    headers = tenant_a.headers("viewer")
    job = service.get("/v1/jobs", headers=headers).json()[0]
    report = service.get(f"/v1/jobs/{job['id']}/report", headers=headers).json()
    themes = service.get(f"/v1/results/csat/themes?upload_id={upload_id}", headers=headers)
    assert themes.status_code == 200, themes.text
    fields = ("n_comments", "share", "impact", "impact_ci_low", "impact_ci_high", "share_impact")
    by_api = {t["theme_id"]: tuple(t[f] for f in fields) for t in themes.json()}
    by_report = {t["theme_id"]: tuple(t[f] for f in fields) for t in report["csat_theme_impacts"]}
    assert by_api == by_report
    assert any(v[0] for v in by_api.values())
    areas = service.get("/v1/results/csat/improvement-areas", headers=headers)
    assert areas.status_code == 200, areas.text
    assert [a["theme"]["theme_id"] for a in areas.json()] == report["improvement_areas"][:5]
    for area in areas.json():
        assert area["theme"]["impact"] < 0
        assert all(q["csat_score"] < 4 for q in area["quotes"])


def test_an_export_asking_both_questions_gives_both_results(
    service: TestClient, store: Store, tenant_a: Tenant
) -> None:
    upload_id = _commit_and_analyse(service, tenant_a, TWO_QUESTIONS, "both.csv")
    headers = tenant_a.headers("viewer")
    nps = service.get("/v1/results/nps", headers=headers).json()["overall"]
    # Rows 1-6 have an NPS score: promoters 10, 9; passives 7, 8; detractors 2, 3.
    assert nps["n"] == 6 and nps["nps"] == pytest.approx(0.0)
    csat = service.get("/v1/results/csat", headers=headers).json()
    # CSAT answers of the stored rows 1-5 (row 6 has none; row 7 has no NPS, not stored).
    assert csat["scale"] == "1-5" and csat["overall"]["n"] == 5
    assert csat["overall"]["mean"] == pytest.approx((5 + 1 + 2 + 4 + 3) / 5, abs=1e-3)
    assert csat["overall"]["satisfied"] == 2
    assert [p["period"] for p in csat["periods"]] == ["2025-03", "2025-04"]
    # Filters combine the two: CSAT of the NPS detractors.
    detractors = service.get("/v1/results/csat?nps_group=detractor", headers=headers).json()
    assert detractors["overall"]["n"] == 2 and detractors["overall"]["mean"] == 1.5
    # The CSAT column is a score, never a segment; the comment rows carry both answers.
    comments = service.get("/v1/results/comments?sort=row", headers=headers).json()["items"]
    assert [(c["score"], c["csat_score"]) for c in comments][:2] == [(10, 5), (2, 1)]
    upload_out = service.get(f"/v1/uploads/{upload_id}", headers=headers).json()
    assert upload_out["mapping"]["segments"] == ["Kanal"]
    with store.workspace(tenant_a.workspace_id) as repo:
        warnings = repo.get_upload(upload_id).warnings
    assert any("two questions" in w for w in warnings)
    assert any("1 rows answer the CSAT question" in w and "rows 8" in w for w in warnings)
    # The job analysed the comments once; the CSAT themes use the same assignments.
    themes = service.get("/v1/results/csat/themes", headers=headers).json()
    assert sum(t["n_comments"] for t in themes) > 0


def test_rows_of_a_csat_survey_beside_nps_rows_are_not_pooled(
    service: TestClient, tenant_a: Tenant
) -> None:
    lines = ["Response ID,Date,Score,Comment,Survey"]
    lines += [f"n{i},2025-05-0{1 + i % 9},{s},,Relation NPS" for i, s in enumerate([10, 9, 2, 8])]
    lines += [f"c{i},2025-05-1{i % 9},{s},,CSAT support" for i, s in enumerate([5, 4, 1])]
    upload_id = upload(service, tenant_a, "\n".join(lines).encode())["upload"]["id"]
    commit = service.post(f"/v1/uploads/{upload_id}/commit", headers=tenant_a.headers("analyst"))
    assert commit.status_code == 200, commit.text
    headers = tenant_a.headers("viewer")
    nps = service.get("/v1/results/nps", headers=headers).json()["overall"]
    assert nps["n"] == 4
    csat = service.get("/v1/results/csat", headers=headers).json()["overall"]
    assert csat["n"] == 3 and csat["mean"] == pytest.approx(10 / 3, abs=1e-3)
    # The job's report is the NPS survey alone: the CSAT rows are left out and said so.
    job = service.post("/v1/jobs", json={"upload_id": upload_id}, headers=tenant_a.headers())
    assert job.status_code == 202, job.text
    assert wait_for(service, tenant_a, job.json()["id"])["status"] == "succeeded"
    report = service.get(f"/v1/jobs/{job.json()['id']}/report", headers=headers).json()
    assert report["metric"] == "nps" and report["nps"]["n"] == 4
    assert any("3 CSAT responses" in w for w in report["warnings"])


def test_two_csat_scales_are_never_pooled(service: TestClient, tenant_a: Tenant) -> None:
    _commit_and_analyse(service, tenant_a, FIXTURE.read_bytes(), "kundtjanst.csv")
    seven = "Svar ID;Datum;Hur nöjd är du? (1-7);Kommentar\n" + "".join(
        f"x{i};2025-06-0{1 + i};{s};\n" for i, s in enumerate([7, 6, 2])
    )
    upload_id = upload(service, tenant_a, seven.encode())["upload"]["id"]
    commit = service.post(f"/v1/uploads/{upload_id}/commit", headers=tenant_a.headers("analyst"))
    assert commit.status_code == 200, commit.text
    headers = tenant_a.headers("viewer")
    for path in ("/v1/results/csat", "/v1/results/csat/themes"):
        both = service.get(path, headers=headers)
        assert both.status_code == 409, both.text
        assert both.headers["content-type"] == "application/problem+json"
        assert "scale=1-5 or scale=1-7" in both.json()["detail"]
    seven_only = service.get("/v1/results/csat?scale=1-7", headers=headers).json()
    assert seven_only["scale"] == "1-7" and seven_only["overall"]["n"] == 3
    assert seven_only["overall"]["satisfied"] == 2 and seven_only["overall"]["top_box_min"] == 6
    five = service.get("/v1/results/csat?scale=1-5", headers=headers).json()
    assert five["overall"]["n"] == 24


def test_csat_results_stay_in_their_workspace(
    service: TestClient, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    upload_b = _commit_and_analyse(service, tenant_b, FIXTURE.read_bytes(), "kundtjanst.csv")
    headers = tenant_a.headers("viewer")
    assert service.get("/v1/results/csat", headers=headers).json()["overall"]["n"] == 0
    assert service.get("/v1/results/csat/themes", headers=headers).json() == []
    assert service.get("/v1/results/csat/improvement-areas", headers=headers).json() == []
    by_id = service.get(f"/v1/results/csat?upload_id={upload_b}", headers=headers)
    assert by_id.status_code == 404
    own = service.get("/v1/results/csat", headers=tenant_b.headers("viewer")).json()
    assert own["overall"]["n"] == 24
