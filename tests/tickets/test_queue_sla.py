"""The queue shows each ticket's nearest SLA due time, coloured breached / at risk / on
time, and sorts by it by default (nearest first, nothing due last)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import TicketFactory
from tickets import services
from tickets.models import Channel, Status
from tickets.sla.models import Clock, ClockState
from tickets.sla.states import SlaState
from tickets.sla.sweep import sla_sweep

QUEUE = reverse("tickets:queue")
# Wednesday 4 March 2026, 10:00 in Shanghai.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def ticket_opened(agent, team, customer):
    """An e-mail ticket opened `hours_ago` before NOW (its resolution target: 24 h, 24×7)."""

    def open_ticket(subject: str, hours_ago: float):
        with time_machine.travel(NOW - timedelta(hours=hours_ago), tick=False):
            return services.ticket_create(
                actor=agent,
                subject=subject,
                channel=Channel.EMAIL,
                team=team,
                customer=customer,
                assignee=agent,
            )

    return open_ticket


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def rows(response) -> list[tuple[str, str | None]]:
    return [(t.subject, t.sla_state) for t in response.context["page"].object_list]


def test_the_queue_puts_the_nearest_due_first_and_marks_breached_and_at_risk(
    agent_client, ticket_opened, team, agent, at_now
):
    fresh = ticket_opened("Fresh", hours_ago=1)  # due in 23 h
    nothing_due = TicketFactory(team=team, assignee=agent, subject="No clock")
    late = ticket_opened("Late", hours_ago=30)  # due 6 h ago
    close = ticket_opened("Close", hours_ago=20)  # due in 4 h, past the 80 % warning point
    sla_sweep()  # the beat has seen them: Late breached, Close warned
    assert Clock.objects.filter(ticket=late, state=ClockState.BREACHED).exists()
    assert Clock.objects.filter(ticket=close, warned_at__isnull=False).exists()

    response = agent_client.get(QUEUE)

    assert rows(response) == [
        ("Late", SlaState.BREACHED),
        ("Close", SlaState.WARNING),
        ("Fresh", SlaState.RUNNING),
        ("No clock", None),
    ]
    first = response.context["page"].object_list[0]
    assert first.next_due_at == late.created_at + timedelta(hours=24)
    page = response.content.decode()
    assert 'data-sla-state="breached"' in page and 'data-sla-state="warning"' in page
    assert "overdue" in page
    assert nothing_due.reference in page and fresh.reference in page


def test_a_clock_past_its_due_time_shows_breached_before_the_sweep_sees_it(
    agent_client, ticket_opened, at_now
):
    ticket_opened("Late", hours_ago=25)
    assert rows(agent_client.get(QUEUE)) == [("Late", SlaState.BREACHED)]


def test_a_breached_clock_met_late_is_no_longer_due(agent_client, ticket_opened, at_now):
    ticket = ticket_opened("Answered late", hours_ago=2)
    owed, met_late = Clock.objects.filter(ticket=ticket).order_by("metric")[:2]
    an_hour_ago = NOW - timedelta(hours=1)
    Clock.objects.filter(pk=met_late.pk).update(
        state=ClockState.BREACHED,
        due_at=an_hour_ago,
        warn_at=an_hour_ago,
        breached_at=an_hour_ago,
        met_at=NOW,
        next_alert_at=None,
    )

    [row] = agent_client.get(QUEUE).context["page"].object_list

    assert (row.sla_state, row.next_due_at) == (SlaState.RUNNING, owed.due_at)


def test_a_resolved_ticket_has_nothing_due(agent_client, ticket_opened, agent, at_now):
    ticket = ticket_opened("Resolved late", hours_ago=30)
    sla_sweep()
    services.ticket_change_status(ticket=ticket, actor=agent, to=Status.OPEN)
    services.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    # Even a breach nobody fulfilled is no longer due once the ticket is resolved.
    Clock.objects.filter(ticket=ticket).update(met_at=None, state=ClockState.BREACHED)

    response = agent_client.get(QUEUE, {"status": "any"})

    assert rows(response) == [("Resolved late", None)]


def test_waiting_on_the_customer_pauses_the_due_time(agent_client, ticket_opened, agent, at_now):
    ticket = ticket_opened("Waiting", hours_ago=2)
    services.ticket_change_status(ticket=ticket, actor=agent, to=Status.OPEN)
    services.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    # Nothing is due while the clock is paused: the row says so, like the ticket page.
    row = agent_client.get(QUEUE).context["page"].object_list[0]
    assert (row.subject, row.sla_state, row.next_due_at) == ("Waiting", SlaState.PAUSED, None)
    page = agent_client.get(reverse("tickets:detail", args=[ticket.reference])).content.decode()
    assert 'class="sla-clock sla-state-paused"' in page


def test_sla_due_first_is_the_default_and_a_choice_of_the_sort(agent_client, ticket_opened, at_now):
    ticket_opened("Later", hours_ago=1)
    ticket_opened("Sooner", hours_ago=10)
    by_default = rows(agent_client.get(QUEUE))
    assert by_default == rows(agent_client.get(QUEUE, {"ordering": "sla"}))
    assert [subject for subject, _state in by_default] == ["Sooner", "Later"]
    assert [s for s, _ in rows(agent_client.get(QUEUE, {"ordering": "newest"}))] == [
        "Later",
        "Sooner",
    ]


@pytest.mark.parametrize("ticket_count", [1, 50])
def test_the_sla_column_adds_no_query_per_ticket(
    agent_client, ticket_opened, ticket_count, django_assert_num_queries, at_now
):
    for number in range(ticket_count):
        ticket_opened(f"Ticket {number}", hours_ago=number % 30)
    # session, user, the user's permissions (2), categories for the filter, the user's
    # teams, count, the page, the bulk bar's assignees.
    with django_assert_num_queries(9):
        response = agent_client.get(QUEUE)
    assert len(response.context["page"].object_list) == min(ticket_count, 25)


def test_a_warned_clock_is_at_risk_on_the_ticket_page_as_in_the_queue(
    agent_client, ticket_opened, at_now
):
    close = ticket_opened("Close", hours_ago=20)  # resolution due in 4 h, past 80 %
    sla_sweep()
    assert Clock.objects.filter(ticket=close, warned_at__isnull=False).exists()

    assert rows(agent_client.get(QUEUE)) == [("Close", SlaState.WARNING)]
    page = agent_client.get(reverse("tickets:detail", args=[close.reference])).content.decode()
    assert '<li class="sla-clock sla-state-warning" data-metric="resolution">' in page
    assert '<span class="sla-badge sla-warning" data-sla-state="warning">At risk</span>' in page
    assert "· warned" not in page  # the old green "Running · warned"
