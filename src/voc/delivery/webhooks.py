"""Webhook delivery: an HMAC-SHA256-signed JSON POST, retried with exponential backoff.

The receiver checks ``X-Voc-Signature: sha256=<hex>`` where the hex digest is
HMAC-SHA256(secret, ``"<X-Voc-Timestamp>." + body``) and rejects old timestamps (replay);
``Idempotency-Key`` is the same for every try of one alert, so a receiver that saw it
already can acknowledge and skip it.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

SIGNATURE_HEADER = "X-Voc-Signature"
TIMESTAMP_HEADER = "X-Voc-Timestamp"
#: Statuses worth another try: the receiver is busy, down or timed out.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, "sha256")
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance_s: float = 300.0,
    now: float | None = None,
) -> bool:
    """True when ``signature`` is ours for this body and the timestamp is recent."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance_s and hmac.compare_digest(sign(secret, timestamp, body), signature)


def encode_payload(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


@dataclass(frozen=True)
class Outcome:
    """What the tries of one delivery came to."""

    delivered: bool
    attempts: int
    status: int | None
    error: str | None


def post_with_retries(
    url: str,
    secret: str,
    payload: dict[str, Any],
    *,
    idempotency_key: str,
    delivery_id: int,
    max_attempts: int,
    backoff_s: float,
    timeout_s: float,
    sleep: Callable[[float], None] = time.sleep,
    client: httpx.Client | None = None,
) -> Outcome:
    """POST ``payload`` until a 2xx, a status not worth retrying, or ``max_attempts``.

    Waits ``backoff_s * 2**(n-1)`` before try n+1; each try is signed afresh (its own
    timestamp). A 4xx other than 408/425/429 is final: the receiver refuses it.
    """
    body = encode_payload(payload)
    owned = client is None
    http = client or httpx.Client(timeout=timeout_s, follow_redirects=False)
    status: int | None = None
    error: str | None = None
    try:
        for attempt in range(1, max_attempts + 1):
            if attempt > 1:
                sleep(backoff_s * 2 ** (attempt - 2))
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "voc-webhooks/1",
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign(secret, timestamp, body),
                "Idempotency-Key": idempotency_key,
                "X-Voc-Delivery": str(delivery_id),
            }
            try:
                response = http.post(url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"[:500]
                continue
            status = response.status_code
            if 200 <= status < 300:
                return Outcome(True, attempt, status, None)
            error = f"HTTP {status}"
            if status not in RETRY_STATUSES:
                return Outcome(False, attempt, status, error)
        return Outcome(False, max_attempts, status, error)
    finally:
        if owned:
            http.close()
