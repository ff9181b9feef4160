"""The dashboard's live part (counts, breached and at-risk lists, one-click reassign),
its trends, percentiles on any database, filters and CSV exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.db.models import Aggregate, Avg, DurationField, ExpressionWrapper, F
from django.urls import reverse

from tests.factories import UserFactory
from tickets import services as tickets
from tickets.audit import EventAction
from tickets.models import Priority, Status, Ticket, TicketEvent
from tickets.selectors import QueueFilters, QueueScope, agent_queue
from tickets.sla.dashboard import (
    DashboardFilters,
    Period,
    backlog_age,
    sla_live_counts,
    sla_trend,
    tickets_at_risk,
    tickets_breached,
)
from tickets.sla.models import Clock, ClockState
from tickets.sla.response_times import percentile_by_offset, response_times
from tickets.sla.sweep import sla_sweep

from .conftest import shanghai
from .dashboard_page import with_figures
from .test_dashboard import DASHBOARD_PAGE_QUERIES

MARCH = Period(start=shanghai(2026, 3, 1), end=shanghai(2026, 4, 1))
CREATED = shanghai(2026, 3, 4, 10, 0)
# Monday 9 March: every target of a ticket opened on Wednesday 4 March has long passed.
FOUR_DAYS_LATER = shanghai(2026, 3, 9, 10, 0)


def overdue(new_ticket, travel, count: int = 1, **fields) -> list[Ticket]:
    """`count` tickets opened on Wednesday and left unanswered until Monday, then swept."""
    travel.move_to(CREATED)
    opened = [new_ticket(subject=f"Nobody answered {n}", **fields) for n in range(count)]
    travel.move_to(FOUR_DAYS_LATER)
    sla_sweep()
    return opened


def test_a_ticket_four_days_overdue_is_counted_and_listed_as_breached_now(
    new_ticket, manager, clock_at
):
    travel = clock_at(CREATED)
    [late] = overdue(new_ticket, travel)
    answered = new_ticket(subject="Answered at once")
    tickets.ticket_reply(ticket=answered, actor=answered.assignee, body="On it")

    counts = sla_live_counts(user=manager)
    assert (counts.open, counts.breached) == (2, 1)
    breached = tickets_breached(user=manager)
    assert {clock.ticket_id for clock in breached} == {late.pk}
    # Longest overdue first.
    assert [clock.due_at for clock in breached] == sorted(clock.due_at for clock in breached)


def test_a_breach_met_late_or_on_a_closed_ticket_is_no_longer_breached_now(
    new_ticket, manager, agent, clock_at
):
    travel = clock_at(CREATED)
    [late] = overdue(new_ticket, travel)
    tickets.ticket_reply(ticket=late, actor=agent, body="Sorry for the wait")
    tickets.ticket_change_status(ticket=late, actor=agent, to=Status.RESOLVED)

    assert sla_live_counts(user=manager).breached == 0
    assert tickets_breached(user=manager) == []


def test_the_filters_narrow_the_counts_and_the_lists(new_ticket, manager, other_team, clock_at):
    travel = clock_at(CREATED)
    overdue(new_ticket, travel, priority=Priority.HIGH)
    urgent_only = DashboardFilters(priority=Priority.URGENT)
    other = DashboardFilters(team_id=other_team.pk)
    high = DashboardFilters(priority=Priority.HIGH)

    assert sla_live_counts(user=manager, filters=urgent_only).breached == 0
    assert tickets_breached(user=manager, filters=other) == []
    assert sla_live_counts(user=manager, filters=high).breached == 1


@pytest.mark.parametrize("count", [1, 50])
def test_the_live_part_is_a_fixed_number_of_queries(
    new_ticket, manager, clock_at, django_assert_num_queries, count
):
    travel = clock_at(CREATED)
    overdue(new_ticket, travel, count=count)
    manager.has_perm("tickets.view_all_tickets")  # permissions are read once per request
    with django_assert_num_queries(1):  # one aggregate over the tickets' stored SLA summary
        counts = sla_live_counts(user=manager)
    assert counts.breached == count
    # Each count is what the queue's tab of that name lists.
    for scope, counted in ((QueueScope.BREACHED, count), (QueueScope.AT_RISK, counts.at_risk)):
        tab = agent_queue(user=manager, filters=QueueFilters(scope=scope, unresolved=True))
        assert tab.count() == counted
    with django_assert_num_queries(1):
        listed = tickets_breached(user=manager)
        [(c.ticket.team.name, c.ticket.assignee.username) for c in listed]
    # One row per breached clock (each target separately), at most 50.
    assert len(listed) == min(50, Clock.objects.filter(state=ClockState.BREACHED).count())
    with django_assert_num_queries(1):
        tickets_at_risk(user=manager)
    with django_assert_num_queries(3):  # created, resolved, breached
        trend = sla_trend(period=MARCH, user=manager)
    assert sum(point.breached for point in trend) >= count
    with django_assert_num_queries(1):
        ages = backlog_age(user=manager)
    assert sum(bucket.count for bucket in ages) == count
    with django_assert_num_queries(1):  # PostgreSQL: percentiles in the same aggregate
        response_times(period=MARCH, user=manager)


def test_the_trend_counts_created_resolved_and_breached_per_day_and_per_week(
    new_ticket, manager, agent, clock_at
):
    travel = clock_at(CREATED)
    [late] = overdue(new_ticket, travel)  # created Wed 4, breached later
    travel.move_to(shanghai(2026, 3, 10, 9, 0))
    tickets.ticket_reply(ticket=late, actor=agent, body="Sorry")
    tickets.ticket_change_status(ticket=late, actor=agent, to=Status.RESOLVED)

    days = {point.start.isoformat(): point for point in sla_trend(period=MARCH, user=manager)}
    assert len(days) == 31
    assert days["2026-03-04"].created == 1
    assert days["2026-03-10"].resolved == 1
    assert (
        sum(point.breached for point in days.values())
        == late.sla_clocks.filter(breached_at__isnull=False).count()
    )
    weeks = sla_trend(period=MARCH, user=manager, step="week")
    # Weeks start on Monday: 23 Feb (holding 1 March) … 30 March.
    assert [w.start.isoformat() for w in weeks][:2] == ["2026-02-23", "2026-03-02"]
    assert len(weeks) == 6
    assert [w.created for w in weeks] == [0, 1, 0, 0, 0, 0]
    assert [w.resolved for w in weeks] == [0, 0, 1, 0, 0, 0]


class Percentile(Aggregate):
    """PostgreSQL's own percentile_cont(fraction) WITHIN GROUP (ORDER BY expression) over
    intervals: the oracle the dashboard's percentiles are checked against."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def test_percentiles_by_ordered_offset_equal_postgresql_percentile_cont(
    new_ticket, agent, manager, clock_at
):
    travel = clock_at(CREATED)
    for minutes in (3, 1, 14, 15, 2, 92, 7):  # irregular, unsorted
        travel.move_to(CREATED)
        ticket = new_ticket()
        travel.shift(timedelta(minutes=minutes, seconds=minutes))
        tickets.ticket_reply(ticket=ticket, actor=agent, body="Hello")
    answered = Ticket.objects.filter(first_response_at__isnull=False)
    elapsed = ExpressionWrapper(
        F("first_response_at") - F("created_at"), output_field=DurationField()
    )
    for fraction in (0.0, 0.1, 0.25, 0.5, 0.9, 0.95, 1.0):
        native = answered.aggregate(p=Percentile(elapsed, fraction, output_field=DurationField()))
        assert percentile_by_offset(answered, elapsed, fraction, 7) == native["p"], fraction
    assert percentile_by_offset(answered.none(), elapsed, 0.5, 0) is None
    # The dashboard's one statement (float seconds) gives the same 50th, 90th and 95th
    # percentiles and the same average as percentile_cont and AVG over the intervals.
    first = response_times(period=MARCH, user=manager).first_response
    for fraction in (0.5, 0.9, 0.95):
        native = answered.aggregate(p=Percentile(elapsed, fraction, output_field=DurationField()))
        assert first.percentiles[fraction] == native["p"], fraction
    assert first.average == answered.aggregate(a=Avg(elapsed))["a"]
    assert [bucket.count for bucket in first.buckets] == [5, 1, 1, 0, 0, 0]  # 15:15, 93:32


# --- the page -------------------------------------------------------------------------------


@pytest.fixture
def colleague(team):
    return UserFactory(username="li.lei", first_name="Lei", last_name="Li", teams=[team])


def test_the_live_partial_lists_the_breach_with_a_countdown_and_a_reassign_button(
    client, new_ticket, manager, colleague, clock_at
):
    travel = clock_at(CREATED)
    [late] = overdue(new_ticket, travel)
    client.force_login(manager)
    response = client.get(reverse("sla:live"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="sla-live"' in html and 'hx-trigger="every 15s"' in html
    assert late.reference in html and 'data-sla-due="' in html and 'role="timer"' in html
    # The reassign choices are read when asked for, not carried by every row.
    assert f'hx-get="{reverse("sla:reassign", args=[late.reference])}' in html
    assert "Lei Li" not in html


def test_a_listed_tickets_reassign_choices_are_its_teams_members_read_on_demand(
    client, new_ticket, manager, agent, colleague, other_team, clock_at
):
    travel = clock_at(CREATED)
    [late] = overdue(new_ticket, travel)
    UserFactory(username="outsider", first_name="Out", last_name="Sider", teams=[other_team])
    client.force_login(manager)
    url = reverse("sla:reassign", args=[late.reference])

    fragment = client.get(url, {"team": late.team_id}, HTTP_HX_REQUEST="true")
    page = client.get(url)

    assert fragment.status_code == page.status_code == 200
    html = fragment.content.decode()
    assert "<html" not in html
    assert f'hx-post="{url}?team={late.team_id}"' in html  # the filters stay
    assert f'name="version" value="{late.version}"' in html
    assert f'<option value="{agent.pk}" selected>' in html  # the assignee now
    assert ">Lei Li</option>" in html and "Out Sider" not in html
    # Without script: a page of its own whose form posts without htmx.
    assert "<html" in page.content.decode() and "hx-post" not in page.content.decode()


def test_a_manager_reassigns_a_breached_ticket_through_the_assign_service(
    client, new_ticket, manager, colleague, clock_at
):
    travel = clock_at(CREATED)
    [late] = overdue(new_ticket, travel)
    client.force_login(manager)
    response = client.post(
        reverse("sla:reassign", args=[late.reference]),
        {"assignee": colleague.pk, "version": late.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f"{late.reference} reassigned." in response.content.decode()
    late.refresh_from_db()
    assert late.assignee == colleague
    event = TicketEvent.objects.filter(ticket=late, action=EventAction.ASSIGNED).latest("pk")
    assert event.actor == manager and event.field == "assignee"


def test_a_reassign_to_someone_outside_the_team_or_on_a_stale_list_changes_nothing(
    client, new_ticket, manager, agent, colleague, other_team, clock_at
):
    travel = clock_at(CREATED)
    [late] = overdue(new_ticket, travel)
    outsider = UserFactory(username="outsider", teams=[other_team])
    events = TicketEvent.objects.filter(ticket=late).count()
    client.force_login(manager)
    url = reverse("sla:reassign", args=[late.reference])

    wrong = client.post(
        url, {"assignee": outsider.pk, "version": late.version}, HTTP_HX_REQUEST="true"
    )
    stale = client.post(
        url, {"assignee": colleague.pk, "version": late.version - 1 or 99}, HTTP_HX_REQUEST="true"
    )

    assert wrong.status_code == stale.status_code == 422
    assert 'id="sla-live"' in wrong.content.decode()
    late.refresh_from_db()
    assert late.assignee == agent
    assert TicketEvent.objects.filter(ticket=late).count() == events


def test_an_agent_may_not_reassign_from_the_dashboard(
    client, new_ticket, agent, colleague, clock_at
):
    travel = clock_at(CREATED)
    [late] = overdue(new_ticket, travel)
    client.force_login(agent)
    url = reverse("sla:reassign", args=[late.reference])
    assert client.post(url, {"assignee": colleague.pk, "version": late.version}).status_code == 403
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 403
    late.refresh_from_db()
    assert late.assignee == agent


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read the file as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_breached_list_and_every_figure_export_as_csv(client, new_ticket, manager, clock_at):
    travel = clock_at(CREATED)
    [late] = overdue(new_ticket, travel)
    client.force_login(manager)

    response = client.get(reverse("sla:export", args=["breached"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = read_csv(response)
    assert header == ["Ticket", "Subject", "Target", "Team", "Assignee", "Due"]
    assert {row[0] for row in rows} == {late.reference}

    period = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    trend = read_csv(client.get(reverse("sla:export", args=["trend-day"]), period))
    assert trend[0] == ["Day", "Created", "Resolved", "Breaches"]
    assert ["2026-03-04", "1", "0", "0"] in trend
    times = read_csv(client.get(reverse("sla:export", args=["response-times"]), period))
    assert times[0][2] == "Average (s)"
    for name in ("outcomes-team", "outcomes-channel", "backlog-age", "distribution", "pauses"):
        assert client.get(reverse("sla:export", args=[name]), period).status_code == 200
    assert client.get(reverse("sla:export", args=["nothing"]), period).status_code == 404


def test_the_page_shows_counts_lists_trend_and_percentiles_with_filters(
    client, new_ticket, manager, clock_at, django_assert_num_queries
):
    travel = clock_at(CREATED)
    overdue(new_ticket, travel)
    client.force_login(manager)
    query = {"date_from": "2026-03-01", "date_to": "2026-03-31", "priority": "normal"}
    # A filter adds conditions, not queries: each is listed at DASHBOARD_PAGE_QUERIES.
    with django_assert_num_queries(DASHBOARD_PAGE_QUERIES):
        response = client.get(reverse("sla:dashboard"), query)
    assert response.status_code == 200
    html = with_figures(client, response.content.decode(), django_assert_num_queries)
    for text in ("Breached now", "At risk now", "Median", "95th percentile", "Open tickets by age"):
        assert text in html
    assert 'data-count="breached">1<' in html
    assert "polyline" in html
    assert "priority=normal" in html  # the live part and the exports keep the filter
    bad = client.get(reverse("sla:dashboard"), {**query, "channel": "pigeon"})
    assert bad.status_code == 422


def test_a_running_clock_past_due_is_breached_now_before_the_sweep_records_it(
    new_ticket, manager, clock_at, client
):
    travel = clock_at(CREATED)
    late = new_ticket(subject="Nobody answered, not swept yet")
    travel.move_to(FOUR_DAYS_LATER)  # no sweep: its clocks are still recorded "running"
    assert not Clock.objects.exclude(state=ClockState.RUNNING).exists()

    counts = sla_live_counts(user=manager)
    assert (counts.breached, counts.at_risk) == (1, 0)
    assert {clock.ticket_id for clock in tickets_breached(user=manager)} == {late.pk}
    assert tickets_at_risk(user=manager) == []
    # The API reads the same selectors.
    client.force_login(manager)
    body = client.get("/api/v1/sla/dashboard/").json()
    assert body["live"]["breached"] == 1
    assert {row["ticket_id"] for row in body["breached"]} == {late.pk}
    assert body["at_risk"] == []


def test_a_running_clock_past_its_warning_point_is_at_risk_before_the_sweep_warns(
    new_ticket, manager, clock_at, client
):
    travel = clock_at(CREATED)
    ticket = new_ticket(subject="Soon due")
    clock = Clock.objects.filter(ticket=ticket).order_by("warn_at").first()
    now = clock.warn_at + timedelta(seconds=1)
    travel.move_to(now)
    assert now < clock.due_at and clock.warned_at is None  # warned by no sweep yet

    counts = sla_live_counts(user=manager)
    assert (counts.at_risk, counts.breached) == (1, 0)
    listed = tickets_at_risk(user=manager)
    assert clock.pk in [at_risk.pk for at_risk in listed]
    assert all(at_risk.warn_at <= now < at_risk.due_at for at_risk in listed)
    assert tickets_breached(user=manager) == []
    # The page's list wears the one badge of the SLA state (as the queue and ticket page).
    client.force_login(manager)
    html = client.get(reverse("sla:live")).content.decode()
    assert html.count('class="sla-badge sla-warning"') == len(listed)


@pytest.mark.parametrize(
    ("name", "figure_queries"),
    [
        ("outcomes-team", 1),
        ("backlog-age", 1),
        ("pauses", 1),
        ("trend-day", 3),  # created, resolved, breached
    ],
)
def test_a_csv_export_reads_only_its_own_figure(
    client, new_ticket, manager, clock_at, django_assert_num_queries, name, figure_queries
):
    clock_at(CREATED)
    new_ticket()
    client.force_login(manager)
    period = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    # Session, user, and the user's permissions (own and through groups): 4 around every
    # export; then the figure's own queries, and none of the dashboard's other figures.
    with django_assert_num_queries(4 + figure_queries):
        response = client.get(reverse("sla:export", args=[name]), period)
    assert response.status_code == 200
