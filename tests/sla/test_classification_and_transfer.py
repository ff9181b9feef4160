"""Ticket edits the SLA engine must hear of: classifying a chat, moving to another team."""

from datetime import timedelta

from tests.factories import TeamFactory
from tickets import services as tickets
from tickets.models import Channel
from tickets.sla.models import Calendar, ClockState, Metric, Policy, Target


def test_setting_the_category_of_a_chat_meets_the_classification_clock(
    new_ticket, wednesday, agent
):
    from tests.factories import CategoryFactory

    ticket = new_ticket(channel=Channel.CHAT)
    clock = ticket.sla_clocks.get(metric=Metric.CHAT_CLASSIFICATION)
    assert clock.state == ClockState.RUNNING

    wednesday.shift(timedelta(minutes=3))  # inside the 5-minute classification target
    tickets.ticket_update_details(
        ticket=ticket, actor=agent, changes={"category": CategoryFactory()}
    )
    clock.refresh_from_db()
    assert clock.state == ClockState.MET
    assert clock.met_at - clock.started_at == timedelta(minutes=3)


def test_transfer_to_a_team_with_its_own_policy_replans_the_clocks(new_ticket, wednesday, agent):
    vip_team = TeamFactory(name="VIP desk")
    ticket = new_ticket()
    resolution = ticket.sla_clocks.get(metric=Metric.RESOLUTION, state=ClockState.RUNNING)
    general_due = resolution.due_at

    # A team-specific policy: resolution within 4 calendar hours of the same start.
    always_open = Calendar.objects.get(is_24x7=True)
    policy = Policy.objects.create(name="VIP desk", team=vip_team, order=0)
    Target.objects.create(
        policy=policy,
        metric=Metric.RESOLUTION,
        duration=4,
        unit="hours",
        calendar=always_open,
        warn_at_percent=80,
    )
    tickets.ticket_transfer(ticket=ticket, actor=agent, team=vip_team)

    clock = (
        ticket.sla_clocks.filter(metric=Metric.RESOLUTION).exclude(state=ClockState.CANCELLED).get()
    )
    assert clock.due_at == clock.started_at + timedelta(hours=4)
    assert clock.due_at != general_due
