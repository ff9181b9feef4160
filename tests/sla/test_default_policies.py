"""Each default time limit of requirements §7, as the engine applies it to a real ticket.

The numbers are written here again on purpose: changing a default in tickets/sla/defaults.py
(or in the admin's seed) without changing the requirement makes one of these fail.
"""

from datetime import timedelta

import pytest
from django.apps import apps

from tickets.models import Channel, Complexity, Kind
from tickets.sla import services as sla
from tickets.sla.models import Calendar, Clock, Metric
from tickets.sla.working_calendars import working_calendar

from .conftest import shanghai

CN = "CN working calendar"
ALWAYS = "24×7"


def target_of(ticket, metric) -> Clock:
    return Clock.objects.select_related("calendar").get(ticket=ticket, metric=metric, cycle=1)


def open_complaint(ticket, *, severity: str, complexity: str = "general"):
    """A complaint record as the complaints app writes it, then the engine's receipt."""
    Complaint = apps.get_model("complaints", "Complaint")
    Category = apps.get_model("complaints", "ComplaintCategory")
    category, _created = Category.objects.get_or_create(name="SLA test")
    complaint = Complaint.objects.create(
        ticket=ticket,
        severity=severity,
        complexity=complexity,
        category=category,
        source=ticket.channel,
        opened_at=ticket.created_at,
    )
    sla.sla_complaint_received(ticket=ticket, at=complaint.opened_at, actor=None)
    return complaint


def test_the_cn_calendar_is_monday_to_friday_nine_to_six_with_a_lunch_break(db):
    calendar = Calendar.objects.get(name=CN)
    assert (calendar.time_zone, calendar.country, calendar.is_24x7) == (
        "Asia/Shanghai",
        "CN",
        False,
    )
    hours = sorted(calendar.hours.values_list("weekday", "starts_at", "ends_at"))
    assert [(day, f"{s:%H:%M}", f"{e:%H:%M}") for day, s, e in hours] == [
        (day, start, end)
        for day in range(5)
        for start, end in (("09:00", "12:00"), ("13:00", "18:00"))
    ]
    # One business day is the length of an ordinary working day: 8 h.
    assert working_calendar(calendar).business_day == timedelta(hours=8)
    assert Calendar.objects.get(name=ALWAYS).is_24x7


def test_chat_first_response_is_one_working_minute(new_ticket, wednesday):
    clock = target_of(new_ticket(channel=Channel.CHAT), Metric.FIRST_RESPONSE)
    assert clock.target_duration == timedelta(minutes=1)  # 1 minute [S1 §2.1]
    assert clock.calendar.name == CN


def test_chat_classification_is_five_working_minutes(new_ticket, wednesday):
    clock = target_of(new_ticket(channel=Channel.CHAT), Metric.CHAT_CLASSIFICATION)
    assert clock.target_duration == timedelta(minutes=5)  # 5 minutes [S1 §2.1]
    assert clock.calendar.name == CN


def test_simple_request_plan_is_24_calendar_hours(new_ticket, wednesday):
    clock = target_of(new_ticket(), Metric.SERVICE_PLAN)
    assert clock.target_duration == timedelta(hours=24)  # 24 hours [S1 §2.2]
    assert clock.calendar.name == ALWAYS


def test_complex_request_plan_warns_at_3_and_breaches_at_5_business_days(new_ticket, wednesday):
    clock = target_of(new_ticket(complexity=Complexity.COMPLEX), Metric.SERVICE_PLAN)
    assert clock.target_duration == timedelta(hours=5 * 8)  # 5 business days [S1 §2.2]
    assert clock.warn_duration == timedelta(hours=3 * 8)  # warn at 3
    assert clock.due_at == shanghai(2026, 3, 11, 10, 0)
    assert clock.warn_at == shanghai(2026, 3, 9, 10, 0)
    assert clock.calendar.name == CN


def test_department_review_is_2_business_days(new_ticket, agent, wednesday):
    from tickets.sla.plan_clocks import sla_department_review_start

    ticket = new_ticket(complexity=Complexity.COMPLEX)
    sla_department_review_start(ticket=ticket, at=ticket.created_at, actor=None)
    clock = target_of(ticket, Metric.DEPARTMENT_REVIEW)
    assert clock.target_duration == timedelta(hours=2 * 8)  # 2 business days [S1 §2.2]
    assert clock.calendar.name == CN


def test_feedback_reply_is_3_business_days(new_ticket, wednesday):
    clock = target_of(new_ticket(kind=Kind.FEEDBACK), Metric.FEEDBACK_REPLY)
    assert clock.target_duration == timedelta(hours=3 * 8)  # 3 business days [S1 §2.4]
    assert clock.calendar.name == CN


def test_every_problem_is_closed_within_24_calendar_hours(new_ticket, wednesday):
    clock = target_of(new_ticket(kind=Kind.INCIDENT), Metric.RESOLUTION)
    assert clock.target_duration == timedelta(hours=24)  # 24 hours [S0 §01]
    assert clock.calendar.name == ALWAYS


def test_complaint_first_contact_is_one_calendar_hour(new_ticket, wednesday):
    ticket = new_ticket(kind=Kind.COMPLAINT, channel=Channel.COMPLAINT_HOTLINE)
    open_complaint(ticket, severity="routine")
    clock = target_of(ticket, Metric.COMPLAINT_FIRST_CONTACT)
    assert clock.target_duration == timedelta(hours=1)  # 1 hour [S1 §5.3]
    assert clock.calendar.name == ALWAYS


@pytest.mark.parametrize(
    ("severity", "limit"),
    [
        ("urgent", timedelta(minutes=30)),  # 30 minutes [S0 §03]
        ("important", timedelta(hours=24)),  # 24 hours [S0 §03]
        ("routine", timedelta(hours=72)),  # 72 hours [S0 §03]
    ],
)
def test_complaint_response_follows_the_severity(new_ticket, wednesday, severity, limit):
    ticket = new_ticket(kind=Kind.COMPLAINT, channel=Channel.COMPLAINT_HOTLINE)
    open_complaint(ticket, severity=severity)
    clock = target_of(ticket, Metric.COMPLAINT_RESPONSE)
    assert clock.target_duration == limit
    assert clock.calendar.name == ALWAYS
    assert clock.is_urgent == (severity == "urgent")


def test_general_complaints_are_resolved_in_24_hours_complex_in_5_business_days(
    new_ticket, wednesday
):
    general = new_ticket(kind=Kind.COMPLAINT, channel=Channel.COMPLAINT_HOTLINE)
    # Urgent: important and routine ones add their response time (test_default_reconciliation).
    open_complaint(general, severity="urgent", complexity="general")
    clock = target_of(general, Metric.RESOLUTION)
    assert (clock.target_duration, clock.calendar.name) == (timedelta(hours=24), ALWAYS)

    complex_ = new_ticket(kind=Kind.COMPLAINT, channel=Channel.COMPLAINT_HOTLINE)
    open_complaint(complex_, severity="routine", complexity="complex")
    clock = target_of(complex_, Metric.RESOLUTION)
    assert (clock.target_duration, clock.calendar.name) == (timedelta(hours=5 * 8), CN)
    assert clock.plans.last().policy_name == "Complaint: complex"


def test_contacts_meet_first_contact_then_the_answer_the_response_then_closing_resolution(
    new_ticket, wednesday
):
    ticket = new_ticket(kind=Kind.COMPLAINT, channel=Channel.COMPLAINT_HOTLINE)
    open_complaint(ticket, severity="important")
    wednesday.shift(timedelta(minutes=40))
    sla.sla_complaint_stage_entered(
        ticket=ticket, stage="accept", at=shanghai(2026, 3, 4, 10, 40), actor=None
    )
    assert target_of(ticket, Metric.COMPLAINT_FIRST_CONTACT).state == "running"  # no contact
    sla.sla_complaint_contact(
        ticket=ticket, contacted_at=shanghai(2026, 3, 4, 10, 35), answered_at=None, actor=None
    )
    assert target_of(ticket, Metric.COMPLAINT_FIRST_CONTACT).met_at == shanghai(2026, 3, 4, 10, 35)
    assert target_of(ticket, Metric.COMPLAINT_RESPONSE).state == "running"
    sla.sla_complaint_stage_entered(
        ticket=ticket, stage="investigate", at=shanghai(2026, 3, 4, 11, 0), actor=None
    )
    assert target_of(ticket, Metric.COMPLAINT_RESPONSE).state == "running"  # not an answer
    at = shanghai(2026, 3, 4, 11, 5)
    sla.sla_complaint_contact(ticket=ticket, contacted_at=at, answered_at=at, actor=None)
    assert target_of(ticket, Metric.COMPLAINT_RESPONSE).met_at == at
    sla.sla_complaint_stage_entered(
        ticket=ticket, stage="closed", at=shanghai(2026, 3, 4, 16, 0), actor=None
    )
    assert target_of(ticket, Metric.RESOLUTION).met_at == shanghai(2026, 3, 4, 16, 0)


def test_a_make_up_saturday_is_a_working_day_and_a_festival_is_not(new_ticket, clock_at):
    travel = clock_at(shanghai(2026, 2, 28, 10, 0))  # Saturday worked in exchange
    saturday = target_of(new_ticket(channel=Channel.CHAT), Metric.FIRST_RESPONSE)
    assert saturday.due_at == shanghai(2026, 2, 28, 10, 1)
    travel.move_to(shanghai(2026, 2, 17, 10, 0))  # Spring Festival
    festival = target_of(new_ticket(channel=Channel.CHAT), Metric.FIRST_RESPONSE)
    assert festival.due_at == shanghai(2026, 2, 24, 9, 1)
