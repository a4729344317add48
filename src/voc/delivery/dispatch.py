"""Store new alerts once, plan their deliveries, and deliver what is pending.

Each step that changes the log runs in its own short transaction, and no transaction is
open while a webhook or SMTP server is being talked to. A delivery is *claimed* (pending ->
sending) before it is sent, so two processes delivering at once (a job worker and an API
request) never send the same one; together with the unique (alert, channel, target) row
and the unique alert key this is what makes "nothing is sent twice" hold across re-runs.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from voc.config import Settings
from voc.delivery.email import digest_message, send_message
from voc.delivery.webhooks import post_with_retries
from voc.store import Store
from voc.store.business import AlertRecord, BusinessRepository, NewAlert, RecipientRecord
from voc.store.models import utcnow

log = logging.getLogger(__name__)

DIGEST_PERIOD = {"realtime": timedelta(0), "daily": timedelta(days=1), "weekly": timedelta(days=7)}


@dataclass
class DispatchResult:
    """What one pass did (also returned by ``POST /v1/responses``)."""

    new_alerts: int = 0
    planned: int = 0
    webhooks_delivered: int = 0
    webhooks_failed: int = 0
    digests_sent: int = 0
    emailed_alerts: int = 0
    errors: list[str] = field(default_factory=list)


def _aware(when: datetime) -> datetime:
    """SQLite hands back naive UTC, PostgreSQL aware datetimes."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


# A claim older than this belongs to a sender that stopped (retries take about a minute).
STALE_CLAIM = timedelta(minutes=15)


def digest_due(recipient: RecipientRecord, now: datetime) -> bool:
    """Realtime always; daily/weekly once a day/week since the last digest (or since the
    recipient was added)."""
    since = recipient.last_digest_at or recipient.created_at
    return _aware(now) - _aware(since) >= DIGEST_PERIOD[recipient.frequency]


def webhook_payload(workspace_id: str, alert: AlertRecord) -> dict[str, Any]:
    return {
        "event": "alert",
        "idempotency_key": alert.key,
        "workspace_id": workspace_id,
        "source": alert.source,
        "created_at": _aware(alert.created_at).isoformat(),
        "alert": alert.payload,
    }


def dispatch_alerts(
    store: Store,
    settings: Settings,
    workspace_id: str,
    alerts: Sequence[NewAlert],
    *,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> DispatchResult:
    """Store the alerts not seen before, plan their deliveries, deliver what is pending."""
    with store.workspace(workspace_id, write=True) as repo:
        business = BusinessRepository(repo.session, workspace_id)
        stored = business.add_alerts(alerts)
        planned = business.plan_deliveries(stored)
    result = deliver_pending(store, settings, workspace_id, now=now, sleep=sleep)
    result.new_alerts, result.planned = len(stored), planned
    log.info("alerts: %d given, %d new, %d deliveries planned", len(alerts), len(stored), planned)
    return result


def deliver_pending(
    store: Store,
    settings: Settings,
    workspace_id: str,
    *,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> DispatchResult:
    """Send every pending webhook delivery and every due e-mail digest of the workspace.

    First, deliveries claimed by a sender that died mid-send (still ``sending`` after
    :data:`STALE_CLAIM`, far longer than a pass's retries take) are pending again.
    """
    result = DispatchResult()
    with store.workspace(workspace_id, write=True) as repo:
        released = BusinessRepository(repo.session, workspace_id).release_stale_claims(
            (now or utcnow()) - STALE_CLAIM
        )
    if released:
        log.warning("alerts: %d deliveries left 'sending' by a stopped sender retried", released)
    _deliver_webhooks(store, settings, workspace_id, result, sleep)
    _deliver_digests(store, settings, workspace_id, result, now or utcnow())
    return result


def _deliver_webhooks(
    store: Store,
    settings: Settings,
    workspace_id: str,
    result: DispatchResult,
    sleep: Callable[[float], None],
) -> None:
    with store.workspace(workspace_id) as repo:
        pending = BusinessRepository(repo.session, workspace_id).pending_deliveries("webhook")
    for delivery in pending:
        with store.workspace(workspace_id, write=True) as repo:
            business = BusinessRepository(repo.session, workspace_id)
            hook = business.get_webhook(delivery.target)
            # A webhook disabled meanwhile keeps its deliveries pending for re-enabling.
            if not hook.enabled or not business.claim_delivery(delivery.id):
                continue
            alert = business.alert(delivery.alert_id)
        outcome = post_with_retries(
            hook.url,
            hook.secret,
            webhook_payload(workspace_id, alert),
            idempotency_key=alert.key,
            delivery_id=delivery.id,
            max_attempts=settings.webhook_max_attempts,
            backoff_s=settings.webhook_backoff_s,
            timeout_s=settings.webhook_timeout_s,
            sleep=sleep,
        )
        with store.workspace(workspace_id, write=True) as repo:
            business = BusinessRepository(repo.session, workspace_id)
            business.finish_delivery(
                delivery.id,
                "delivered" if outcome.delivered else "failed",
                delivery.attempts + outcome.attempts,
                outcome.status,
                outcome.error,
            )
            hook = business.record_webhook_outcome(
                hook.id, outcome.delivered, settings.webhook_disable_after, outcome.error or ""
            )
        if outcome.delivered:
            result.webhooks_delivered += 1
        else:
            result.webhooks_failed += 1
            result.errors.append(f"webhook {hook.id}: {outcome.error}")
            log.warning("webhook %s: delivery %d failed: %s", hook.id, delivery.id, outcome.error)
            if not hook.enabled:
                log.warning("webhook %s disabled: %s", hook.id, hook.disabled_reason)


def _deliver_digests(
    store: Store, settings: Settings, workspace_id: str, result: DispatchResult, now: datetime
) -> None:
    if settings.smtp_host is None:
        return  # e-mail deliveries stay pending until a server is configured
    with store.workspace(workspace_id) as repo:
        workspace = repo.workspace().name
        recipients = BusinessRepository(repo.session, workspace_id).list_recipients()
    for recipient in recipients:
        if not digest_due(recipient, now):
            continue
        with store.workspace(workspace_id, write=True) as repo:
            business = BusinessRepository(repo.session, workspace_id)
            claimed = [
                d
                for d in business.pending_deliveries("email", recipient.email)
                if business.claim_delivery(d.id)
            ]
            alerts = [business.alert(d.alert_id) for d in claimed]
        if not claimed:
            continue
        message = digest_message(recipient, alerts, settings.smtp_from, workspace)
        try:
            send_message(message, settings)
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            result.errors.append(f"e-mail to {recipient.email}: {error}")
            log.warning("e-mail digest to recipient %s failed: %s", recipient.id, error)
            with store.workspace(workspace_id, write=True) as repo:
                business = BusinessRepository(repo.session, workspace_id)
                for d in claimed:
                    attempts = d.attempts + 1
                    final = attempts >= settings.webhook_max_attempts
                    business.finish_delivery(
                        d.id, "failed" if final else "pending", attempts, None, error
                    )
            continue
        with store.workspace(workspace_id, write=True) as repo:
            business = BusinessRepository(repo.session, workspace_id)
            for d in claimed:
                business.finish_delivery(d.id, "delivered", d.attempts + 1)
            business.mark_digest_sent(recipient.id, now)
        result.digests_sent += 1
        result.emailed_alerts += len(claimed)
