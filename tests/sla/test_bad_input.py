"""Bad input gets a clear error and leaves nothing half-written."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from tests.factories import UserFactory
from tickets.models import Channel, Ticket
from tickets.sla.models import Calendar, Clock, Metric, Policy, Target, WorkingHours
from tickets.sla.planning import PlanSpec, plan_clock
from tickets.sla.services import sla_ticket_created
from tickets.sla.working_calendars import CalendarError


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def calendar_form(name: str, hours: list[tuple[int, str, str]], **fields) -> dict:
    data = {
        "name": name,
        "time_zone": "Asia/Shanghai",
        "country": "",
        "hours-TOTAL_FORMS": str(len(hours)),
        "hours-INITIAL_FORMS": "0",
        "exceptions-TOTAL_FORMS": "0",
        "exceptions-INITIAL_FORMS": "0",
        **fields,
    }
    for index, (weekday, start, end) in enumerate(hours):
        data[f"hours-{index}-weekday"] = str(weekday)
        data[f"hours-{index}-starts_at"] = start
        data[f"hours-{index}-ends_at"] = end
    return data


def test_a_naive_start_time_is_refused_and_no_clock_is_written(new_ticket, wednesday):
    ticket = new_ticket()
    Clock.objects.filter(ticket=ticket).delete()
    with pytest.raises(ValueError, match="timezone-aware"):
        sla_ticket_created(ticket=ticket, at=datetime(2026, 3, 4, 10, 0), actor=None)
    assert not Clock.objects.filter(ticket=ticket).exists()


def test_a_negative_target_is_refused_by_the_database_and_the_form(db):
    policy = Policy.objects.create(name="Broken")
    calendar = Calendar.objects.get(name="24×7")
    target = Target(policy=policy, metric=Metric.RESOLUTION, duration=-5, calendar=calendar)
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "duration" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()
    assert not Target.objects.filter(policy=policy).exists()


def test_a_negative_duration_never_reaches_the_calendar(db):
    spec = PlanSpec.from_target(Target.objects.filter(metric=Metric.RESOLUTION).first())
    negative = PlanSpec(**{**spec.__dict__, "target_duration": timedelta(minutes=-1)})
    with pytest.raises(ValueError, match="must not be negative"):
        plan_clock(negative, started_at=datetime(2026, 3, 4, 2, 0).astimezone(), pauses=())


def test_a_target_on_an_empty_calendar_refuses_the_ticket_and_names_the_calendar(
    new_ticket, wednesday
):
    empty = Calendar.objects.create(name="Closed office")
    chat = Policy.objects.get(name="Online chat")
    chat.targets.filter(metric=Metric.FIRST_RESPONSE).update(calendar=empty)
    with pytest.raises(CalendarError, match=r"Closed office.*no working time"):
        new_ticket(channel=Channel.CHAT)
    assert not Ticket.objects.exists()


def test_the_admin_refuses_a_calendar_without_working_time(admin_client):
    response = admin_client.post(reverse("admin:sla_calendar_add"), calendar_form("Empty", []))
    assert response.status_code == 200
    assert "calendar has no working time" in response.content.decode()
    assert not Calendar.objects.filter(name="Empty").exists()


def test_the_admin_refuses_overlapping_working_hours(admin_client):
    hours = [(0, "09:00", "12:00"), (0, "11:00", "14:00")]
    response = admin_client.post(reverse("admin:sla_calendar_add"), calendar_form("Overlap", hours))
    assert "overlap" in response.content.decode()
    assert not Calendar.objects.filter(name="Overlap").exists()
    assert not WorkingHours.objects.filter(starts_at=time(11)).exists()


def test_the_admin_refuses_an_unknown_time_zone(admin_client):
    form = calendar_form("Mars", [(0, "09:00", "17:00")], time_zone="Mars/Olympus")
    response = admin_client.post(reverse("admin:sla_calendar_add"), form)
    assert "Unknown time zone" in response.content.decode()
    assert not Calendar.objects.filter(name="Mars").exists()


def test_the_admin_accepts_a_valid_calendar(admin_client):
    hours = [(0, "09:00", "12:00"), (0, "13:00", "17:00")]
    response = admin_client.post(
        reverse("admin:sla_calendar_add"), calendar_form("Regional", hours)
    )
    assert response.status_code == 302
    assert Calendar.objects.get(name="Regional").hours.count() == 2


def test_deleting_a_calendar_that_a_policy_uses_is_refused(admin_client):
    cn = Calendar.objects.get(name="CN working calendar")
    targets = Target.objects.filter(calendar=cn).count()
    with pytest.raises(ProtectedError), transaction.atomic():
        cn.delete()
    assert Target.objects.filter(calendar=cn).count() == targets
    assert cn.hours.count() == 10  # nothing half-deleted
    page = admin_client.get(reverse("admin:sla_calendar_delete", args=[cn.pk]))
    assert "would require deleting the following protected related objects" in page.content.decode()
