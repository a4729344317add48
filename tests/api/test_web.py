from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from voc.api.main import create_app
from voc.api.routers.analyses import _wants_html
from voc.config import Settings

CSV = (
    "Response ID,Date,Score,Comment,Office\n"
    "1,2026-01-05,10,Kunnig personal,Malmö\n"
    "2,2026-01-06,3,Fel på fakturan igen,Malmö\n"
    "3,2026-02-01,8,<script>alert(1)</script>,Oslo\n"
).encode()


@pytest.fixture()
def client(fast_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(fast_settings)) as test_client:
        yield test_client


def test_the_upload_page_posts_to_the_analyses_route(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert 'fetch("v1/analyses"' in page and 'type="file"' in page
    # The page is for people: it stays out of the API's schema.
    assert "/" not in client.get("/openapi.json").json()["paths"]


def test_analyses_answer_html_to_a_browser(client: TestClient) -> None:
    response = client.post(
        "/v1/analyses",
        files={"file": ("export.csv", CSV, "text/csv")},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "Fel på fakturan igen" in response.text
    # Comment text is escaped, never executed.
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_analyses_still_answer_json_by_default(client: TestClient) -> None:
    response = client.post("/v1/analyses", files={"file": ("export.csv", CSV, "text/csv")})
    assert response.headers["content-type"] == "application/json"
    assert response.json()["nps"]["n"] == 3


def test_problems_stay_problem_json_for_the_page(client: TestClient) -> None:
    response = client.post(
        "/v1/analyses",
        files={"file": ("export.csv", b"a,b\n1,2\n", "text/csv")},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html", True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("application/json", False),
        ("", False),
        ("*/*", False),
        ("application/json, text/html", False),
        ("application/json;q=0.5, text/html", True),
        ("text/html;q=0", False),
        ("text/html;q=abc", False),
    ],
)
def test_content_negotiation(accept: str, html: bool) -> None:
    assert _wants_html(accept) is html
