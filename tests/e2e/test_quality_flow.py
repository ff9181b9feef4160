"""The quality pages in the browser: a customer answers the survey on a phone (390 × 844,
no login); a low score opens an investigation that the supervisor closes on its page; an
agent reads their published scorecard; a manager computes and publishes the month."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quality.models import (
    Investigation,
    InvestigationStatus,
    Scorecard,
    ScorecardStatus,
    Survey,
)
from quality.scorecards import scorecards_compute, scorecards_publish
from quality.surveys import survey_token
from staff.models import Role
from tests.factories import CustomerFactory, TeamFactory, TicketFactory, UserFactory
from tickets import services as tickets
from tickets.models import Channel, Status
from tickets.sla.models import Clock, ClockState, Metric

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def desk(configured):
    team = TeamFactory(name="After-sales")
    agent = UserFactory(username="li.na", first_name="Na", last_name="Li", teams=[team])
    supervisor = UserFactory(
        username="zhou.min", first_name="Min", last_name="Zhou", role=Role.SUPERVISOR, teams=[team]
    )
    team.supervisor = supervisor
    team.save()
    manager = UserFactory(username="chen.zq", first_name="Zhiqiang", role=Role.MANAGER)
    customer = CustomerFactory(name="James Wilson", email="james@example.com", language="en")
    return {
        "team": team,
        "agent": agent,
        "supervisor": supervisor,
        "manager": manager,
        "customer": customer,
    }


def _resolved_ticket(desk):
    ticket = tickets.ticket_create(
        actor=desk["agent"],
        subject="Washer leaks after repair",
        channel=Channel.EMAIL,
        team=desk["team"],
        customer=desk["customer"],
        assignee=desk["agent"],
    )
    for status in (Status.OPEN, Status.RESOLVED):
        ticket = tickets.ticket_change_status(ticket=ticket, actor=desk["agent"], to=status)
    return ticket


def test_a_customer_answers_on_a_phone_and_the_supervisor_closes_the_investigation(
    live_server, browser, page, log_in, desk
):
    ticket = _resolved_ticket(desk)
    survey = Survey.objects.get(ticket=ticket)
    phone = browser.new_context(locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True)
    customer_page = phone.new_page()
    customer_page.goto(f"{live_server.url}/quality/survey/{survey_token(survey)}/")
    expect(customer_page.get_by_role("heading", name="How did we do?")).to_be_visible()
    width = customer_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the survey is {width} px wide on a phone"
    # Attitude 2 is a low score; the rest is fine.
    for name, score in (("attitude", "2"), ("effectiveness", "4"), ("timeliness", "4")):
        customer_page.locator(f"input[name={name}][value='{score}']").check()
    customer_page.locator("input[name=recommend][value='8']").check()
    customer_page.fill("#comment", "The engineer was rude.")
    customer_page.get_by_role("button", name="Send my answer").click()
    expect(customer_page.get_by_role("heading", name="Thank you!")).to_be_visible()
    phone.close()

    [investigation] = Investigation.objects.filter(ticket=ticket)
    assert investigation.supervisor == desk["supervisor"]
    log_in(page, "zhou.min")
    page.locator("details.nav-more summary").click()
    page.locator("details.nav-more").get_by_role("link", name="Investigations").click()
    page.get_by_role("link", name=ticket.reference).click()
    expect(page.get_by_text("The engineer was rude.")).to_be_visible()
    # An empty outcome is refused on the form, and nothing changes.
    page.select_option("#id_finding", "agent_coaching")
    page.get_by_role("button", name="Close the investigation").click()
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.OPEN
    page.fill("#id_outcome", "Listened to the call; coached the engineer on courtesy.")
    page.get_by_role("button", name="Close the investigation").click()
    expect(page.get_by_text("Investigation closed; its clock is stopped.")).to_be_visible()
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.DONE
    clock = Clock.objects.get(ticket=ticket, metric=Metric.SATISFACTION_INVESTIGATION)
    assert clock.state == ClockState.MET


def _last_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def _handled_last_month(desk, count=3):
    month = _last_month()
    resolved = datetime(month.year, month.month, 10, 11, tzinfo=ZoneInfo("Asia/Shanghai"))
    for _ in range(count):
        TicketFactory(
            team=desk["team"], assignee=desk["agent"], status=Status.RESOLVED, resolved_at=resolved
        )
    return month


def test_a_manager_computes_and_publishes_the_month(live_server, page, log_in, desk):
    month = _handled_last_month(desk)
    log_in(page, "chen.zq")
    page.goto(f"{live_server.url}/quality/scorecards/?month={month:%Y-%m}")
    expect(page.get_by_text("When to press “Compute now”")).to_be_visible()
    page.get_by_role("button", name="Compute now").click()
    expect(page.get_by_text("scorecards computed.")).to_be_visible()
    expect(page.get_by_role("cell", name="Na Li")).to_be_visible()
    page.get_by_role("button", name="Publish the drafts").click()
    expect(page.get_by_text("scorecards published.")).to_be_visible()
    statuses = set(Scorecard.objects.filter(month=month).values_list("status", flat=True))
    assert statuses == {ScorecardStatus.PUBLISHED}


def test_an_agent_reads_their_published_scorecard(live_server, page, log_in, desk):
    month = _handled_last_month(desk)
    scorecards_compute(month=month)
    scorecards_publish(month=month, actor=desk["manager"])
    card = Scorecard.objects.get(month=month, agent=desk["agent"])
    log_in(page, "li.na")
    page.get_by_role("link", name="My scorecard").click()
    row = page.locator("tbody tr", has_text=f"{month:%Y-%m}")
    expect(row).to_be_visible()
    expect(row).to_contain_text(str(card.total_score))
    expect(row).to_contain_text("no surveys")
