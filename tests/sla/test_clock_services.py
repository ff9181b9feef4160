"""Clocks start, pause, resume, are met, re-planned and reopened by the ticket's own events."""

from datetime import timedelta

from tickets import services as tickets
from tickets.models import Channel, Complexity, Kind, Priority, Status
from tickets.sla.models import (
    Calendar,
    Clock,
    ClockState,
    DurationUnit,
    Metric,
    PauseInterval,
    PlanReason,
    Policy,
    ResumeReason,
    Target,
)
from tickets.sla.tasks import sla_replan_calendar

from .conftest import shanghai


def clock_of(ticket, metric, cycle=1) -> Clock:
    return Clock.objects.get(ticket=ticket, metric=metric, cycle=cycle)


def test_creating_a_request_starts_its_plan_and_resolution_clocks(new_ticket, wednesday):
    ticket = new_ticket()
    metrics = set(ticket.sla_clocks.values_list("metric", flat=True))
    assert metrics == {Metric.SERVICE_PLAN, Metric.RESOLUTION}
    resolution = clock_of(ticket, Metric.RESOLUTION)
    assert resolution.state == ClockState.RUNNING
    assert resolution.started_at == ticket.created_at
    assert resolution.due_at == shanghai(2026, 3, 5, 10, 0)
    assert resolution.plans.get().reason == PlanReason.STARTED


def test_a_chat_started_just_before_closing_counts_its_minute_on_monday(new_ticket, clock_at):
    clock_at(shanghai(2026, 3, 6, 17, 59, 30))  # Friday, 30 s before 18:00
    ticket = new_ticket(channel=Channel.CHAT)
    first_response = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert first_response.due_at == shanghai(2026, 3, 9, 9, 0, 30)


def test_first_public_reply_meets_first_response_but_not_the_service_plan(
    new_ticket, agent, wednesday
):
    # "We received your request" is no plan: the plan clock waits for a plan [S1 §2.2].
    ticket = new_ticket(channel=Channel.CHAT)
    wednesday.shift(timedelta(seconds=40))
    tickets.ticket_reply(ticket=ticket, actor=agent, body="Hello, we are on it")
    clock = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert clock.state == ClockState.MET
    assert clock.met_at == shanghai(2026, 3, 4, 10, 0, 40)
    assert clock.next_alert_at is None
    assert clock_of(ticket, Metric.SERVICE_PLAN).state == ClockState.RUNNING
    assert clock_of(ticket, Metric.RESOLUTION).state == ClockState.RUNNING


def test_a_reply_after_the_deadline_counts_as_breached_with_its_late_time(
    new_ticket, agent, wednesday
):
    ticket = new_ticket(channel=Channel.CHAT)
    wednesday.shift(timedelta(minutes=3))
    tickets.ticket_reply(ticket=ticket, actor=agent, body="Sorry for the wait")
    clock = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert clock.state == ClockState.BREACHED
    assert clock.breached_at == shanghai(2026, 3, 4, 10, 1)
    assert clock.met_at == shanghai(2026, 3, 4, 10, 3)


def test_waiting_on_the_customer_pauses_every_running_clock_and_records_who(
    new_ticket, agent, wednesday
):
    ticket = new_ticket(kind=Kind.FEEDBACK)
    wednesday.shift(timedelta(hours=1))
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    pause = PauseInterval.objects.get(ticket=ticket)
    assert pause.paused_by == agent
    assert pause.paused_at == shanghai(2026, 3, 4, 11, 0)
    states = set(ticket.sla_clocks.values_list("state", "next_alert_at"))
    assert states == {(ClockState.PAUSED, None)}


def test_resuming_pushes_due_and_warn_by_the_working_time_the_pause_removed(
    new_ticket, agent, wednesday
):
    # Feedback reply: 3 business days = 24 working hours on the CN calendar.
    ticket = new_ticket(kind=Kind.FEEDBACK)
    reply = clock_of(ticket, Metric.FEEDBACK_REPLY)
    assert reply.due_at == shanghai(2026, 3, 9, 10, 0)
    assert reply.warn_at == shanghai(2026, 3, 6, 14, 12)  # 80 % = 19 h 12 min
    wednesday.move_to(shanghai(2026, 3, 4, 11, 0))
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    wednesday.move_to(shanghai(2026, 3, 4, 15, 0))
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.OPEN)
    reply.refresh_from_db()
    # 11:00-12:00 and 13:00-15:00 were working time: 3 h removed; lunch is not.
    assert reply.paused_total == timedelta(hours=3)
    assert reply.due_at == shanghai(2026, 3, 9, 14, 0)
    assert reply.warn_at == shanghai(2026, 3, 6, 17, 12)
    assert reply.state == ClockState.RUNNING
    assert [plan.reason for plan in reply.plans.all()] == [PlanReason.STARTED, PlanReason.RESUMED]


def test_a_customer_message_resumes_a_ticket_waiting_on_the_customer(new_ticket, agent, wednesday):
    ticket = new_ticket()
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    wednesday.shift(timedelta(minutes=20))
    tickets.ticket_customer_message(ticket=ticket, body="Here is the photo you asked for")
    pause = PauseInterval.objects.get(ticket=ticket)
    assert pause.resume_reason == ResumeReason.CUSTOMER_MESSAGE
    assert pause.resumed_at == shanghai(2026, 3, 4, 10, 20)
    resolution = clock_of(ticket, Metric.RESOLUTION)
    assert resolution.state == ClockState.RUNNING
    assert resolution.due_at == shanghai(2026, 3, 5, 10, 20)


def test_a_priority_change_replans_from_the_original_start_keeping_pause_time(
    new_ticket, agent, wednesday
):
    cn = Calendar.objects.get(name="CN working calendar")
    urgent = Policy.objects.create(name="Urgent requests", priority=Priority.URGENT, order=10)
    Target.objects.create(
        policy=urgent, metric=Metric.RESOLUTION, duration=4, unit=DurationUnit.HOURS, calendar=cn
    )
    ticket = new_ticket()
    wednesday.move_to(shanghai(2026, 3, 4, 11, 0))
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    wednesday.move_to(shanghai(2026, 3, 4, 13, 30))
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.OPEN)
    wednesday.move_to(shanghai(2026, 3, 4, 14, 0))
    tickets.ticket_change_priority(ticket=ticket, actor=agent, priority=Priority.URGENT)

    resolution = clock_of(ticket, Metric.RESOLUTION)
    # 4 working hours from 10:00 on the CN calendar; the pause removed 11:00-12:00 and
    # 13:00-13:30, so 1 h before the pause and 3 h after 13:30: due 16:30.
    assert resolution.started_at == shanghai(2026, 3, 4, 10, 0)
    assert resolution.calendar == cn
    assert resolution.paused_total == timedelta(minutes=90)
    assert resolution.due_at == shanghai(2026, 3, 4, 16, 30)
    assert resolution.is_urgent
    history = [(plan.reason, plan.due_at, plan.policy_name) for plan in resolution.plans.all()]
    assert history == [
        (PlanReason.STARTED, shanghai(2026, 3, 5, 10, 0), "General aim: problem closed"),
        (PlanReason.RESUMED, shanghai(2026, 3, 5, 12, 30), "General aim: problem closed"),
        (PlanReason.TERMS_CHANGED, shanghai(2026, 3, 4, 16, 30), "Urgent requests"),
    ]
    # The service plan keeps its 24 h target (and its pause time); it is now urgent too.
    service_plan = clock_of(ticket, Metric.SERVICE_PLAN)
    assert service_plan.due_at == shanghai(2026, 3, 5, 12, 30)
    assert service_plan.is_urgent


def test_editing_the_calendar_in_use_replans_its_open_clocks(new_ticket, agent, wednesday):
    ticket = new_ticket(kind=Kind.FEEDBACK)
    cn = Calendar.objects.get(name="CN working calendar")
    # The organisation closes on Friday afternoons from now on.
    cn.hours.filter(weekday=4, starts_at__hour=13).update(ends_at="15:00")
    cn.save()
    sla_replan_calendar(cn.pk)
    reply = clock_of(ticket, Metric.FEEDBACK_REPLY)
    # 24 h: Wed 7 + Thu 8 + Fri 3+2 = 20, then Monday 09:00 + 4 h = 14:00.
    assert reply.due_at == shanghai(2026, 3, 9, 14, 0)
    assert reply.plans.last().reason == PlanReason.CALENDAR_CHANGED


def test_reopening_starts_a_new_resolution_cycle_and_keeps_the_first_verdict(
    new_ticket, agent, wednesday
):
    ticket = new_ticket()
    wednesday.shift(timedelta(hours=2))
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    first = clock_of(ticket, Metric.RESOLUTION)
    assert (first.state, first.met_at) == (ClockState.MET, shanghai(2026, 3, 4, 12, 0))
    wednesday.shift(timedelta(hours=1))
    tickets.ticket_customer_message(ticket=ticket, body="It broke again")
    second = clock_of(ticket, Metric.RESOLUTION, cycle=2)
    assert second.state == ClockState.RUNNING
    assert second.started_at == shanghai(2026, 3, 4, 13, 0)
    assert second.due_at == shanghai(2026, 3, 5, 13, 0)
    first.refresh_from_db()
    assert (first.state, first.met_at) == (ClockState.MET, shanghai(2026, 3, 4, 12, 0))


def test_met_and_breached_clocks_are_never_rewritten_by_a_replan(new_ticket, agent, wednesday):
    ticket = new_ticket(channel=Channel.CHAT)
    wednesday.shift(timedelta(minutes=3))
    tickets.ticket_reply(ticket=ticket, actor=agent, body="Hello")  # first response late
    before = {
        c.metric: (c.state, c.due_at, c.met_at, c.breached_at, c.plans.count())
        for c in ticket.sla_clocks.all()
    }
    tickets.ticket_update_details(ticket=ticket, actor=agent, changes={"channel": Channel.EMAIL})
    first_response = clock_of(ticket, Metric.FIRST_RESPONSE)
    service_plan = clock_of(ticket, Metric.SERVICE_PLAN)
    for clock in (first_response, service_plan):
        assert (
            clock.state,
            clock.due_at,
            clock.met_at,
            clock.breached_at,
            clock.plans.count(),
        ) == before[clock.metric]


def test_a_channel_change_stops_targets_that_no_longer_apply_and_starts_new_ones(
    new_ticket, agent, wednesday
):
    ticket = new_ticket(channel=Channel.EMAIL)
    assert not ticket.sla_clocks.filter(metric=Metric.FIRST_RESPONSE).exists()
    wednesday.shift(timedelta(seconds=20))
    tickets.ticket_update_details(ticket=ticket, actor=agent, changes={"channel": Channel.CHAT})
    first_response = clock_of(ticket, Metric.FIRST_RESPONSE)
    assert first_response.started_at == ticket.created_at  # from the original start
    assert first_response.due_at == shanghai(2026, 3, 4, 10, 1)
    tickets.ticket_update_details(ticket=ticket, actor=agent, changes={"channel": Channel.PHONE})
    first_response.refresh_from_db()
    assert first_response.state == ClockState.CANCELLED
    assert first_response.plans.last().reason == PlanReason.NO_TARGET


def test_closing_a_ticket_stops_clocks_that_can_no_longer_be_met(new_ticket, agent, wednesday):
    ticket = new_ticket(kind=Kind.FEEDBACK)
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.CLOSED)
    assert clock_of(ticket, Metric.RESOLUTION).state == ClockState.MET
    assert clock_of(ticket, Metric.FEEDBACK_REPLY).state == ClockState.CANCELLED
    assert not Clock.objects.filter(next_alert_at__isnull=False).exists()


def test_waiting_on_a_department_starts_no_review_clock(new_ticket, agent, wednesday):
    # Department review clocks are one per department asked to review a plan (plans app),
    # not the time a ticket spends pending internal.
    ticket = new_ticket(complexity=Complexity.COMPLEX)
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_INTERNAL)
    assert not Clock.objects.filter(ticket=ticket, metric=Metric.DEPARTMENT_REVIEW).exists()


def test_a_target_that_newly_applies_counts_from_the_start_minus_recorded_pauses(
    new_ticket, agent, wednesday
):
    ticket = new_ticket()  # a request
    wednesday.move_to(shanghai(2026, 3, 4, 11, 0))
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    wednesday.move_to(shanghai(2026, 3, 4, 15, 0))
    tickets.ticket_customer_message(ticket=ticket, body="Here you are")
    wednesday.move_to(shanghai(2026, 3, 4, 16, 0))
    tickets.ticket_update_details(ticket=ticket, actor=agent, changes={"kind": Kind.FEEDBACK})

    reply = clock_of(ticket, Metric.FEEDBACK_REPLY)
    assert reply.started_at == shanghai(2026, 3, 4, 10, 0)
    assert reply.paused_total == timedelta(hours=3)
    assert reply.due_at == shanghai(2026, 3, 9, 14, 0)  # 24 working hours + the 3 paused
    assert reply.plans.get().planned_at == shanghai(2026, 3, 4, 16, 0)
    assert clock_of(ticket, Metric.SERVICE_PLAN).state == ClockState.CANCELLED
