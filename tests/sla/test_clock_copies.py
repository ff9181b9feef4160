"""Each clock keeps copies of its ticket's team, priority and channel and of its customer's
tier (SLA migration 0016), so the dashboard's period figures read the clocks alone; the
database keeps them equal to the ticket and customer through services, bulk updates and
stale saves."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from customers.models import Customer, Tier
from tickets import services
from tickets.models import Channel, Priority, Ticket
from tickets.sla.dashboard import Period, sla_outcomes, sla_outcomes_by
from tickets.sla.models import Clock
from tickets.sla.sweep import sla_sweep

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MARCH = Period(
    datetime(2026, 3, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
    datetime(2026, 4, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
)


def copies(ticket: Ticket) -> set[tuple]:
    """The distinct copies the ticket's clocks hold."""
    fields = ("ticket_team_id", "ticket_priority", "ticket_channel", "customer_tier")
    return set(Clock.objects.filter(ticket=ticket).values_list(*fields))


def actual(ticket: Ticket) -> set[tuple]:
    ticket = Ticket.objects.select_related("customer").get(pk=ticket.pk)
    tier = ticket.customer.tier if ticket.customer else ""
    return {(ticket.team_id, ticket.priority, ticket.channel, tier)}


@pytest.fixture
def ticket(agent, team, customer):
    with time_machine.travel(NOW, tick=False):
        return services.ticket_create(
            actor=agent,
            subject="Invoice is wrong",
            channel=Channel.EMAIL,
            team=team,
            customer=customer,
            assignee=agent,
        )


def test_new_clocks_take_the_tickets_values(ticket, team, customer):
    assert Clock.objects.filter(ticket=ticket).exists()
    assert copies(ticket) == {(team.pk, Priority.NORMAL, Channel.EMAIL, customer.tier)}


def test_a_transfer_and_a_priority_change_move_the_copies(ticket, agent, other_team, manager):
    services.ticket_change_priority(ticket=ticket, actor=agent, priority=Priority.URGENT)
    assert copies(ticket) == actual(ticket)
    services.ticket_transfer(ticket=ticket, actor=manager, team=other_team)

    assert (
        copies(ticket)
        == actual(ticket)
        == {(other_team.pk, Priority.URGENT, Channel.EMAIL, Tier.GENERAL)}
    )


def test_a_bulk_tier_change_of_the_customer_moves_the_copies(ticket, customer):
    Customer.objects.filter(pk=customer.pk).update(tier=Tier.IMPORTANT)

    assert copies(ticket) == actual(ticket)
    assert {tier for *_rest, tier in copies(ticket)} == {Tier.IMPORTANT}


def test_a_stale_save_of_a_clock_cannot_overwrite_the_copies(ticket, agent):
    clock = Clock.objects.filter(ticket=ticket).first()
    services.ticket_change_priority(ticket=ticket, actor=agent, priority=Priority.HIGH)
    clock.policy_name = "renamed"
    clock.save()  # carries the copies read before the priority changed

    assert copies(ticket) == actual(ticket)
    Clock.objects.filter(pk=clock.pk).update(ticket_priority=Priority.LOW, customer_tier="")
    assert copies(ticket) == actual(ticket)


def test_the_sweep_leaves_the_copies_alone(ticket):
    before = copies(ticket)
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        sla_sweep()

    assert copies(ticket) == before == actual(ticket)


def test_the_dashboard_counts_a_transferred_tickets_clocks_under_its_new_team(
    ticket, other_team, manager
):
    services.ticket_transfer(ticket=ticket, actor=manager, team=other_team)
    started = Clock.objects.filter(ticket=ticket).exclude(state="cancelled").count()

    by_team = sla_outcomes_by("team", period=MARCH, user=manager)
    assert [(row.label, row.total) for row in by_team] == [(other_team.name, started)]
    # The page's one pass over all four dimensions says the same.
    assert sla_outcomes(period=MARCH, user=manager)["team"] == by_team


def test_the_one_pass_outcomes_equal_each_dimension_read_alone(ticket, agent, other_team):
    with time_machine.travel(NOW, tick=False):
        services.ticket_create(
            actor=agent,
            subject="Walk-in without a customer record",
            channel=Channel.PHONE,
            team=other_team,
            priority=Priority.HIGH,
        )
    services.ticket_change_priority(ticket=ticket, actor=agent, priority=Priority.URGENT)

    at_once = sla_outcomes(period=MARCH, user=agent)
    for dimension, rows in at_once.items():
        assert rows == sla_outcomes_by(dimension, period=MARCH, user=agent), dimension
    assert [row.label for row in at_once["tier"]] == ["General", "None"]
    assert [row.key for row in at_once["priority"]] == [Priority.URGENT, Priority.HIGH]
