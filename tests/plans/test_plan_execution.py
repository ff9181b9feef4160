"""Executing the plan: tasks, overdue escalation by the SLA sweep, the case owner's daily
digest (once per working day) and daily check [S1 §2.3]."""

from datetime import timedelta

import pytest

from plans import execution
from plans.models import DailyCheck, PlanTask, TaskStatus, TaskUpdate
from servicedesk.exceptions import ConflictError, TransitionError, ValidationError
from servicedesk.outbox.models import OutboxMessage
from tests.factories import UserFactory
from tickets.models import TicketEvent
from tickets.sla.models import Calendar, CalendarException, ExceptionKind
from tickets.sla.sweep import sla_sweep

from .conftest import shanghai
from .helpers import approved_plan


def test_a_task_due_before_the_plan_was_made_is_refused(request_ticket, agent, wednesday):
    plan = approved_plan(request_ticket(), agent)
    tasks = PlanTask.objects.filter(plan=plan).count()
    with pytest.raises(ValidationError) as refused:
        execution.plan_task_add(
            plan=plan,
            actor=agent,
            title="Order parts",
            owner=agent,
            due_at=shanghai(2026, 3, 4, 9, 0),  # the plan was made at 10:00
        )
    assert "due_at" in refused.value.fields
    assert PlanTask.objects.filter(plan=plan).count() == tasks


def test_a_task_update_needs_a_note_and_records_who_and_when(request_ticket, agent, wednesday):
    plan = approved_plan(request_ticket(), agent)
    task = plan.tasks.first()
    with pytest.raises(ValidationError):
        execution.plan_task_update(task=task, actor=agent, status=TaskStatus.DONE, note="")
    assert not TaskUpdate.objects.exists()
    execution.plan_task_update(task=task, actor=agent, status=TaskStatus.DONE, note="Surveyed")
    task.refresh_from_db()
    assert (task.status, task.done_at) == (TaskStatus.DONE, shanghai(2026, 3, 4, 10, 0))
    assert TaskUpdate.objects.get().note == "Surveyed"


def test_tasks_of_a_plan_not_yet_made_cannot_be_updated(request_ticket, agent, wednesday):
    from plans import services as plans

    plan = plans.plan_draft(ticket=request_ticket(), actor=agent)
    with pytest.raises(TransitionError):
        execution.plan_task_update(
            task=plan.tasks.first(), actor=agent, status=TaskStatus.DONE, note="x"
        )


def test_an_overdue_task_escalates_once_through_the_sla_sweep(request_ticket, agent, wednesday):
    ticket = request_ticket()
    plan = approved_plan(ticket, agent)
    survey = plan.tasks.get(title="Site survey")  # due Thursday 10:00
    sla_sweep(now=shanghai(2026, 3, 5, 9, 59))
    assert not PlanTask.objects.filter(escalated_at__isnull=False).exists()
    for _run in range(2):  # two sweeps (overlap after a deploy): one escalation
        report = sla_sweep(now=shanghai(2026, 3, 5, 10, 1))
    survey.refresh_from_db()
    assert survey.escalated_at == shanghai(2026, 3, 5, 10, 1)
    assert report.steps["plan_tasks_escalated"] == 0
    assert TicketEvent.objects.filter(ticket=ticket, action="plan.task_overdue").count() == 1
    notices = OutboxMessage.objects.filter(topic="plan.task_overdue", channel="email")
    assert list(notices.values_list("recipient", flat=True)) == [agent.email]


def test_a_done_task_never_escalates(request_ticket, agent, wednesday):
    plan = approved_plan(request_ticket(), agent)
    for task in plan.tasks.all():
        execution.plan_task_update(task=task, actor=agent, status=TaskStatus.DONE, note="done")
    sla_sweep(now=shanghai(2026, 3, 20, 10, 0))
    assert not PlanTask.objects.filter(escalated_at__isnull=False).exists()


def test_one_digest_per_working_day_per_case_owner_over_a_week_with_a_holiday(
    request_ticket, agent, wednesday
):
    # Wednesday 11 March 2026 made a holiday on the plans calendar: no digest that day.
    calendar = Calendar.objects.get(name="CN working calendar")
    CalendarException.objects.create(
        calendar=calendar, date=shanghai(2026, 3, 11, 0, 0).date(), kind=ExceptionKind.HOLIDAY
    )
    second_owner = UserFactory(username="owner2")
    approved_plan(request_ticket(), agent)
    approved_plan(request_ticket(case_owner=second_owner), agent)
    PlanTask.objects.update(due_at=shanghai(2026, 3, 6, 17, 0))  # overdue from Friday on
    moment = shanghai(2026, 3, 9, 0, 0)  # Monday 00:00 → Sunday 23:00
    while moment < shanghai(2026, 3, 16, 0, 0):
        wednesday.move_to(moment)
        execution.plan_digests_send(now=moment)
        moment += timedelta(hours=1)
    digests = OutboxMessage.objects.filter(topic="plans.digest").order_by("created_at", "pk")
    days = sorted({(m.recipient, m.dedupe_key.rsplit(":", 1)[1]) for m in digests})
    working_days = ["2026-03-09", "2026-03-10", "2026-03-12", "2026-03-13"]
    expected = sorted((who.email, day) for who in (agent, second_owner) for day in working_days)
    assert days == expected
    assert digests.count() == len(expected)  # exactly one per working day per case owner
    for message in digests:
        local = message.created_at.astimezone(shanghai(2026, 3, 9).tzinfo)
        assert local.hour == 9  # the morning of the calendar, at its opening


def test_the_digest_lists_overdue_and_due_today_tasks_only(request_ticket, agent, wednesday):
    approved_plan(request_ticket(), agent)
    # "Site survey" due Thu 10:00, "Install" Fri 10:00
    execution.plan_digests_send(now=shanghai(2026, 3, 5, 9, 30))
    body = OutboxMessage.objects.get(topic="plans.digest").body
    assert "Site survey" in body
    assert "Install" not in body


def test_the_case_owner_records_one_daily_check(request_ticket, agent, supervisor, wednesday):
    plan = approved_plan(request_ticket(), agent)
    with pytest.raises(ValidationError):
        execution.plan_daily_check_record(plan=plan, actor=supervisor)
    execution.plan_daily_check_record(plan=plan, actor=agent, note="On track")
    with pytest.raises(ConflictError):
        execution.plan_daily_check_record(plan=plan, actor=agent)
    assert DailyCheck.objects.count() == 1
