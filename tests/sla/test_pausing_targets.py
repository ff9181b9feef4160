"""Which clocks stand still while a ticket waits on the customer is each target's own rule.

Requirements §7: a complaint's first contact (1 h) and response clocks never pause for
"pending customer"; the other targets do. The statuses that count as waiting on the
customer stay configurable (SLA_PAUSING_STATUSES). An urgent complaint is paused by a
manager: pausing a complaint needs its severity's authority.
"""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from complaints import services as complaints
from complaints.models import ComplaintCategory, Severity
from tickets import services as tickets
from tickets.models import Kind, Status
from tickets.sla.models import Clock, ClockState, Metric, Target
from tickets.sla.tasks import sla_replan_policy

from .conftest import WEDNESDAY_10


def clock(ticket, metric) -> Clock:
    return Clock.objects.get(ticket=ticket, metric=metric, cycle=1)


@pytest.fixture
def urgent_complaint(agent, team, customer, wednesday):
    return complaints.complaint_open(
        actor=agent,
        subject="Washer floods the kitchen",
        severity=Severity.URGENT,
        category=ComplaintCategory.objects.get(name_en="Product quality"),
        customer=customer,
        team=team,
    )


def test_pending_customer_right_after_receipt_leaves_first_contact_and_response_running(
    urgent_complaint, manager, wednesday
):
    ticket = urgent_complaint.ticket
    wednesday.shift(timedelta(minutes=1))
    tickets.ticket_change_status(ticket=ticket, actor=manager, to=Status.PENDING_CUSTOMER)
    wednesday.shift(timedelta(minutes=30))
    tickets.ticket_customer_message(ticket=ticket, body="Still flooding")

    first_contact = clock(ticket, Metric.COMPLAINT_FIRST_CONTACT)
    assert first_contact.state == ClockState.RUNNING
    # 1-hour first contact, due one hour after receipt whatever the status did.
    assert first_contact.due_at == WEDNESDAY_10 + timedelta(hours=1)
    response = clock(ticket, Metric.COMPLAINT_RESPONSE)
    # 30-minute urgent response: not pushed back by the 30 minutes spent pending.
    assert response.due_at == WEDNESDAY_10 + timedelta(minutes=30)
    assert response.state == ClockState.RUNNING
    # Resolution follows the general rule (requirements §7): it stood still while pending.
    assert clock(ticket, Metric.RESOLUTION).due_at == WEDNESDAY_10 + timedelta(hours=24, minutes=30)


def test_while_pending_only_the_pausing_targets_stand_still(urgent_complaint, manager, wednesday):
    ticket = urgent_complaint.ticket
    tickets.ticket_change_status(ticket=ticket, actor=manager, to=Status.PENDING_CUSTOMER)
    states = dict(Clock.objects.filter(ticket=ticket).values_list("metric", "state"))
    assert states == {
        Metric.COMPLAINT_FIRST_CONTACT: ClockState.RUNNING,
        Metric.COMPLAINT_RESPONSE: ClockState.RUNNING,
        Metric.RESOLUTION: ClockState.PAUSED,
    }


def test_the_default_targets_say_which_pause(db):
    never = set(
        Target.objects.filter(pauses_while_waiting_on_customer=False).values_list(
            "metric", flat=True
        )
    )
    assert never == {Metric.COMPLAINT_FIRST_CONTACT, Metric.COMPLAINT_RESPONSE}


def test_a_request_still_pauses_in_the_configured_statuses(new_ticket, agent, wednesday, settings):
    ticket = new_ticket(kind=Kind.REQUEST)
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    assert clock(ticket, Metric.SERVICE_PLAN).state == ClockState.PAUSED

    settings.SLA_PAUSING_STATUSES = []  # no status waits on the customer any more
    other = new_ticket(kind=Kind.REQUEST)
    tickets.ticket_change_status(ticket=other, actor=agent, to=Status.PENDING_CUSTOMER)
    assert clock(other, Metric.SERVICE_PLAN).state == ClockState.RUNNING


def _policy_form(admin_client, policy) -> tuple[str, dict]:
    """The admin's change form of a policy with its targets, as the browser would post it."""
    url = reverse("admin:sla_policy_change", args=[policy.pk])
    page = admin_client.get(url)
    data = {}
    for name, value in page.context["adminform"].form.initial.items():
        if value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if value is None or value is False:
                    continue
                data[form.add_prefix(name)] = value.pk if hasattr(value, "pk") else value
    return url, data


def test_an_administrator_makes_a_target_pause_audited_and_replanned(
    admin_client, urgent_complaint, manager, wednesday, django_capture_on_commit_callbacks
):
    ticket = urgent_complaint.ticket
    tickets.ticket_change_status(ticket=ticket, actor=manager, to=Status.PENDING_CUSTOMER)
    response_clock = clock(ticket, Metric.COMPLAINT_RESPONSE)
    target = response_clock.target
    url, data = _policy_form(admin_client, target.policy)
    field = "targets-0-pauses_while_waiting_on_customer"
    assert field not in data  # shown unticked: this target runs on
    data[field] = "on"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = admin_client.post(url, data)
    assert page.status_code == 302, page.context and page.context["errors"]
    assert callbacks  # the re-plan is queued after commit

    target.refresh_from_db()
    assert target.pauses_while_waiting_on_customer
    entry = LogEntry.objects.get(object_id=str(target.policy.pk), action_flag=CHANGE)
    assert "Pauses while waiting on the customer" in entry.get_change_message()

    sla_replan_policy(target.policy.pk)
    response_clock.refresh_from_db()
    assert (response_clock.state, response_clock.paused_at) == (ClockState.PAUSED, WEDNESDAY_10)


def test_the_migration_lets_a_paused_complaint_clock_run_on_from_its_start(
    urgent_complaint, manager, wednesday
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "tickets.sla.migrations.0009_complaint_contact_clocks_never_pause"
    )
    ticket = urgent_complaint.ticket
    migration.pause_again(apps, None)  # as before the migration: every target paused
    tickets.ticket_change_status(ticket=ticket, actor=manager, to=Status.PENDING_CUSTOMER)
    assert clock(ticket, Metric.COMPLAINT_FIRST_CONTACT).state == ClockState.PAUSED

    wednesday.shift(timedelta(minutes=10))
    migration.stop_pausing(apps, None)
    first_contact = clock(ticket, Metric.COMPLAINT_FIRST_CONTACT)
    assert (first_contact.state, first_contact.paused_at) == (ClockState.RUNNING, None)
    assert first_contact.due_at == WEDNESDAY_10 + timedelta(hours=1)  # 1 hour from receipt
    assert clock(ticket, Metric.RESOLUTION).state == ClockState.PAUSED
