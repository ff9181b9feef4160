"""`manage.py seed_demo` plays each demo ticket's story at its own past times, through the
services: the history spreads over weeks, and the ticket, its messages, its audit events,
its SLA clocks and their plan rows agree as the services wrote them."""

from datetime import timedelta

from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone

from tickets.models import Ticket, TicketEvent, TicketMessage
from tickets.sla.models import Clock, ClockPlan, ClockState, PlanReason


def test_the_demo_history_spreads_over_weeks_and_stays_consistent(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    before = timezone.now()
    call_command("seed_demo", "--tickets", "60", "--months", "1")
    now = timezone.now()
    tickets = Ticket.objects.filter(complaint__isnull=True)
    assert tickets.count() == 60

    created = sorted(tickets.values_list("created_at", flat=True))
    assert created[-1] - created[0] >= timedelta(days=14)
    assert created[-1] <= now
    # Played oldest first: references follow the order tickets came in.
    assert list(tickets.order_by("pk").values_list("created_at", flat=True)) == created

    events = TicketEvent.objects.filter(ticket__in=tickets)
    assert not events.filter(created_at__gt=now).exists()
    minutes = {
        at.replace(second=0, microsecond=0) for at in events.values_list("created_at", flat=True)
    }
    assert len(minutes) > 60
    assert events.filter(created_at__lt=before - timedelta(days=7)).exists()

    for ticket in tickets:
        # The ticket, its creation event, its first clocks and their plans share one moment.
        assert events.get(ticket=ticket, action="ticket.created").created_at == ticket.created_at
        first = ticket.events.aggregate(first=Min("created_at"))["first"]
        assert first == ticket.created_at
        started = ClockPlan.objects.filter(clock__ticket=ticket, reason=PlanReason.STARTED)
        for plan in started.select_related("clock"):
            assert plan.planned_at == plan.clock.started_at >= ticket.created_at
        if ticket.first_response_at is not None:
            reply = ticket.messages.filter(kind="reply").earliest("created_at")
            assert reply.created_at == ticket.first_response_at > ticket.created_at
        if ticket.resolved_at is not None:
            assert ticket.first_response_at < ticket.resolved_at
            resolved = events.filter(
                ticket=ticket, action="ticket.status_changed", after="resolved"
            )
            assert resolved.get().created_at == ticket.resolved_at

    # Replies come minutes to days after the tickets, not in the same instant.
    messages = TicketMessage.objects.filter(ticket__in=tickets, kind="reply")
    assert messages.exists()
    assert len({message.created_at for message in messages}) == messages.count()

    # Some clocks were met late: breached at their due time, days ago; most were met.
    breached = Clock.objects.filter(ticket__in=tickets, state=ClockState.BREACHED)
    assert breached.filter(breached_at__lt=before - timedelta(days=1)).exists()
    for clock in breached:
        assert clock.breached_at == clock.due_at <= clock.met_at
    assert Clock.objects.filter(ticket__in=tickets, state=ClockState.MET).count() > breached.count()
