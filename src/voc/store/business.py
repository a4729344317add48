"""Workspace-scoped storage of the business features: customer files, actions, webhooks,
alert recipients, the alert outbox and its delivery log.

Like :class:`voc.store.WorkspaceRepository`, every query filters by the workspace id, so
another workspace's webhook or action is simply not found. Build it on a repository's
session: ``BusinessRepository(repo.session, repo.workspace_id)``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from voc.store.errors import NotFoundError
from voc.store.models import (
    AlertDelivery,
    AlertEvent,
    AlertRecipient,
    BusinessAction,
    CustomerFile,
    Response,
    ThemeAssignmentRow,
    Upload,
    Webhook,
    utcnow,
)
from voc.store.records import CommentThemes
from voc.store.scoped import WorkspaceTables

#: Filename of the uploads that hold answers sent to ``POST /v1/responses``.
API_UPLOAD_FILENAME = "POST /v1/responses"
#: ``run_id`` of theme assignments made at once for answers sent to the API.
REALTIME_RUN = "realtime"
FREQUENCIES = ("realtime", "daily", "weekly")


@dataclass(frozen=True)
class CustomerFileRecord:
    number: int
    filename: str
    key: str | None
    revenue_column: str | None
    owner_column: str | None
    accounts: int
    size_bytes: int
    created_at: datetime


@dataclass(frozen=True)
class ActionRecord:
    id: str
    name: str
    date: str
    segment: str
    theme: str | None
    created_at: datetime


@dataclass(frozen=True)
class WebhookRecord:
    id: str
    url: str
    secret: str
    description: str
    enabled: bool
    consecutive_failures: int
    disabled_reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class RecipientRecord:
    id: str
    owner: str
    email: str
    frequency: str
    last_digest_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class NewAlert:
    """An alert to store once under its idempotency ``key`` (see voc.delivery.events)."""

    key: str
    kind: str
    severity: str
    owner: str | None
    source: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class AlertRecord:
    id: int
    key: str
    kind: str
    severity: str
    owner: str | None
    source: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class DeliveryRecord:
    id: int
    alert_id: int
    alert_key: str
    channel: str
    target: str
    status: str
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


def _webhook(w: Webhook) -> WebhookRecord:
    return WebhookRecord(
        w.id,
        w.url,
        w.secret,
        w.description,
        bool(w.enabled),
        w.consecutive_failures,
        w.disabled_reason,
        w.created_at,
    )


def _recipient(r: AlertRecipient) -> RecipientRecord:
    return RecipientRecord(r.id, r.owner, r.email, r.frequency, r.last_digest_at, r.created_at)


def _alert(a: AlertEvent) -> AlertRecord:
    return AlertRecord(
        a.id, a.key, a.kind, a.severity, a.owner, a.source, dict(a.payload), a.created_at
    )


def _action(a: BusinessAction) -> ActionRecord:
    return ActionRecord(a.id, a.name, a.date, a.segment, a.theme, a.created_at)


def same_owner(a: str | None, b: str | None) -> bool:
    """Owners are compared trimmed and case-insensitively ('Anna ' is 'anna')."""
    return a is not None and b is not None and a.strip().casefold() == b.strip().casefold()


class BusinessRepository(WorkspaceTables):
    """Business data of one workspace, inside the caller's transaction."""

    # --- customer files -------------------------------------------------------------
    def _customer_record(self, c: CustomerFile, size: int) -> CustomerFileRecord:
        return CustomerFileRecord(
            c.number,
            c.filename,
            c.key,
            c.revenue_column,
            c.owner_column,
            c.accounts,
            size,
            c.created_at,
        )

    def add_customer_file(
        self,
        filename: str,
        content: bytes,
        *,
        key: str | None,
        revenue_column: str | None,
        owner_column: str | None,
        accounts: int,
    ) -> CustomerFileRecord:
        """Store the file as the workspace's next customer-file version."""
        latest = self.session.scalar(
            select(func.max(CustomerFile.number)).where(
                CustomerFile.workspace_id == self.workspace_id
            )
        )
        row = CustomerFile(
            workspace_id=self.workspace_id,
            number=int(latest or 0) + 1,
            filename=filename,
            content=content,
            key=key,
            revenue_column=revenue_column,
            owner_column=owner_column,
            accounts=accounts,
            created_at=utcnow(),
        )
        self.session.add(row)
        self.session.flush()
        return self._customer_record(row, len(content))

    def list_customer_files(self) -> list[CustomerFileRecord]:
        rows = self.session.execute(
            select(CustomerFile, func.length(CustomerFile.content))
            .where(CustomerFile.workspace_id == self.workspace_id)
            .order_by(CustomerFile.number)
        )
        return [self._customer_record(c, int(size or 0)) for c, size in rows]

    def latest_customer_file(self) -> tuple[CustomerFileRecord, bytes] | None:
        """The newest customer file and its bytes, or None when the workspace has none."""
        c = self.session.scalar(
            select(CustomerFile)
            .where(CustomerFile.workspace_id == self.workspace_id)
            .order_by(CustomerFile.number.desc())
            .limit(1)
        )
        if c is None:
            return None
        content = bytes(c.content)
        return self._customer_record(c, len(content)), content

    # --- actions ------------------------------------------------------------------------
    def add_action(self, name: str, date: str, segment: str, theme: str | None) -> ActionRecord:
        row = BusinessAction(
            id=uuid.uuid4().hex,
            workspace_id=self.workspace_id,
            name=name,
            date=date,
            segment=segment,
            theme=theme,
            created_at=utcnow(),
        )
        self.session.add(row)
        self.session.flush()
        return _action(row)

    def list_actions(self) -> list[ActionRecord]:
        rows = self.session.scalars(
            select(BusinessAction)
            .where(BusinessAction.workspace_id == self.workspace_id)
            .order_by(BusinessAction.date, BusinessAction.created_at, BusinessAction.id)
        )
        return [_action(a) for a in rows]

    def delete_action(self, action_id: str) -> None:
        self._one(BusinessAction, action_id, "action")
        self.session.execute(
            delete(BusinessAction).where(
                BusinessAction.workspace_id == self.workspace_id, BusinessAction.id == action_id
            )
        )

    # --- webhooks -----------------------------------------------------------------------
    def add_webhook(self, url: str, secret: str, description: str = "") -> WebhookRecord:
        row = Webhook(
            id=uuid.uuid4().hex,
            workspace_id=self.workspace_id,
            url=url,
            secret=secret,
            description=description,
            enabled=True,
            consecutive_failures=0,
            created_at=utcnow(),
        )
        self.session.add(row)
        self.session.flush()
        return _webhook(row)

    def list_webhooks(self, *, enabled_only: bool = False) -> list[WebhookRecord]:
        query = select(Webhook).where(Webhook.workspace_id == self.workspace_id)
        if enabled_only:
            query = query.where(Webhook.enabled.is_(True))
        return [_webhook(w) for w in self.session.scalars(query.order_by(Webhook.created_at))]

    def get_webhook(self, webhook_id: str) -> WebhookRecord:
        return _webhook(self._one(Webhook, webhook_id, "webhook"))

    def delete_webhook(self, webhook_id: str) -> None:
        """The webhook and its delivery log."""
        self._one(Webhook, webhook_id, "webhook")
        ws = self.workspace_id
        self.session.execute(
            delete(AlertDelivery).where(
                AlertDelivery.workspace_id == ws,
                AlertDelivery.channel == "webhook",
                AlertDelivery.target == webhook_id,
            )
        )
        self.session.execute(
            delete(Webhook).where(Webhook.workspace_id == ws, Webhook.id == webhook_id)
        )

    def enable_webhook(self, webhook_id: str) -> WebhookRecord:
        hook = self._one(Webhook, webhook_id, "webhook")
        hook.enabled, hook.consecutive_failures, hook.disabled_reason = True, 0, None
        self.session.flush()
        return _webhook(hook)

    def record_webhook_outcome(
        self, webhook_id: str, delivered: bool, disable_after: int, reason: str = ""
    ) -> WebhookRecord:
        """Count a delivery's outcome; the ``disable_after``-th failure in a row disables it."""
        hook = self._one(Webhook, webhook_id, "webhook")
        if delivered:
            hook.consecutive_failures = 0
        else:
            hook.consecutive_failures += 1
            if hook.enabled and hook.consecutive_failures >= disable_after:
                hook.enabled = False
                hook.disabled_reason = (
                    f"disabled after {hook.consecutive_failures} failed deliveries in a row "
                    f"(last: {reason})"
                )
        self.session.flush()
        return _webhook(hook)

    # --- e-mail recipients --------------------------------------------------------------
    def add_recipient(self, owner: str, email: str, frequency: str) -> RecipientRecord:
        if frequency not in FREQUENCIES:
            raise ValueError(f"frequency must be one of {FREQUENCIES}, not {frequency!r}")
        row = AlertRecipient(
            id=uuid.uuid4().hex,
            workspace_id=self.workspace_id,
            owner=owner.strip(),
            email=email.strip(),
            frequency=frequency,
            created_at=utcnow(),
        )
        self.session.add(row)
        self.session.flush()
        return _recipient(row)

    def list_recipients(self) -> list[RecipientRecord]:
        rows = self.session.scalars(
            select(AlertRecipient)
            .where(AlertRecipient.workspace_id == self.workspace_id)
            .order_by(AlertRecipient.owner, AlertRecipient.email)
        )
        return [_recipient(r) for r in rows]

    def delete_recipient(self, recipient_id: str) -> None:
        self._one(AlertRecipient, recipient_id, "recipient")
        self.session.execute(
            delete(AlertRecipient).where(
                AlertRecipient.workspace_id == self.workspace_id,
                AlertRecipient.id == recipient_id,
            )
        )

    def mark_digest_sent(self, recipient_id: str, when: datetime) -> None:
        self.session.execute(
            update(AlertRecipient)
            .where(
                AlertRecipient.workspace_id == self.workspace_id,
                AlertRecipient.id == recipient_id,
            )
            .values(last_digest_at=when)
        )

    # --- the alert outbox -------------------------------------------------------------
    def add_alerts(self, alerts: Sequence[NewAlert]) -> list[AlertRecord]:
        """Store the alerts not stored before (by key); returns only the new ones.

        A key already in the outbox, from an earlier run or a concurrent one, is left
        alone: INSERT ... ON CONFLICT DO NOTHING, so an alert exists once per workspace.
        """
        if not alerts:
            return []
        keys = [a.key for a in alerts]
        before = set(
            self.session.scalars(
                select(AlertEvent.key).where(
                    AlertEvent.workspace_id == self.workspace_id, AlertEvent.key.in_(keys)
                )
            )
        )
        fresh = list({a.key: a for a in alerts if a.key not in before}.values())
        if not fresh:
            return []
        now = utcnow()
        self.session.execute(
            self._insert(AlertEvent).on_conflict_do_nothing(),
            [
                {
                    "workspace_id": self.workspace_id,
                    "key": a.key,
                    "kind": a.kind,
                    "severity": a.severity,
                    "owner": a.owner,
                    "source": a.source,
                    "payload": a.payload,
                    "created_at": now,
                }
                for a in fresh
            ],
        )
        rows = self.session.scalars(
            select(AlertEvent)
            .where(
                AlertEvent.workspace_id == self.workspace_id,
                AlertEvent.key.in_([a.key for a in fresh]),
            )
            .order_by(AlertEvent.id)
        )
        return [_alert(r) for r in rows]

    def plan_deliveries(self, alerts: Iterable[AlertRecord]) -> int:
        """A pending delivery per alert and enabled webhook, and per matching recipient.

        A recipient matches when its owner is the alert's owner or ``*`` (every alert).
        Returns how many deliveries were planned; an existing one is never planned again.
        """
        hooks = self.list_webhooks(enabled_only=True)
        recipients = self.list_recipients()
        values = []
        for alert in alerts:
            targets = [("webhook", h.id) for h in hooks] + [
                ("email", r.email)
                for r in recipients
                if r.owner == "*" or same_owner(r.owner, alert.owner)
            ]
            values += [
                {
                    "workspace_id": self.workspace_id,
                    "alert_id": alert.id,
                    "channel": channel,
                    "target": target,
                    "status": "pending",
                    "attempts": 0,
                    "created_at": utcnow(),
                }
                for channel, target in dict.fromkeys(targets)
            ]
        if values:
            self.session.execute(self._insert(AlertDelivery).on_conflict_do_nothing(), values)
        return len(values)

    def pending_deliveries(self, channel: str, target: str | None = None) -> list[DeliveryRecord]:
        query = select(AlertDelivery, AlertEvent.key).join(
            AlertEvent, AlertEvent.id == AlertDelivery.alert_id
        )
        query = query.where(
            AlertDelivery.workspace_id == self.workspace_id,
            AlertDelivery.channel == channel,
            AlertDelivery.status == "pending",
        )
        if target is not None:
            query = query.where(AlertDelivery.target == target)
        return [
            _delivery(d, key) for d, key in self.session.execute(query.order_by(AlertDelivery.id))
        ]

    def alert(self, alert_id: int) -> AlertRecord:
        a = self.session.scalar(
            select(AlertEvent).where(
                AlertEvent.workspace_id == self.workspace_id, AlertEvent.id == alert_id
            )
        )
        if a is None:
            raise NotFoundError("alert", str(alert_id))
        return _alert(a)

    def claim_delivery(self, delivery_id: int) -> bool:
        """Mark a pending delivery as being sent; False when another sender has it."""
        result = self.session.execute(
            update(AlertDelivery)
            .where(
                AlertDelivery.workspace_id == self.workspace_id,
                AlertDelivery.id == delivery_id,
                AlertDelivery.status == "pending",
            )
            .values(status="sending", claimed_at=utcnow())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def release_stale_claims(self, claimed_before: datetime) -> int:
        """Deliveries left ``sending`` by a sender that died (claimed before
        ``claimed_before``) go back to ``pending``; the number released.

        The receiver may then see an alert twice if the dead sender had in fact sent it:
        the ``Idempotency-Key`` header is the same, so it can tell.
        """
        result = self.session.execute(
            update(AlertDelivery)
            .where(
                AlertDelivery.workspace_id == self.workspace_id,
                AlertDelivery.status == "sending",
                AlertDelivery.claimed_at < claimed_before,
            )
            .values(status="pending", claimed_at=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def finish_delivery(
        self,
        delivery_id: int,
        status: str,
        attempts: int,
        last_status: int | None = None,
        last_error: str | None = None,
    ) -> None:
        """Record the outcome: ``delivered``, ``failed``, or ``pending`` to try again later."""
        self.session.execute(
            update(AlertDelivery)
            .where(AlertDelivery.workspace_id == self.workspace_id, AlertDelivery.id == delivery_id)
            .values(
                status=status,
                attempts=attempts,
                last_status=last_status,
                last_error=last_error,
                delivered_at=utcnow() if status == "delivered" else None,
            )
        )

    def list_deliveries(
        self, channel: str | None = None, target: str | None = None, limit: int = 100
    ) -> list[DeliveryRecord]:
        query = (
            select(AlertDelivery, AlertEvent.key)
            .join(AlertEvent, AlertEvent.id == AlertDelivery.alert_id)
            .where(AlertDelivery.workspace_id == self.workspace_id)
        )
        if channel is not None:
            query = query.where(AlertDelivery.channel == channel)
        if target is not None:
            query = query.where(AlertDelivery.target == target)
        rows = self.session.execute(query.order_by(AlertDelivery.id.desc()).limit(limit))
        return [_delivery(d, key) for d, key in rows]

    # --- answers sent to POST /v1/responses ---------------------------------------------
    def known_api_response_ids(self, response_ids: Sequence[str]) -> set[str]:
        """Which of these response ids were already sent to ``POST /v1/responses``."""
        if not response_ids:
            return set()
        rows = self.session.scalars(
            select(Response.response_id)
            .join(Upload, Upload.id == Response.upload_id)
            .where(
                Response.workspace_id == self.workspace_id,
                Upload.filename == API_UPLOAD_FILENAME,
                Response.response_id.in_(list(response_ids)),
            )
        )
        return set(rows)

    def save_classifications(self, upload_id: str, found: Sequence[CommentThemes]) -> None:
        """Languages and themes assigned at once to the answers of an API upload."""
        ws = self.workspace_id
        pk_of_row = dict(
            self.session.execute(
                select(Response.row, Response.id).where(
                    Response.workspace_id == ws, Response.upload_id == upload_id
                )
            ).all()
        )
        hits = []
        for item in found:
            pk = pk_of_row[item.row]
            self.session.execute(
                update(Response)
                .where(Response.workspace_id == ws, Response.id == pk)
                .values(language=item.language, language_confidence=item.language_confidence)
            )
            hits += [
                {
                    "workspace_id": ws,
                    "upload_id": upload_id,
                    "response_pk": pk,
                    "run_id": REALTIME_RUN,
                    "theme_id": h.theme_id,
                    "confidence": h.confidence,
                    "polarity": h.polarity,
                    "start": h.start,
                    "end": h.end,
                }
                for h in dict(((h.theme_id, h.start), h) for h in item.hits).values()
            ]
        if hits:
            self.session.execute(insert(ThemeAssignmentRow), hits)


def _delivery(d: AlertDelivery, key: str) -> DeliveryRecord:
    return DeliveryRecord(
        d.id,
        d.alert_id,
        key,
        d.channel,
        d.target,
        d.status,
        d.attempts,
        d.last_status,
        d.last_error,
        d.created_at,
        d.delivered_at,
    )
