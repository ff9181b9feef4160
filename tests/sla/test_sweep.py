"""The sweep warns, breaches and escalates due clocks once, and tells the right people when."""

from datetime import timedelta

import pytest

from servicedesk.outbox import services as outbox_services
from servicedesk.outbox.models import OutboxMessage
from servicedesk.outbox.services import subscribe_to_events
from tests.factories import UserFactory
from tickets.models import Channel, Priority, TicketEvent
from tickets.sla import notifications
from tickets.sla.models import Clock, ClockState, EscalationLevel, Metric
from tickets.sla.sweep import sla_sweep

from .conftest import shanghai


@pytest.fixture
def people(agent, supervisor, manager):
    return {"agent": agent, "supervisor": supervisor, "manager": manager}


def first_response(ticket) -> Clock:
    return Clock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)


def recipients(topic: str) -> set[str]:
    return set(OutboxMessage.objects.filter(topic=topic).values_list("recipient", flat=True))


def test_warning_breach_and_manager_escalation_climb_one_level_each(new_ticket, people, wednesday):
    ticket = new_ticket(channel=Channel.CHAT)  # first response: 1 working minute

    wednesday.move_to(shanghai(2026, 3, 4, 10, 0, 50))  # past the 80 % warning point
    assert sla_sweep().warned == 1
    clock = first_response(ticket)
    assert (clock.state, clock.escalation_level) == (ClockState.RUNNING, EscalationLevel.ASSIGNEE)
    assert (clock.warned_at, clock.next_alert_at) == (shanghai(2026, 3, 4, 10, 0, 50), clock.due_at)
    assert recipients("sla.warning") == {people["agent"].email}

    wednesday.move_to(shanghai(2026, 3, 4, 10, 1, 5))
    assert sla_sweep().breached == 1
    clock.refresh_from_db()
    assert clock.state == ClockState.BREACHED
    assert clock.breached_at == shanghai(2026, 3, 4, 10, 1)
    assert clock.escalation_level == EscalationLevel.SUPERVISOR
    assert clock.next_alert_at == clock.escalate_at == shanghai(2026, 3, 4, 10, 1, 30)
    assert recipients("sla.breached") == {people["agent"].email, people["supervisor"].email}

    wednesday.move_to(shanghai(2026, 3, 4, 10, 1, 35))  # 150 %: managers are told
    assert sla_sweep().escalated == 1
    clock.refresh_from_db()
    assert clock.escalation_level == EscalationLevel.MANAGER
    assert clock.next_alert_at is None
    assert recipients("sla.escalated") == {people["manager"].email}
    actions = list(
        TicketEvent.objects.filter(ticket=ticket, action__startswith="sla.").values_list(
            "action", "field"
        )
    )
    assert actions == [
        ("sla.warning", Metric.FIRST_RESPONSE),
        ("sla.breached", Metric.FIRST_RESPONSE),
        ("sla.escalated", Metric.FIRST_RESPONSE),
    ]


def test_a_second_sweep_at_the_same_moment_repeats_nothing(new_ticket, people, wednesday):
    new_ticket(channel=Channel.CHAT)
    wednesday.move_to(shanghai(2026, 3, 4, 10, 1, 10))
    first = sla_sweep()
    events, rows = TicketEvent.objects.count(), OutboxMessage.objects.count()
    second = sla_sweep()
    assert first.breached == 1
    assert (second.warned, second.breached, second.escalated) == (0, 0, 0)
    assert (TicketEvent.objects.count(), OutboxMessage.objects.count()) == (events, rows)


def test_a_breach_is_noticed_by_the_first_sweep_after_the_deadline(
    new_ticket, people, wednesday, settings
):
    # Beat runs the sweep every 30 s, so a notice is at most one interval late.
    assert settings.CELERY_BEAT_SCHEDULE["sla-sweep"]["schedule"] == 30
    ticket = new_ticket(channel=Channel.CHAT)
    wednesday.move_to(shanghai(2026, 3, 4, 10, 0, 59))
    sla_sweep()
    assert not OutboxMessage.objects.filter(topic="sla.breached").exists()
    wednesday.move_to(shanghai(2026, 3, 4, 10, 1, 1))
    sla_sweep()
    notice = OutboxMessage.objects.filter(topic="sla.breached", ticket=ticket).first()
    assert notice is not None
    assert notice.created_at - first_response(ticket).due_at <= timedelta(seconds=30)


def test_notices_of_working_time_targets_wait_for_office_hours(new_ticket, people, clock_at):
    travel = clock_at(shanghai(2026, 3, 6, 17, 59))  # Friday; chat answer due 18:00
    ticket = new_ticket(channel=Channel.CHAT)
    travel.move_to(shanghai(2026, 3, 6, 18, 0, 20))
    sla_sweep()
    notice = OutboxMessage.objects.get(topic="sla.breached", recipient=people["agent"].email)
    assert notice.ticket == ticket
    assert notice.deliver_after == shanghai(2026, 3, 9, 9, 0)  # Monday's opening, not Friday night


def test_notices_of_urgent_tickets_go_out_at_once_even_at_night(new_ticket, people, clock_at):
    travel = clock_at(shanghai(2026, 3, 6, 17, 59))
    new_ticket(channel=Channel.CHAT, priority=Priority.URGENT)
    travel.move_to(shanghai(2026, 3, 6, 18, 0, 20))
    sla_sweep()
    notice = OutboxMessage.objects.get(topic="sla.breached", recipient=people["agent"].email)
    assert notice.deliver_after == shanghai(2026, 3, 6, 18, 0, 20)


def test_notices_of_24x7_targets_go_out_at_once_on_a_weekend(new_ticket, people, clock_at):
    travel = clock_at(shanghai(2026, 3, 6, 20, 0))  # Friday night
    new_ticket()  # resolution within 24 h of calendar time
    travel.move_to(shanghai(2026, 3, 7, 20, 0, 10))  # Saturday night
    sla_sweep()
    notice = OutboxMessage.objects.filter(topic="sla.breached").first()
    assert notice.deliver_after == shanghai(2026, 3, 7, 20, 0, 10)


def test_an_unassigned_ticket_warns_the_team_supervisor(new_ticket, people, wednesday):
    new_ticket(channel=Channel.CHAT, assignee=None)
    wednesday.move_to(shanghai(2026, 3, 4, 10, 0, 50))
    sla_sweep()
    assert recipients("sla.warning") == {people["supervisor"].email}


def test_the_sweep_publishes_breaches_for_webhooks(new_ticket, people, wednesday):
    published = []

    def subscriber(topic, payload, ticket):
        if topic.startswith("sla."):
            published.append((topic, payload["metric"], ticket.pk))

    subscribe_to_events(subscriber)
    try:
        ticket = new_ticket(channel=Channel.CHAT)
        wednesday.move_to(shanghai(2026, 3, 4, 10, 1, 5))
        sla_sweep()
    finally:
        outbox_services._event_subscribers.remove(subscriber)
    assert ("sla.breached", Metric.FIRST_RESPONSE, ticket.pk) in published


def test_a_sweep_that_dies_mid_batch_leaves_nothing_half_written(new_ticket, people, wednesday):
    tickets = [new_ticket(channel=Channel.CHAT) for _ in range(3)]
    wednesday.move_to(shanghai(2026, 3, 4, 10, 1, 5))
    calls = []

    def crash_on_the_third(topic, payload, ticket):
        if not topic.startswith("sla."):
            return
        calls.append(ticket.pk)
        if len(calls) == 3:
            raise RuntimeError("worker killed")

    subscribe_to_events(crash_on_the_third)
    try:
        with pytest.raises(RuntimeError):
            sla_sweep()
    finally:
        outbox_services._event_subscribers.remove(crash_on_the_third)
    assert not Clock.objects.filter(state=ClockState.BREACHED).exists()
    assert not TicketEvent.objects.filter(action="sla.breached").exists()
    assert not OutboxMessage.objects.filter(topic="sla.breached").exists()

    report = sla_sweep()
    assert report.breached == 3
    assert TicketEvent.objects.filter(action="sla.breached").count() == 3
    assert {clock.ticket_id for clock in Clock.objects.filter(state=ClockState.BREACHED)} == {
        ticket.pk for ticket in tickets
    }


def test_a_batch_writes_its_rows_in_a_fixed_number_of_statements(new_ticket, people, wednesday):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from servicedesk.api.models import WebhookEndpoint

    WebhookEndpoint.objects.create(
        name="CRM", url="https://crm.example.com/", secret="s", events=["sla.breached"]
    )
    for _ in range(12):
        new_ticket(channel=Channel.CHAT)
    wednesday.move_to(shanghai(2026, 3, 4, 10, 1, 5))
    with CaptureQueriesContext(connection) as queries:
        report = sla_sweep()
    assert report.breached == 12

    def statements(verb: str, table: str) -> int:
        return sum(
            query["sql"].startswith(verb) and f'"{table}"' in query["sql"].split("(")[0]
            for query in queries.captured_queries
        )

    # Not one per clock: one UPDATE of the clocks (they took the same step), one INSERT of
    # audit rows, one of e-mail notices and one of webhook deliveries.
    assert statements("UPDATE", "sla_clock") == 1
    assert statements("INSERT", "tickets_ticketevent") == 1
    assert statements("INSERT", "outbox_outboxmessage") == 2
    assert OutboxMessage.objects.filter(channel="webhook").count() == 12
    assert OutboxMessage.objects.filter(channel="email", topic="sla.breached").count() == 24


@pytest.mark.parametrize("owned", [True, False])
def test_a_metric_with_an_owner_rule_warns_its_owner_instead_of_the_assignee(
    new_ticket, people, wednesday, monkeypatch, owned
):
    owner = UserFactory(username="clock.owner")
    ticket = new_ticket(channel=Channel.CHAT)
    asked = []

    def rule(ticket_ids):
        asked.append(set(ticket_ids))
        return {ticket.pk: owner.pk if owned else None}

    monkeypatch.setitem(notifications._clock_owner_rules, Metric.FIRST_RESPONSE, rule)
    wednesday.move_to(shanghai(2026, 3, 4, 10, 0, 50))
    sla_sweep()
    # An owner takes the assignee's place; no owner is like no assignee (the supervisor).
    expected = owner if owned else people["supervisor"]
    assert recipients("sla.warning") == {expected.email}
    wednesday.move_to(shanghai(2026, 3, 4, 10, 1, 5))
    sla_sweep()
    assert recipients("sla.breached") == {expected.email, people["supervisor"].email}
    # Asked once per sweep for the batch, and only about the metric it owns.
    assert asked == [{ticket.pk}, {ticket.pk}]
