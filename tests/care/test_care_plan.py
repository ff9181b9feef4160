"""The daily care plan on single days: idempotence, catch-up, the cap's order within a
day, 29 February in a leap year, return visits after a complaint as tasks, the opt-out
and the agents' page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings

from care.models import CareContact, CareDelivery, CareKind, CareStatus, SkipReason
from care.tasks import care_day_plan_task
from complaints.models import Complaint, ComplaintCategory, Severity, Stage
from customers.membership_models import MembershipLevel
from customers.models import CustomerAction, Purchase
from customers.services import customer_care_opt_in, customer_care_opt_out
from servicedesk.outbox.models import OutboxMessage
from tests.care.conftest import morning
from tests.factories import CustomerFactory, TicketFactory, UserFactory
from tests.nothing_written import nothing_written
from tickets.models import Kind
from tickets.sla.models import Calendar


@pytest.fixture
def closed_complaint(agent, team):
    def _close(customer, closed_on: date):
        ticket = TicketFactory(customer=customer, team=team, assignee=agent, kind=Kind.COMPLAINT)
        return Complaint.objects.create(
            ticket=ticket,
            severity=Severity.ROUTINE,
            category=ComplaintCategory.objects.get(name_en="Product quality"),
            source="phone",
            stage=Stage.CLOSED,
            opened_at=morning(closed_on) - timedelta(days=3),
            closed_at=morning(closed_on),
        )

    return _close


@pytest.fixture
def busy_day(rules, closed_complaint):
    """1 October 2027, National Day: a holiday greeting for everyone, a birthday, a return
    visit 7 days after a complaint (a task) and 30 days after a purchase (a message)."""
    rules.holiday_calendar = Calendar.objects.get(name="CN working calendar")
    rules.cap_contacts = 5
    rules.save()
    birthday = CustomerFactory(name="生日", birthday=date(1990, 10, 1))
    complained = CustomerFactory(name="投诉")
    closed_complaint(complained, date(2027, 9, 24))
    bought = CustomerFactory(name="购买", language="en")
    for order in ("A", "B"):  # two orders the same day: one visit
        Purchase.objects.create(
            customer=bought,
            order_number=order,
            amount=Decimal("1"),
            purchased_at=morning(date(2027, 9, 1)),
        )
    return {"birthday": birthday, "complained": complained, "bought": bought}


def test_running_the_plan_twice_the_same_day_makes_nothing_twice(busy_day, plan_day):
    first = plan_day(date(2027, 10, 1))
    assert first.planned == 3 + 1 + 1 + 1  # three holiday greetings, birthday, two visits
    contacts = CareContact.objects.count()
    messages = OutboxMessage.objects.filter(topic__startswith="care.").count()
    assert (first.tasks, first.messages) == (1, 5)
    assert messages == 5
    with time_machine.travel(morning(date(2027, 10, 1)) + timedelta(hours=3), tick=False):
        assert care_day_plan_task() == 0  # the beat's task, run again
    again = plan_day(date(2027, 10, 1))
    assert (again.planned, again.tasks, again.messages) == (0, 0, 0)
    assert CareContact.objects.count() == contacts
    assert OutboxMessage.objects.filter(topic__startswith="care.").count() == messages


def test_a_return_visit_after_a_complaint_is_a_task_for_the_complaints_agent(
    busy_day, plan_day, agent, team
):
    plan_day(date(2027, 10, 1))
    task = CareContact.objects.get(kind=CareKind.COMPLAINT_RETURN)
    assert task.customer == busy_day["complained"]
    assert (task.delivery, task.status) == (CareDelivery.TASK, CareStatus.SCHEDULED)
    assert (task.assignee, task.team) == (agent, team)
    assert task.due_on == date(2027, 10, 4)  # task_due_days = 3
    visit = CareContact.objects.get(kind=CareKind.PURCHASE_RETURN)
    assert (visit.customer, visit.occasion) == (busy_day["bought"], "purchase:2027-09-01")
    english = OutboxMessage.objects.get(topic="care.purchase_return")
    assert english.subject == "How are you getting on with your purchase?"
    assert english.recipient == busy_day["bought"].email


def test_a_missed_day_is_planned_by_the_next_run(rules, plan_day):
    customer = CustomerFactory(birthday=date(1990, 3, 15))
    plan_day(date(2027, 3, 17))  # beat did not run on 15 and 16 March
    greeting = CareContact.objects.get(customer=customer)
    assert (greeting.kind, greeting.planned_on) == (CareKind.BIRTHDAY, date(2027, 3, 17))


def test_under_the_cap_the_kind_that_matters_most_goes_first(rules, plan_day):
    rules.holiday_calendar = Calendar.objects.get(name="CN working calendar")
    rules.cap_contacts = 1
    rules.save()
    customer = CustomerFactory(birthday=date(1990, 10, 1))
    plan_day(date(2027, 10, 1))
    contacts = {c.kind: c for c in CareContact.objects.filter(customer=customer)}
    assert contacts[CareKind.BIRTHDAY].status == CareStatus.SENT
    assert (contacts[CareKind.HOLIDAY].status, contacts[CareKind.HOLIDAY].skip_reason) == (
        CareStatus.SKIPPED,
        SkipReason.CAPPED,
    )


def test_birthday_on_29_february_is_greeted_on_the_day_in_a_leap_year(rules, plan_day):
    leap = CustomerFactory(birthday=date(2000, 2, 29))
    ordinary = CustomerFactory(birthday=date(2000, 2, 28))
    plan_day(date(2028, 2, 28))
    assert set(
        CareContact.objects.filter(kind=CareKind.BIRTHDAY).values_list("customer", flat=True)
    ) == {ordinary.pk}
    plan_day(date(2028, 2, 29))
    greeting = CareContact.objects.get(customer=leap, kind=CareKind.BIRTHDAY)
    assert greeting.planned_on == date(2028, 2, 29)


def test_opting_out_records_who_and_when_and_skips_the_open_tasks(busy_day, plan_day, manager):
    plan_day(date(2027, 10, 1))
    customer = busy_day["complained"]
    with time_machine.travel(morning(date(2027, 10, 2)), tick=False):
        customer_care_opt_out(customer=customer, actor=manager, reason="Asked on the phone")
    customer.refresh_from_db()
    assert customer.care_opted_out_at == morning(date(2027, 10, 2))
    assert customer.care_opted_out_by == manager
    event = customer.events.get(action=CustomerAction.CARE_OPTED_OUT)
    assert (event.actor, event.reason) == (manager, "Asked on the phone")
    task = CareContact.objects.get(kind=CareKind.COMPLAINT_RETURN)
    assert (task.status, task.skip_reason) == (CareStatus.SKIPPED, SkipReason.OPTED_OUT)
    # Opting in again lifts it for what is planned from then on.
    customer_care_opt_in(customer=customer, actor=manager, reason="Asked again")
    customer.refresh_from_db()
    assert customer.care_opted_out_at is None


def test_the_agent_sees_their_care_tasks_and_marks_one_done(busy_day, plan_day, agent, client):
    plan_day(date(2027, 10, 1))
    task = CareContact.objects.get(kind=CareKind.COMPLAINT_RETURN)
    client.force_login(agent)
    page = client.get("/care/tasks/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    body = page.content.decode()
    assert "投诉后回访" in body and "投诉" in body
    # The purchase visit is a message, not a task: not on the page.
    assert "购买后回访" not in body
    response = client.post(f"/care/tasks/{task.pk}/done/", {"note": "一切正常"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.finished_by, task.note) == (CareStatus.DONE, agent, "一切正常")
    assert "投诉后回访" not in client.get("/care/tasks/").content.decode()


def test_skipping_a_task_needs_a_reason_and_writes_nothing_without_one(
    busy_day, plan_day, agent, client
):
    plan_day(date(2027, 10, 1))
    task = CareContact.objects.get(kind=CareKind.COMPLAINT_RETURN)
    client.force_login(agent)
    with nothing_written():
        response = client.post(
            f"/care/tasks/{task.pk}/skip/", {"note": " "}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400
    assert "Say why the task is skipped." in response.content.decode()
    client.post(f"/care/tasks/{task.pk}/skip/", {"note": "Customer abroad"})
    task.refresh_from_db()
    assert (task.status, task.skip_reason) == (CareStatus.SKIPPED, SkipReason.BY_AGENT)


def test_another_teams_agent_cannot_close_the_task(busy_day, plan_day, other_team, client):
    plan_day(date(2027, 10, 1))
    task = CareContact.objects.get(kind=CareKind.COMPLAINT_RETURN)
    stranger = UserFactory(teams=[other_team])
    client.force_login(stranger)
    with nothing_written():
        response = client.post(f"/care/tasks/{task.pk}/done/", {"note": "x"})
    assert response.status_code == 403


def test_a_task_of_an_opted_out_customer_cannot_be_done(busy_day, plan_day, agent, client):
    plan_day(date(2027, 10, 1))
    task = CareContact.objects.get(kind=CareKind.COMPLAINT_RETURN)
    customer = busy_day["complained"]
    customer.care_opted_out_at = morning(date(2027, 10, 1))  # landed after the page was read
    customer.save(update_fields=["care_opted_out_at"])
    client.force_login(agent)
    with nothing_written():
        response = client.post(f"/care/tasks/{task.pk}/done/", {"note": "x"})
    assert response.status_code == 409


def test_beat_runs_the_plan_every_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["care-daily-plan"]
    assert entry["task"] == care_day_plan_task.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({1}, {30})


def test_only_the_holidays_named_in_the_settings_are_greeted(rules, plan_day):
    rules.holiday_calendar = Calendar.objects.get(name="CN working calendar")
    rules.greeted_holidays = ["国庆"]  # a word of the name, in either language
    rules.save()
    customer = CustomerFactory()
    for day in (date(2027, 9, 15), date(2027, 10, 1)):  # Mid-Autumn, National Day
        plan_day(day)
    assert list(
        CareContact.objects.filter(customer=customer).values_list("occasion", flat=True)
    ) == ["holiday:2027-10-01"]


# session, user, permissions (2), the tasks with their customers, teams and assignees (1).
CARE_PAGE_QUERIES = 5


@pytest.mark.parametrize("tasks", [1, 20])
def test_the_care_task_page_costs_the_same_for_1_or_20_tasks(
    rules, agent, team, client, tasks, django_assert_num_queries
):
    for number in range(tasks):
        CareContact.objects.create(
            customer=CustomerFactory(),
            kind=CareKind.BIRTHDAY,
            occasion=f"birthday:{number}",
            delivery=CareDelivery.TASK,
            status=CareStatus.SCHEDULED,
            planned_on=date(2027, 10, 1),
            due_on=date(2027, 10, 4),
            team=team,
        )
    client.force_login(agent)
    with django_assert_num_queries(CARE_PAGE_QUERIES):
        response = client.get("/care/tasks/")
    assert response.content.decode().count('class="care-task"') == tasks


def test_a_care_task_goes_to_the_customers_dedicated_advisor_and_their_team(
    rules, plan_day, agent, team, other_team
):
    rules.birthday_delivery = CareDelivery.TASK
    rules.care_team = other_team
    rules.save()
    level = MembershipLevel.objects.filter(dedicated_advisor=True).order_by("rank").first()
    advised = CustomerFactory(
        birthday=date(1990, 3, 15), membership_level=level, advisor=agent, advisor_team=team
    )
    away = UserFactory(is_active=False, teams=[team])
    advisor_away = CustomerFactory(
        birthday=date(1990, 3, 15), membership_level=level, advisor=away, advisor_team=team
    )
    ordinary = CustomerFactory(birthday=date(1990, 3, 15))
    plan_day(date(2027, 3, 15))
    routed = {
        contact.customer_id: (contact.assignee_id, contact.team_id)
        for contact in CareContact.objects.filter(kind=CareKind.BIRTHDAY)
    }
    assert routed == {
        advised.pk: (agent.pk, team.pk),
        # An inactive advisor: the task waits for the advisor's team, not for them.
        advisor_away.pk: (None, team.pk),
        ordinary.pk: (None, other_team.pk),
    }
