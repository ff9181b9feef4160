"""design.md, "Where the established products fail, and we must not": one test per failure."""

from datetime import timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string

from customers.models import Tier
from customers.services import customer_change_tier
from servicedesk.celery import app as celery_app
from servicedesk.outbox import delivery
from servicedesk.outbox import services as outbox_services
from servicedesk.outbox.delivery import outbox_deliver_due, register_channel_sender
from servicedesk.outbox.models import OutboxMessage, OutboxStatus
from servicedesk.outbox.services import outbox_enqueue, subscribe_to_events
from tickets import services as tickets
from tickets.models import Channel, Kind, Status
from tickets.sla.dashboard import Period, pause_time_by_agent, sla_outcomes_by, tickets_at_risk
from tickets.sla.models import Calendar, Clock, ClockState, Metric, PlanReason, Policy, Target
from tickets.sla.selectors import ticket_clocks
from tickets.sla.sweep import sla_sweep
from tickets.sla.tasks import sla_sweep as sla_sweep_task

from .conftest import shanghai
from .test_default_policies import open_complaint

MARCH = Period(start=shanghai(2026, 3, 1), end=shanghai(2026, 4, 1))


def test_recalculation_drift_a_tier_change_replans_from_the_start_with_pause_history(
    new_ticket, agent, customer, wednesday
):
    cn = Calendar.objects.get(name="CN working calendar")
    important = Policy.objects.create(name="Important customers", tier=Tier.IMPORTANT, order=1)
    Target.objects.create(
        policy=important, metric=Metric.RESOLUTION, duration=8, unit="hours", calendar=cn
    )
    ticket = new_ticket()
    wednesday.move_to(shanghai(2026, 3, 4, 11, 0))
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    wednesday.move_to(shanghai(2026, 3, 4, 14, 0))
    tickets.ticket_customer_message(ticket=ticket, body="Any news?")
    wednesday.move_to(shanghai(2026, 3, 4, 16, 0))
    # Through the service: customers signals, the SLA engine (above it) re-plans.
    customer_change_tier(customer=customer, actor=agent, tier=Tier.IMPORTANT, reason="contract")

    clock = Clock.objects.get(ticket=ticket, metric=Metric.RESOLUTION)
    # 8 working hours from 10:00, minus the pause 11:00-14:00 (2 working hours, lunch
    # excluded): 1 h before it, 7 h after 14:00 = Wed 14-18 (4 h) + Thu 09:00-12:00 (3 h).
    assert clock.paused_total == timedelta(hours=2)
    assert clock.due_at == shanghai(2026, 3, 5, 12, 0)
    assert [plan.reason for plan in clock.plans.all()] == [
        PlanReason.STARTED,
        PlanReason.RESUMED,
        PlanReason.TERMS_CHANGED,
    ]
    assert clock.plans.last().paused_total == timedelta(hours=2)
    # Status and duration move together: the event trail says what changed and to when.
    event = ticket.events.get(action="sla.replanned", field=Metric.RESOLUTION)
    assert event.after == clock.due_at.isoformat()


def test_notifications_at_midnight_working_time_notices_wait_urgent_ones_do_not(
    new_ticket, supervisor, clock_at
):
    travel = clock_at(shanghai(2026, 3, 6, 17, 59))  # Friday evening
    normal = new_ticket(channel=Channel.CHAT)
    travel.move_to(shanghai(2026, 3, 6, 23, 59))  # a sweep at midnight
    sla_sweep()
    waiting = OutboxMessage.objects.filter(ticket=normal, topic="sla.breached")
    assert {row.deliver_after for row in waiting} == {shanghai(2026, 3, 9, 9, 0)}
    assert outbox_deliver_due().sent == 0  # nobody is mailed on Friday night
    travel.move_to(shanghai(2026, 3, 9, 9, 0))
    assert outbox_deliver_due().sent == waiting.count()


def test_one_deadline_hides_the_others_every_running_clock_is_shown(new_ticket, wednesday):
    ticket = new_ticket(kind=Kind.COMPLAINT, channel=Channel.COMPLAINT_HOTLINE)
    open_complaint(ticket, severity="urgent")
    html = render_to_string("sla/_ticket_clocks.html", {"clocks": ticket_clocks(ticket)})
    for label in ("Complaint first contact", "Complaint response", "Resolution"):
        assert label in html
    running = ticket.sla_clocks.filter(state=ClockState.RUNNING).count()
    assert running == 3
    assert html.count("data-sla-due=") == running


def test_pause_gaming_the_customer_message_resumes_and_pause_time_is_reported(
    new_ticket, agent, manager, wednesday
):
    ticket = new_ticket()
    tickets.ticket_customer_message(ticket=ticket, body="Still broken")
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    wednesday.shift(timedelta(minutes=45))
    tickets.ticket_customer_message(ticket=ticket, body="I answered already!")
    assert not ticket.sla_clocks.filter(state=ClockState.PAUSED).exists()
    [row] = pause_time_by_agent(period=MARCH, user=manager)
    assert (row.user_id, row.pauses, row.paused_time, row.ended_by_customer) == (
        agent.pk,
        1,
        timedelta(minutes=45),
        1,
    )


def test_breach_notices_not_by_hourly_batch_the_beat_task_breaches_and_delivers(
    new_ticket, supervisor, wednesday
):
    ticket = new_ticket(channel=Channel.CHAT)
    wednesday.move_to(shanghai(2026, 3, 4, 10, 1, 20))  # within one 30 s sweep of 10:01
    celery_app.conf.task_always_eager = True
    try:
        result = sla_sweep_task()
    finally:
        celery_app.conf.task_always_eager = False
    assert result["breached"] == 1
    notices = OutboxMessage.objects.filter(ticket=ticket, topic="sla.breached")
    assert set(notices.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        notices.values_list("recipient", flat=True)
    )


@pytest.fixture
def slow_receiver():
    calls = []

    def webhook_rows(topic, payload, ticket):
        if topic == "sla.breached":
            outbox_enqueue(channel="test-hook", topic=topic, recipient="hook", payload=payload)

    subscribe_to_events(webhook_rows)
    register_channel_sender("test-hook", lambda message: calls.append(message.pk))
    yield calls
    outbox_services._event_subscribers.remove(webhook_rows)
    delivery._senders.pop("test-hook")


def test_synchronous_webhooks_nothing_is_sent_on_the_agents_path(
    new_ticket, agent, slow_receiver, wednesday
):
    ticket = new_ticket(channel=Channel.CHAT)
    wednesday.move_to(shanghai(2026, 3, 4, 10, 1, 5))
    sla_sweep()
    row = OutboxMessage.objects.get(channel="test-hook")
    assert (row.status, slow_receiver) == (OutboxStatus.PENDING, [])  # queued, not sent
    assert row.payload["reference"] == ticket.reference
    outbox_deliver_due()
    assert slow_receiver == [row.pk]


def test_wrong_sla_figures_reports_read_the_engines_own_timestamps(
    new_ticket, agent, manager, wednesday
):
    kept = new_ticket()
    missed = new_ticket()
    wednesday.shift(timedelta(minutes=30))
    tickets.ticket_reply(ticket=kept, actor=agent, body="Plan: replace the drum")
    wednesday.shift(timedelta(hours=1))
    tickets.ticket_change_status(ticket=kept, actor=agent, to=Status.RESOLVED)
    wednesday.move_to(shanghai(2026, 3, 5, 10, 1))
    sla_sweep()

    for clock in kept.sla_clocks.all():
        assert (clock.state, clock.breached_at) == (ClockState.MET, None)
        assert clock.met_at is not None
    for clock in missed.sla_clocks.all():
        assert (clock.state, clock.breached_at) == (
            ClockState.BREACHED,
            shanghai(2026, 3, 5, 10, 0),
        )
    [row] = sla_outcomes_by("team", period=MARCH, user=manager)
    assert (row.label, row.total, row.met_on_time, row.breached) == ("Support", 4, 2, 2)
    assert (row.met_on_time_percent, row.breach_rate_percent) == (50.0, 50.0)
    assert tickets_at_risk(user=manager) == []
