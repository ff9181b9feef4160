"""Optimistic concurrency: ETag on reads, If-Match on updates, 412 when stale, 428 when absent."""

import pytest

from tests.nothing_written import nothing_written
from tickets import services
from tickets.models import Channel, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(team, integration):
    return services.ticket_create(actor=integration, subject="Help", channel=Channel.API, team=team)


def test_the_etag_changes_with_every_change(api, ticket, integration):
    before = api.get(f"/api/v1/tickets/{ticket.pk}/")["ETag"]
    services.ticket_change_priority(ticket=ticket, actor=integration, priority="low")
    after = api.get(f"/api/v1/tickets/{ticket.pk}/")["ETag"]
    assert before != after
    assert after == f'W/"{ticket.pk}-2"'


def test_a_stale_if_match_is_412_and_changes_nothing(api, ticket, integration):
    stale = api.get(f"/api/v1/tickets/{ticket.pk}/")["ETag"]
    services.ticket_change_priority(ticket=ticket, actor=integration, priority="low")
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/status/",
        {"status": "open"},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


@pytest.mark.parametrize("header", ["*", " * "])
def test_if_match_any_is_428_and_changes_nothing(api, ticket, integration, header):
    # `*` only says the record exists: it would let a client that never read the
    # record overwrite a change it has not seen (a lost update).
    services.ticket_change_priority(ticket=ticket, actor=integration, priority="low")
    response = api.patch(
        f"/api/v1/tickets/{ticket.pk}/", {"subject": "blind"}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.version) == ("Help", 2)


def test_if_match_any_is_428_from_a_browser_session_too(integration, ticket):
    from rest_framework.test import APIClient

    session = APIClient()
    session.force_login(integration)
    response = session.post(
        f"/api/v1/tickets/{ticket.pk}/status/", {"status": "open"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 428
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_an_if_match_for_another_record_is_412(api, ticket):
    with nothing_written():
        response = api.patch(
            f"/api/v1/tickets/{ticket.pk}/",
            {"subject": "x"},
            format="json",
            HTTP_IF_MATCH=f'W/"{ticket.pk + 1}-1"',
        )
    assert response.status_code == 412


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("patch", "", {"subject": "New subject"}),
        ("post", "status/", {"status": "open"}),
        ("post", "priority/", {"priority": "low"}),
        ("post", "assign/", {"assignee": None}),
    ],
)
def test_token_clients_must_send_if_match_on_updates(api, ticket, method, suffix, body):
    response = getattr(api, method)(f"/api/v1/tickets/{ticket.pk}/{suffix}", body, format="json")
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    ticket.refresh_from_db()
    assert ticket.version == 1


def test_a_browser_session_may_omit_if_match(client, integration, ticket):
    client.force_login(integration)
    response = client.patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"subject": "From the browser"},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_if_match_accepts_the_strong_form_and_a_list(api, ticket):
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/priority/",
        {"priority": "low"},
        format="json",
        HTTP_IF_MATCH=f'"999-9", "{ticket.pk}-1"',
    )
    assert response.status_code == 200
