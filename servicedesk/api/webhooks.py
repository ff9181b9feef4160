"""Outgoing webhooks: domain events → one outbox row per subscribed endpoint → signed POST.

Nothing is sent on the request path: `webhook_fan_out` only writes outbox rows in the
transaction of the change; the outbox worker calls `send_webhook` later and owns retries
(exponential backoff) and the attempt count. The receiver verifies

    X-Servicedesk-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>

with the timestamp from X-Servicedesk-Timestamp (reject old ones to stop replays) and
deduplicates on X-Servicedesk-Delivery (the outbox row id, the same on every retry).
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Sequence

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from servicedesk.outbox.delivery import register_channel_sender
from servicedesk.outbox.models import OutboxChannel, OutboxMessage
from servicedesk.outbox.services import Event, outbox_enqueue, outbox_enqueue_per_recipient

from .models import WebhookEndpoint, WebhookEvent
from .receivers import ReceiverAddressDenied, receiver_opener

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Servicedesk-Signature"
TIMESTAMP_HEADER = "X-Servicedesk-Timestamp"
DELIVERY_HEADER = "X-Servicedesk-Delivery"
EVENT_HEADER = "X-Servicedesk-Event"
# Receivers answer these when they are overloaded; anything else in 4xx is final.
_RETRYABLE_CLIENT_ERRORS = frozenset({408, 425, 429})


_opener = receiver_opener()
_WEBHOOK_TOPICS = frozenset(WebhookEvent.values)
# WebhookEndpoint.wants in SQL, for PostgreSQL: the ids (as text) of the active endpoints
# whose events list holds the topic. The table name comes from model metadata, the topic is
# a parameter.
WANTING_ENDPOINTS_SQL = (
    f"SELECT CAST(id AS varchar) FROM {WebhookEndpoint._meta.db_table} "  # noqa: S608  # nosec B608
    "WHERE active AND events @> %s::jsonb ORDER BY id"
)


def wanting_endpoints_params(topic: str) -> list[str]:
    return [json.dumps([topic])]


def webhook_fan_out(topic: str, payload: dict, ticket) -> None:
    """subscribe_to_events() callback: queue one delivery per endpoint that wants `topic`."""
    if topic not in _WEBHOOK_TOPICS:
        return
    occurred_at = timezone.now().isoformat()
    message = {"occurred_at": occurred_at, "data": payload}
    if connection.vendor == "postgresql":
        # Every ticket write passes here: the endpoints are chosen inside the INSERT (jsonb
        # containment, which answers as WebhookEndpoint.wants: tests/api/test_webhook_matching.py),
        # so there is no read first.
        outbox_enqueue_per_recipient(
            channel=OutboxChannel.WEBHOOK,
            topic=topic,
            payload=message,
            ticket=ticket,
            recipients_sql=WANTING_ENDPOINTS_SQL,
            recipients_params=wanting_endpoints_params(topic),
        )
        return
    # Elsewhere (SQLite for `make run`, whose JSON has no containment operator): the rule
    # itself, over the active endpoints in id order.
    for endpoint in WebhookEndpoint.objects.filter(active=True).order_by("pk"):
        if endpoint.wants(topic):
            outbox_enqueue(
                channel=OutboxChannel.WEBHOOK,
                topic=topic,
                recipient=str(endpoint.pk),
                payload=message,
                ticket=ticket,
            )


def webhook_fan_out_many(events: Sequence[Event]) -> None:
    """The batch form of webhook_fan_out (event_publish_many): the endpoints are read once
    and every delivery row of the batch is written in one INSERT, in the same order and
    with the same payloads as one webhook_fan_out call per event would write them."""
    wanted = [event for event in events if event[0] in _WEBHOOK_TOPICS]
    if not wanted:
        return
    endpoints = list(WebhookEndpoint.objects.filter(active=True).order_by("pk"))
    now = timezone.now()
    occurred_at = now.isoformat()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                channel=OutboxChannel.WEBHOOK,
                topic=topic,
                recipient=str(endpoint.pk),
                payload={"occurred_at": occurred_at, "data": payload},
                ticket=ticket,
                deliver_after=now,
            )
            for topic, payload, ticket in wanted
            for endpoint in endpoints
            if endpoint.wants(topic)
        ]
    )


def webhook_body(message: OutboxMessage) -> bytes:
    return json.dumps(
        {
            "id": message.pk,
            "event": message.topic,
            "occurred_at": message.payload.get("occurred_at"),
            "data": message.payload.get("data", message.payload),
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _delivery_error():
    from servicedesk.outbox.delivery import DeliveryError

    return DeliveryError


def _record_failure(endpoint: WebhookEndpoint) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    # Disabled only once: the filter makes concurrent workers agree on who did it.
    disabled = WebhookEndpoint.objects.filter(
        pk=endpoint.pk,
        active=True,
        consecutive_failures__gte=settings.WEBHOOK_DISABLE_AFTER_FAILURES,
    ).update(active=False, disabled_at=timezone.now())
    if disabled:
        logger.warning("webhook endpoint %s disabled after repeated failures", endpoint.pk)


def send_webhook(message: OutboxMessage) -> None:
    """The outbox sender for channel "webhook"; raises DeliveryError on failure."""
    DeliveryError = _delivery_error()
    endpoint = WebhookEndpoint.objects.filter(pk=int(message.recipient)).first()
    if endpoint is None or not endpoint.active:
        raise DeliveryError("webhook endpoint removed or disabled", retry=False)
    body = webhook_body(message)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 (an http(s) URLField)
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "servicedesk-webhooks/1",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: webhook_signature(endpoint.secret, timestamp, body),
            DELIVERY_HEADER: str(message.pk),
            EVENT_HEADER: message.topic,
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        _record_failure(endpoint)
        retry = error.code >= 500 or error.code in _RETRYABLE_CLIENT_ERRORS
        raise DeliveryError(f"receiver answered {error.code}", retry=retry) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        _record_failure(endpoint)
        reason = getattr(error, "reason", error)
        if isinstance(reason, ReceiverAddressDenied):
            # Nothing was sent; retrying cannot help until the URL or the rule changes.
            raise DeliveryError(str(reason), retry=False) from None
        raise DeliveryError(f"receiver unreachable: {error}", retry=True) from None
    if endpoint.consecutive_failures:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)


def register_sender() -> None:
    """Plug send_webhook into the outbox's delivery registry (called by ApiConfig.ready)."""
    # Receivers deduplicate on X-Servicedesk-Delivery, so a send interrupted by a worker's
    # death may be repeated (at-least-once) rather than given up.
    register_channel_sender(OutboxChannel.WEBHOOK, send_webhook, resend_after_interruption=True)
