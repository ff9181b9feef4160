"""The ticket page shows the plan, the review state per department and the task board, in
a fixed number of queries however many tasks the plan has."""

from datetime import timedelta

import pytest
from django.urls import reverse

from plans import execution
from plans import services as plans

from .conftest import FILLED, member
from .helpers import approved_plan

# The ticket page of a ticket without messages: session, user, permissions (2), the user's
# teams, the ticket, messages, events, SLA clocks, the team members it can be assigned to;
# its tags, the canned replies offered, and the customer panel (open tickets counted, the
# user's teams again, recent tickets; tests/tickets/test_pages_ticket.py says why).
TICKET_PAGE_WITHOUT_MESSAGES = 15
# The plan panel: the plan (with its ticket, template and case owner), its versions,
# reviews, tasks (with their owners), template sections, acceptances, and the owners the
# task form offers. None of them grows with the number of tasks.
PLAN_PANEL_QUERIES = 7


@pytest.mark.parametrize("task_count", [1, 30])
def test_the_ticket_page_with_a_plan_of_30_tasks_has_a_fixed_query_count(
    request_ticket, agent, client, wednesday, task_count, django_assert_num_queries
):
    ticket = request_ticket()
    plan = approved_plan(ticket, agent)
    plan.tasks.all().delete()
    for number in range(task_count):
        execution.plan_task_add(
            plan=plan,
            actor=agent,
            title=f"Task {number}",
            owner=agent,
            due_at=plan.approved_at + timedelta(days=1),
        )
    client.force_login(agent)
    page = reverse("tickets:detail", args=[ticket.reference])
    with django_assert_num_queries(TICKET_PAGE_WITHOUT_MESSAGES + PLAN_PANEL_QUERIES):
        response = client.get(page)
    assert response.status_code == 200
    assert response.content.decode().count('class="task-todo') == task_count


def test_the_page_shows_each_departments_review_state(
    complex_ticket, agent, engineering, finance, client, wednesday
):
    plan = plans.plan_draft(ticket=complex_ticket, actor=agent)
    plans.plan_update_sections(plan=plan, actor=agent, sections=FILLED)
    plans.plan_submit(plan=plan, actor=agent, departments=[engineering, finance])
    plans.plan_review(
        plan=plan, actor=member(finance), team=finance, decision="approved", opinion="Fine"
    )
    client.force_login(agent)
    body = client.get(reverse("tickets:detail", args=[complex_ticket.reference])).content.decode()
    assert '<tr class="review-approved"><td>Finance</td>' in body
    assert '<tr class="review-pending"><td>Engineering</td>' in body


def test_a_request_without_a_plan_offers_the_draft(request_ticket, agent, client, wednesday):
    ticket = request_ticket()
    client.force_login(agent)
    body = client.get(reverse("tickets:detail", args=[ticket.reference])).content.decode()
    assert reverse("plans:draft", args=[ticket.reference]) in body
    response = client.post(reverse("plans:draft", args=[ticket.reference]))
    assert response.status_code == 302
    assert ticket.service_plan.versions.count() == 1
