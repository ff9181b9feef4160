"""The outbox is delivered after commit, retried with backoff, and never sent twice."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from servicedesk.outbox import delivery
from servicedesk.outbox.delivery import (
    DeliveryError,
    DeliveryReport,
    outbox_claim_next,
    outbox_deliver_due,
    outbox_deliver_one,
    register_channel_sender,
)
from servicedesk.outbox.models import OutboxMessage, OutboxStatus
from servicedesk.outbox.services import outbox_enqueue, outbox_enqueue_email

NOON = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_LEASE_SECONDS = 300


@pytest.fixture
def noon(clock_at):
    return clock_at(NOON)


@pytest.fixture
def test_channel():
    """A channel whose sender the test scripts; removed from the registry afterwards."""
    sent, failures = [], []

    def sender(message):
        if failures:
            raise failures.pop(0)
        sent.append(message.pk)

    def register(*, resend_after_interruption=False):
        register_channel_sender("test", sender, resend_after_interruption=resend_after_interruption)
        return sent, failures

    yield register
    delivery._senders.pop("test", None)


def email(**kwargs) -> OutboxMessage:
    return outbox_enqueue_email(
        topic="sla.breached", to="lead@example.com", subject="Breach", body="SD-1", **kwargs
    )


def test_a_due_row_is_sent_once_and_marked_sent(db, noon):
    row = email()
    report = outbox_deliver_due()
    assert report.sent == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<outbox-{row.pk}@servicedesk.local>"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.SENT, 1, NOON)
    assert outbox_deliver_due().sent == 0
    assert len(mail.outbox) == 1


def test_a_row_waiting_for_office_hours_is_not_sent_early(db, noon):
    row = email(deliver_after=NOON + timedelta(hours=1))
    assert outbox_deliver_due().sent == 0
    noon.shift(timedelta(hours=1))
    assert outbox_deliver_due().sent == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT


def test_a_transient_failure_is_retried_with_exponential_backoff(db, noon, test_channel):
    sent, failures = test_channel()
    failures += [DeliveryError("busy", retry=True), DeliveryError("busy", retry=True)]
    row = outbox_enqueue(channel="test", topic="t", recipient="r")

    outbox_deliver_due()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.PENDING, 1, "busy")
    assert row.deliver_after == NOON + timedelta(seconds=30)

    noon.shift(timedelta(seconds=30))
    outbox_deliver_due()
    row.refresh_from_db()
    assert row.deliver_after == NOON + timedelta(seconds=30 + 60)

    noon.shift(timedelta(seconds=60))
    assert outbox_deliver_due().sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, sent) == (OutboxStatus.SENT, 3, [row.pk])


def test_a_permanent_failure_gives_up_at_once(db, noon, test_channel):
    _sent, failures = test_channel()
    failures.append(DeliveryError("no such mailbox", retry=False))
    row = outbox_enqueue(channel="test", topic="t", recipient="r")
    assert outbox_deliver_due().dead == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.DEAD, 1)


def test_delivery_gives_up_after_the_last_attempt(db, noon, test_channel):
    _sent, failures = test_channel()
    failures += [DeliveryError("busy")] * 3
    row = outbox_enqueue(channel="test", topic="t", recipient="r")
    for _round in range(3):
        outbox_deliver_due()
        noon.shift(timedelta(hours=1))
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.DEAD, 3)


def test_a_worker_killed_between_send_and_mark_never_sends_the_mail_twice(db, noon):
    row = email()
    claimed = outbox_claim_next()
    delivery.send_email(claimed)  # the receiver has it; the worker dies before marking
    assert len(mail.outbox) == 1

    noon.shift(timedelta(seconds=299))
    assert outbox_deliver_due().sent == 0  # the lease still holds
    noon.shift(timedelta(seconds=2))
    report = outbox_deliver_due()
    assert (report.sent, report.interrupted) == (0, 1)
    row.refresh_from_db()
    assert row.status == OutboxStatus.DEAD
    assert "stopped while sending" in row.last_error
    assert len(mail.outbox) == 1


def test_a_channel_whose_receivers_deduplicate_is_resent_after_an_interruption(
    db, noon, test_channel
):
    sent, _failures = test_channel(resend_after_interruption=True)
    row = outbox_enqueue(channel="test", topic="t", recipient="r")
    outbox_claim_next()  # claimed, then the worker dies
    noon.shift(timedelta(seconds=301))
    assert outbox_deliver_due().sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, sent) == (OutboxStatus.SENT, 2, [row.pk])


def test_a_late_worker_cannot_overwrite_the_outcome_of_a_newer_claim(db, noon, test_channel):
    sent, _failures = test_channel(resend_after_interruption=True)
    outbox_enqueue(channel="test", topic="t", recipient="r")
    stale = outbox_claim_next()  # a worker claims, then stalls past its lease
    noon.shift(timedelta(seconds=301))
    outbox_deliver_due()  # claimed again (attempt 2) and sent
    late = DeliveryReport()
    outbox_deliver_one(stale, late)  # the stalled worker finally finishes
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    assert late.sent == 0  # its mark was refused by the compare-and-swap
    assert len(sent) == 2  # at-least-once: this channel's receivers deduplicate


def test_rows_of_a_channel_without_a_sender_wait(db, noon):
    row = outbox_enqueue(channel="carrier-pigeon", topic="t", recipient="r")
    assert outbox_deliver_due().sent == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)


def test_a_backlog_drains_without_waiting_for_the_next_beat(db, noon):
    from servicedesk.celery import app as celery_app
    from servicedesk.outbox.tasks import DELIVERY_BATCH, outbox_deliver

    for number in range(DELIVERY_BATCH + 20):
        outbox_enqueue_email(topic="t", to=f"p{number}@example.com", subject="s", body="b")
    # A task that delivered a full batch queues the next (eager here: it runs at once).
    celery_app.conf.task_always_eager = True
    try:
        outbox_deliver.delay()
    finally:
        celery_app.conf.task_always_eager = False
    assert len(mail.outbox) == DELIVERY_BATCH + 20
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()
