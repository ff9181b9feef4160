"""One worker dies with an e-mail and a webhook in flight: the registered senders decide.

The webhook sender is registered with resend_after_interruption (receivers deduplicate on
X-Servicedesk-Delivery), the e-mail sender is not (an inbox cannot deduplicate): after
the lease expires the webhook goes again with the same delivery id, the e-mail never.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from servicedesk.api.services import webhook_endpoint_create
from servicedesk.api.webhooks import DELIVERY_HEADER, send_webhook
from servicedesk.outbox.delivery import outbox_claim_next, outbox_deliver_due, send_email
from servicedesk.outbox.models import OutboxChannel, OutboxMessage, OutboxStatus
from servicedesk.outbox.services import outbox_enqueue_email
from tests.api.test_webhooks import Receiver
from tickets import services
from tickets.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def in_flight(channel: str) -> OutboxMessage:
    return OutboxMessage.objects.get(channel=channel)


def test_after_a_worker_dies_mid_send_the_webhook_goes_again_with_its_id_and_the_mail_never(
    receiver, team, agent, time_machine, settings
):
    time_machine.move_to(timezone.now(), tick=False)
    webhook_endpoint_create(name="crm", url=receiver.url, events=["ticket.created"])
    services.ticket_create(actor=agent, subject="Help", channel=Channel.API, team=team)
    outbox_enqueue_email(topic="test.notice", to="li.na@example.com", subject="Hi", body="Hello")
    # The dying worker claims both rows and sends them; it never records the outcome.
    claimed = [outbox_claim_next(), outbox_claim_next()]
    assert {row.channel for row in claimed} == {OutboxChannel.WEBHOOK, OutboxChannel.EMAIL}
    for row in claimed:
        (send_webhook if row.channel == OutboxChannel.WEBHOOK else send_email)(row)

    assert outbox_deliver_due().sent == 0  # both leases still hold
    time_machine.shift(timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1))
    report = outbox_deliver_due()
    assert (report.interrupted, report.sent) == (2, 1)
    assert outbox_deliver_due().sent == 0

    webhook = in_flight(OutboxChannel.WEBHOOK)
    assert (webhook.status, webhook.attempts) == (OutboxStatus.SENT, 2)
    assert [r["headers"][DELIVERY_HEADER] for r in receiver.requests] == [str(webhook.pk)] * 2
    email = in_flight(OutboxChannel.EMAIL)
    assert (email.status, email.attempts) == (OutboxStatus.DEAD, 1)
    assert "stopped while sending" in email.last_error
    assert len(mail.outbox) == 1
