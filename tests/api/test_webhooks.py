"""Outgoing webhooks: signed, delivered from the outbox, retried, never sent twice by accident."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from servicedesk.api.services import webhook_delivery_replay, webhook_endpoint_create
from servicedesk.api.webhooks import send_webhook
from servicedesk.outbox.delivery import outbox_claim_next, outbox_deliver_due
from servicedesk.outbox.models import OutboxMessage, OutboxStatus
from tickets import services
from tickets.models import Channel

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP receiver on 127.0.0.1 answering with scripted statuses (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                receiver.requests.append(
                    {"headers": dict(self.headers), "body": self.rfile.read(length)}
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def endpoint(receiver):
    return webhook_endpoint_create(
        name="crm",
        url=receiver.url,
        events=["ticket.created", "ticket.status_changed"],
        secret="s3cret-s3cret-s3cret",
    )


def open_ticket(team, actor):
    return services.ticket_create(actor=actor, subject="Help", channel=Channel.API, team=team)


def verify(request, secret: str) -> bool:
    """What a receiver does: HMAC-SHA256 over timestamp + "." + body."""
    timestamp = request["headers"]["X-Servicedesk-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + request["body"], hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(request["headers"]["X-Servicedesk-Signature"], f"sha256={expected}")


def test_a_delivery_is_signed_and_the_receiver_can_verify_it(receiver, endpoint, team, agent):
    ticket = open_ticket(team, agent)
    report = outbox_deliver_due()
    assert report.sent == 1
    [request] = receiver.requests
    assert verify(request, endpoint.secret)
    assert not verify(request, "another-secret-entirely")
    body = json.loads(request["body"])
    message = OutboxMessage.objects.get(channel="webhook")
    assert body["event"] == "ticket.created" and body["id"] == message.pk
    assert body["data"]["reference"] == ticket.reference
    assert request["headers"]["X-Servicedesk-Delivery"] == str(message.pk)
    assert message.status == OutboxStatus.SENT and message.attempts == 1


def test_only_subscribed_events_are_queued(receiver, team, agent):
    webhook_endpoint_create(name="x", url=receiver.url, events=["sla.breached"])
    open_ticket(team, agent)
    assert not OutboxMessage.objects.filter(channel="webhook").exists()


def test_each_active_subscribed_endpoint_gets_one_row_with_the_same_message(receiver, team, agent):
    wanted = [
        webhook_endpoint_create(name=f"wants {n}", url=receiver.url, events=events)
        for n, events in enumerate(
            [["ticket.created"], ["sla.breached", "ticket.created", "ticket.status_changed"]]
        )
    ]
    disabled = webhook_endpoint_create(name="off", url=receiver.url, events=["ticket.created"])
    disabled.active = False
    disabled.save()
    # Another event whose name starts the same way, and no events at all.
    webhook_endpoint_create(name="other", url=receiver.url, events=["ticket.status_changed"])
    webhook_endpoint_create(name="none", url=receiver.url, events=[])
    ticket = open_ticket(team, agent)
    rows = list(OutboxMessage.objects.filter(channel="webhook").order_by("recipient"))
    assert [row.recipient for row in rows] == sorted(str(e.pk) for e in wanted)
    for row in rows:
        assert row.topic == "ticket.created" and row.ticket_id == ticket.pk
        assert row.status == OutboxStatus.PENDING and row.attempts == 0
        assert row.created_at is not None and row.deliver_after <= timezone.now()
        assert row.payload["data"]["reference"] == ticket.reference
    assert rows[0].payload == rows[1].payload


def test_nothing_is_sent_on_the_request_path(receiver, endpoint, team, agent):
    open_ticket(team, agent)
    assert receiver.requests == []
    assert OutboxMessage.objects.get(channel="webhook").status == OutboxStatus.PENDING


def test_a_500_is_retried_with_backoff_and_then_delivered(
    receiver, endpoint, team, agent, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    receiver.statuses = [500]
    open_ticket(team, agent)
    report = outbox_deliver_due()
    assert report.retried == 1
    message = OutboxMessage.objects.get(channel="webhook")
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert message.deliver_after > timezone.now()
    assert "500" in message.last_error
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1
    assert outbox_deliver_due().sent == 0  # not due yet: backing off
    time_machine.shift(timedelta(hours=1))
    assert outbox_deliver_due().sent == 1
    first, second = receiver.requests
    assert first["headers"]["X-Servicedesk-Delivery"] == second["headers"]["X-Servicedesk-Delivery"]
    message.refresh_from_db()
    endpoint.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2
    assert endpoint.consecutive_failures == 0


def test_a_4xx_is_not_retried(receiver, endpoint, team, agent):
    receiver.statuses = [410]
    open_ticket(team, agent)
    assert outbox_deliver_due().dead == 1


def test_an_unreachable_receiver_is_retried(endpoint, receiver, team, agent):
    receiver.close()
    open_ticket(team, agent)
    assert outbox_deliver_due().retried == 1


def test_the_endpoint_is_disabled_after_repeated_failures(
    receiver, endpoint, team, agent, settings, time_machine
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    time_machine.move_to(timezone.now(), tick=False)
    receiver.statuses = [500, 500, 500]
    open_ticket(team, agent)
    outbox_deliver_due()
    time_machine.shift(timedelta(hours=2))
    outbox_deliver_due()
    endpoint.refresh_from_db()
    assert endpoint.active is False and endpoint.disabled_at is not None
    time_machine.shift(timedelta(hours=2))
    assert outbox_deliver_due().dead == 1  # the pending retry is given up
    open_ticket(team, agent)
    assert OutboxMessage.objects.filter(channel="webhook").count() == 1
    assert len(receiver.requests) == 2


def test_running_delivery_twice_sends_once(receiver, endpoint, team, agent):
    open_ticket(team, agent)
    outbox_deliver_due()
    outbox_deliver_due()
    assert len(receiver.requests) == 1


def test_a_worker_that_died_after_claiming_does_not_cause_a_second_delivery(
    receiver, endpoint, team, agent, time_machine, settings
):
    time_machine.move_to(timezone.now(), tick=False)
    open_ticket(team, agent)
    claimed = outbox_claim_next()  # the worker dies here, before sending
    assert claimed.status == OutboxStatus.SENDING
    assert outbox_deliver_due().sent == 0  # another worker leaves a leased row alone
    time_machine.shift(timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1))
    assert outbox_deliver_due().sent == 1  # after the lease, delivered once
    assert outbox_deliver_due().sent == 0
    assert len(receiver.requests) == 1


def test_a_send_interrupted_before_it_was_recorded_repeats_the_same_delivery_id(
    receiver, endpoint, team, agent, time_machine, settings
):
    # The one ambiguous case: sent, then the worker died before marking. Webhooks are
    # at-least-once; the repeated delivery carries the same id so the receiver drops it.
    time_machine.move_to(timezone.now(), tick=False)
    open_ticket(team, agent)
    send_webhook(outbox_claim_next())
    time_machine.shift(timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1))
    outbox_deliver_due()
    outbox_deliver_due()
    ids = [request["headers"]["X-Servicedesk-Delivery"] for request in receiver.requests]
    assert len(ids) == 2 and len(set(ids)) == 1


def test_an_administrator_can_replay_a_delivery(receiver, endpoint, team, agent):
    open_ticket(team, agent)
    outbox_deliver_due()
    message = OutboxMessage.objects.get(channel="webhook")
    webhook_delivery_replay(message=message)
    assert outbox_deliver_due().sent == 1
    assert len(receiver.requests) == 2
