"""The default targets fit together (requirements §7, "How the rows fit together"), and
migration sla 0010 reconciles a database installed with the earlier defaults, re-planning
the open tickets' clocks.

The numbers are written here again on purpose: changing a default in one place only
makes one of these fail.
"""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps

from tickets.models import Channel, Kind
from tickets.sla.models import Clock, Metric, Policy

from .conftest import WEDNESDAY_10
from .test_default_policies import ALWAYS, CN, open_complaint, target_of

MIGRATION = importlib.import_module("tickets.sla.migrations.0010_reconcile_default_targets")


def complaint_ticket(new_ticket, severity: str, complexity: str = "general"):
    ticket = new_ticket(kind=Kind.COMPLAINT, channel=Channel.COMPLAINT_HOTLINE)
    open_complaint(ticket, severity=severity, complexity=complexity)
    return ticket


@pytest.mark.parametrize(
    ("severity", "response_within", "resolved_within"),
    [
        # 30-minute urgent response; the general 24 hours to resolve [S1 §5.3].
        ("urgent", timedelta(minutes=30), timedelta(hours=24)),
        # 24-hour important response + the general 24 h = 48 hours.
        ("important", timedelta(hours=24), timedelta(hours=48)),
        # 72-hour routine response + the general 24 h = 96 hours (requirements §7).
        ("routine", timedelta(hours=72), timedelta(hours=96)),
    ],
)
def test_a_general_complaint_is_never_due_for_resolution_before_its_response(
    new_ticket, wednesday, severity, response_within, resolved_within
):
    ticket = complaint_ticket(new_ticket, severity)
    response = target_of(ticket, Metric.COMPLAINT_RESPONSE)
    resolution = target_of(ticket, Metric.RESOLUTION)
    assert response.target_duration == response_within
    assert (resolution.target_duration, resolution.calendar.name) == (resolved_within, ALWAYS)
    assert resolution.due_at == WEDNESDAY_10 + resolved_within
    assert resolution.due_at >= response.due_at


def test_a_complex_complaint_is_resolved_after_even_the_slowest_response(new_ticket, wednesday):
    ticket = complaint_ticket(new_ticket, "routine", complexity="complex")
    response = target_of(ticket, Metric.COMPLAINT_RESPONSE)
    resolution = target_of(ticket, Metric.RESOLUTION)
    assert response.target_duration == timedelta(hours=72)  # 72-hour routine response
    assert resolution.target_duration == timedelta(hours=5 * 8)  # 5 business days
    assert resolution.due_at > response.due_at


def test_feedback_is_closed_on_its_3_business_day_working_clock_not_24_calendar_hours(
    new_ticket, wednesday
):
    ticket = new_ticket(kind=Kind.FEEDBACK)
    clocks = {
        clock.metric: (clock.target_duration, clock.calendar.name)
        for clock in Clock.objects.filter(ticket=ticket).select_related("calendar")
    }
    assert clocks == {
        Metric.FEEDBACK_REPLY: (timedelta(hours=3 * 8), CN),  # 3 business days
        Metric.RESOLUTION: (timedelta(hours=3 * 8), CN),  # the same, never 24 h over a weekend
    }


@pytest.mark.parametrize("kind", [Kind.REQUEST, Kind.INCIDENT])
def test_requests_and_incidents_keep_the_24_hour_general_aim(new_ticket, wednesday, kind):
    clock = target_of(new_ticket(kind=kind), Metric.RESOLUTION)
    assert (clock.target_duration, clock.calendar.name) == (timedelta(hours=24), ALWAYS)


def as_before_the_reconciliation():
    """The policy table as migration 0002 installed it before 0010."""
    Policy.objects.filter(name__in=MIGRATION.NEW_POLICIES).delete()


def test_the_migration_reconciles_the_defaults_and_replans_open_tickets(new_ticket, wednesday):
    as_before_the_reconciliation()
    feedback = new_ticket(kind=Kind.FEEDBACK)
    complaint = complaint_ticket(new_ticket, "routine")
    # The contradictions the migration removes: 24 h calendar clocks on both.
    assert target_of(feedback, Metric.RESOLUTION).target_duration == timedelta(hours=24)
    assert target_of(complaint, Metric.RESOLUTION).target_duration == timedelta(hours=24)

    wednesday.shift(timedelta(hours=1))
    MIGRATION.reconcile(apps, None)

    feedback_resolution = target_of(feedback, Metric.RESOLUTION)
    assert (feedback_resolution.calendar.name, feedback_resolution.target_duration) == (
        CN,
        timedelta(hours=3 * 8),
    )
    replanned = target_of(complaint, Metric.RESOLUTION)
    assert replanned.due_at == WEDNESDAY_10 + timedelta(hours=96)  # from the original start
    assert replanned.plans.last().policy_name == "Complaint: general, routine"


def test_the_migration_brings_back_no_default_the_administrator_deleted(db):
    as_before_the_reconciliation()
    Policy.objects.filter(name="Complaint: urgent").delete()
    MIGRATION.reconcile(apps, None)
    assert set(MIGRATION.NEW_POLICIES) <= set(Policy.objects.values_list("name", flat=True))
    assert not Policy.objects.filter(name="Complaint: urgent").exists()
