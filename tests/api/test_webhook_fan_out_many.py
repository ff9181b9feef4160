"""The batch fan-out (webhook_fan_out_many, the SLA sweep's) and the one-event fan-out
(webhook_fan_out, with its endpoint test in SQL) queue the same deliveries."""

import pytest

from servicedesk.api.models import WebhookEndpoint
from servicedesk.api.webhooks import webhook_fan_out, webhook_fan_out_many
from servicedesk.outbox.models import OutboxMessage
from tickets import services
from tickets.models import Channel

pytestmark = pytest.mark.django_db


def queued() -> list[tuple]:
    rows = OutboxMessage.objects.filter(channel="webhook").order_by("pk")
    return [
        (row.topic, row.recipient, row.payload["data"], sorted(row.payload), row.ticket_id)
        for row in rows
    ]


def test_a_batch_queues_what_one_event_at_a_time_queues(agent, team, customer):
    ticket = services.ticket_create(
        actor=agent, subject="Fan-out", channel=Channel.EMAIL, team=team, customer=customer
    )
    OutboxMessage.objects.all().delete()
    for name, events, active in [
        ("breaches", ["sla.breached"], True),
        ("both", ["sla.warning", "sla.breached"], True),
        ("switched off", ["sla.breached", "sla.warning"], False),
        ("tickets", ["ticket.created"], True),
        ("nothing", [], True),
    ]:
        WebhookEndpoint.objects.create(
            name=name, url="https://hooks.example.com/", secret="s", events=events, active=active
        )
    events = [
        ("sla.breached", {"metric": "resolution", "n": 1}, ticket),
        ("sla.warning", {"metric": "first_response", "n": 2}, ticket),
        ("ticket.created", {"reference": ticket.reference}, ticket),
        ("sla.escalated", {"n": 3}, ticket),  # not a webhook event
        ("sla.breached", {"n": 4}, None),
    ]
    for topic, payload, about in events:
        webhook_fan_out(topic, payload, about)
    one_at_a_time = queued()
    OutboxMessage.objects.all().delete()

    webhook_fan_out_many(events)

    assert queued() == one_at_a_time
    assert [(topic, data["n"]) for topic, _, data, _, _ in one_at_a_time if "n" in data] == [
        ("sla.breached", 1),
        ("sla.breached", 1),
        ("sla.warning", 2),
        ("sla.breached", 4),
        ("sla.breached", 4),
    ]
