"""Alerts that reach people: signed webhooks and e-mail digests per owner.

:mod:`events` turns a report's alerts into stored alerts with an owner and an idempotency
key, :mod:`webhooks` signs and posts them with retries, :mod:`email` sends an owner's
digest over SMTP, and :mod:`dispatch` ties them to the store: each alert is kept once per
workspace, each (alert, webhook) and (alert, e-mail address) pair is delivered once, and
every try is written to the delivery log. See docs/service.md, "Alerts that reach people".
"""

from voc.delivery.dispatch import DispatchResult, deliver_pending, dispatch_alerts
from voc.delivery.events import alert_events, owner_column, owners_by_row
from voc.delivery.webhooks import sign, verify_signature

__all__ = [
    "DispatchResult",
    "alert_events",
    "deliver_pending",
    "dispatch_alerts",
    "owner_column",
    "owners_by_row",
    "sign",
    "verify_signature",
]
