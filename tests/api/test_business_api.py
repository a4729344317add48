"""The business routes end to end: answers posted one by one alert their owner at once
(a local webhook receiver and an aiosmtpd server), customer file and actions feed jobs."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from voc.api.main import create_app
from voc.config import Settings
from voc.delivery import verify_signature
from voc.pipeline import Analyzer

from .conftest import Tenant, make_tenant
from .test_service import wait_for

sys.path.insert(0, str(Path(__file__).parents[1] / "delivery"))
from servers import Mailbox, smtp_server, webhook_receiver

CHURN = "Vi kommer att säga upp avtalet, fakturan var fel igen"


@pytest.fixture()
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture()
def client(
    fast_settings: Settings, fast_analyzer: Analyzer, mailbox: Mailbox
) -> Iterator[TestClient]:
    settings = fast_settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": mailbox.port, "smtp_starttls": False}
    )
    # Jobs deliver with their analyzer's settings (the worker's), so it gets the SMTP ones.
    analyzer = Analyzer(settings, embedder=fast_analyzer.embedder)
    with TestClient(create_app(settings, analyzer=analyzer)) as c:
        yield c


@pytest.fixture()
def tenant(client: TestClient) -> Tenant:
    return make_tenant(client.app.state.store, "acme")  # type: ignore[attr-defined]


def wait_for_mail(box: Mailbox, address: str, timeout: float = 20.0) -> list[Message]:
    deadline = time.monotonic() + timeout
    while not box.to(address) and time.monotonic() < deadline:
        time.sleep(0.05)
    return box.to(address)


def answers(*items: dict) -> dict:  # type: ignore[type-arg]
    return {"responses": list(items)}


def test_a_posted_answer_alerts_its_owner_at_once_and_only_once(
    client: TestClient, tenant: Tenant, mailbox: Mailbox
) -> None:
    admin = tenant.headers("admin")
    with webhook_receiver(fail_first=2) as receiver:
        hook = client.post(
            "/v1/webhooks", json={"url": receiver.url, "secret": "k" * 20}, headers=admin
        )
        assert hook.status_code == 201, hook.text
        assert "secret" not in hook.json()
        mapped = client.post(
            "/v1/alert-recipients", json={"owner": "Anna Berg", "email": "anna@x.se"}, headers=admin
        )
        assert mapped.status_code == 201, mapped.text
        body = answers(
            {"score": 2, "comment": CHURN, "date": "2026-03-01T10:00:00Z",
             "segments": {"Säljare": "Anna Berg", "Office": "Malmö"}, "respondent_id": "K1"},
            {"score": 10, "comment": "Kunnig personal", "segments": {"Säljare": "Bo Ek"}},
            {"score": 7, "response_id": "own-id-3"},
        )  # fmt: skip
        posted = client.post("/v1/responses", json=body, headers=tenant.headers("analyst"))
        assert posted.status_code == 201, posted.text
        out = posted.json()
        assert out["stored"] == 3 and out["duplicates"] == []
        [alert] = out["alerts"]
        assert (alert["kind"], alert["owner"], alert["new"]) == ("churn_risk", "Anna Berg", True)
        assert out["deliveries_planned"] == 2  # the webhook and Anna's address
        first = out["answers"][0]
        assert first["nps_group"] == "detractor" and first["language"] == "sv"
        assert out["answers"][2]["response_id"] == "own-id-3"
        # Delivered right after the answer: the receiver failed twice, then got it once.
        assert len(receiver.requests) == 3 and len(receiver.delivered()) == 1
        got = receiver.delivered()[0]
        assert verify_signature(
            "k" * 20, got.headers["X-Voc-Timestamp"], got.body, got.headers["X-Voc-Signature"]
        )
        assert got.json["alert"]["owner"] == "Anna Berg"
        [mail] = mailbox.to("anna@x.se")
        assert "säga upp" in mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
        # The same answers again: nothing stored, nothing sent.
        again = client.post("/v1/responses", json=body, headers=tenant.headers("analyst")).json()
        assert again["stored"] == 0 and len(again["duplicates"]) == 3
    assert len(receiver.requests) == 3 and len(mailbox.messages) == 1
    log = client.get("/v1/deliveries", headers=admin).json()
    assert sorted((d["channel"], d["status"], d["attempts"]) for d in log) == [
        ("email", "delivered", 1),
        ("webhook", "delivered", 3),
    ]
    comments = client.get("/v1/results/comments", headers=tenant.headers("viewer")).json()
    assert {c["response_id"] for c in comments["items"]} >= {"own-id-3"}


CUSTOMERS = (
    "Kundnummer,Prisplan,Omsättning,Säljare\n"
    "K1,Premium,1 200 000,Anna Berg\n"
    "K2,Bas,300 000,Bo Ek\n"
    "K3,Premium,800 000,Anna Berg\n"
    "K4,Bas,150 000,Bo Ek\n"
).encode()
EXPORT = (
    "Response ID,Date,Score,Comment,Kundnummer\n"
    f'1,2026-01-05,2,"{CHURN}",K1\n'
    "2,2026-01-06,9,Kunnig personal,K2\n"
    "3,2026-01-09,3,Felaktig faktura,K3\n"
    "4,2026-02-01,10,Bra service,K4\n"
    "5,2026-02-03,8,Okej,K9\n"
).encode()


def test_customer_file_and_actions_reach_the_job_and_its_alerts_the_owner(
    client: TestClient, tenant: Tenant, mailbox: Mailbox
) -> None:
    analyst = tenant.headers("analyst")
    sent = client.post(
        "/v1/customers",
        files={"file": ("kunder.csv", CUSTOMERS, "text/csv")},
        data={"key": "Kundnummer"},
        headers=analyst,
    )
    assert sent.status_code == 201, sent.text
    file = sent.json()["file"]
    assert (file["number"], file["accounts"], file["revenue_column"], file["owner_column"]) == (
        1, 4, "Omsättning", "Säljare"
    )  # fmt: skip
    action = client.post(
        "/v1/actions",
        json={"name": "Fakturautbildning", "date": "2026-01-20", "segment": "Prisplan=Premium"},
        headers=analyst,
    )
    assert action.status_code == 201, action.text
    client.post(
        "/v1/alert-recipients",
        json={"owner": "anna berg", "email": "anna@x.se"},
        headers=tenant.headers("admin"),
    )
    up = client.post("/v1/uploads", files={"file": ("e.csv", EXPORT, "text/csv")}, headers=analyst)
    upload_id = up.json()["upload"]["id"]
    # Kundnummer has a value per answer, so it is not detected as a segment: name it.
    commit = client.post(
        f"/v1/uploads/{upload_id}/commit", json={"segment_cols": ["Kundnummer"]}, headers=analyst
    )
    assert commit.status_code == 200, commit.text
    job = client.post("/v1/jobs", json={"upload_id": upload_id}, headers=analyst).json()
    done = wait_for(client, tenant, job["id"])
    assert done["status"] == "succeeded", done["error"]
    business = client.get(f"/v1/jobs/{job['id']}/business", headers=tenant.headers("viewer"))
    assert business.status_code == 200, business.text
    section = business.json()["business"]
    assert section["join"]["responses_matched"] == 4
    assert section["join"]["unmatched_responses"][0]["key"] == "K9"
    risk = section["revenue_at_risk"]
    assert risk["revenue"] == pytest.approx(1_200_000 + 800_000)  # K1 and K3 detractors
    assert [(a["account"], a["owner"]) for a in risk["accounts"]] == [
        ("K1", "Anna Berg"),
        ("K3", "Anna Berg"),
    ]
    assert [a["name"] for a in section["actions"]] == ["Fakturautbildning"]
    # The job's churn alert went to the account's seller from the customer file (right
    # after the job saved its results, in the job's thread).
    mails = wait_for_mail(mailbox, "anna@x.se")
    assert len(mails) == 1, (
        client.get(f"/v1/jobs/{job['id']}/alerts", headers=analyst).text,
        client.get("/v1/deliveries", headers=tenant.headers("admin")).text,
    )
    assert "säga upp" in mails[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
    # Re-running the same upload sends nothing again.
    rerun = client.post("/v1/jobs", json={"upload_id": upload_id}, headers=analyst).json()
    assert wait_for(client, tenant, rerun["id"])["status"] == "succeeded"
    time.sleep(1.0)  # the rerun's delivery pass would have mailed by now
    assert len(mailbox.messages) == 1
    versions = client.get("/v1/customers/versions", headers=tenant.headers("viewer")).json()
    assert [v["number"] for v in versions] == [1]


def test_bad_business_input_is_named(client: TestClient, tenant: Tenant) -> None:
    admin = tenant.headers("admin")
    bad_url = client.post(
        "/v1/webhooks", json={"url": "ftp://x/y", "secret": "s" * 16}, headers=admin
    )
    assert bad_url.status_code == 422
    dup = CUSTOMERS + b"K2,Bas,1,Bo Ek\n"
    sent = client.post(
        "/v1/customers",
        files={"file": ("kunder.csv", dup, "text/csv")},
        data={"key": "Kundnummer"},
        headers=admin,
    )
    assert sent.status_code == 422
    assert "'K2' in rows 3, 6" in sent.json()["detail"]
    bad_score = client.post("/v1/responses", json=answers({"score": 11}), headers=admin)
    assert bad_score.status_code == 422
    bad_action = client.post(
        "/v1/actions",
        json={"name": "X", "date": "2026-01-01", "segment": "no equals"},
        headers=admin,
    )
    assert bad_action.status_code == 422
    unknown_theme = client.post(
        "/v1/actions", json={"name": "X", "date": "2026-01-01", "theme": "nope"}, headers=admin
    )
    assert unknown_theme.status_code == 422 and "'nope'" in unknown_theme.json()["detail"]
