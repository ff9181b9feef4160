"""The active policies are kept in memory per process and re-read when the table changes.

Each process compares one stored revision with the one its copy was read under; every
save or delete of a policy, target, calendar, working hours or exception renews it in the
same transaction, so another process sees the change exactly when it is committed.
"""

import uuid
from datetime import time

import pytest
from django.db import transaction

from tickets.models import Channel
from tickets.sla.models import (
    Calendar,
    Clock,
    DurationUnit,
    Metric,
    Policy,
    PolicyTableRevision,
    Target,
)
from tickets.sla.policies import active_policy_table

from .conftest import shanghai

GENERAL = "General aim: problem closed"


def resolution_due(ticket):
    return Clock.objects.get(ticket=ticket, metric=Metric.RESOLUTION).due_at


def first_response_due(ticket):
    return Clock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE).due_at


def general_resolution() -> Target:
    return Target.objects.get(policy__name=GENERAL, metric=Metric.RESOLUTION)


def test_the_policies_are_read_once_while_nothing_changes(
    new_ticket, wednesday, django_assert_num_queries
):
    new_ticket()
    with django_assert_num_queries(1):  # the revision only
        first = active_policy_table()
    with django_assert_num_queries(1):
        assert active_policy_table() is first


def test_a_saved_target_applies_to_the_next_ticket(new_ticket, wednesday):
    assert resolution_due(new_ticket()) == shanghai(2026, 3, 5, 10, 0)
    target = general_resolution()
    target.duration, target.unit = 2, DurationUnit.HOURS
    target.save()
    assert resolution_due(new_ticket()) == shanghai(2026, 3, 4, 12, 0)


def test_a_deactivated_policy_no_longer_applies(new_ticket, wednesday):
    new_ticket()
    policy = Policy.objects.get(name=GENERAL)
    policy.active = False
    policy.save()
    assert not Clock.objects.filter(ticket=new_ticket(), metric=Metric.RESOLUTION).exists()


def test_changed_working_hours_apply_to_the_next_ticket(new_ticket, wednesday):
    chat_response = Target.objects.get(policy__name="Online chat", metric=Metric.FIRST_RESPONSE)
    assert first_response_due(new_ticket(channel=Channel.CHAT)) == shanghai(2026, 3, 4, 10, 1)
    # Wednesday mornings now start at 11:00.
    hours = chat_response.calendar.hours.get(weekday=2, starts_at=time(9, 0))
    hours.starts_at = time(11, 0)
    hours.save()
    assert first_response_due(new_ticket(channel=Channel.CHAT)) == shanghai(2026, 3, 4, 11, 1)


def test_a_change_committed_by_another_process_is_seen_through_the_revision(new_ticket, wednesday):
    new_ticket()
    # What another process's edit leaves behind: changed rows and a renewed revision (a
    # queryset update sends no signal, so this process's copy is not dropped by one).
    Target.objects.filter(pk=general_resolution().pk).update(duration=2, unit=DurationUnit.HOURS)
    PolicyTableRevision.objects.update(revision=uuid.uuid4())
    assert resolution_due(new_ticket()) == shanghai(2026, 3, 4, 12, 0)


def test_a_rolled_back_edit_is_not_kept(new_ticket, wednesday):
    new_ticket()
    with pytest.raises(RuntimeError), transaction.atomic():
        target = general_resolution()
        target.duration, target.unit = 2, DurationUnit.HOURS
        target.save()
        assert resolution_due(new_ticket()) == shanghai(2026, 3, 4, 12, 0)
        raise RuntimeError("the administrator's request failed")
    assert resolution_due(new_ticket()) == shanghai(2026, 3, 5, 10, 0)


def test_the_revision_row_is_created_on_first_use_after_a_flush(new_ticket, wednesday):
    PolicyTableRevision.objects.all().delete()
    assert resolution_due(new_ticket()) == shanghai(2026, 3, 5, 10, 0)
    assert PolicyTableRevision.objects.count() == 1


def test_a_new_calendar_renews_the_revision(db):
    before = active_policy_table().revision
    Calendar.objects.create(name="Night shift", is_24x7=True)
    assert active_policy_table().revision != before


def test_a_change_that_sends_no_signal_still_renews_the_revision(new_ticket, wednesday):
    """The database trigger: a queryset update (or an administrator's SQL) is seen too."""
    assert resolution_due(new_ticket()) == shanghai(2026, 3, 5, 10, 0)
    before = PolicyTableRevision.objects.get().revision
    Target.objects.filter(pk=general_resolution().pk).update(duration=2, unit=DurationUnit.HOURS)
    assert PolicyTableRevision.objects.get().revision != before
    assert resolution_due(new_ticket()) == shanghai(2026, 3, 4, 12, 0)
