"""What one API ticket create costs in queries, and that the cheap path still does it all.

Pinned so that a change cannot silently add round trips to the busiest write (issue 6's
benchmark goals): audit event, SLA clocks with their plan rows and the webhook outbox row
are all written, and the response shows the clocks without reading them back.
"""

from datetime import datetime

import pytest

from servicedesk.api.models import WebhookEndpoint
from servicedesk.outbox.models import OutboxMessage
from tickets.models import Ticket, TicketEvent
from tickets.sla.models import Clock, ClockPlan

pytestmark = pytest.mark.django_db

# token with its user and the user's permissions (one query), customer, team, the ticket
# (its reference is the INSERT's own default, returned with the id), audit event, SLA
# policy table revision, clocks with their plan rows (one statement), outbox rows for the
# subscribed webhook endpoints (one INSERT … SELECT). The test's transaction turns the
# service's own transaction into a savepoint (+2); in production that is BEGIN/COMMIT.
CREATE_QUERIES = 8 + 2
# Idempotency-Key: the request runs in the middleware's transaction (a savepoint here, +2),
# the key row is inserted first in a savepoint of its own (+3) and the response stored
# after (+1); the token is still read once.
IDEMPOTENT_CREATE_QUERIES = CREATE_QUERIES + 2 + 3 + 1


@pytest.fixture
def body(team, customer):
    return {
        "subject": "Printer on fire",
        "priority": "normal",
        "team": team.pk,
        "customer": customer.pk,
    }


@pytest.fixture
def subscribed(db):
    return WebhookEndpoint.objects.create(
        name="CRM", url="http://127.0.0.1:9/hook", secret="s" * 32, events=["ticket.created"]
    )


def test_one_api_create_takes_a_fixed_number_of_queries(
    api, body, subscribed, django_assert_num_queries
):
    # The first request also stamps the token's last use and reads the SLA policies.
    assert api.post("/api/v1/tickets/", body, format="json").status_code == 201
    with django_assert_num_queries(CREATE_QUERIES):
        response = api.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.reference == Ticket.reference_for(ticket.pk) == response.json()["reference"]
    assert TicketEvent.objects.filter(ticket=ticket, action="ticket.created").count() == 1
    clocks = Clock.objects.filter(ticket=ticket)
    assert clocks.count() == 2
    assert ClockPlan.objects.filter(clock__ticket=ticket).count() == 2
    assert OutboxMessage.objects.filter(ticket=ticket, recipient=str(subscribed.pk)).count() == 1
    # The clocks shown are the ones stored, though the response did not read them back.
    shown = {(c["metric"], datetime.fromisoformat(c["due_at"])) for c in response.json()["sla"]}
    assert shown == {(c.metric, c.due_at) for c in clocks}


def test_one_idempotent_api_create_takes_a_fixed_number_of_queries(
    api, body, subscribed, django_assert_num_queries
):
    assert api.post("/api/v1/tickets/", body, format="json").status_code == 201
    with django_assert_num_queries(IDEMPOTENT_CREATE_QUERIES):
        response = api.post("/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201
    replay = api.post("/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.json() == response.json()
    assert Ticket.objects.count() == 2


def test_tags_cost_one_read_and_one_insert_when_they_exist(api, body, django_assert_num_queries):
    api.post("/api/v1/tickets/", {**body, "tags": ["vip", "printer"]}, format="json")
    # The tags add their read, the ticket's tag links and the read-back for the response.
    # (No webhook endpoint here: the fan-out statement still runs and queues nothing.)
    with django_assert_num_queries(CREATE_QUERIES + 3):
        response = api.post("/api/v1/tickets/", {**body, "tags": ["printer", "vip"]}, format="json")
    assert response.json()["tags"] == ["printer", "vip"]
