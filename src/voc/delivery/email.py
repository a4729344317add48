"""E-mail digests: one message per recipient with every alert of theirs not sent before."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

from voc.config import Settings
from voc.store.business import AlertRecord, RecipientRecord

_ORDER = {"high": 0, "medium": 1}


def digest_message(
    recipient: RecipientRecord, alerts: Sequence[AlertRecord], sender: str, workspace: str
) -> EmailMessage:
    """The digest: a subject that counts the alerts, then one paragraph per alert."""
    ranked = sorted(alerts, key=lambda a: (_ORDER.get(a.severity, 9), a.id))
    high = sum(a.severity == "high" for a in ranked)
    who = "all owners" if recipient.owner == "*" else recipient.owner
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient.email
    message["Subject"] = (
        f"voc: {len(ranked)} new alert{'s' if len(ranked) != 1 else ''} for {who}"
        + (f" ({high} high)" if high else "")
    )
    lines = [
        f"{len(ranked)} new alert(s) in workspace {workspace} for {who} "
        f"({recipient.frequency} digest).",
        "",
    ]
    for n, alert in enumerate(ranked, start=1):
        p = alert.payload
        lines.append(f"{n}. [{alert.severity}] {p.get('reason', alert.kind)}")
        if p.get("response_id"):
            lines.append(f"   response {p['response_id']}, score {p.get('score')}")
        if p.get("comment"):
            lines.append(f"   “{p['comment']}”")
        if alert.owner:
            lines.append(f"   owner: {alert.owner}")
        lines.append(f"   alert id: {alert.key[:16]}")
        lines.append("")
    message.set_content("\n".join(lines))
    return message


def send_message(message: EmailMessage, settings: Settings) -> None:
    """Send over the SMTP server of ``settings`` (STARTTLS and login when configured).

    Raises OSError / smtplib.SMTPException when the server cannot take it.
    """
    if settings.smtp_host is None:
        raise RuntimeError("no SMTP server configured (VOC_SMTP_HOST)")
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s
    ) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
        smtp.send_message(message)
