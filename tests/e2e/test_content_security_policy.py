"""The Content-Security-Policy in Chromium: an injected inline script or style is refused, and
the pages (styled from our own files), Swagger UI, Redoc and the admin run without a single
violation."""

import re

import pytest
from playwright.sync_api import expect

from complaints import services as complaints
from complaints.models import ComplaintCategory, Severity
from staff.models import Role
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets import services as tickets
from tickets.models import Channel

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# Runs before any page script (Playwright injects it past the policy): every violation
# the browser reports is kept for the test to read.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched_page(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations")


@pytest.fixture
def desk(configured):
    team = TeamFactory(name="Support", channels=["complaint_hotline"])
    agent = UserFactory(username="li.na", role=Role.AGENT, teams=[team])
    UserFactory(username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    ticket = tickets.ticket_create(
        actor=agent,
        subject="Scanner offline",
        channel=Channel.WEB,
        team=team,
        customer=CustomerFactory(name="Zhang Wei"),
        assignee=agent,
    )
    complaint = complaints.complaint_open(
        actor=agent,
        subject="Washer leaks",
        severity=Severity.ROUTINE,
        category=ComplaintCategory.objects.get(name_en="Product quality"),
        customer=ticket.customer,
    )
    return {"agent": agent, "ticket": ticket, "complaint": complaint}


def test_an_inline_script_put_into_a_page_is_refused(live_server, watched_page, log_in, desk):
    page = watched_page
    log_in(page, "li.na")
    page.goto(f"{live_server.url}/tickets/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_function("window.cspViolations.length > 0")
    assert page.evaluate("window.injected === undefined")
    assert violations(page) == ["script-src-elem inline"]


def test_an_inline_style_put_into_a_page_is_refused(live_server, watched_page, log_in, desk):
    page = watched_page
    log_in(page, "li.na")
    page.goto(f"{live_server.url}/tickets/")
    page.evaluate(
        """() => {
            const style = document.createElement("style");
            style.textContent = "body { display: none; }";
            document.head.appendChild(style);
        }"""
    )
    page.wait_for_function("window.cspViolations.length > 0")
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    assert violations(page) == ["style-src-elem inline"]


def test_pages_htmx_and_the_countdown_run_under_the_policy(live_server, watched_page, log_in, desk):
    page = watched_page
    log_in(page, "li.na")
    page.goto(f"{live_server.url}/tickets/{desk['ticket'].reference}/")
    # The countdown script (a static file now) ticks: h:mm:ss.
    expect(page.locator("[data-sla-due]").first).to_have_text(re.compile(r"^\d+:\d\d:\d\d$"))
    # An htmx form swaps its partial in.
    priority_form = page.locator("form[action$='/priority/']")
    priority_form.locator("select").select_option("high")
    priority_form.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("Priority changed.")
    # The clocks' styles come from sla/sla.css (they were an inline block).
    clock = page.locator(".sla-clock").first
    expect(clock).to_have_css("border-left-width", "4px")
    page.goto(f"{live_server.url}/sla/")
    # The complaint panel's styles come from complaints/complaints.css.
    page.goto(f"{live_server.url}/tickets/{desk['complaint'].ticket.reference}/")
    expect(page.locator(".stage-track")).to_have_css("display", "flex")
    assert violations(page) == []


def test_swagger_ui_and_redoc_run_under_the_policy(live_server, watched_page, log_in, desk):
    page = watched_page
    log_in(page, "li.na")
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    assert violations(page) == []
    page.goto(f"{live_server.url}/api/v1/redoc/")
    expect(page.get_by_text("servicedesk API").first).to_be_visible(timeout=20_000)
    # Redoc's "powered by" badge is an image on its CDN: refused, and nothing else.
    assert set(violations(page)) <= {"img-src https://cdn.redoc.ly/redoc/logo-mini.svg"}


def test_the_admin_runs_under_the_policy(live_server, watched_page, log_in, desk):
    page = watched_page
    log_in(page, "root")
    for path in (
        "/admin/",
        "/admin/tickets/ticket/",
        f"/admin/tickets/ticket/{desk['ticket'].pk}/change/",
        "/admin/api/apitoken/add/",
        "/admin/django_celery_beat/periodictask/add/",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#content")).to_be_visible()
        assert violations(page) == [], path
