"""Inbound e-mail: new messages open tickets, replies append, rejects are kept."""

import base64
import mailbox
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from customers.models import Customer
from servicedesk.api.models import RejectedInboundMail
from tests.nothing_written import nothing_written
from tickets.models import Attachment, Channel, Kind, MessageKind, Ticket, TicketMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPLAINT_MAILBOX_ADDRESS = "complaints@shop.example"


def mail(
    subject="My order is late",
    body="Where is order 1234?",
    sender="Li Na <li.na@example.com>",
    to="support@shop.example",
    message_id="<m1@example.com>",
    **headers,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def deliver(api, message, **extra):
    raw = message.as_bytes() if isinstance(message, EmailMessage) else message
    return api.generic(
        "POST", "/api/v1/inbound-email/", raw, content_type="message/rfc822", **extra
    )


@pytest.fixture
def gateway(make_client, integration):
    return make_client(integration, scopes=["email:ingest"])


def test_a_new_message_opens_an_email_ticket_for_a_new_customer(gateway):
    response = deliver(gateway, mail())
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(pk=response.json()["ticket"])
    assert ticket.channel == Channel.EMAIL and ticket.kind == Kind.REQUEST
    assert ticket.subject == "My order is late"
    assert ticket.customer.email == "li.na@example.com" and ticket.customer.name == "Li Na"
    assert ticket.messages.get().email_message_id == "<m1@example.com>"


def test_the_sender_is_matched_to_an_existing_customer_by_email(gateway, customer):
    deliver(gateway, mail(sender="ZHANG.WEI@example.com"))
    assert Ticket.objects.get().customer == customer
    assert Customer.objects.count() == 1


def test_mail_to_the_complaint_mailbox_opens_a_complaint(gateway):
    # A dedicated complaint mailbox feeds complaints in [S1 §5.3].
    deliver(gateway, mail(to="Complaints <complaints@shop.example>"))
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.COMPLAINT_MAILBOX and ticket.kind == Kind.COMPLAINT


def test_a_reply_by_in_reply_to_appends_a_customer_message(gateway):
    first = deliver(gateway, mail()).json()
    response = deliver(
        gateway,
        mail(
            subject="Re: My order is late",
            body="Any news?",
            message_id="<m2@example.com>",
            In_Reply_To="<m1@example.com>",
        ),
    )
    assert response.status_code == 201
    assert response.json()["ticket"] == first["ticket"] and response.json()["created"] is False
    assert Ticket.objects.count() == 1
    bodies = list(
        TicketMessage.objects.filter(kind=MessageKind.CUSTOMER_MESSAGE).values_list(
            "body", flat=True
        )
    )
    assert bodies == ["Where is order 1234?", "Any news?"]


def test_the_customers_reply_by_reference_in_the_subject_appends(gateway, integration, team):
    from tickets import services

    li_na = Customer.objects.create(name="Li Na", email="li.na@example.com")
    ticket = services.ticket_create(
        actor=integration, subject="Phone", channel="phone", team=team, customer=li_na
    )
    deliver(gateway, mail(subject=f"Re: [{ticket.reference}] Phone", message_id="<m3@x>"))
    assert Ticket.objects.count() == 1
    assert ticket.messages.get().body == "Where is order 1234?"


def test_delivering_the_same_message_twice_changes_nothing(gateway):
    deliver(gateway, mail())
    again = deliver(gateway, mail())
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert Ticket.objects.count() == 1 and TicketMessage.objects.count() == 1


def test_allowed_attachments_are_kept_and_others_listed_in_a_note(gateway):
    message = mail()
    message.add_attachment(
        b"%PDF-1.4", maintype="application", subtype="pdf", filename="invoice.pdf"
    )
    message.add_attachment(
        b"MZ", maintype="application", subtype="x-msdownload", filename="setup.exe"
    )
    response = deliver(gateway, message)
    assert response.json()["skipped_attachments"] == ["setup.exe (application/x-msdownload)"]
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["invoice.pdf"]
    note = TicketMessage.objects.get(kind=MessageKind.INTERNAL_NOTE)
    assert "setup.exe" in note.body


def test_json_with_base64_is_accepted_too(gateway):
    raw = base64.b64encode(mail().as_bytes()).decode()
    response = gateway.post("/api/v1/inbound-email/", {"raw_base64": raw}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"this is not an e-mail at all",
        b"From: nobody\r\nSubject: hi\r\n\r\nbody",
        b"From: a@example.com\r\n\r\n",
    ],
)
def test_a_malformed_message_is_refused_and_kept_for_inspection(gateway, raw):
    response = deliver(gateway, raw)
    assert response.status_code == 400
    assert response.json()["code"] == "email_rejected"
    assert Ticket.objects.count() == 0
    rejected = RejectedInboundMail.objects.get()
    assert bytes(rejected.raw) == raw and rejected.reason


def test_invalid_base64_is_400_and_writes_nothing(gateway):
    with nothing_written():
        response = gateway.post("/api/v1/inbound-email/", {"raw_base64": "%%%"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["raw_base64"]


def test_the_command_ingests_a_maildir_and_an_mbox(tmp_path):
    maildir = mailbox.Maildir(tmp_path / "Maildir", create=True)
    maildir.add(mail().as_bytes())
    maildir.add(b"garbage")
    call_command("ingest_mail", str(tmp_path / "Maildir"))
    assert Ticket.objects.count() == 1 and RejectedInboundMail.objects.count() == 1

    box = mailbox.mbox(tmp_path / "inbox.mbox", create=True)
    box.add(mail(message_id="<m9@example.com>", In_Reply_To="<m1@example.com>", body="More"))
    box.flush()
    call_command("ingest_mail", str(tmp_path / "inbox.mbox"), "--remove")
    assert Ticket.objects.count() == 1
    assert TicketMessage.objects.filter(body="More").exists()
    assert len(mailbox.mbox(tmp_path / "inbox.mbox")) == 0
