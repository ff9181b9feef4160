"""Two sweeps (or two delivery workers) at once on PostgreSQL: nothing lost, nothing twice.

Real threads, each with its own database connection, over committed rows.
"""

from collections import Counter

import pytest
import time_machine
from django.core import mail

from servicedesk.outbox.delivery import outbox_deliver_due
from servicedesk.outbox.models import OutboxMessage, OutboxStatus
from servicedesk.outbox.services import outbox_enqueue_email
from tests.concurrency import in_parallel
from tickets import services as tickets
from tickets.models import Channel, TicketEvent
from tickets.sla.models import Clock, ClockState
from tickets.sla.sweep import sla_sweep

from .conftest import shanghai

pytestmark = pytest.mark.xdist_group("sla-concurrency")


def test_two_sweeps_in_parallel_record_each_breach_once(
    committed_db, agent, supervisor, team, customer
):
    with time_machine.travel(shanghai(2026, 3, 4, 10, 0), tick=False):
        for number in range(25):
            tickets.ticket_create(
                actor=agent,
                subject=f"Chat {number}",
                channel=Channel.CHAT,
                team=team,
                customer=customer,
                assignee=agent,
            )
    # First response (10:01) and classification (10:05) are both due: 50 clocks.
    moment = shanghai(2026, 3, 4, 10, 5, 10)
    reports = in_parallel(lambda: sla_sweep(now=moment, batch_size=4))
    # A clock whose ticket the other sweep held is left for the next sweep, never lost.
    follow_up = sla_sweep(now=moment)
    assert sum(report.breached for report in reports) + follow_up.breached == 50

    assert Clock.objects.filter(state=ClockState.BREACHED).count() == 50
    per_clock = Counter(
        TicketEvent.objects.filter(action="sla.breached").values_list("ticket_id", "field")
    )
    assert len(per_clock) == 50
    assert set(per_clock.values()) == {1}
    notices = OutboxMessage.objects.filter(topic="sla.breached")
    assert notices.count() == 100  # assignee and supervisor, once each per clock
    assert len(set(notices.values_list("dedupe_key", flat=True))) == 100
    assert sla_sweep(now=moment).breached == 0


def test_two_delivery_workers_in_parallel_send_each_row_once(committed_db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    for number in range(40):
        outbox_enqueue_email(topic="t", to=f"person{number}@example.com", subject="s", body="b")
    reports = in_parallel(outbox_deliver_due)
    assert sum(report.sent for report in reports) == 40
    assert len(mail.outbox) == 40
    assert len({message.to[0] for message in mail.outbox}) == 40
    rows = OutboxMessage.objects.all()
    assert set(rows.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}
