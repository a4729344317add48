"""The web portal: sign-in, sessions on /v1, seller scope, CSRF, cases, pages, languages."""

from __future__ import annotations

import csv
import io
import re
import statistics
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from voc.cli import app as cli
from voc.config import Settings
from voc.store import Store, WorkspaceRepository
from voc.store.users import Accounts

from .conftest import Tenant
from .test_isolation import add_case
from .test_service import analysed, wait_for

SAMPLE = Path(__file__).parents[2] / "data" / "sample" / "nps_export.csv"
PASSWORD = "correct horse battery"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def sign_in(client: TestClient, workspace: str, email: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "workspace": workspace,
            "email": email,
            "password": password,
            "csrf_token": csrf_of(page.text),
            "next": "/app/",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def add_user(store: Store, tenant: Tenant, email: str, role: str, *scopes: str) -> None:
    accounts = Accounts(store)
    pairs = tuple(tuple(s.split("=", 1)) for s in scopes)
    accounts.create_user(tenant.workspace_id, email, PASSWORD, role, pairs)  # type: ignore[arg-type]


def workspace_name(store: Store, tenant: Tenant) -> str:
    with store.workspace(tenant.workspace_id) as repo:
        return repo.workspace().name


@pytest.fixture()
def seller(service: TestClient, store: Store, tenant_a: Tenant) -> TestClient:
    """Tenant A with the small export analysed and a seller for Oslo signed in."""
    analysed(service, tenant_a)
    add_user(store, tenant_a, "seller@example.com", "seller", "Office=Oslo")
    return sign_in(service, workspace_name(store, tenant_a), "seller@example.com")


def test_acceptance_flow_in_a_fresh_workspace(
    service: TestClient, fast_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's acceptance: keys create, upload/commit/analyse the sample via /v1,
    users create a seller, /app/ redirects, form sign-in, only Oslo's comments."""
    monkeypatch.setenv("VOC_DATABASE_URL", fast_settings.database_url)
    runner = CliRunner()
    made = runner.invoke(cli, ["keys", "create", "--workspace", "acme", "--role", "admin"])
    assert made.exit_code == 0, made.output
    key = made.output.strip().splitlines()[-1]
    headers = {"X-API-Key": key}
    sent = service.post(
        "/v1/uploads",
        files={"file": ("nps_export.csv", SAMPLE.read_bytes(), "text/csv")},
        headers=headers,
    )
    assert sent.status_code == 201, sent.text
    upload_id = sent.json()["upload"]["id"]
    assert service.post(f"/v1/uploads/{upload_id}/commit", headers=headers).status_code == 200
    job = service.post("/v1/jobs", json={"upload_id": upload_id}, headers=headers).json()
    tenant = Tenant(service.get("/v1/workspace", headers=headers).json()["id"], {"viewer": key})
    assert wait_for(service, tenant, job["id"], timeout=300)["status"] == "succeeded"

    monkeypatch.setenv("VOC_USER_PASSWORD", PASSWORD)
    user = runner.invoke(
        cli,
        [
            "users",
            "create",
            "--workspace",
            "acme",
            "--email",
            "seller@example.com",
            "--role",
            "seller",
            "--scope",
            "Office=Oslo",
        ],
    )
    assert user.exit_code == 0, user.output
    assert "seller seller@example.com" in user.output

    redirect = service.get("/app/", follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"].startswith("/login")
    sign_in(service, "acme", "seller@example.com")
    assert service.get("/app/").status_code == 200
    mine = service.get("/v1/results/comments", params={"page_size": 200}).json()
    assert "total" in mine, mine
    oslo = service.get(
        "/v1/results/comments",
        params={"segment": "Office:Oslo", "page_size": 1},
        headers=headers,
    ).json()
    everyone = service.get("/v1/results/comments", params={"page_size": 1}, headers=headers)
    assert mine["total"] == oslo["total"] > 0
    assert everyone.json()["total"] > mine["total"]
    assert {c["segments"]["Office"] for c in mine["items"]} == {"Oslo"}


def test_a_sellers_session_sees_only_its_scope_in_json_and_exports(seller: TestClient) -> None:
    comments = seller.get("/v1/results/comments").json()
    assert comments["total"] == 3  # the Oslo rows of the export (one Oslo row is skipped)
    assert {c["segments"]["Office"] for c in comments["items"]} == {"Oslo"}
    assert seller.get("/v1/results/nps").json()["overall"]["n"] == 3
    rows = list(
        csv.reader(io.StringIO(seller.get("/v1/exports/comments.csv").text.lstrip("\ufeff")))
    )
    office = rows[0].index("Office")
    assert [r[office] for r in rows[1:]] == ["Oslo"] * 3
    book = load_workbook(io.BytesIO(seller.get("/v1/exports/comments.xlsx").content))
    sheet = list(book.active.values)
    column = sheet[0].index("Office")
    assert {r[column] for r in sheet[1:]} == {"Oslo"}
    assert "Malmö" not in seller.get("/app/").text  # not even in the filter drop-downs


@pytest.mark.parametrize(
    "params",
    [
        {"segment": "Office:Malmö"},
        {"segment": ["Office:Oslo", "Office:Malmö"]},
        {"theme": "invoicing"},
        {"nps_group": "detractor"},
    ],
)
def test_query_parameters_cannot_widen_a_sellers_scope(
    seller: TestClient, service: TestClient, tenant_a: Tenant, params: dict[str, object]
) -> None:
    for path in ("/v1/results/comments", "/v1/exports/comments.csv", "/app/themes"):
        text = seller.get(path, params=params).text  # type: ignore[arg-type]
        assert "Malmö" not in text and "fakturan" not in text
    # The same filter with the admin key does reach Malmö's rows.
    full = service.get(
        "/v1/results/comments", params={"segment": "Office:Malmö"}, headers=tenant_a.headers()
    )
    assert full.json()["total"] > 0


def test_a_seller_reaches_only_routes_that_apply_its_scope(seller: TestClient) -> None:
    for path in ("/v1/uploads", "/v1/jobs", "/v1/keys", "/v1/taxonomy/versions"):
        response = seller.get(path)
        assert response.status_code == 403, path
    assert seller.get("/app/uploads").status_code == 403


def test_writes_with_a_session_need_the_csrf_token(
    service: TestClient, store: Store, tenant_a: Tenant
) -> None:
    add_user(store, tenant_a, "boss@example.com", "manager")
    sign_in(service, workspace_name(store, tenant_a), "boss@example.com")
    body = {"content": "version: 1"}
    refused = service.put("/v1/taxonomy", json=body)
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
    token = csrf_of(service.get("/app/").text)
    wrong = service.put("/v1/taxonomy", json=body, headers={"X-CSRF-Token": token + "x"})
    assert wrong.status_code == 403
    allowed = service.put("/v1/taxonomy", json=body, headers={"X-CSRF-Token": token})
    assert allowed.status_code == 422  # past auth and CSRF: the YAML itself is judged
    # An API key needs no CSRF token: nothing is sent by a browser on its own.
    keyed = service.put("/v1/taxonomy", json=body, headers=tenant_a.headers("analyst"))
    assert keyed.status_code == 422
    # The sign-in form itself: without its token nobody is signed in.
    service.cookies.clear()
    page = service.get("/login")
    forged = service.post(
        "/login",
        data={"workspace": "a", "email": "boss@example.com", "password": PASSWORD},
        follow_redirects=False,
    )
    assert page.status_code == 200 and forged.status_code == 403
    # A form post of the portal without the token changes nothing.
    sign_in(service, workspace_name(store, tenant_a), "boss@example.com")
    out = service.post("/logout", data={}, follow_redirects=False)
    assert out.status_code == 422
    assert service.get("/app/", follow_redirects=False).status_code == 200


def test_session_fixation_is_impossible(
    service: TestClient, store: Store, tenant_a: Tenant
) -> None:
    add_user(store, tenant_a, "v@example.com", "viewer")
    name = workspace_name(store, tenant_a)
    # A session id planted in the browser before sign-in (same domain as ours).
    service.get("/login")
    domain = next(c.domain for c in service.cookies.jar)
    service.cookies.set("voc_session", "attacker-chosen-value", domain=domain)
    sign_in(service, name, "v@example.com")
    first = service.cookies.get("voc_session")
    assert first and first != "attacker-chosen-value"
    # Signing in again replaces the session, and the old id stops working.
    sign_in(service, name, "v@example.com")
    second = service.cookies.get("voc_session")
    assert second != first
    for token, status in (("attacker-chosen-value", 401), (first, 401), (second, 200)):
        service.cookies.clear()
        service.cookies.set("voc_session", token, domain=domain)
        assert service.get("/v1/workspace").status_code == status
    # Signing out ends the session on the server, not only in the browser.
    page = service.get("/app/")
    service.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    service.cookies.set("voc_session", second, domain=domain)
    assert service.get("/v1/workspace").status_code == 401


def test_wrong_password_and_unknown_user_look_the_same(
    service: TestClient, store: Store, tenant_a: Tenant
) -> None:
    add_user(store, tenant_a, "known@example.com", "viewer")
    name = workspace_name(store, tenant_a)

    def attempt(email: str) -> tuple[int, str, float]:
        page = service.get("/login")
        started = time.perf_counter()
        response = service.post(
            "/login",
            data={"workspace": name, "email": email, "password": "wrong password!",
                  "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
        return response.status_code, re.sub(r'value="[^"]{20,}"', "", response.text), elapsed

    # Interleaved, so a busy machine slows both sides alike.
    pairs = [(attempt("known@example.com"), attempt(f"nobody{i}@example.com")) for i in range(4)]
    known = [k for k, _ in pairs]
    unknown = [u for _, u in pairs]
    assert {s for s, _, _ in known} == {s for s, _, _ in unknown} == {401}
    assert {b for _, b, _ in known} == {b for _, b, _ in unknown}  # one page, word for word
    known_t = statistics.median(t for _, _, t in known)
    unknown_t = statistics.median(t for _, _, t in unknown)
    # Both verify one argon2 hash (a dummy one for unknown users): the same order of time.
    # Without the dummy hash an unknown user answers ~100x faster, far outside these bounds
    # (wide because the test machine may be loaded by other work).
    assert 0.25 < unknown_t / known_t < 4.0, (known_t, unknown_t)


def test_repeated_failures_lock_the_address(
    service: TestClient, store: Store, tenant_a: Tenant
) -> None:
    add_user(store, tenant_a, "v@example.com", "viewer")
    name = workspace_name(store, tenant_a)
    for _ in range(5):
        page = service.get("/login")
        data = {"workspace": name, "email": "v@example.com", "password": "nope nope nope",
                "csrf_token": csrf_of(page.text)}  # fmt: skip
        assert service.post("/login", data=data).status_code == 401
    page = service.get("/login")
    data = {"workspace": name, "email": "v@example.com", "password": PASSWORD,
            "csrf_token": csrf_of(page.text)}  # fmt: skip
    locked = service.post("/login", data=data, follow_redirects=False)
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.text


def test_session_cookie_flags(
    fast_settings: Settings, fast_analyzer: object, store: Store, tenant_a: Tenant
) -> None:
    from voc.api.main import create_app

    add_user(store, tenant_a, "v@example.com", "viewer")
    name = workspace_name(store, tenant_a)
    for secure in (None, True):
        settings = fast_settings.model_copy(update={"cookie_secure": secure})
        app = create_app(settings, analyzer=fast_analyzer)  # type: ignore[arg-type]
        # A Secure cookie goes back only over https, as a browser would do.
        base = "https://testserver" if secure else "http://testserver"
        with TestClient(app, base_url=base) as client:
            page = client.get("/login")
            response = client.post(
                "/login",
                data={"workspace": name, "email": "v@example.com", "password": PASSWORD,
                      "csrf_token": csrf_of(page.text)},
                follow_redirects=False,
            )  # fmt: skip
            cookie = next(
                c for c in response.headers.get_list("set-cookie") if c.startswith("voc_session=")
            )
            flags = cookie.lower()
            assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
            assert ("secure" in flags) is bool(secure)


def test_cases_are_scoped_and_every_change_is_recorded(
    seller: TestClient, service: TestClient, store: Store, tenant_a: Tenant
) -> None:
    upload_id = service.get("/v1/uploads", headers=tenant_a.headers()).json()[0]["id"]
    oslo = add_case(store, tenant_a.workspace_id, upload_id, {"Office": "Oslo"})
    malmo = add_case(store, tenant_a.workspace_id, upload_id, {"Office": "Malmö"})
    listed = {c["id"] for c in seller.get("/v1/cases").json()}
    assert oslo in listed and malmo not in listed
    assert seller.get(f"/v1/cases/{malmo}").status_code == 404
    page = seller.get("/app/cases")
    token = csrf_of(page.text)
    headers = {"X-CSRF-Token": token}
    assert (
        seller.patch(f"/v1/cases/{malmo}", json={"status": "closed"}, headers=headers).status_code
        == 404
    )
    done = seller.patch(
        f"/v1/cases/{oslo}",
        json={"status": "in_progress", "called_on": "2026-02-10", "note": "called back"},
        headers=headers,
    ).json()
    assert done["status"] == "in_progress" and done["called_on"] == "2026-02-10"
    assert {(e["actor"], e["field"], e["new_value"]) for e in done["events"]} == {
        ("seller@example.com", "status", "in_progress"),
        ("seller@example.com", "called_on", "2026-02-10"),
        ("seller@example.com", "note", "called back"),
    }
    # The same through the inbox form.
    form = {"csrf_token": token, "owner": "seller@example.com", "status": "closed",
            "note": "called back", "called_on": "2026-02-10"}  # fmt: skip
    assert seller.post(f"/app/cases/{oslo}", data=form, follow_redirects=False).status_code == 303
    case = service.get(f"/v1/cases/{oslo}", headers=tenant_a.headers("viewer")).json()
    assert case["status"] == "closed" and case["owner"] == "seller@example.com"
    assert [e["field"] for e in case["events"]][-2:] == ["owner", "status"]
    viewer = service.patch(
        f"/v1/cases/{oslo}", json={"status": "new"}, headers=tenant_a.headers("viewer")
    )
    assert viewer.status_code == 403


@pytest.mark.parametrize("role", ["admin", "manager", "seller", "viewer"])
def test_every_page_renders_for_every_role(
    service: TestClient, store: Store, tenant_a: Tenant, role: str
) -> None:
    analysed(service, tenant_a)
    add_user(
        store, tenant_a, f"{role}@example.com", role, *(["Office=Oslo"] if role == "seller" else [])
    )
    sign_in(service, workspace_name(store, tenant_a), f"{role}@example.com")
    nps = service.get("/v1/results/nps").json()["overall"]
    overview = service.get("/app/")
    assert overview.status_code == 200
    assert f'data-testid="nps">{nps["nps"]:.1f}<' in overview.text
    themes = service.get("/v1/results/themes").json()
    page = service.get("/app/themes")
    assert page.status_code == 200
    for theme in themes:
        if theme["n_comments"]:
            assert f"{theme['impact']:+.1f}" in page.text
    mentioned = next(t["theme_id"] for t in themes if t["n_comments"])
    detail = service.get(f"/app/themes/{mentioned}")
    assert detail.status_code == 200 and "<mark" in detail.text
    compare = service.get(
        "/app/compare", params={"a_segment": "Office:Oslo", "b_period_from": "2026-02"}
    )
    assert compare.status_code == 200
    assert service.get("/app/cases").status_code == 200
    assert service.get("/app/uploads").status_code == (200 if role in ("admin", "manager") else 403)


def test_pages_speak_swedish_and_norwegian(seller: TestClient) -> None:
    assert "Översikt" in seller.get("/app/", headers={"Accept-Language": "sv-SE,sv;q=0.9"}).text
    assert "Logg inn" in seller.get("/login", headers={"Accept-Language": "no,en;q=0.5"}).text
    # ?lang= wins over the browser and is remembered in a cookie.
    assert "Oversikt" in seller.get("/app/?lang=nb", headers={"Accept-Language": "sv"}).text
    assert "Oversikt" in seller.get("/app/themes", headers={"Accept-Language": "sv"}).text
    assert "Overview" in seller.get("/app/?lang=en").text


def test_a_correction_from_a_comment_becomes_a_taxonomy_version(
    service: TestClient, store: Store, tenant_a: Tenant
) -> None:
    analysed(service, tenant_a)
    add_user(store, tenant_a, "boss@example.com", "manager")
    sign_in(service, workspace_name(store, tenant_a), "boss@example.com")
    token = csrf_of(service.get("/app/").text)
    sent = service.post(
        "/app/corrections",
        data={"csrf_token": token, "text": "Felaktig faktura igen", "theme_id": "billing",
              "back": "/app/themes/billing"},
        follow_redirects=False,
    )  # fmt: skip
    assert sent.status_code == 303 and sent.headers["location"].endswith("saved=1")
    taxonomy = service.get("/v1/taxonomy", headers=tenant_a.headers()).json()
    assert taxonomy["number"] == 1
    assert "Felaktig faktura igen" in taxonomy["content"]


def test_the_themes_page_fits_the_driver_model_on_the_callers_rows(
    service: TestClient, store: Store, tenant_a: Tenant
) -> None:
    """The co-mention-aware model of the report, fitted on the page's own rows: a seller's
    model never sees another office's answers."""
    from voc.api.portal import data
    from voc.nlp.taxonomy import load_taxonomy
    from voc.store import ResultFilters

    rows = ["Response ID,Date,Score,Comment,Office"]
    texts = ["Fel på fakturan igen", "Kunnig personal", "Portalen är krånglig", "Bra"]
    for i in range(180):
        office = "Oslo" if i % 3 else "Malmö"
        rows.append(f"{i},2026-01-{1 + i % 28:02d},{(i * 7) % 11},{texts[i % 4]} {i},{office}")
    analysed(service, tenant_a, "\n".join(rows).encode())
    taxonomy, settings = load_taxonomy(), Settings()
    with store.workspace(tenant_a.workspace_id) as repo:
        whole = data.drivers(repo, ResultFilters(), taxonomy, settings)
    with store.workspace(tenant_a.workspace_id) as repo:
        scoped = WorkspaceRepository(repo.session, repo.workspace_id, (("Office", "Oslo"),))
        oslo = data.drivers(scoped, ResultFilters(), taxonomy, settings)
    assert whole is not None and whole.n == 180
    assert oslo is not None and oslo.n == 120
    add_user(store, tenant_a, "boss@example.com", "manager")
    sign_in(service, workspace_name(store, tenant_a), "boss@example.com")
    page = service.get("/app/themes").text
    assert 'data-testid="driver-model"' in page and "n=180" in page
    # The comment pager keeps the page's filters (25 comments a page).
    themes = service.get("/v1/results/themes", params={"segment": "Office:Oslo"}).json()
    top = max(themes, key=lambda t: t["n_comments"])
    assert top["n_comments"] > 25, themes
    oslo_page = service.get(f"/app/themes/{top['theme_id']}", params={"segment": "Office:Oslo"})
    assert 'href="?segment=Office%3AOslo&amp;page=2"' in oslo_page.text
    assert 'href="?page=2"' in service.get(f"/app/themes/{top['theme_id']}").text


def test_a_finished_job_opens_its_alerts_as_cases(
    service: TestClient, store: Store, tenant_a: Tenant
) -> None:
    """Cases are in the inbox when the job ends, before anyone reads it."""
    body = (
        "Response ID,Date,Score,Comment,Office\n"
        "1,2026-01-05,2,Vi kommer att säga upp avtalet,Oslo\n"
        "2,2026-01-06,9,Bra service,Oslo\n"
    ).encode()
    analysed(service, tenant_a, body)
    assert store.count_workspace_rows(tenant_a.workspace_id)["alert_cases"] == 1
    cases = service.get("/v1/cases", headers=tenant_a.headers("viewer")).json()
    assert [c["kind"] for c in cases] == ["churn_risk"]  # the inbox adds no second case
