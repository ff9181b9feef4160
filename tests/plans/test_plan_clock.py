"""The plan clock is met by a plan, not by a reply [S1 §2.2]; plans come from templates."""

from datetime import timedelta

import pytest

from plans import services as plans
from plans.models import PlanStatus, PlanTask, PlanVersion, ServicePlan
from servicedesk.exceptions import ValidationError
from tickets import services as tickets
from tickets.models import TicketEvent
from tickets.sla.models import Clock, ClockState, Metric

from .conftest import FILLED, shanghai


def plan_clock(ticket) -> Clock:
    return Clock.objects.get(ticket=ticket, metric=Metric.SERVICE_PLAN, cycle=1)


def test_a_public_reply_no_longer_meets_the_plan_clock(request_ticket, agent, wednesday):
    ticket = request_ticket()
    tickets.ticket_reply(ticket=ticket, actor=agent, body="We received your request")
    assert plan_clock(ticket).state == ClockState.RUNNING


def test_a_submitted_simple_plan_meets_the_plan_clock(request_ticket, agent, wednesday):
    ticket = request_ticket()
    assert plan_clock(ticket).due_at == shanghai(2026, 3, 5, 10, 0)  # 24 calendar hours
    plan = plans.plan_draft(ticket=ticket, actor=agent)
    plans.plan_update_sections(plan=plan, actor=agent, sections=FILLED)
    wednesday.shift(timedelta(hours=3))
    plans.plan_submit(plan=plan, actor=agent)
    clock = plan_clock(ticket)
    assert (clock.state, clock.met_at) == (ClockState.MET, shanghai(2026, 3, 4, 13, 0))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_at == shanghai(2026, 3, 4, 13, 0)


def test_a_draft_follows_the_category_template(request_ticket, agent, wednesday):
    plan = plans.plan_draft(ticket=request_ticket(), actor=agent)
    assert plan.versions.get().sections == {"goal": "", "steps": "", "risks": ""}
    tasks = list(plan.tasks.order_by("position").values_list("title", "owner", "due_at"))
    assert tasks == [("Site survey", agent.pk, None), ("Install", agent.pk, None)]


def test_template_durations_count_from_the_moment_the_plan_is_made(
    request_ticket, agent, wednesday
):
    ticket = request_ticket()
    plan = plans.plan_draft(ticket=ticket, actor=agent)
    plans.plan_update_sections(plan=plan, actor=agent, sections=FILLED)
    plans.plan_submit(plan=plan, actor=agent)
    survey, install = plan.tasks.order_by("position")
    assert survey.due_at == shanghai(2026, 3, 5, 10, 0)  # 1 business day = 8 working hours
    assert install.due_at == shanghai(2026, 3, 6, 10, 0)  # 48 calendar hours


def test_a_plan_missing_a_required_section_is_refused_and_nothing_is_written(
    request_ticket, agent, wednesday
):
    ticket = request_ticket()
    plan = plans.plan_draft(ticket=ticket, actor=agent)
    plans.plan_update_sections(plan=plan, actor=agent, sections={"goal": "Printer works"})
    events = TicketEvent.objects.filter(ticket=ticket).count()
    with pytest.raises(ValidationError) as refused:
        plans.plan_submit(plan=plan, actor=agent)
    assert set(refused.value.fields) == {"steps"}  # "risks" is optional
    plan.refresh_from_db()
    assert (plan.status, plan.submitted_at) == (PlanStatus.DRAFT, None)
    assert PlanVersion.objects.get(plan=plan).submitted_at is None
    assert PlanTask.objects.filter(plan=plan, due_at__isnull=False).count() == 0
    assert plan_clock(ticket).state == ClockState.RUNNING
    assert TicketEvent.objects.filter(ticket=ticket).count() == events


def test_an_unknown_section_is_refused(request_ticket, agent, wednesday):
    plan = plans.plan_draft(ticket=request_ticket(), actor=agent)
    with pytest.raises(ValidationError) as refused:
        plans.plan_update_sections(plan=plan, actor=agent, sections={"budget": "100"})
    assert "budget" in refused.value.fields
    assert plan.versions.get().sections["goal"] == ""


def test_a_ticket_has_one_plan(request_ticket, agent, wednesday):
    from servicedesk.exceptions import ConflictError

    ticket = request_ticket()
    plans.plan_draft(ticket=ticket, actor=agent)
    with pytest.raises(ConflictError):
        plans.plan_draft(ticket=ticket, actor=agent)
    assert ServicePlan.objects.filter(ticket=ticket).count() == 1


def test_a_category_without_a_template_gets_no_plan(new_ticket, agent, wednesday):
    from tests.factories import CategoryFactory

    ticket = new_ticket(category=CategoryFactory(name="Other"))
    with pytest.raises(ValidationError):
        plans.plan_draft(ticket=ticket, actor=agent)
    assert not ServicePlan.objects.exists()


def test_a_subcategory_uses_its_parents_template(new_ticket, category, template, agent, wednesday):
    from tests.factories import CategoryFactory

    child = CategoryFactory(name="Wall-mounted", parent=category)
    plan = plans.plan_draft(ticket=new_ticket(category=child), actor=agent)
    assert plan.template == template


def test_the_complex_plan_clock_warns_at_3_and_breaches_at_5_business_days(
    complex_ticket, wednesday
):
    clock = plan_clock(complex_ticket)
    assert clock.warn_at == shanghai(2026, 3, 9, 10, 0)  # Wed 10:00 + 24 working hours
    assert clock.due_at == shanghai(2026, 3, 11, 10, 0)  # + 40 working hours
