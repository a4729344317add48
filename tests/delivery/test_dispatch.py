"""Alert delivery against real local servers: a webhook receiver that fails then recovers,
an aiosmtpd SMTP server; nothing is sent twice across re-runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from voc.analytics.results import Alert
from voc.config import Settings
from voc.delivery import alert_events, deliver_pending, dispatch_alerts, verify_signature
from voc.store import Store
from voc.store.business import BusinessRepository, DeliveryRecord, NewAlert
from voc.store.models import utcnow

from .servers import free_port, smtp_server, webhook_receiver


@pytest.fixture()
def store(database_url: str) -> Iterator[Store]:
    s = Store(database_url)
    s.upgrade()
    yield s
    s.dispose()


@pytest.fixture()
def workspace(store: Store) -> str:
    return store.create_workspace("acme").id


def settings(**changes: object) -> Settings:
    base = {
        "webhook_max_attempts": 5,
        "webhook_backoff_s": 0.5,
        "webhook_timeout_s": 5.0,
        "webhook_disable_after": 3,
        "smtp_starttls": False,
    }
    return Settings(**{**base, **changes})  # type: ignore[arg-type]


def churn(row: int, owner: str | None = None) -> NewAlert:
    alert = Alert(
        kind="churn_risk",
        severity="high",
        reason=f"detractor (score 2) writes 'säga upp': churn risk (row {row})",
        row=row,
        response_id=f"r{row}",
        score=2,
        matched="säga upp",
        comment="Vi kommer att säga upp avtalet",
    )
    owners = {row: owner} if owner else {}
    return alert_events([alert], owners, scope="upload-1", source="job j1")[0]


@contextmanager
def business(store: Store, workspace: str) -> Iterator[BusinessRepository]:
    with store.workspace(workspace) as repo:
        yield BusinessRepository(repo.session, workspace)


def add_webhook(store: Store, workspace: str, url: str, secret: str = "s3cret") -> str:
    with business(store, workspace) as b:
        return b.add_webhook(url, secret).id


def deliveries(store: Store, workspace: str, channel: str) -> list[DeliveryRecord]:
    with business(store, workspace) as b:
        return b.list_deliveries(channel)


def test_a_receiver_that_fails_then_recovers_gets_the_alert_once_signed(
    store: Store, workspace: str
) -> None:
    waits: list[float] = []
    with webhook_receiver(fail_first=3) as receiver:
        add_webhook(store, workspace, receiver.url)
        result = dispatch_alerts(store, settings(), workspace, [churn(5)], sleep=waits.append)
    assert (result.new_alerts, result.webhooks_delivered, result.webhooks_failed) == (1, 1, 0)
    assert len(receiver.requests) == 4 and len(receiver.delivered()) == 1
    assert waits == [0.5, 1.0, 2.0]  # exponential backoff between the four tries
    keys = {r.headers["Idempotency-Key"] for r in receiver.requests}
    assert len(keys) == 1  # every try of one alert carries the same key
    got = receiver.delivered()[0]
    assert verify_signature(
        "s3cret", got.headers["X-Voc-Timestamp"], got.body, got.headers["X-Voc-Signature"]
    )
    assert not verify_signature(
        "wrong", got.headers["X-Voc-Timestamp"], got.body, got.headers["X-Voc-Signature"]
    )
    assert not verify_signature(
        "s3cret", got.headers["X-Voc-Timestamp"], got.body + b" ", got.headers["X-Voc-Signature"]
    )
    assert got.json["alert"]["matched"] == "säga upp"
    assert got.json["idempotency_key"] == keys.pop()
    [logged] = deliveries(store, workspace, "webhook")
    assert (logged.status, logged.attempts, logged.last_status) == ("delivered", 4, 200)


def test_nothing_is_sent_twice_across_reruns(store: Store, workspace: str) -> None:
    with webhook_receiver() as receiver:
        add_webhook(store, workspace, receiver.url)
        first = dispatch_alerts(store, settings(), workspace, [churn(5), churn(6)])
        again = dispatch_alerts(store, settings(), workspace, [churn(5), churn(6)])
        more = dispatch_alerts(store, settings(), workspace, [churn(6), churn(7)])
        deliver_pending(store, settings(), workspace)
    assert (first.new_alerts, again.new_alerts, more.new_alerts) == (2, 0, 1)
    sent = [r.json["alert"]["row"] for r in receiver.requests]
    assert sorted(sent) == [5, 6, 7]


def test_a_webhook_failing_again_and_again_is_disabled_and_can_come_back(
    store: Store, workspace: str
) -> None:
    s = settings(webhook_max_attempts=2, webhook_disable_after=2, webhook_backoff_s=0.0)
    with webhook_receiver(fail_first=10**6, fail_status=500) as receiver:
        hook = add_webhook(store, workspace, receiver.url)
        result = dispatch_alerts(store, s, workspace, [churn(1), churn(2), churn(3)])
        assert (result.webhooks_delivered, result.webhooks_failed) == (0, 2)
        assert len(receiver.requests) == 4  # two deliveries x two tries; the third waits
        with business(store, workspace) as b:
            record = b.get_webhook(hook)
            assert not record.enabled and record.consecutive_failures == 2
            assert "HTTP 500" in (record.disabled_reason or "")
        statuses = sorted(d.status for d in deliveries(store, workspace, "webhook"))
        assert statuses == ["failed", "failed", "pending"]
        # A disabled webhook gets nothing, however often delivery runs.
        dispatch_alerts(store, s, workspace, [churn(4)])
        assert len(receiver.requests) == 4
        receiver.fail_first = 0  # the receiver is fixed, the admin re-enables it
        with business(store, workspace) as b:
            b.enable_webhook(hook)
        again = deliver_pending(store, s, workspace)
    assert again.webhooks_delivered == 1  # the one left pending when it was disabled
    assert [r.json["alert"]["row"] for r in receiver.requests[4:]] == [3]


def test_a_4xx_is_final_and_not_retried(store: Store, workspace: str) -> None:
    with webhook_receiver(fail_first=1, fail_status=410) as receiver:
        add_webhook(store, workspace, receiver.url)
        result = dispatch_alerts(store, settings(), workspace, [churn(1)])
    assert result.webhooks_failed == 1 and len(receiver.requests) == 1


def test_digests_group_an_owners_alerts_by_their_frequency(store: Store, workspace: str) -> None:
    with business(store, workspace) as b:
        b.add_recipient("Anna Berg", "anna@example.se", "realtime")
        b.add_recipient("Bo Ek", "bo@example.se", "daily")
        b.add_recipient("*", "chef@example.se", "weekly")
    alerts = [churn(1, "anna berg "), churn(2, "Anna Berg"), churn(3, "Bo Ek"), churn(4)]
    with smtp_server() as box:
        s = settings(smtp_host="127.0.0.1", smtp_port=box.port)
        now = utcnow()
        dispatch_alerts(store, s, workspace, alerts, now=now)
        [anna] = box.to("anna@example.se")
        assert anna["Subject"] == "voc: 2 new alerts for Anna Berg (2 high)"
        body = anna.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
        assert body.count("[high]") == 2 and "row 1" in body and "row 2" in body
        assert box.to("bo@example.se") == [] and box.to("chef@example.se") == []
        deliver_pending(store, s, workspace, now=now + timedelta(hours=23))
        assert box.to("bo@example.se") == []  # a daily digest waits a day
        deliver_pending(store, s, workspace, now=now + timedelta(days=1, minutes=1))
        [bo] = box.to("bo@example.se")
        assert "1 new alert for Bo Ek" in str(bo["Subject"])
        deliver_pending(store, s, workspace, now=now + timedelta(days=7, minutes=1))
        [boss] = box.to("chef@example.se")
        assert "4 new alerts for all owners" in str(boss["Subject"])
        # Re-runs, later passes and the same alerts again: nothing new is mailed.
        dispatch_alerts(store, s, workspace, alerts, now=now + timedelta(days=30))
        deliver_pending(store, s, workspace, now=now + timedelta(days=60))
    assert len(box.messages) == 3


def test_an_unreachable_smtp_server_keeps_the_digest_pending(store: Store, workspace: str) -> None:
    with business(store, workspace) as b:
        b.add_recipient("Anna", "anna@example.se", "realtime")
    down = settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_timeout_s=2.0)
    result = dispatch_alerts(store, down, workspace, [churn(1, "Anna")])
    assert result.digests_sent == 0 and "anna@example.se" in result.errors[0]
    [logged] = deliveries(store, workspace, "email")
    assert (logged.status, logged.attempts) == ("pending", 1)
    with smtp_server() as box:
        up = settings(smtp_host="127.0.0.1", smtp_port=box.port)
        assert deliver_pending(store, up, workspace).emailed_alerts == 1
        assert deliver_pending(store, up, workspace).emailed_alerts == 0
    assert len(box.messages) == 1


def test_voc_alerts_deliver_sends_what_waits_once(
    store: Store, workspace: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from voc.cli import app

    with business(store, workspace) as b:
        b.add_recipient("Anna Berg", "anna@example.se", "realtime")
    # No SMTP server configured when the alert came: the e-mail waits.
    dispatch_alerts(store, settings(), workspace, [churn(1, "Anna Berg")])
    assert [d.status for d in deliveries(store, workspace, "email")] == ["pending"]
    with smtp_server() as box:
        for name, value in {
            "VOC_DATABASE_URL": database_url,
            "VOC_SMTP_HOST": "127.0.0.1",
            "VOC_SMTP_PORT": str(box.port),
            "VOC_SMTP_STARTTLS": "false",
        }.items():
            monkeypatch.setenv(name, value)
        first = CliRunner().invoke(app, ["alerts", "deliver"])
        assert first.exit_code == 0, first.output
        assert "acme: 0 webhook deliveries, 0 failed; 1 digests (1 alerts)" in first.output
        again = CliRunner().invoke(app, ["alerts", "deliver", "--workspace", "acme"])
        assert again.exit_code == 0 and "0 digests" in again.output
        unknown = CliRunner().invoke(app, ["alerts", "deliver", "--workspace", "nope"])
        assert unknown.exit_code == 2
    assert len(box.to("anna@example.se")) == 1


def test_a_delivery_left_sending_by_a_dead_sender_is_sent_by_a_later_pass(
    store: Store, workspace: str
) -> None:
    with webhook_receiver() as receiver:
        add_webhook(store, workspace, receiver.url)
        with business(store, workspace) as b:
            stored = b.add_alerts([churn(9)])
            b.plan_deliveries(stored)
        [planned] = deliveries(store, workspace, "webhook")
        with store.workspace(workspace, write=True) as repo:  # a sender claims it, then dies
            assert BusinessRepository(repo.session, workspace).claim_delivery(planned.id)
        deliver_pending(store, settings(), workspace)
        assert receiver.requests == []  # a fresh claim may still be sending: left alone
        later = utcnow() + timedelta(minutes=16)
        result = deliver_pending(store, settings(), workspace, now=later)
        deliver_pending(store, settings(), workspace, now=later)
    assert result.webhooks_delivered == 1 and len(receiver.delivered()) == 1
    [logged] = deliveries(store, workspace, "webhook")
    assert logged.status == "delivered"
