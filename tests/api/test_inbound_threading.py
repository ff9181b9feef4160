"""Who may write into a ticket by e-mail: its customer, or a reply carrying the reply token
of mail we sent about it. Anyone else who names a ticket opens a new one."""

from email.message import EmailMessage

import pytest
from django.core import mail as sent_mail

from complaints.models import Complaint
from customers.models import Customer
from customers.selectors import customers_by_email
from servicedesk.outbox.delivery import outbox_deliver_due
from servicedesk.outbox.mail_threads import outgoing_message_id, ticket_reply_token
from tickets import services
from tickets.inbound import inbound_mail_ingest
from tickets.models import Channel, MessageKind, Status, Ticket, TicketEvent, TicketMessage
from tickets.sla.models import Clock

pytestmark = pytest.mark.django_db

MAILBOX = "complaints@shop.example"


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPLAINT_MAILBOX_ADDRESS = MAILBOX
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def mail(subject, *, sender, message_id, to="support@shop.example", body="Hello", **headers):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def resolved(agent, customer):
    """A resolved ticket of Zhang Wei's, answered by an agent (so a reply mail went out)."""
    ticket = services.ticket_create(
        actor=agent, subject="Broken kettle", channel=Channel.EMAIL, customer=customer
    )
    services.ticket_reply(ticket=ticket, actor=agent, body="A new kettle is on its way.")
    services.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    return Ticket.objects.get(pk=ticket.pk)


def state(ticket: Ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    clocks = list(Clock.objects.filter(ticket=ticket).order_by("pk").values())
    events = list(TicketEvent.objects.filter(ticket=ticket).values_list("pk", flat=True))
    messages = list(TicketMessage.objects.filter(ticket=ticket).values_list("pk", flat=True))
    return ticket.status, ticket.updated_at, ticket.customer_id, clocks, events, messages


def test_a_stranger_naming_a_ticket_in_the_subject_does_not_touch_it(resolved):
    before = state(resolved)
    customers = Customer.objects.count()

    result = inbound_mail_ingest(
        mail(
            f"Re: [{resolved.reference}] Broken kettle",
            sender="Mallory <mallory@evil.example>",
            message_id="<forged@evil.example>",
            body="Please send the refund to my account instead.",
        ),
        source="test",
    )

    assert state(resolved) == before  # no message, event, clock, reopening
    assert result.created and result.ticket != resolved
    assert result.ticket.customer.email == "mallory@evil.example"
    assert Customer.objects.count() == customers + 1  # the stranger's own, not on the ticket
    note = result.ticket.messages.get(kind=MessageKind.INTERNAL_NOTE)
    assert resolved.reference in note.body and "mallory@evil.example" in note.body


def test_a_stranger_naming_a_stored_message_id_does_not_touch_the_ticket(customer):
    first = inbound_mail_ingest(
        mail("Broken kettle", sender="zhang.wei@example.com", message_id="<k1@example.com>"),
        source="test",
    )
    before = state(first.ticket)

    result = inbound_mail_ingest(
        mail(
            "Re: Broken kettle",
            sender="mallory@evil.example",
            message_id="<forged@evil.example>",
            In_Reply_To="<k1@example.com>",
        ),
        source="test",
    )

    assert state(first.ticket) == before
    assert result.created and result.ticket != first.ticket


def test_the_customers_own_reply_threads_and_reopens(resolved):
    result = inbound_mail_ingest(
        mail(
            f"Re: [{resolved.reference}] Broken kettle",
            sender="Zhang Wei <ZHANG.WEI@example.com>",
            message_id="<r1@example.com>",
            body="It arrived broken too.",
        ),
        source="test",
    )
    assert result.ticket == resolved and not result.created
    assert Ticket.objects.get(pk=resolved.pk).status == Status.OPEN
    assert result.message.body == "It arrived broken too."


def test_a_reply_to_our_mail_from_a_new_address_threads_by_its_token(resolved):
    outbox_deliver_due()
    # The agent's reply (resolving also sent the satisfaction survey).
    (reply_mail,) = [m for m in sent_mail.outbox if "A new kettle" in m.body]
    our_id = reply_mail.extra_headers["Message-ID"]
    assert ticket_reply_token(resolved.pk) in our_id

    result = inbound_mail_ingest(
        mail(
            "Re: Broken kettle",  # no reference in the subject: the token alone
            sender="Zhang Wei <wei@home.example>",
            message_id="<r2@home.example>",
            In_Reply_To=our_id,
            References=f"<k0@example.com> {our_id}",
        ),
        source="test",
    )
    assert result.ticket == resolved and not result.created
    assert Ticket.objects.count() == 1
    assert not customers_by_email("wei@home.example").exists()


def test_a_forged_token_does_not_thread(resolved):
    before = state(resolved)
    genuine = outgoing_message_id(resolved.outbox_messages.get(topic="ticket.reply"))
    forged = genuine.replace(ticket_reply_token(resolved.pk), "0" * 32)

    result = inbound_mail_ingest(
        mail(
            "Re: Broken kettle",
            sender="mallory@evil.example",
            message_id="<forged@evil.example>",
            In_Reply_To=forged,
        ),
        source="test",
    )
    assert state(resolved) == before
    assert result.created


def test_a_stranger_cannot_write_into_a_complaint_by_mail(db):
    complaint = inbound_mail_ingest(
        mail(
            "The repairman never came",
            sender="li.na@example.com",
            message_id="<c1@example.com>",
            to=MAILBOX,
        ),
        source="test",
    ).ticket
    before = state(complaint)

    result = inbound_mail_ingest(
        mail(
            f"Re: [{complaint.reference}] The repairman never came",
            sender="mallory@evil.example",
            message_id="<c2@evil.example>",
            to=MAILBOX,
            In_Reply_To="<c1@example.com>",
        ),
        source="test",
    )
    assert state(complaint) == before
    assert result.created and Complaint.objects.count() == 2
