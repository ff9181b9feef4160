"""The ticket's stored SLA summary (next_due_at, next_warn_at, sla_paused) always says what
its clocks say: kept by the database's triggers (SLA migration 0015) through every service,
bulk update, stale save and deletion, and never written by the sweep."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Min, Q

from tickets import services
from tickets.models import OPEN_STATUSES, Channel, Status, Ticket
from tickets.sla.models import Clock, ClockState
from tickets.sla.sweep import sla_sweep

pytestmark = pytest.mark.django_db
# Wednesday 4 March 2026, 10:00 in Shanghai.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def stored(ticket: Ticket) -> tuple:
    row = Ticket.objects.values_list("next_due_at", "next_warn_at", "sla_paused").get(pk=ticket.pk)
    return tuple(row)


def from_clocks(ticket: Ticket) -> tuple:
    """The rule, read from the clocks the slow way: nearest due and warning time of the
    clocks still owed, and whether one is paused; nothing unless unresolved."""
    status = Ticket.objects.values_list("status", flat=True).get(pk=ticket.pk)
    if status not in OPEN_STATUSES:
        return None, None, False
    clocks = Clock.objects.filter(ticket=ticket)
    owed = clocks.filter(
        Q(state=ClockState.RUNNING) | Q(state=ClockState.BREACHED, met_at__isnull=True)
    )
    times = owed.aggregate(due=Min("due_at"), warn=Min("warn_at"))
    return times["due"], times["warn"], clocks.filter(state=ClockState.PAUSED).exists()


def row_version(ticket: Ticket) -> str:
    """PostgreSQL's xmin: changes whenever anything writes the row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM tickets_ticket WHERE id = %s", [ticket.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def ticket(agent, team, customer):
    with time_machine.travel(NOW, tick=False):
        return services.ticket_create(
            actor=agent,
            subject="Router drops the connection",
            channel=Channel.EMAIL,
            team=team,
            customer=customer,
            assignee=agent,
        )


def version_of(ticket: Ticket) -> int:
    return Ticket.objects.values_list("version", flat=True).get(pk=ticket.pk)


def test_every_step_of_a_tickets_life_leaves_the_summary_its_clocks_give(ticket, agent):
    assert stored(ticket) == from_clocks(ticket)
    assert stored(ticket)[0] is not None, "a new ticket has a target due"
    seen = [stored(ticket)]

    def step(change, *args, **kwargs):
        change(*args, **kwargs)
        assert stored(ticket) == from_clocks(ticket), change.__name__
        seen.append(stored(ticket))

    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        step(services.ticket_reply, ticket=ticket, actor=agent, body="We are on it.")
    for minutes, status in ((30, Status.PENDING_CUSTOMER), (40, Status.OPEN)):
        with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
            step(
                services.ticket_change_status,
                ticket=ticket,
                actor=agent,
                to=status,
                expected_version=version_of(ticket),
            )
    with time_machine.travel(NOW + timedelta(minutes=50), tick=False):
        step(services.ticket_change_status, ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
        step(services.ticket_customer_message, ticket=ticket, body="Still broken.")
    for minutes, status in ((60, Status.RESOLVED), (70, Status.OPEN), (80, Status.RESOLVED)):
        with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
            step(services.ticket_change_status, ticket=ticket, actor=agent, to=status)
    with time_machine.travel(NOW + timedelta(minutes=90), tick=False):
        step(services.ticket_change_status, ticket=ticket, actor=agent, to=Status.CLOSED)

    # The life did move the summary: paused while waiting, empty once resolved, and a
    # reopen's new resolution cycle due later than the first one.
    assert any(paused for _due, _warn, paused in seen)
    assert seen[-1] == (None, None, False)
    reopened_due = seen[-3][0]
    assert reopened_due is not None and reopened_due > seen[0][0]


def test_a_bulk_update_of_clocks_moves_the_summary(ticket):
    later = timezone_now_plus(days=3)
    Clock.objects.filter(ticket=ticket).update(due_at=later, warn_at=later)

    assert stored(ticket) == (later, later, False) == from_clocks(ticket)


def test_a_full_save_of_a_stale_copy_cannot_overwrite_the_summary(ticket):
    stale = Ticket.objects.get(pk=ticket.pk)
    later = timezone_now_plus(days=3)
    Clock.objects.filter(ticket=ticket).update(due_at=later, warn_at=later)
    stale.subject = "Edited from a form read before the re-plan"
    stale.save()

    assert stored(ticket) == (later, later, False)
    Ticket.objects.filter(pk=ticket.pk).update(next_due_at=None, sla_paused=True)
    assert stored(ticket) == (later, later, False)


def test_deleting_the_clocks_empties_the_summary(ticket):
    Clock.objects.filter(ticket=ticket).delete()

    assert stored(ticket) == (None, None, False)


def test_the_sweep_records_breaches_and_warnings_without_writing_a_ticket_row(ticket, agent):
    before = row_version(ticket)
    summary = stored(ticket)
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        sla_sweep()

    assert Clock.objects.filter(ticket=ticket, state=ClockState.BREACHED).exists()
    assert row_version(ticket) == before, "the sweep wrote the ticket row"
    assert stored(ticket) == summary == from_clocks(ticket)


def test_only_an_unresolved_tickets_clocks_count(ticket, agent):
    services.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    resolved = row_version(ticket)
    Clock.objects.filter(ticket=ticket).update(state=ClockState.RUNNING, met_at=None)

    assert stored(ticket) == (None, None, False)
    assert row_version(ticket) == resolved, "a resolved ticket's row was rewritten"


def timezone_now_plus(**delta) -> datetime:
    return (NOW + timedelta(**delta)).astimezone(ZoneInfo("UTC"))
