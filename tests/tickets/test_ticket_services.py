"""Creating, replying, attaching: the rules each service enforces."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.exceptions import ValidationError
from servicedesk.outbox.models import OutboxMessage
from tickets import services
from tickets.models import (
    Attachment,
    Channel,
    IntakeTemplate,
    MessageKind,
    Status,
    Ticket,
    TicketEvent,
)


def test_reference_follows_the_primary_key_and_is_unique(agent, team):
    first = services.ticket_create(actor=agent, subject="A", channel=Channel.WEB, team=team)
    second = services.ticket_create(actor=agent, subject="B", channel=Channel.WEB, team=team)
    assert first.reference == f"SD-{first.pk:06d}"
    assert second.reference != first.reference


def test_the_reference_is_written_by_the_insert_itself_past_six_digits_too(
    agent, team, django_assert_num_queries
):
    from django.db import connection

    # The id sequence is not rolled back with the test: put it back afterwards.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('tickets_ticket', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"SELECT last_value FROM {sequence}")
        (last_value,) = cursor.fetchone()
        cursor.execute("SELECT setval(%s, 1234566)", [sequence])
    try:
        ticket = services.ticket_create(actor=agent, subject="A", channel=Channel.WEB, team=team)
        ticket.refresh_from_db()
        assert (ticket.pk, ticket.reference) == (1234567, "SD-1234567")
        with django_assert_num_queries(1):
            ticket = Ticket(subject="B", channel=Channel.WEB, team=team)
            ticket.save()  # one INSERT, which returns the reference with the id
        assert ticket.reference == "SD-1234568"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s)", [sequence, last_value])


def test_template_refuses_a_ticket_missing_a_required_field_naming_it(agent, team, customer):
    repair = IntakeTemplate.objects.get(slug="after-sales-repair")
    with pytest.raises(ValidationError) as error:
        services.ticket_create(
            actor=agent,
            subject="Washer leaks",
            channel=Channel.PHONE,
            team=team,
            customer=customer,
            intake_template=repair,
            product="Washer W7",
            description="Leaks at the door",
        )
    assert set(error.value.fields) == {"order_number", "purchase_date"}
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0


def test_template_defaults_priority_and_accepts_a_complete_ticket(agent, team, customer):
    repair = IntakeTemplate.objects.get(slug="after-sales-repair")
    ticket = services.ticket_create(
        actor=agent,
        subject="Washer leaks",
        channel=Channel.PHONE,
        team=team,
        customer=customer,
        intake_template=repair,
        product="Washer W7",
        description="Leaks at the door",
        order_number="PO-1",
        purchase_date="2026-01-02",
    )
    assert ticket.priority == repair.default_priority


def test_first_public_reply_sets_first_response_opens_and_mails_the_customer(agent, team, customer):
    ticket = services.ticket_create(
        actor=agent, subject="A", channel=Channel.EMAIL, team=team, customer=customer
    )
    message = services.ticket_reply(ticket=ticket, actor=agent, body="We are on it")
    ticket.refresh_from_db()
    assert ticket.first_response_at == message.created_at
    assert ticket.status == Status.OPEN
    mail = OutboxMessage.objects.get(topic="ticket.reply")
    assert mail.recipient == customer.email
    assert ticket.reference in mail.subject


def test_internal_note_is_never_mailed(agent, team, customer):
    ticket = services.ticket_create(
        actor=agent, subject="A", channel=Channel.EMAIL, team=team, customer=customer
    )
    services.ticket_note(ticket=ticket, actor=agent, body="Customer is a VIP")
    assert not OutboxMessage.objects.exists()


def test_customer_message_resumes_a_ticket_pending_on_the_customer(agent, team, customer):
    ticket = services.ticket_create(
        actor=agent, subject="A", channel=Channel.EMAIL, team=team, customer=customer
    )
    services.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    message = services.ticket_customer_message(ticket=ticket, body="Here is the photo")
    ticket.refresh_from_db()
    assert message.kind == MessageKind.CUSTOMER_MESSAGE
    assert ticket.status == Status.OPEN


def test_assignee_must_be_in_the_ticket_team(agent, other_team):
    ticket = services.ticket_create(actor=agent, subject="A", channel=Channel.WEB, team=other_team)
    with pytest.raises(ValidationError) as error:
        services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    assert "assignee" in error.value.fields
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_empty_reply_is_refused(agent, team):
    ticket = services.ticket_create(actor=agent, subject="A", channel=Channel.WEB, team=team)
    with pytest.raises(ValidationError) as error:
        services.ticket_reply(ticket=ticket, actor=agent, body="   ")
    assert "body" in error.value.fields


@pytest.fixture
def ticket(agent, team):
    return services.ticket_create(actor=agent, subject="A", channel=Channel.WEB, team=team)


def test_attachment_is_stored_with_its_digest(ticket, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 fake", content_type="application/pdf")
    attachment = services.ticket_attach(ticket=ticket, actor=agent, uploaded_file=upload)
    assert attachment.size_bytes == 13
    assert attachment.file.read() == b"%PDF-1.4 fake"


def test_a_30_mb_attachment_is_refused_and_nothing_is_written(ticket, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # 30 MB over a 10 MB limit
    upload = SimpleUploadedFile(
        "big.pdf", b"0" * (30 * 1024 * 1024), content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as error:
        services.ticket_attach(ticket=ticket, actor=agent, uploaded_file=upload)
    assert "10 MB" in str(error.value.fields["file"][0])
    assert not Attachment.objects.exists()
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("name", "declared"),
    [("tool.exe", "application/x-msdownload"), ("tool.exe", "image/png"), ("x.html", "text/html")],
)
def test_a_forbidden_file_type_is_refused(ticket, agent, settings, tmp_path, name, declared):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, b"MZ....", content_type=declared)
    with pytest.raises(ValidationError) as error:
        services.ticket_attach(ticket=ticket, actor=agent, uploaded_file=upload)
    assert "file" in error.value.fields
    assert not Attachment.objects.exists()


def test_template_error_names_the_template_in_the_reader_language(agent, team, customer):
    from django.utils import translation

    repair = IntakeTemplate.objects.get(slug="after-sales-repair")
    for language, name in (("en", "After-sales repair"), ("zh-hans", "售后维修")):
        with translation.override(language), pytest.raises(ValidationError) as error:
            services.ticket_create(
                actor=agent,
                subject="Washer leaks",
                channel=Channel.PHONE,
                team=team,
                customer=customer,
                intake_template=repair,
            )
        assert name in str(error.value.fields["order_number"][0])
