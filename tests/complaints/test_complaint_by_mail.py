"""Mail to the complaint mailbox opens a complaint: the ticket, its complaint record in
the first stage, and the complaint's SLA clocks [S1 §5.3]."""

from datetime import timedelta
from email.message import EmailMessage

import pytest

from complaints.models import Complaint, ComplaintCategory, Severity, Stage
from tickets.inbound import inbound_mail_ingest
from tickets.models import Channel, Kind, TicketEvent
from tickets.sla.models import Clock, ClockState, Metric

MAILBOX = "complaints@shop.example"


@pytest.fixture(autouse=True)
def _mailbox(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPLAINT_MAILBOX_ADDRESS = MAILBOX


def mail(to=f"Complaints <{MAILBOX}>", message_id="<c1@example.com>", **headers) -> bytes:
    message = EmailMessage()
    message["From"] = "Li Na <li.na@example.com>"
    message["To"] = to
    message["Subject"] = "The repairman never came"
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Second missed appointment. I want a refund of the call-out fee.")
    return message.as_bytes()


def test_mail_to_the_complaint_mailbox_opens_a_routine_complaint_in_the_other_category(db):
    result = inbound_mail_ingest(mail(), source="test")

    complaint = Complaint.objects.get(ticket=result.ticket)
    assert (complaint.severity, complaint.stage) == (Severity.ROUTINE, Stage.RECEIVED)
    assert complaint.source == Channel.COMPLAINT_MAILBOX
    assert complaint.category.name_en == "Other"
    ticket = result.ticket
    assert (ticket.kind, ticket.channel) == (Kind.COMPLAINT, Channel.COMPLAINT_MAILBOX)
    assert ticket.customer.email == "li.na@example.com"
    assert "refund of the call-out fee" in ticket.description
    assert TicketEvent.objects.filter(ticket=ticket, action="complaint.opened").exists()
    assert result.message.email_message_id == "<c1@example.com>"


def test_the_complaint_clocks_start_on_receipt(db):
    ticket = inbound_mail_ingest(mail(), source="test").ticket

    clocks = {c.metric: c for c in Clock.objects.filter(ticket=ticket)}
    first_contact = clocks[Metric.COMPLAINT_FIRST_CONTACT]
    response = clocks[Metric.COMPLAINT_RESPONSE]
    assert first_contact.state == response.state == ClockState.RUNNING
    # Contact within 1 hour; a routine complaint is answered within 72 hours [S1 §5.3, S0 §03].
    assert first_contact.due_at - first_contact.started_at == timedelta(hours=1)
    assert response.due_at - response.started_at == timedelta(hours=72)


def test_the_same_mail_delivered_twice_opens_one_complaint(db):
    inbound_mail_ingest(mail(), source="test")
    second = inbound_mail_ingest(mail(), source="test")
    assert second.duplicate
    assert Complaint.objects.count() == 1


def test_a_reply_to_the_complaint_appends_to_it_and_opens_no_second_complaint(db):
    first = inbound_mail_ingest(mail(), source="test")
    reply = inbound_mail_ingest(
        mail(message_id="<c2@example.com>", In_Reply_To="<c1@example.com>"), source="test"
    )
    assert reply.ticket == first.ticket and not reply.created
    assert Complaint.objects.count() == 1


def test_without_the_other_category_one_is_created_so_the_workflow_still_starts(db):
    ComplaintCategory.objects.filter(name_en="Other").delete()
    ticket = inbound_mail_ingest(mail(), source="test").ticket
    assert Complaint.objects.get(ticket=ticket).category.name == "其他"


def test_ordinary_mail_opens_no_complaint(db):
    ticket = inbound_mail_ingest(mail(to="support@shop.example"), source="test").ticket
    assert ticket.kind == Kind.REQUEST
    assert not Complaint.objects.exists()
