"""One way in: every path that makes a complaint either opens it through complaint_open
(a Complaint record with its first-contact and response clocks) or is refused with a
message that says where to go, with nothing written."""

from email.message import EmailMessage

import pytest
from django.urls import reverse

from complaints.models import Complaint
from customers.models import Customer
from servicedesk.outbox.models import OutboxMessage
from tests.complaints.test_complaint_api import token_client
from tests.factories import TicketFactory
from tickets.inbound import inbound_mail_ingest
from tickets.models import IntakeTemplate, Kind, Ticket, TicketEvent
from tickets.sla.models import Clock, ClockState, Metric

MAILBOX = "complaints@shop.example"
COMPLAINT_CLOCKS = {Metric.COMPLAINT_FIRST_CONTACT, Metric.COMPLAINT_RESPONSE}


def _complaint_mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Li Na <li.na@example.com>"
    message["To"] = MAILBOX
    message["Subject"] = "The repairman never came"
    message["Message-ID"] = "<one-way-in@example.com>"
    message.set_content("Second missed appointment.")
    return message.as_bytes()


def _written() -> tuple:
    return (
        Ticket.objects.count(),
        Complaint.objects.count(),
        Customer.objects.count(),
        TicketEvent.objects.count(),
        OutboxMessage.objects.count(),
        Clock.objects.count(),
    )


def _assert_opened_with_clocks(ticket_id):
    complaint = Complaint.objects.get(ticket_id=ticket_id)
    running = set(
        Clock.objects.filter(ticket_id=ticket_id, state=ClockState.RUNNING).values_list(
            "metric", flat=True
        )
    )
    assert running >= COMPLAINT_CLOCKS, running
    assert complaint.ticket.kind == Kind.COMPLAINT
    return complaint


def _etag(api, ticket) -> str:
    return api.get(f"/api/v1/tickets/{ticket.pk}/")["ETag"]


@pytest.fixture
def pages(client, agent, team):
    team.channels = ["complaint_hotline", "phone", "api"]
    team.save()
    client.force_login(agent)
    return client


def test_every_path_that_makes_a_complaint_goes_through_the_workflow_or_is_refused(
    pages, agent, team, category, customer, settings
):
    settings.COMPLAINT_MAILBOX_ADDRESS = MAILBOX
    api = token_client(agent)

    # 1. The complaint page.
    response = pages.post(
        reverse("complaints:new"),
        {
            "subject": "Rude courier",
            "customer": customer.pk,
            "severity": "important",
            "complexity": "general",
            "category": category.pk,
            "source": "complaint_hotline",
        },
    )
    assert response.status_code == 302
    reference = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    _assert_opened_with_clocks(Ticket.objects.get(reference=reference).pk)

    # 2. The complaint API.
    response = api.post(
        "/api/v1/complaints/",
        {"subject": "Wrong bill", "severity": "urgent", "category_id": category.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    _assert_opened_with_clocks(response.json()["ticket_id"])

    # 3. Mail to the complaint mailbox.
    result = inbound_mail_ingest(_complaint_mail(), source="test")
    _assert_opened_with_clocks(result.ticket.pk)

    before = _written()

    # 4. The seeded "投诉 / Complaint" intake template: its page sends to the complaint page,
    # and a form posted to it anyway is refused next to the kind.
    template = IntakeTemplate.objects.get(slug="complaint")
    assert template.kind == Kind.COMPLAINT
    new_ticket = reverse("tickets:new") + "?template=complaint"
    response = pages.get(new_ticket)
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:new")
    response = pages.post(
        new_ticket,
        {
            "subject": "Rude courier",
            "channel": "phone",
            "complexity": "simple",
            "customer": customer.pk,
            "description": "He shouted",
            "customer_demand": "An apology",
            "new_customer_name": "",
        },
    )
    assert response.status_code == 422
    assert "/complaints/new/" in response.content.decode()

    # 5. The new-ticket page without a template, kind "complaint".
    response = pages.post(
        reverse("tickets:new") + "?template=none",
        {
            "subject": "Rude courier",
            "channel": "phone",
            "kind": "complaint",
            "priority": "normal",
            "complexity": "simple",
            "new_customer_name": "Wang Fang",
        },
    )
    assert response.status_code == 422
    assert "/complaints/new/" in response.content.decode()

    # 6. The ticket API with kind=complaint (with or without the template).
    for body in (
        {"subject": "Rude courier", "kind": "complaint"},
        {"subject": "Rude courier", "intake_template": "complaint", "description": "x"},
    ):
        response = api.post("/api/v1/tickets/", body, format="json")
        assert response.status_code == 400, response.json()
        assert "/api/v1/complaints/" in response.json()["fields"]["kind"][0]

    assert _written() == before

    # 7. A kind change to complaint (with or without a severity), and away from it.
    request_ticket = TicketFactory(team=team, kind=Kind.REQUEST)
    before = _written()
    for body in ({"kind": "complaint"}, {"kind": "complaint", "severity": "urgent"}):
        response = api.patch(
            f"/api/v1/tickets/{request_ticket.pk}/",
            body,
            format="json",
            HTTP_IF_MATCH=_etag(api, request_ticket),
        )
        assert response.status_code == 400, response.json()
    complaint_ticket = Complaint.objects.filter(ticket__team=team).first().ticket
    response = api.patch(
        f"/api/v1/tickets/{complaint_ticket.pk}/",
        {"kind": "request"},
        format="json",
        HTTP_IF_MATCH=_etag(api, complaint_ticket),
    )
    assert response.status_code == 400, response.json()
    assert "/api/v1/complaints/" in response.json()["fields"]["kind"][0]

    assert _written() == before
    request_ticket.refresh_from_db()
    assert request_ticket.kind == Kind.REQUEST
    # Every complaint ticket has its complaint record.
    assert not Ticket.objects.filter(kind=Kind.COMPLAINT, complaint__isnull=True).exists()
