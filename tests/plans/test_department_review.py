"""Departmental review of a complex plan: each department its own 2-business-day clock;
approved when every department approved; changes requested → new version, new round
[S1 §2.2]."""

import pytest

from plans import services as plans
from plans.models import DepartmentReview, PlanStatus, PlanVersion, ReviewState
from servicedesk.exceptions import AuthorityError, ValidationError
from tests.factories import TeamFactory, UserFactory
from tickets.models import TicketEvent
from tickets.sla.models import Clock, ClockState, Metric
from tickets.sla.sweep import sla_sweep

from .conftest import FILLED, member, shanghai

APPROVE, CHANGES = ReviewState.APPROVED, ReviewState.CHANGES_REQUESTED


def submitted_plan(ticket, agent, departments):
    plan = plans.plan_draft(ticket=ticket, actor=agent)
    plans.plan_update_sections(plan=plan, actor=agent, sections=FILLED)
    plans.plan_submit(plan=plan, actor=agent, departments=departments)
    plan.refresh_from_db()
    return plan


def review_clock(plan, team, round_=None) -> Clock:
    review = DepartmentReview.objects.get(plan=plan, team=team, round=round_ or plan.review_round)
    return Clock.objects.get(
        ticket=plan.ticket, metric=Metric.DEPARTMENT_REVIEW, cycle=review.clock_cycle
    )


def test_each_department_has_its_own_clock_one_late_one_asking_for_changes(
    complex_ticket, agent, engineering, finance, wednesday
):
    plan = submitted_plan(complex_ticket, agent, [engineering, finance])
    assert plan.status == PlanStatus.IN_REVIEW
    for team in (engineering, finance):
        # 2 business days = 16 working hours from Wednesday 10:00 [S1 §2.2]
        assert review_clock(plan, team).due_at == shanghai(2026, 3, 6, 10, 0)

    wednesday.move_to(shanghai(2026, 3, 5, 11, 0))
    plans.plan_review(
        plan=plan, actor=member(engineering), team=engineering, decision=APPROVE, opinion="OK"
    )
    wednesday.move_to(shanghai(2026, 3, 6, 10, 1))
    sla_sweep(now=shanghai(2026, 3, 6, 10, 1))
    assert review_clock(plan, engineering).state == ClockState.MET
    assert review_clock(plan, finance).state == ClockState.BREACHED  # Finance is late

    wednesday.move_to(shanghai(2026, 3, 6, 11, 0))
    plans.plan_review(
        plan=plan, actor=member(finance), team=finance, decision=CHANGES, opinion="Add costs"
    )
    late = review_clock(plan, finance)
    assert (late.state, late.met_at) == (ClockState.BREACHED, shanghai(2026, 3, 6, 11, 0))
    plan.refresh_from_db()
    assert (plan.status, plan.version) == (PlanStatus.DRAFT, 2)
    assert PlanVersion.objects.get(plan=plan, number=2).sections == {**FILLED, "risks": ""}

    # The new version goes to the same departments, in a new round with new clocks.
    wednesday.move_to(shanghai(2026, 3, 9, 10, 0))
    plans.plan_submit(plan=plan, actor=agent)
    plan.refresh_from_db()
    assert (plan.status, plan.review_round) == (PlanStatus.IN_REVIEW, 2)
    assert review_clock(plan, finance).state == ClockState.RUNNING
    assert review_clock(plan, finance).due_at == shanghai(2026, 3, 11, 10, 0)
    for team in (engineering, finance):
        plans.plan_review(plan=plan, actor=member(team), team=team, decision=APPROVE, opinion="OK")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    # The complex plan is made when approved after review, within its 5 business days.
    plan_clock = Clock.objects.get(ticket=complex_ticket, metric=Metric.SERVICE_PLAN)
    assert (plan_clock.state, plan_clock.met_at) == (ClockState.MET, shanghai(2026, 3, 9, 10, 0))


def test_the_plan_waits_for_every_department(
    complex_ticket, agent, engineering, finance, wednesday
):
    plan = submitted_plan(complex_ticket, agent, [engineering, finance])
    plans.plan_review(
        plan=plan, actor=member(engineering), team=engineering, decision=APPROVE, opinion="OK"
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_REVIEW


def test_reviewing_as_a_team_that_is_not_a_department_of_the_plan_is_refused(
    complex_ticket, agent, engineering, finance, wednesday
):
    plan = submitted_plan(complex_ticket, agent, [engineering])
    outsider = TeamFactory(name="Front desk")
    clerk = UserFactory(username="clerk", teams=[outsider])
    events = TicketEvent.objects.filter(ticket=complex_ticket).count()
    for team, actor in ((outsider, clerk), (finance, member(finance))):
        with pytest.raises(ValidationError) as refused:
            plans.plan_review(plan=plan, actor=actor, team=team, decision=APPROVE, opinion="OK")
        assert "team" in refused.value.fields
    assert not DepartmentReview.objects.filter(team__in=[outsider, finance]).exists()
    assert DepartmentReview.objects.get(plan=plan).state == ReviewState.PENDING
    assert TicketEvent.objects.filter(ticket=complex_ticket).count() == events


def test_only_members_answer_for_their_department(complex_ticket, agent, engineering, wednesday):
    plan = submitted_plan(complex_ticket, agent, [engineering])
    with pytest.raises(AuthorityError):
        plans.plan_review(plan=plan, actor=agent, team=engineering, decision=APPROVE, opinion="OK")
    assert DepartmentReview.objects.get(plan=plan).state == ReviewState.PENDING
    assert review_clock(plan, engineering).state == ClockState.RUNNING


def test_a_complex_plan_names_its_departments_and_only_departments(
    complex_ticket, agent, other_team, wednesday
):
    plan = plans.plan_draft(ticket=complex_ticket, actor=agent)
    plans.plan_update_sections(plan=plan, actor=agent, sections=FILLED)
    for departments in ([], [other_team]):
        with pytest.raises(ValidationError) as refused:
            plans.plan_submit(plan=plan, actor=agent, departments=departments)
        assert "departments" in refused.value.fields
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not DepartmentReview.objects.exists()
    assert not Clock.objects.filter(metric=Metric.DEPARTMENT_REVIEW).exists()


def test_an_opinion_is_required(complex_ticket, agent, engineering, wednesday):
    plan = submitted_plan(complex_ticket, agent, [engineering])
    with pytest.raises(ValidationError):
        plans.plan_review(
            plan=plan, actor=member(engineering), team=engineering, decision=CHANGES, opinion=" "
        )
    assert DepartmentReview.objects.get(plan=plan).state == ReviewState.PENDING
