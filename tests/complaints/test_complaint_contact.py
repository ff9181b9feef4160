"""Contact is evidence, not a checkbox (requirements §7).

First contact is met by a public reply the outbox accepted for the customer's address, or
by a recorded contact (channel, time, who, note) that is neither in the future nor before
receipt. The response is met when the complaint is accepted and the answer reached the
customer, whatever the severity; it does not wait for the investigation.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from complaints import services
from complaints.models import ComplaintContact, Stage, StageEntry
from servicedesk.exceptions import ValidationError
from servicedesk.outbox.models import OutboxMessage
from tests.complaints.conftest import accept_content
from tests.complaints.test_complaint_api import token_client
from tickets import services as tickets
from tickets.models import TicketEvent
from tickets.sla.models import Clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def clock(complaint, metric) -> Clock:
    return Clock.objects.get(ticket=complaint.ticket, metric=metric, cycle=1)


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def nothing_written(complaint, events_before: int, version_before: int) -> None:
    complaint.refresh_from_db()
    assert not ComplaintContact.objects.exists()
    assert not StageEntry.objects.filter(complaint=complaint).exists()
    assert TicketEvent.objects.filter(ticket=complaint.ticket).count() == events_before
    assert complaint.version == version_before
    assert clock(complaint, "complaint_first_contact").state == "running"


# --- a public reply -----------------------------------------------------------------------


def test_a_reply_to_a_customer_without_an_email_address_is_not_first_contact(
    open_complaint, customer, agent, monday
):
    customer.email = ""
    customer.save()
    complaint = open_complaint()
    monday.shift(timedelta(minutes=10))
    tickets.ticket_reply(ticket=complaint.ticket, actor=agent, body="We are on it")
    assert not OutboxMessage.objects.filter(topic="ticket.reply").exists()  # nothing sent
    assert clock(complaint, "complaint_first_contact").state == "running"


def test_a_reply_the_outbox_accepted_for_the_customers_address_is_first_contact(
    open_complaint, customer, agent, monday
):
    complaint = open_complaint()
    monday.shift(timedelta(minutes=10))
    tickets.ticket_reply(ticket=complaint.ticket, actor=agent, body="We are on it")
    assert OutboxMessage.objects.get(topic="ticket.reply").recipient == customer.email
    first_contact = clock(complaint, "complaint_first_contact")
    assert (first_contact.state, first_contact.met_at) == ("met", MONDAY + timedelta(minutes=10))
    # Not yet accepted: the reply is contact, not the accepted complaint's answer.
    assert clock(complaint, "complaint_response").state == "running"


# --- a recorded contact -------------------------------------------------------------------


def test_a_recorded_call_meets_first_contact_when_it_happened_and_is_audited(
    open_complaint, agent, monday
):
    complaint = open_complaint()
    monday.shift(timedelta(minutes=50))
    contact = services.complaint_contact_record(
        complaint=complaint,
        actor=agent,
        channel="phone",
        contacted_at=MONDAY + timedelta(minutes=25),
        note="Called back; the customer will send photos",
    )
    assert (contact.made_by, contact.channel) == (agent, "phone")
    first_contact = clock(complaint, "complaint_first_contact")
    # 1-hour first contact: met at the call, 25 minutes after receipt.
    assert (first_contact.state, first_contact.met_at) == ("met", MONDAY + timedelta(minutes=25))
    assert clock(complaint, "complaint_response").state == "running"  # not accepted yet
    event = TicketEvent.objects.get(ticket=complaint.ticket, action="complaint.contact_recorded")
    assert (event.actor, event.after["channel"], event.after["note"]) == (
        agent,
        "phone",
        "Called back; the customer will send photos",
    )


def test_the_earliest_contact_or_reply_is_the_tickets_first_response(open_complaint, agent, monday):
    complaint = open_complaint()
    ticket = complaint.ticket

    def contact(channel: str, minutes: int) -> None:
        services.complaint_contact_record(
            complaint=complaint,
            actor=agent,
            channel=channel,
            contacted_at=MONDAY + timedelta(minutes=minutes),
        )
        ticket.refresh_from_db()

    monday.shift(timedelta(minutes=50))
    tickets.ticket_reply(ticket=ticket, actor=agent, body="We are on it")
    ticket.refresh_from_db()
    assert ticket.first_response_at == MONDAY + timedelta(minutes=50)
    contact("phone", 25)  # a call before the reply, recorded after it: the first response
    assert ticket.first_response_at == MONDAY + timedelta(minutes=25)
    version = ticket.version
    contact("visit", 40)  # a later visit changes nothing
    assert (ticket.first_response_at, ticket.version) == (MONDAY + timedelta(minutes=25), version)


@pytest.mark.parametrize(
    ("contacted_at", "message"),
    [
        (MONDAY + timedelta(minutes=5), "cannot be in the future"),
        (MONDAY - timedelta(minutes=1), "cannot be before the complaint was received"),
        (None, "Say when the customer was contacted"),
    ],
)
def test_a_contact_in_the_future_or_before_receipt_is_refused_and_nothing_written(
    open_complaint, agent, monday, contacted_at, message
):
    complaint = open_complaint()
    events, version = TicketEvent.objects.filter(ticket=complaint.ticket).count(), 1
    with pytest.raises(ValidationError) as refused:
        services.complaint_contact_record(
            complaint=complaint, actor=agent, channel="phone", contacted_at=contacted_at
        )
    assert message in str(refused.value.fields["contacted_at"][0])
    nothing_written(complaint, events, version)


def test_accepting_with_a_contact_before_receipt_is_refused_and_nothing_written(
    open_complaint, agent, monday
):
    complaint = open_complaint()
    events = TicketEvent.objects.filter(ticket=complaint.ticket).count()
    with pytest.raises(ValidationError) as refused:
        services.complaint_advance(
            complaint=complaint,
            actor=agent,
            to=Stage.ACCEPT,
            content=accept_content(MONDAY - timedelta(hours=1)),
        )
    assert "contacted_at" in refused.value.fields
    nothing_written(complaint, events, 1)
    assert complaint.stage == Stage.RECEIVED


def test_the_api_records_a_contact_and_refuses_a_future_one_with_a_field_error(
    open_complaint, agent
):
    complaint = open_complaint()
    client = token_client(agent)
    url = f"/api/v1/complaints/{complaint.pk}/contacts/"
    future = {"channel": "phone", "contacted_at": "2099-01-01T10:00:00+08:00"}
    events = TicketEvent.objects.filter(ticket=complaint.ticket).count()
    response = client.post(url, future, format="json", HTTP_IF_MATCH=f'W/"{complaint.pk}-1"')
    assert response.status_code == 400, response.json()
    assert (response.json()["code"], list(response.json()["fields"])) == (
        "invalid",
        ["contacted_at"],
    )
    nothing_written(complaint, events, 1)

    complaint.refresh_from_db()
    now = complaint.opened_at.isoformat()
    response = client.post(
        url,
        {"channel": "visit", "contacted_at": now, "note": "At the door"},
        format="json",
        HTTP_IF_MATCH=f'W/"{complaint.pk}-1"',
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["channel"], response.json()["made_by"]) == ("visit", agent.username)
    assert clock(complaint, "complaint_first_contact").state == "met"
    body = client.get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert [contact["note"] for contact in body["contacts"]] == ["At the door"]


# --- on the page --------------------------------------------------------------------------


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def test_the_accept_form_has_nothing_ticked_or_filled_in(agent_client, complaint):
    html = agent_client.get(reverse("complaints:panel", args=[complaint.ticket.reference]))
    html = html.content.decode()
    assert "contact_made" not in html
    assert 'name="content-contacted_at"' in html
    assert 'name="content-contacted_at" value=' not in html
    assert '<option value="" selected>' in html  # no channel chosen for the person


def test_the_page_records_a_contact_and_shows_a_bad_time_next_to_the_field(agent_client, complaint):
    url = reverse("complaints:contact", args=[complaint.ticket.reference])
    response = agent_client.post(
        url,
        {"version": 1, "channel": "phone", "contacted_at": "2099-01-01T10:00"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "The contact time cannot be in the future." in response.content.decode()
    assert not ComplaintContact.objects.exists()

    response = agent_client.post(
        url, {"version": 1, "channel": "phone", "contacted_at": "", "note": "x"}
    )
    assert response.status_code == 302
    assert not ComplaintContact.objects.exists()

    complaint.refresh_from_db()
    at = complaint.opened_at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    response = agent_client.post(
        url, {"version": 1, "channel": "phone", "contacted_at": at, "note": "Called back"}
    )
    assert response.status_code == 302
    assert ComplaintContact.objects.get().note == "Called back"
    page = agent_client.get(reverse("tickets:detail", args=[complaint.ticket.reference]))
    assert "Called back" in page.content.decode()


# --- the response: accepted and answered --------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "response_within", "handler"),
    [
        ("urgent", timedelta(minutes=30), "manager"),  # 30-minute urgent response
        ("important", timedelta(hours=24), "supervisor"),  # 24-hour important response
        ("routine", timedelta(hours=72), "agent"),  # 72-hour routine response
    ],
)
def test_accepting_and_answering_in_five_minutes_meets_the_response_on_time(
    open_complaint, monday, request, severity, response_within, handler
):
    person = request.getfixturevalue(handler)
    complaint = open_complaint(severity=severity)
    response = clock(complaint, "complaint_response")
    assert response.due_at == MONDAY + response_within
    monday.shift(timedelta(minutes=5))
    services.complaint_advance(
        complaint=complaint,
        actor=person,
        to=Stage.ACCEPT,
        content=accept_content(MONDAY + timedelta(minutes=4)),
    )
    response.refresh_from_db()
    assert (response.state, response.met_at, response.breached_at) == (
        "met",
        MONDAY + timedelta(minutes=5),
        None,
    )
    first_contact = clock(complaint, "complaint_first_contact")
    assert (first_contact.state, first_contact.met_at) == ("met", MONDAY + timedelta(minutes=4))
