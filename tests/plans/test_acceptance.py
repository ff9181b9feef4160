"""Acceptance (验收) before closing [S1 §2.3]: the customer's signed link or the case owner's
record; a ticket with an approved plan is not resolved without it."""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from rest_framework.test import APIClient

from plans import acceptance
from plans.models import Acceptance, AcceptanceLink, AcceptanceOutcome, PlanStatus
from servicedesk.exceptions import ConflictError, TransitionError, ValidationError
from servicedesk.outbox.models import OutboxMessage
from tickets import services as tickets
from tickets.models import Status, Ticket

from .helpers import approved_plan

ACCEPTED, NOT_ACCEPTED = AcceptanceOutcome.ACCEPTED, AcceptanceOutcome.NOT_ACCEPTED


def link_token(plan, agent) -> str:
    link = acceptance.plan_acceptance_link_send(plan=plan, actor=agent)
    return acceptance.acceptance_token(link)


def test_resolve_is_refused_without_acceptance_by_service_page_and_api(
    request_ticket, agent, client, wednesday
):
    ticket = request_ticket()
    approved_plan(ticket, agent)
    with pytest.raises(TransitionError) as refused:
        tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    assert "验收" in str(refused.value.message)

    client.force_login(agent)
    ticket.refresh_from_db()
    page = client.post(
        reverse("tickets:status", args=[ticket.reference]),
        {"status": Status.RESOLVED, "version": ticket.version},
    )
    assert page.status_code == 422
    assert "must be accepted" in page.content.decode()

    api = APIClient()
    api.force_authenticate(agent)
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/status/", {"status": "resolved"}, format="json"
    )
    assert response.status_code == 409
    assert "must be accepted" in response.json()["fields"]["status"][0]
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_the_customer_accepts_through_the_link_and_the_ticket_can_be_resolved(
    request_ticket, agent, client, wednesday
):
    ticket = request_ticket()
    plan = approved_plan(ticket, agent)
    token = link_token(plan, agent)
    mail = OutboxMessage.objects.get(topic="plan.acceptance_link_sent")
    assert mail.recipient == ticket.customer.email and token in mail.body
    url = reverse("plans:accept", args=[token])
    assert client.get(url).status_code == 200
    assert client.post(url, {"outcome": ACCEPTED}).status_code == 200
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)


def test_a_tampered_expired_or_replayed_link_is_refused(request_ticket, agent, client, wednesday):
    plan = approved_plan(request_ticket(), agent)
    token = link_token(plan, agent)
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    other_plan = signing.TimestampSigner(salt="other").sign(f"{plan.pk}:x")
    for bad in (tampered, other_plan):
        response = client.post(reverse("plans:accept", args=[bad]), {"outcome": ACCEPTED})
        assert response.status_code == 400
    assert not Acceptance.objects.exists()

    wednesday.shift(timedelta(days=15))  # links last 14 days
    with pytest.raises(ValidationError, match="expired"):
        acceptance.plan_accept_by_customer(token=token, outcome=ACCEPTED)
    assert not Acceptance.objects.exists()

    wednesday.shift(timedelta(days=-15))
    acceptance.plan_accept_by_customer(token=token, outcome=NOT_ACCEPTED, reason="Still jams")
    response = client.post(reverse("plans:accept", args=[token]), {"outcome": ACCEPTED})
    assert response.status_code == 400  # replayed
    assert "already been used" in response.content.decode()
    assert list(Acceptance.objects.values_list("outcome", flat=True)) == [NOT_ACCEPTED]


def test_not_accepted_goes_back_to_execution_with_its_reason(request_ticket, agent, wednesday):
    ticket = request_ticket()
    plan = approved_plan(ticket, agent)
    token = link_token(plan, agent)
    with pytest.raises(ValidationError):
        acceptance.plan_accept_by_customer(token=token, outcome=NOT_ACCEPTED, reason="")
    assert AcceptanceLink.objects.get().used_at is None  # a refused answer spends nothing
    acceptance.plan_accept_by_customer(token=token, outcome=NOT_ACCEPTED, reason="Still jams")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    event = ticket.events.get(action="plan.not_accepted")
    assert event.after == "Still jams"


def test_the_case_owner_records_acceptance_with_the_customers_confirmation(
    request_ticket, agent, supervisor, wednesday
):
    plan = approved_plan(request_ticket(), agent)
    with pytest.raises(ValidationError):
        acceptance.plan_acceptance_record(
            plan=plan, actor=agent, outcome=ACCEPTED, customer_confirmation=""
        )
    from servicedesk.exceptions import AuthorityError

    with pytest.raises(AuthorityError):
        acceptance.plan_acceptance_record(
            plan=plan, actor=supervisor, outcome=ACCEPTED, customer_confirmation="Phone call"
        )
    assert not Acceptance.objects.exists()
    acceptance.plan_acceptance_record(
        plan=plan, actor=agent, outcome=ACCEPTED, customer_confirmation="Phone call 10:05"
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED


def test_accepting_twice_is_refused(request_ticket, agent, wednesday):
    plan = approved_plan(request_ticket(), agent)
    token = link_token(plan, agent)
    acceptance.plan_acceptance_record(
        plan=plan, actor=agent, outcome=ACCEPTED, customer_confirmation="Visit"
    )
    with pytest.raises(ConflictError):
        acceptance.plan_acceptance_record(
            plan=plan, actor=agent, outcome=ACCEPTED, customer_confirmation="Visit"
        )
    with pytest.raises(ConflictError):
        acceptance.plan_accept_by_customer(token=token, outcome=ACCEPTED)
    assert Acceptance.objects.count() == 1
    assert AcceptanceLink.objects.get().used_at is None
