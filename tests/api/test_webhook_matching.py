"""One subscription rule, WebhookEndpoint.wants; the PostgreSQL fan-out chooses endpoints
in SQL (inside its INSERT), which must answer as the rule on the same data."""

import pytest
from django.db import connection

from servicedesk.api.models import WebhookEndpoint, WebhookEvent
from servicedesk.api.webhooks import WANTING_ENDPOINTS_SQL, wanting_endpoints_params

pytestmark = pytest.mark.django_db

EVENTS = [
    ["sla.breached"],
    ["sla.warning", "sla.breached", "ticket.created"],
    [],
    ["sla.breach"],  # a prefix of a topic is not the topic
    ["SLA.BREACHED"],  # nor is another case
    [["sla.breached"]],  # a nested list names no topic
    "sla.breached",  # not a list: wants nothing
    {"sla.breached": True},
    [" ticket.created"],
]


def test_the_sql_chooses_the_endpoints_that_the_rule_wants():
    assert connection.vendor == "postgresql"
    endpoints = [
        WebhookEndpoint.objects.create(
            name=f"endpoint {index}",
            url="https://hooks.example.com/",
            secret="s",
            events=events,
            active=active,
        )
        for index, events in enumerate(EVENTS)
        for active in (True, False)
    ]
    topics = [*WebhookEvent.values, "sla.breach", "ticket", ""]
    for topic in topics:
        with connection.cursor() as cursor:
            cursor.execute(WANTING_ENDPOINTS_SQL, wanting_endpoints_params(topic))
            chosen = [int(row[0]) for row in cursor.fetchall()]
        wanted = [e.pk for e in endpoints if e.active and e.wants(topic)]
        assert chosen == wanted, topic
    # The data is not all "no": some topics are wanted by several endpoints.
    assert len([e for e in endpoints if e.active and e.wants("sla.breached")]) == 2
