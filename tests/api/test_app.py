from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from voc.api.main import create_app
from voc.config import Settings

CSV = (
    "Response ID,Date,Score,Comment,Office\n"
    "1,2026-01-05,10,Kunnig personal,Malmö\n"
    "2,2026-01-06,3,Fel på fakturan igen,Malmö\n"
    "3,2026-02-01,8,,Oslo\n"
    "4,2026-02-02,nine,Bra,Oslo\n"
).encode()


@pytest.fixture()
def client(fast_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(fast_settings)) as test_client:
        yield test_client


def test_healthz_reports_model_and_taxonomy(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["embedding_model"].startswith("hashing")
    assert body["taxonomy_version"].startswith("default-b2b-service@")


def test_upload_returns_the_report(client: TestClient) -> None:
    response = client.post("/v1/analyses", files={"file": ("export.csv", CSV, "text/csv")})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["nps"]["n"] == 3 and report["nps"]["nps"] == 0.0
    assert report["load"]["skipped"][0]["row"] == 5
    assert report["load"]["skipped"][0]["value"] == "nine"
    assert len(report["comment_results"]) == 3


def test_column_override_form_field(client: TestClient) -> None:
    body = "A;B;C\nx;9;Bra\ny;2;Dåligt\n".encode()
    response = client.post(
        "/v1/analyses",
        files={"file": ("e.csv", body, "text/csv")},
        data={"score_col": "B", "comment_col": "C"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["load"]["mapping"]["score"] == "B"


def test_bad_upload_is_problem_json(client: TestClient) -> None:
    response = client.post(
        "/v1/analyses", files={"file": ("e.pdf", b"%PDF-1.4", "application/pdf")}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and "unsupported file type" in problem["detail"]


def test_upload_over_the_size_limit_is_refused(fast_settings: Settings) -> None:
    settings = fast_settings.model_copy(update={"max_upload_mb": 1})
    with TestClient(create_app(settings)) as small_client:
        big = b"Score,Comment\n" + b"9,bra\n" * 200_000
        response = small_client.post("/v1/analyses", files={"file": ("big.csv", big, "text/csv")})
    assert response.status_code == 422
    assert "1 MB limit" in response.json()["detail"]


def test_missing_file_field_is_problem_json(client: TestClient) -> None:
    response = client.post("/v1/analyses")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_openapi_documents_the_routes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/healthz", "/v1/analyses"} <= set(spec["paths"])
    assert "Report" in spec["components"]["schemas"]
