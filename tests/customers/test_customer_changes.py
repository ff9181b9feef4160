"""A customer's tier and contact details change through services: audited, versioned, and
a tier change re-plans the SLA clocks of the customer's open tickets [S1 §5.1]."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from customers.models import CustomerAction, CustomerEvent, Tier
from customers.services import customer_change_tier, customer_update_contact
from servicedesk.exceptions import PreconditionFailed, ValidationError
from servicedesk.models import AppendOnlyError
from tickets import services as tickets
from tickets.models import Channel
from tickets.sla.defaults import ALWAYS_OPEN_CALENDAR
from tickets.sla.models import Calendar, Clock, ClockState, Metric, Policy, Target

OPENED = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def important_customers_resolved_in_4_hours(db):
    """An administrator's policy: important customers' simple tickets resolved in 4 hours."""
    policy = Policy.objects.create(
        name="Important customers", tier=Tier.IMPORTANT, complexity="simple"
    )
    Target.objects.create(
        policy=policy,
        metric=Metric.RESOLUTION,
        duration=4,
        unit="hours",
        calendar=Calendar.objects.get(name=ALWAYS_OPEN_CALENDAR),
    )
    return policy


def resolution(ticket) -> Clock:
    return Clock.objects.get(ticket=ticket, metric=Metric.RESOLUTION, cycle=1)


def test_a_tier_change_replans_the_resolution_clock_of_an_open_ticket(
    important_customers_resolved_in_4_hours, customer, agent, supervisor, team
):
    with time_machine.travel(OPENED, tick=False) as traveller:
        ticket = tickets.ticket_create(
            actor=agent, subject="Router down", channel=Channel.EMAIL, team=team, customer=customer
        )
        assert resolution(ticket).due_at == OPENED + timedelta(hours=24)  # general tier

        traveller.move_to(OPENED + timedelta(hours=1))
        customer_change_tier(
            customer=customer, actor=supervisor, tier=Tier.IMPORTANT, reason="Annual contract"
        )

    clock = resolution(ticket)
    # Re-planned from the clock's original start, not from the moment of the change.
    assert (clock.state, clock.due_at) == (ClockState.RUNNING, OPENED + timedelta(hours=4))
    assert clock.policy_name == "Important customers"


def test_a_tier_change_is_recorded_with_actor_values_and_reason(customer, supervisor):
    changed = customer_change_tier(
        customer=customer, actor=supervisor, tier=Tier.IMPORTANT, reason="Annual contract"
    )
    assert (changed.tier, changed.version) == (Tier.IMPORTANT, 2)
    event = CustomerEvent.objects.get(customer=customer)
    assert (event.action, event.actor, event.reason) == (
        CustomerAction.TIER_CHANGED,
        supervisor,
        "Annual contract",
    )
    assert event.changes == {"tier": ["general", "important"]}


def test_the_same_tier_again_records_nothing(customer, supervisor):
    customer_change_tier(customer=customer, actor=supervisor, tier=Tier.GENERAL, reason="no-op")
    assert not CustomerEvent.objects.exists()
    customer.refresh_from_db()
    assert customer.version == 1


@pytest.mark.parametrize(
    ("tier", "reason", "field"),
    [("platinum", "big spender", "tier"), (Tier.IMPORTANT, " ", "reason")],
)
def test_an_unknown_tier_or_a_missing_reason_is_refused_and_writes_nothing(
    customer, supervisor, tier, reason, field
):
    with pytest.raises(ValidationError) as refused:
        customer_change_tier(customer=customer, actor=supervisor, tier=tier, reason=reason)
    assert list(refused.value.fields) == [field]
    customer.refresh_from_db()
    assert (customer.tier, customer.version) == (Tier.GENERAL, 1)
    assert not CustomerEvent.objects.exists()


def test_contact_changes_record_only_what_changed(customer, supervisor):
    changed = customer_update_contact(
        customer=customer,
        actor=supervisor,
        changes={"name": "Zhang Wei", "phone": " 13900000000 ", "language": "en"},
    )
    assert (changed.phone, changed.language, changed.version) == ("13900000000", "en", 2)
    event = CustomerEvent.objects.get()
    assert event.action == CustomerAction.CONTACT_UPDATED
    # Personal data is recorded masked (the trail is no clear copy of it).
    assert event.changes == {"phone": ["138****5678", "139****0000"], "language": ["zh-hans", "en"]}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"language": "fr"}, "language"),
        ({"tier": "important"}, "tier"),
    ],
)
def test_bad_contact_details_are_refused_and_write_nothing(customer, supervisor, changes, field):
    with pytest.raises(ValidationError) as refused:
        customer_update_contact(customer=customer, actor=supervisor, changes=changes)
    assert list(refused.value.fields) == [field]
    customer.refresh_from_db()
    assert (customer.name, customer.email, customer.version) == (
        "Zhang Wei",
        "zhang.wei@example.com",
        1,
    )


def test_a_stale_version_is_refused(customer, supervisor):
    customer_update_contact(customer=customer, actor=supervisor, changes={"phone": "1"})
    with pytest.raises(PreconditionFailed):
        customer_change_tier(
            customer=customer,
            actor=supervisor,
            tier=Tier.IMPORTANT,
            reason="read before the phone change",
            expected_version=1,
        )


def test_customer_events_are_append_only(customer, supervisor):
    customer_change_tier(customer=customer, actor=supervisor, tier=Tier.IMPORTANT, reason="x")
    event = CustomerEvent.objects.get()
    event.reason = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        CustomerEvent.objects.update(reason="forged")
    with pytest.raises(AppendOnlyError):
        CustomerEvent.objects.all().delete()
