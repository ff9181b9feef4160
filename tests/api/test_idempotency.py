"""Idempotency-Key: a retried POST returns the first response and creates nothing new."""

from datetime import timedelta

import pytest
from django.utils import timezone

from servicedesk.api.idempotency import idempotency_records_purge
from servicedesk.api.models import IdempotencyRecord
from tests.concurrency import in_parallel
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

BODY = {"subject": "Order 1234 never arrived", "priority": "high"}


def test_the_same_key_and_body_replays_the_first_response_without_creating_again(api):
    first = api.post("/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"] and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.filter(action="ticket.created").count() == 1


def test_the_same_key_with_another_body_is_422(api):
    api.post("/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = api.post(
        "/api/v1/tickets/", {**BODY, "priority": "low"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_a_key_is_scoped_to_its_token(api, make_client, integration):
    other = make_client(integration)
    api.post("/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    other.post("/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert Ticket.objects.count() == 2


def test_a_validation_error_is_remembered_and_writes_nothing(api):
    bad = api.post("/api/v1/tickets/", {"subject": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    again = api.post("/api/v1/tickets/", {"subject": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert bad.status_code == again.status_code == 400
    assert again.json() == bad.json()
    assert Ticket.objects.count() == 0


def test_a_refused_scope_is_not_remembered_so_a_retry_with_a_better_token_runs(
    make_client, integration
):
    weak = make_client(integration, scopes=["tickets:read"])
    weak.post("/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    assert IdempotencyRecord.objects.count() == 0


def test_keys_are_forgotten_after_24_hours(api):
    api.post("/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    assert idempotency_records_purge(now=timezone.now() + timedelta(hours=23)) == 0
    assert idempotency_records_purge(now=timezone.now() + timedelta(hours=24, seconds=1)) == 1


def test_an_expired_key_not_yet_purged_runs_the_request_again(api):
    api.post("/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-6")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    api.post("/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-6")
    assert Ticket.objects.count() == 2


def test_a_key_longer_than_255_characters_is_400(api):
    response = api.post("/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert Ticket.objects.count() == 0


def test_concurrent_requests_with_the_same_key_create_exactly_one_ticket(
    committed_db, make_client, integration
):
    client = make_client(integration)

    def post():
        response = client.post("/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="race")
        return response.status_code, response.json()["id"]

    results = in_parallel(post, workers=6)
    assert len(results) == 6
    assert {status for status, _id in results} == {201}
    assert len({ticket_id for _status, ticket_id in results}) == 1
    assert Ticket.objects.count() == 1
