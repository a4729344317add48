"""Tenant isolation and roles, parametrised over every route of the API."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from voc.api.main import create_app
from voc.config import Settings
from voc.store import Store
from voc.store.models import AlertCase, utcnow

from .conftest import Tenant
from .test_service import EXPORT, analysed

# Routes that name a resource by id: a key of workspace A asking for B's gets 404.
# {upload}, {job}, {key} are filled with workspace B's ids.
BY_ID: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/v1/uploads/{upload}", None),
    ("POST", "/v1/uploads/{upload}/commit", {}),
    ("DELETE", "/v1/uploads/{upload}", None),
    ("GET", "/v1/jobs/{job}", None),
    ("GET", "/v1/jobs/{job}/report", None),
    ("GET", "/v1/jobs/{job}/alerts", None),
    ("POST", "/v1/jobs", {"upload_id": "{upload}"}),
    ("DELETE", "/v1/keys/{key}", None),
    ("GET", "/v1/results/nps?upload_id={upload}", None),
    ("GET", "/v1/results/themes?upload_id={upload}", None),
    ("GET", "/v1/results/improvement-areas?upload_id={upload}", None),
    ("GET", "/v1/results/comments?upload_id={upload}", None),
    ("GET", "/v1/results/csat?upload_id={upload}", None),
    ("GET", "/v1/results/csat/themes?upload_id={upload}", None),
    ("GET", "/v1/results/csat/improvement-areas?upload_id={upload}", None),
    ("GET", "/v1/exports/comments.csv?upload_id={upload}", None),
    ("GET", "/v1/exports/comments.xlsx?upload_id={upload}", None),
    ("GET", "/v1/cases/{case}", None),
    ("PATCH", "/v1/cases/{case}", {"status": "closed"}),
    ("GET", "/v1/jobs/{job}/business", None),
    ("DELETE", "/v1/webhooks/{webhook_id}", None),
    ("POST", "/v1/webhooks/{webhook_id}/enable", None),
    ("DELETE", "/v1/alert-recipients/{recipient_id}", None),
    ("DELETE", "/v1/actions/{action_id}", None),
]
# Routes that change data: a viewer key gets 403 on each.
WRITES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/v1/uploads", None),
    ("POST", "/v1/uploads/{upload}/commit", {}),
    ("DELETE", "/v1/uploads/{upload}", None),
    ("POST", "/v1/jobs", {"upload_id": "{upload}"}),
    ("PUT", "/v1/taxonomy", {"content": "version: 1"}),
    ("POST", "/v1/keys", {"role": "viewer"}),
    ("DELETE", "/v1/keys/{key}", None),
    ("DELETE", "/v1/workspace", None),
    ("PATCH", "/v1/cases/{case}", {"status": "closed"}),
    ("POST", "/v1/responses", {"responses": [{"score": 1, "comment": "vi säger upp avtalet"}]}),
    ("POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "secret": "x" * 16}),
    ("DELETE", "/v1/webhooks/{webhook_id}", None),
    ("POST", "/v1/webhooks/{webhook_id}/enable", None),
    ("POST", "/v1/alert-recipients", {"owner": "Anna", "email": "anna@example.se"}),
    ("DELETE", "/v1/alert-recipients/{recipient_id}", None),
    ("POST", "/v1/customers", None),
    ("POST", "/v1/actions", {"name": "Training", "date": "2026-01-15"}),
    ("DELETE", "/v1/actions/{action_id}", None),
]
# Read-only routes without ids, and what must not leak through them.
LISTS = [
    "/v1/uploads",
    "/v1/jobs",
    "/v1/keys",
    "/v1/results/comments",
    "/v1/exports/comments.csv",
    "/v1/taxonomy/versions",
    "/v1/cases",
    "/v1/webhooks",
    "/v1/alert-recipients",
    "/v1/deliveries",
    "/v1/actions",
    "/v1/customers/versions",
]
OPEN = {"/healthz", "/readyz", "/v1/analyses", "/v1/classify", "/v1/workspace", "/v1/taxonomy",
        "/v1/results/nps", "/v1/results/themes", "/v1/results/improvement-areas",
        "/v1/exports/comments.xlsx", "/v1/results/csat", "/v1/results/csat/themes",
        "/v1/results/csat/improvement-areas"}  # fmt: skip


@pytest.fixture()
def b_data(service: TestClient, store: Store, tenant_b: Tenant) -> dict[str, str]:
    upload_id, job_id = analysed(service, tenant_b)
    key = service.post("/v1/keys", json={"role": "viewer"}, headers=tenant_b.headers()).json()
    hook = service.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/b", "secret": "b" * 16},
        headers=tenant_b.headers(),
    ).json()
    recipient = service.post(
        "/v1/alert-recipients", json={"owner": "Bo", "email": "bo@b.se"}, headers=tenant_b.headers()
    ).json()
    action = service.post(
        "/v1/actions", json={"name": "B campaign", "date": "2026-01-10"}, headers=tenant_b.headers()
    ).json()
    return {
        "upload": upload_id,
        "job": job_id,
        "key": key["id"],
        "case": add_case(store, tenant_b.workspace_id, upload_id, {"Office": "Oslo"}),
        "webhook_id": hook["id"],
        "recipient_id": recipient["id"],
        "action_id": action["id"],
    }


def add_case(store: Store, workspace_id: str, upload_id: str, segments: dict[str, str]) -> str:
    """A case as a report's alert opens it (the sample of this module raises none)."""
    case_id = uuid.uuid4().hex
    with store.session() as session:
        session.add(
            AlertCase(
                id=case_id,
                workspace_id=workspace_id,
                upload_id=upload_id,
                alert_key=case_id,
                kind="churn_risk",
                severity="high",
                reason="fakturan: risk phrase",
                segments=segments,
                status="new",
                note="",
                created_at=utcnow(),
                updated_at=utcnow(),
            )
        )
    return case_id


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _call(client: TestClient, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    if method == "POST" and path == "/v1/uploads":
        return client.post(path, files={"file": ("e.csv", EXPORT, "text/csv")}, headers=headers)
    return client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body"), BY_ID, ids=[f"{m} {p}" for m, p, _ in BY_ID])
def test_other_workspaces_resources_are_not_found(
    service: TestClient,
    tenant_a: Tenant,
    tenant_b: Tenant,
    b_data: dict[str, str],
    method: str,
    path: str,
    body: Any,
) -> None:
    response = _call(service, method, _fill(path, b_data), _fill(body, b_data), tenant_a.headers())
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    # ...and B's resource is still there for B.
    assert (
        service.get(f"/v1/uploads/{b_data['upload']}", headers=tenant_b.headers()).status_code
        == 200
    )


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_viewer_keys_cannot_write(
    service: TestClient,
    tenant_b: Tenant,
    b_data: dict[str, str],
    method: str,
    path: str,
    body: Any,
) -> None:
    response = _call(
        service, method, _fill(path, b_data), _fill(body, b_data), tenant_b.headers("viewer")
    )
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", LISTS)
def test_lists_show_only_own_workspace(
    service: TestClient, tenant_a: Tenant, b_data: dict[str, str], path: str
) -> None:
    response = service.get(path, headers=tenant_a.headers())
    assert response.status_code == 200
    text = response.text
    assert b_data["upload"] not in text and b_data["job"] not in text
    assert "fakturan" not in text  # none of B's comments
    assert not any(b_data[k] in text for k in ("webhook_id", "recipient_id", "action_id"))


def test_every_route_is_in_an_isolation_table(fast_settings: Settings) -> None:
    """A new route must be added to BY_ID/WRITES/LISTS (or OPEN) above to pass."""
    paths = create_app(fast_settings).openapi()["paths"]
    short = {
        "{upload_id}": "{upload}",
        "{job_id}": "{job}",
        "{key_id}": "{key}",
        "{case_id}": "{case}",
    }

    def normal(path: str) -> str:
        for long, brief in short.items():
            path = path.replace(long, brief)
        return path

    covered = {p.split("?")[0] for _, p, _ in BY_ID + WRITES} | set(LISTS) | OPEN
    assert {normal(p) for p in paths} <= covered
    writes = {
        (m.upper(), normal(p))
        for p, ops in paths.items()
        for m in ops
        if m in {"post", "put", "patch", "delete"} and p not in {"/v1/analyses", "/v1/classify"}
    }
    assert writes == {(m, p) for m, p, _ in WRITES}
