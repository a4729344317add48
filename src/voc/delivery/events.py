"""A report's alerts as stored alerts: each with its owner and an idempotency key."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import pandas as pd

from voc.analytics.results import Alert
from voc.io.customers import OWNER_HEADER
from voc.store.business import NewAlert


def owner_column(columns: Sequence[str], preferred: str | None = None) -> str | None:
    """The column naming the person who acts on an answer (Seller, Säljare, Owner ...).

    ``preferred`` (the customer file's owner column after the join) wins when present.
    """
    if preferred is not None and preferred in columns:
        return preferred
    return next((c for c in columns if OWNER_HEADER.search(c)), None)


def owners_by_row(frame: pd.DataFrame, column: str | None) -> dict[int, str]:
    """Spreadsheet row -> owner, for the rows whose owner cell is filled."""
    if column is None or column not in frame.columns:
        return {}
    out = {}
    for row, owner in zip(frame["row"], frame[column], strict=True):
        text = "" if pd.isna(owner) else str(owner).strip()
        if text:
            out[int(row)] = text
    return out


def alert_key(alert: Alert, scope: str) -> str:
    """The idempotency key: the same alert on the same answer always gets the same key.

    An answer's alert is keyed by ``scope`` (its upload) and row, so re-running a job on
    the same upload finds every key stored already; a theme jump is keyed by theme and
    period only, so two analyses that both see it raise it once.
    """
    if alert.kind == "theme_jump":
        parts = [alert.kind, alert.theme_id or "", alert.period or ""]
    else:
        parts = [alert.kind, scope, str(alert.row), alert.response_id or ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def alert_events(
    alerts: Sequence[Alert], owners: Mapping[int, str], *, scope: str, source: str
) -> list[NewAlert]:
    """Stored-alert records for ``alerts``; ``source`` names what raised them (job, API)."""
    out = []
    for alert in alerts:
        owner = owners.get(alert.row) if alert.row is not None else None
        key = alert_key(alert, scope)
        out.append(
            NewAlert(
                key=key,
                kind=alert.kind,
                severity=alert.severity,
                owner=owner,
                source=source,
                payload={**alert.model_dump(mode="json"), "owner": owner, "upload_id": scope},
            )
        )
    return out
