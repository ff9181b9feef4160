"""The manager dashboard: one query per widget, figures from stored columns, a period form."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tickets import services as tickets
from tickets.models import Channel, Status
from tickets.sla.dashboard import Period, pause_time_by_agent, sla_outcomes_by, tickets_at_risk
from tickets.sla.response_times import response_times
from tickets.sla.sweep import sla_sweep

from .conftest import shanghai
from .dashboard_page import FIGURE_QUERIES, figure_urls, with_figures

MARCH = Period(start=shanghai(2026, 3, 1), end=shanghai(2026, 4, 1))
DIMENSIONS = ("team", "priority", "tier", "channel")


def busy_day(new_ticket, agent, travel, count: int) -> list:
    """`count` chat tickets: answered after 30 s and resolved after 2 h, some paused."""
    created = []
    for index in range(count):
        travel.move_to(shanghai(2026, 3, 4, 10, 0))
        ticket = new_ticket(channel=Channel.CHAT)
        travel.move_to(shanghai(2026, 3, 4, 10, 0, 30))
        tickets.ticket_reply(ticket=ticket, actor=agent, body="On it")
        if index % 2:
            tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
            travel.move_to(shanghai(2026, 3, 4, 10, 30))
            tickets.ticket_customer_message(ticket=ticket, body="Done")
        travel.move_to(shanghai(2026, 3, 4, 12, 0))
        tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
        created.append(ticket)
    travel.move_to(shanghai(2026, 3, 4, 10, 4, 30))
    warned = new_ticket(channel=Channel.CHAT)  # at risk: classification warned at 10:08:30
    travel.move_to(shanghai(2026, 3, 4, 10, 8, 40))
    tickets.ticket_reply(ticket=warned, actor=agent, body="Hello")
    sla_sweep()
    return created


@pytest.mark.parametrize("count", [1, 50])
def test_each_widget_is_one_query_whatever_the_number_of_tickets(
    new_ticket, agent, manager, clock_at, django_assert_num_queries, count
):
    travel = clock_at(shanghai(2026, 3, 4, 10, 0))
    busy_day(new_ticket, agent, travel, count)
    manager.has_perm("tickets.view_all_tickets")  # permissions are read once per request
    for dimension in DIMENSIONS:
        with django_assert_num_queries(1):
            rows = sla_outcomes_by(dimension, period=MARCH, user=manager)
        assert sum(row.total for row in rows) > count
    with django_assert_num_queries(1):
        at_risk = tickets_at_risk(user=manager)
        [clock.ticket.team.name for clock in at_risk]
    assert len(at_risk) == 1
    with django_assert_num_queries(1):
        times = response_times(period=MARCH, user=manager)
    assert times.first_response_count == count + 1
    with django_assert_num_queries(1):
        pauses = pause_time_by_agent(period=MARCH, user=manager)
    assert sum(row.pauses for row in pauses) == count // 2


def test_average_and_90th_percentile_of_first_response_and_resolution(
    new_ticket, agent, manager, clock_at
):
    travel = clock_at(shanghai(2026, 3, 4, 9, 0))
    for minutes in range(1, 11):  # first responses after 1, 2, … 10 minutes
        travel.move_to(shanghai(2026, 3, 4, 9, 0))
        ticket = new_ticket()
        travel.shift(timedelta(minutes=minutes))
        tickets.ticket_reply(ticket=ticket, actor=agent, body="Hello")
        travel.shift(timedelta(hours=1))
        tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    times = response_times(period=MARCH, user=manager)
    assert times.first_response_count == 10
    assert times.first_response_average == timedelta(minutes=5, seconds=30)
    # percentile_cont interpolates: 9 min + 0.1 × (10 - 9) min.
    assert times.first_response_p90 == timedelta(minutes=9, seconds=6)
    assert times.resolution_average == timedelta(hours=1, minutes=5, seconds=30)
    # Median of 1…10 minutes: 5.5; 95th: 9 + 0.55 × 1 minutes.
    assert times.first_response.p50 == timedelta(minutes=5, seconds=30)
    assert times.first_response.p95 == timedelta(minutes=9, seconds=33)
    # Distribution: 1…10 minutes are all under 15 minutes; resolutions 1 h 01 … 1 h 10.
    assert [b.count for b in times.first_response.buckets] == [10, 0, 0, 0, 0, 0]
    assert [b.count for b in times.resolution.buckets] == [0, 0, 10, 0, 0, 0]


def test_supervisors_see_their_teams_figures_only(
    new_ticket, agent, supervisor, other_team, wednesday
):
    new_ticket()
    new_ticket(team=other_team, assignee=None)
    rows = sla_outcomes_by("team", period=MARCH, user=supervisor)
    assert [row.label for row in rows] == ["Support"]


# The dashboard page's queries, whatever the number of tickets:
# - the request: session 1, user 1, the user's and the groups' permissions 2;
# - the live part: breached clocks 1, at-risk clocks 1, the open, at-risk and breached
#   ticket counts 1 (the reassign choices are read when a row asks for them);
# - the team filter's choices 1.
# The period's figures are requests of their own (dashboard_page.FIGURE_QUERIES).
# No page notice reads anything in March: the calendar warning starts on 1 November.
DASHBOARD_PAGE_QUERIES = 4 + 3 + 1


@pytest.mark.parametrize("count", [1, 12])
def test_the_dashboard_page_shows_every_widget_to_a_manager(
    client, new_ticket, agent, manager, clock_at, django_assert_num_queries, count
):
    travel = clock_at(shanghai(2026, 3, 4, 10, 0))
    busy_day(new_ticket, agent, travel, count)
    client.force_login(manager)
    with django_assert_num_queries(DASHBOARD_PAGE_QUERIES):
        response = client.get(
            reverse("sla:dashboard"), {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
    assert response.status_code == 200
    assert list(figure_urls(response.content.decode())) == list(FIGURE_QUERIES)
    html = with_figures(client, response.content.decode(), django_assert_num_queries)
    for heading in (
        "At risk now",
        "Time to first response and to resolution",
        "Pause time per agent",
    ):
        assert heading in html
    assert "<svg" in html and "<rect" in html
    assert "Outcomes by Customer tier" in html


def test_a_reversed_period_is_refused_with_a_message_next_to_the_field(client, manager, db):
    client.force_login(manager)
    response = client.get(
        reverse("sla:dashboard"), {"date_from": "2026-03-31", "date_to": "2026-03-01"}
    )
    assert response.status_code == 422
    assert "The start date must not be after the end date." in response.content.decode()


def test_agents_cannot_open_the_dashboard(client, agent):
    client.force_login(agent)
    assert client.get(reverse("sla:dashboard")).status_code == 403
    assert client.get(reverse("sla:figure", args=["times"])).status_code == 403


def test_a_figure_asked_for_a_bad_period_or_by_no_name_is_refused(client, manager, db):
    client.force_login(manager)
    reversed_period = {"date_from": "2026-03-31", "date_to": "2026-03-01"}
    bad = client.get(reverse("sla:figure", args=["trend"]), reversed_period, HTTP_HX_REQUEST="1")
    assert bad.status_code == 422
    assert "The start date must not be after the end date." in bad.content.decode()
    assert client.get(reverse("sla:figure", args=["nothing"])).status_code == 404
    # A reversed period shows its error on the page, which asks for no figure.
    page = client.get(reverse("sla:dashboard"), reversed_period)
    assert figure_urls(page.content.decode()) == {}


def test_without_script_a_figure_is_a_page_of_its_own(client, manager, db):
    client.force_login(manager)
    page = client.get(
        reverse("sla:dashboard"), {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )
    html = page.content.decode()
    assert "<noscript>" in html
    url = figure_urls(html)["backlog"]
    assert "date_from=2026-03-01" in url  # the figure keeps the period and filters
    alone = client.get(url)
    assert alone.status_code == 200
    assert "<html" in alone.content.decode() and "Open tickets by age" in alone.content.decode()


def test_the_ticket_page_and_the_api_list_the_same_clocks_in_the_same_order(
    new_ticket, agent, client, wednesday
):
    ticket = new_ticket(channel=Channel.CHAT)
    # A reply meets first response (the soonest due): met clocks come after running ones,
    # so the two orders agree only if both follow the same rule.
    tickets.ticket_reply(ticket=ticket, actor=agent, body="On it")
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.reference]))
    api = client.get(f"/api/v1/tickets/{ticket.pk}/")
    on_the_page = [(clock.metric, clock.state) for clock in page.context["sla_clocks"]]
    in_the_api = [(entry["metric"], entry["state"]) for entry in api.json()["sla"]]
    assert on_the_page == in_the_api
    assert in_the_api[0][1] == "running" and in_the_api[-1][1] == "met"
    assert ("first_response", "met") in in_the_api[1:]
