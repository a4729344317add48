"""GDPR erasure: deleting an upload or a workspace leaves nothing of it in the database."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text

from voc.store import Store

from .conftest import Tenant
from .test_service import EXPORT, SECRET, analysed, upload, wait_for


def _everything(store: Store) -> str:
    """Every value in every table, as text (to search for left-over data)."""
    with store.engine.connect() as connection:
        tables = [
            "workspaces", "api_keys", "uploads", "responses", "theme_assignments",
            "taxonomy_versions", "analysis_runs", "embeddings",
        ]  # fmt: skip
        return "\n".join(
            " ".join(str(v) for v in row)
            for table in tables
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        )


def test_deleting_an_upload_erases_its_data(
    service: TestClient, store: Store, tenant_a: Tenant
) -> None:
    upload_id, job_id = analysed(service, tenant_a)
    keep_id, _ = analysed(service, tenant_a)
    before = store.count_workspace_rows(tenant_a.workspace_id)
    assert before["responses"] == 12 and before["embeddings"] > 0
    response = service.delete(f"/v1/uploads/{upload_id}", headers=tenant_a.headers("analyst"))
    assert response.status_code == 204
    after = store.count_workspace_rows(tenant_a.workspace_id)
    assert after["responses"] == 6 and after["uploads"] == 1 and after["analysis_runs"] == 1
    assert after["embeddings"] == 0  # the cache is dropped with any erasure
    dump = _everything(store)
    assert upload_id not in dump and job_id not in dump
    assert service.get(f"/v1/uploads/{upload_id}", headers=tenant_a.headers()).status_code == 404
    assert service.get(f"/v1/uploads/{keep_id}", headers=tenant_a.headers()).status_code == 200


def test_deleting_a_workspace_leaves_nothing(
    service: TestClient, store: Store, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    analysed(service, tenant_a)
    service.put(
        "/v1/taxonomy",
        json={"content": "version: 1\nname: x\nthemes:\n  - id: t\n    labels: {en: T}\n"
              "    seeds:\n      negative:\n        sv: [fel]\n"},
        headers=tenant_a.headers(),
    )  # fmt: skip
    analysed(service, tenant_b)
    assert service.delete("/v1/workspace", headers=tenant_a.headers()).status_code == 204
    assert set(store.count_workspace_rows(tenant_a.workspace_id).values()) == {0}
    dump = _everything(store)
    assert tenant_a.workspace_id not in dump
    # B's copy of the same comments is untouched; A's keys no longer work.
    assert SECRET in dump
    assert store.count_workspace_rows(tenant_b.workspace_id)["responses"] == 6
    assert service.get("/v1/uploads", headers=tenant_a.headers()).status_code == 401


def test_committed_upload_keeps_no_personal_data_of_the_file(
    service: TestClient, store: Store, tenant_a: Tenant
) -> None:
    body = EXPORT.replace(b"Bra,Oslo", b"Maila anna.svensson@firma.se,Oslo").replace(
        b"Felaktig faktura igen", b"Felaktig faktura pnr 811218-9876"
    )
    upload_id = upload(service, tenant_a, body)["upload"]["id"]
    assert "811218-9876" in _everything(store)  # pending: the file is kept for the preview
    commit = service.post(f"/v1/uploads/{upload_id}/commit", headers=tenant_a.headers("analyst"))
    assert commit.status_code == 200, commit.text
    job = service.post("/v1/jobs", json={"upload_id": upload_id}, headers=tenant_a.headers())
    assert wait_for(service, tenant_a, job.json()["id"])["status"] == "succeeded"
    dump = _everything(store)
    assert "811218-9876" not in dump and "anna.svensson" not in dump
    assert "Felaktig faktura pnr [id-number]" in dump
