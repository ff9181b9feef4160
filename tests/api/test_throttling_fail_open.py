"""The rate limit fails open: a Redis that is gone or hangs never stops the API."""

import logging

import pytest

from servicedesk.api.throttling import current_rate_limiter
from tests.redis_door import JAMMED, OPEN, SHUT, RedisDoor
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def door(settings):
    """The API's rate limit on a Redis behind a door the test controls."""
    if not settings.API_THROTTLE_REDIS_URL:
        pytest.fail("the suite runs with Redis: API_THROTTLE_REDIS_URL must be set")
    door = RedisDoor(settings.API_THROTTLE_REDIS_URL)
    settings.API_THROTTLE_REDIS_URL = door.url
    yield door
    door.close()


def throttle_log(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "servicedesk.api.throttling"
    ]


def ticket_body(customer, team):
    return {"subject": "Printer jams", "customer": customer.pk, "team": team.pk}


def test_tickets_are_created_while_the_rate_limit_redis_is_down(api, door, customer, team, caplog):
    door.set_mode(SHUT)
    before = Ticket.objects.count()
    with caplog.at_level(logging.WARNING, logger="servicedesk.api.throttling"):
        statuses = [
            api.post("/api/v1/tickets/", ticket_body(customer, team), format="json").status_code
            for _ in range(3)
        ]
    assert statuses == [201, 201, 201]
    assert Ticket.objects.count() == before + 3
    limiter = current_rate_limiter()
    assert limiter.is_down
    assert limiter.unthrottled_requests == 3
    # One line for the change of state, not one per request.
    assert [("unthrottled" in line) for line in throttle_log(caplog)] == [True]


def test_a_redis_that_never_answers_is_tried_once_then_left_alone(api, door, settings):
    settings.API_THROTTLE_REDIS_RETRY_SECONDS = 60
    door.set_mode(JAMMED)
    statuses = [api.get("/api/v1/staff/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 200]
    # The first request waits out the short read timeout; the others skip Redis entirely.
    assert door.accepted == 1
    assert current_rate_limiter().unthrottled_requests == 4


def test_the_rate_limit_applies_again_when_redis_returns(
    make_client, integration, door, settings, caplog
):
    settings.API_THROTTLE_REDIS_RETRY_SECONDS = 0  # try Redis again on the next request
    client = make_client(integration, rate_per_minute=2)
    door.set_mode(SHUT)
    assert [client.get("/api/v1/staff/").status_code for _ in range(3)] == [200, 200, 200]
    door.set_mode(OPEN)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="servicedesk.api.throttling"):
        statuses = [client.get("/api/v1/staff/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limiter = current_rate_limiter()
    assert not limiter.is_down
    assert limiter.unthrottled_requests == 3
    assert [("reachable again" in line) for line in throttle_log(caplog)] == [True]
