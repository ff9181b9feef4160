"""Nothing inbound is unrecoverable: the raw bytes of every accepted mail are kept beside
the ticket and message it became, an oversized one is kept as refused, and both go after
the retention period."""

import base64
import mailbox
from datetime import timedelta
from email.message import EmailMessage

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from servicedesk.api.models import InboundMail, RejectedInboundMail
from tickets.inbound import inbound_mail_ingest
from tickets.models import MessageKind, Ticket, TicketMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def mail(message_id="<k1@example.com>", body="Where is order 1234?", **headers) -> bytes:
    message = EmailMessage()
    message["From"] = "Li Na <li.na@example.com>"
    message["To"] = "support@shop.example"
    message["Subject"] = "My order is late"
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def deliver(api, raw: bytes):
    return api.generic("POST", "/api/v1/inbound-email/", raw, content_type="message/rfc822")


@pytest.fixture
def gateway(make_client, integration):
    return make_client(integration, scopes=["email:ingest"])


def stored(kept: InboundMail) -> bytes:
    with kept.raw.open("rb") as file:
        return file.read()


def test_every_accepted_mail_is_kept_verbatim_with_its_ticket_and_message():
    first = mail()
    reply = mail("<k2@example.com>", "Any news?", In_Reply_To="<k1@example.com>")
    opened = inbound_mail_ingest(first, source="test")
    appended = inbound_mail_ingest(reply, source="test")
    again = inbound_mail_ingest(reply, source="test")

    kept = list(InboundMail.objects.order_by("pk"))
    assert [stored(row) for row in kept] == [first, reply, reply]
    assert [(row.ticket, row.message, row.duplicate) for row in kept] == [
        (opened.ticket, opened.message, False),
        (appended.ticket, appended.message, False),
        (again.ticket, again.message, True),
    ]
    assert kept[0].sender == "li.na@example.com" and kept[0].email_message_id == "<k1@example.com>"
    assert kept[0].size_bytes == len(first) and len(kept[0].sha256) == 64


def test_a_20_mb_mail_is_answered_413_and_kept_as_refused(gateway):
    raw = mail(body="x" * 100) + b"y" * (20 * 2**20)

    response = deliver(gateway, raw)

    assert response.status_code == 413
    assert response.json()["code"] == "email_too_large"
    rejected = RejectedInboundMail.objects.get()
    assert bytes(rejected.raw) == raw
    assert "li.na@example.com" in rejected.sender and "20 MB" in rejected.reason
    assert not Ticket.objects.exists() and not InboundMail.objects.exists()


def test_a_20_mb_mail_in_json_is_answered_413_and_kept_as_refused(gateway):
    raw = mail(body="x" * 100) + b"y" * (20 * 2**20)
    body = {"raw_base64": base64.b64encode(raw).decode()}

    response = gateway.post("/api/v1/inbound-email/", body, format="json")

    assert response.status_code == 413
    assert response.json()["code"] == "email_too_large"
    assert bytes(RejectedInboundMail.objects.get().raw) == raw
    assert not Ticket.objects.exists()


def test_other_json_bodies_keep_their_limit(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = api.post("/api/v1/tickets/", {"subject": "x" * 2_000}, format="json")
    assert response.status_code == 413 and not Ticket.objects.exists()


def test_a_mail_over_the_keeping_limit_is_refused_unread(gateway, settings):
    settings.INBOUND_MAIL_MAX_BYTES = 2_000
    settings.INBOUND_MAIL_KEEP_MAX_BYTES = 10_000
    response = deliver(gateway, mail(body="x" * 20_000))
    assert response.status_code == 413
    assert not RejectedInboundMail.objects.exists() and not Ticket.objects.exists()
    assert deliver(gateway, mail(body="x" * 5_000)).status_code == 413
    assert RejectedInboundMail.objects.count() == 1


def test_an_oversized_attachment_is_reported_too_large(tmp_path, settings, capsys):
    settings.ATTACHMENT_MAX_BYTES = 1_000
    message = EmailMessage()
    message["From"] = "li.na@example.com"
    message["Subject"] = "Photos"
    message["Message-ID"] = "<p@example.com>"
    message.set_content("See the photo.")
    message.add_attachment(b"\xff" * 5_000, maintype="image", subtype="png", filename="big.png")
    box = mailbox.mbox(tmp_path / "inbox.mbox", create=True)
    box.add(message.as_bytes())
    box.flush()

    call_command("ingest_mail", str(tmp_path / "inbox.mbox"))

    note = TicketMessage.objects.get(kind=MessageKind.INTERNAL_NOTE)
    assert "too large" in note.body and "big.png" in note.body
    assert "type not accepted" not in note.body
    assert "too large" in capsys.readouterr().err


def test_kept_mail_is_purged_after_the_retention_period(settings, gateway):
    settings.INBOUND_MAIL_RETENTION_DAYS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        inbound_mail_ingest(mail(), source="test")
        deliver(gateway, b"garbage")
    with time_machine.travel(start + timedelta(days=20), tick=False):
        inbound_mail_ingest(mail("<k2@example.com>"), source="test")
    old = InboundMail.objects.order_by("pk").first()
    old_file = old.raw.path

    with time_machine.travel(start + timedelta(days=31), tick=False):
        call_command("purge_inbound_mail")

    assert list(InboundMail.objects.values_list("email_message_id", flat=True)) == [
        "<k2@example.com>"
    ]
    assert not RejectedInboundMail.objects.exists()
    assert not old.raw.storage.exists(old_file)
    assert Ticket.objects.count() == 2  # tickets stay; only the raw copies go


def test_the_beat_purges_daily_through_a_registered_task(settings):
    from servicedesk.celery import app
    from tickets.tasks import inbound_mail_purge_task

    entry = settings.CELERY_BEAT_SCHEDULE["inbound-mail-purge"]
    assert app.tasks[entry["task"]].name == inbound_mail_purge_task.name == entry["task"]
    assert entry["schedule"].hour == {3}
    inbound_mail_ingest(mail(), source="test")
    assert inbound_mail_purge_task() == 0  # within the retention period
    assert InboundMail.objects.count() == 1


def test_an_oversized_message_in_a_mailbox_is_kept_as_refused(tmp_path, settings, capsys):
    settings.INBOUND_MAIL_MAX_BYTES = 1_000
    box = mailbox.mbox(tmp_path / "inbox.mbox", create=True)
    box.add(mail(body="x" * 2_000))
    box.flush()

    call_command("ingest_mail", str(tmp_path / "inbox.mbox"))

    assert "rejected=1" in capsys.readouterr().out
    assert "at most" in RejectedInboundMail.objects.get().reason
    assert not Ticket.objects.exists() and not InboundMail.objects.exists()
