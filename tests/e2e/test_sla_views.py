"""Service levels in the browser: every running clock of a ticket shown on its own with a
live countdown, and the manager dashboard (at-risk list, chart, outcome tables)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from complaints import services as complaints
from complaints.models import ComplaintCategory, Severity
from staff.models import Role
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets.sla.models import Clock, ClockState
from tickets.sla.sweep import sla_sweep

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

COUNTDOWN = r"^\d+:\d\d:\d\d$"


@pytest.fixture
def complaints_team(configured):
    team = TeamFactory(name="Complaints desk", channels=["complaint_hotline"])
    agent = UserFactory(username="wang.fang", first_name="Fang", last_name="Wang", teams=[team])
    return {
        "team": team,
        "agent": agent,
        "customer": CustomerFactory(name="Zhang Wei"),
        "category": ComplaintCategory.objects.get(name_en="Product quality"),
    }


def open_complaint(desk, subject: str, severity=Severity.ROUTINE):
    return complaints.complaint_open(
        actor=desk["agent"],
        subject=subject,
        severity=severity,
        category=desk["category"],
        customer=desk["customer"],
    )


def test_the_ticket_page_counts_down_each_running_clock_separately(
    live_server, page, log_in, complaints_team
):
    complaint = open_complaint(complaints_team, "Washer still leaks after repair")
    log_in(page, "wang.fang")
    page.goto(f"{live_server.url}/tickets/{complaint.ticket.reference}/")

    clocks = page.locator(".sla-clocks .sla-clock")
    # First contact within 1 hour, routine response within 72 hours, resolved within
    # 72 + 24 = 96 (never before the response).
    expect(clocks).to_have_count(3)
    first_contact = clocks.filter(has_text="Complaint first contact")
    response = clocks.filter(has_text="Complaint response")
    resolution = clocks.filter(has_text="Resolution")
    for clock in (first_contact, response, resolution):
        expect(clock).to_have_class("sla-clock sla-state-running")
        expect(clock.locator(".sla-badge")).to_have_text("On time")
        expect(clock.locator(".sla-countdown time")).to_have_text(re.compile(COUNTDOWN))
    expect(first_contact.locator(".sla-countdown time")).to_have_text(re.compile(r"^0:5\d:\d\d$"))
    expect(resolution.locator(".sla-countdown time")).to_have_text(re.compile(r"^95:5\d:\d\d$"))
    expect(response.locator(".sla-countdown time")).to_have_text(re.compile(r"^71:5\d:\d\d$"))

    # The countdown runs in the page: a second later it reads differently.
    countdown = first_contact.locator(".sla-countdown time")
    shown = countdown.inner_text()
    expect(countdown).not_to_have_text(shown, timeout=3_000)
    # The due time printed under it is the clock's own, in the site's time zone.
    clock = Clock.objects.get(ticket=complaint.ticket, metric="complaint_first_contact")
    due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")
    expect(first_contact).to_contain_text(f"Due {due}")


def test_a_manager_sees_the_dashboard_with_the_at_risk_list_and_the_outcomes(
    live_server, page, log_in, complaints_team
):
    UserFactory(username="zhou.min", role=Role.MANAGER)
    # Received 55 minutes ago: the 1-hour first contact warned at 80 %, due in 5 minutes.
    with time_machine.travel(timezone.now() - timedelta(minutes=55)):
        late = open_complaint(complaints_team, "Fridge is far too loud")
    open_complaint(complaints_team, "Technician was rude", severity=Severity.URGENT)
    sla_sweep(now=timezone.now())
    warned = Clock.objects.get(ticket=late.ticket, metric="complaint_first_contact")
    assert warned.state == ClockState.RUNNING and warned.warned_at is not None

    log_in(page, "zhou.min")
    page.get_by_role("link", name="SLA", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/sla/")
    expect(page.get_by_role("heading", name="Service levels")).to_be_visible()

    at_risk = page.locator("section", has=page.get_by_role("heading", name="At risk now"))
    rows = at_risk.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(late.ticket.reference)
    expect(rows.first).to_contain_text("Complaint first contact")
    expect(rows.first).to_contain_text("Complaints desk")
    due = timezone.localtime(warned.due_at).strftime("%Y-%m-%d %H:%M")
    expect(rows.first).to_contain_text(due)

    by_team = page.locator("section", has=page.get_by_role("heading", name="Outcomes by team"))
    chart = by_team.locator("svg.sla-chart")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("Complaints desk")
    team_row = by_team.locator("tbody tr", has_text="Complaints desk")
    # Two complaints, three clocks each, none met or breached yet.
    expect(team_row.locator("td")).to_have_text(["6", "0", "0.0 %", "0", "0.0 %"])
    by_priority = page.locator(
        "section", has=page.get_by_role("heading", name="Outcomes by priority")
    )
    # Most pressing first, not in the codes' alphabetical order.
    expect(by_priority.locator("tbody th")).to_have_text(["Urgent", "Normal"])
    for dimension in ("customer tier", "channel"):
        expect(page.get_by_role("heading", name=f"Outcomes by {dimension}")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Time to first response and to resolution")
    ).to_be_visible()


def test_a_manager_reassigns_an_at_risk_ticket_from_the_dashboard_without_a_reload(
    live_server, page, log_in, complaints_team
):
    UserFactory(username="zhou.min", role=Role.MANAGER)
    UserFactory(
        username="li.lei", first_name="Lei", last_name="Li", teams=[complaints_team["team"]]
    )
    with time_machine.travel(timezone.now() - timedelta(minutes=55)):
        late = open_complaint(complaints_team, "Fridge is far too loud")
    sla_sweep(now=timezone.now())

    log_in(page, "zhou.min")
    page.goto(f"{live_server.url}/sla/")
    page.evaluate("window.noReload = 'still the same page'")
    row = page.locator("section.sla-list-at-risk tbody tr", has_text=late.ticket.reference)
    expect(row.locator("td.assignee")).to_have_text("Unassigned")
    expect(row.locator("select")).to_have_count(0)  # the choices come when asked for

    row.get_by_role("link", name=f"Reassign {late.ticket.reference}").click()
    choices = row.get_by_label(f"Reassign {late.ticket.reference} to")
    expect(choices).to_be_focused()
    choices.select_option(label="Lei Li")
    row.get_by_role("button", name="Reassign").click()

    expect(page.get_by_role("status")).to_have_text(f"{late.ticket.reference} reassigned.")
    expect(row.locator("td.assignee")).to_have_text("Lei Li")
    assert page.evaluate("window.noReload") == "still the same page"
    late.ticket.refresh_from_db()
    assert late.ticket.assignee.username == "li.lei"


def test_a_figure_that_fails_to_load_says_so_and_loads_on_retry(
    live_server, page, log_in, complaints_team
):
    UserFactory(username="zhou.min", role=Role.MANAGER)
    open_complaint(complaints_team, "Fridge is far too loud")
    failing = {"times": True}

    def first_time_a_server_error(route):
        if failing["times"]:
            failing["times"] = False
            route.fulfill(status=502, body="bad gateway")
        else:
            route.continue_()

    page.route("**/sla/figures/times/**", first_time_a_server_error)
    log_in(page, "zhou.min")
    page.goto(f"{live_server.url}/sla/")
    failed = page.locator('[data-figure-failed="times"]')
    expect(failed.get_by_role("alert")).to_contain_text("This figure could not be loaded.")
    # The other figures came in all the same.
    expect(page.locator("[data-figure-pending]")).to_have_count(1)
    failed.get_by_role("button", name="Try again").click()
    expect(page.locator("[data-figure-pending]")).to_have_count(0)
    expect(
        page.get_by_role("heading", name="Time to first response and to resolution")
    ).to_be_visible()


def test_an_agent_may_not_open_the_sla_dashboard(live_server, page, log_in, complaints_team):
    log_in(page, "wang.fang")
    expect(page.locator(".main-nav")).not_to_contain_text("SLA")

    response = page.goto(f"{live_server.url}/sla/")

    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("At risk now")
