"""An agent finds a customer by part of a Chinese name, opens the profile and goes on to
one of the customer's tickets; from the queue the customer's name leads back to it."""

import pytest
from playwright.sync_api import expect

from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets import services
from tickets.models import Channel

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture
def desk(committed_db):
    team = TeamFactory(name="After-sales", channels=["email"])
    UserFactory(username="li.na", first_name="Na", last_name="Li", teams=[team])
    customer = CustomerFactory(name="张伟", email="zhang.wei@example.com")
    CustomerFactory(name="李娜")
    ticket = services.ticket_create(
        actor=None,
        subject="洗衣机漏水",
        channel=Channel.EMAIL,
        customer=customer,
        team=team,
    )
    return {"customer": customer, "ticket": ticket}


def test_search_leads_to_the_profile_and_on_to_the_ticket(live_server, page, log_in, desk):
    log_in(page, "li.na")
    page.goto(f"{live_server.url}/tickets/")
    page.get_by_role("link", name="Customers").first.click()
    expect(page).to_have_url(f"{live_server.url}/customers/")

    page.fill("#customer-list-q", "伟")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table.customer-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("z***@example.com")  # masked for an agent

    rows.first.get_by_role("link", name="张伟").click()
    expect(page).to_have_url(f"{live_server.url}/customers/{desk['customer'].pk}/")
    expect(page.get_by_role("heading", name="张伟")).to_be_visible()
    tickets = page.locator("#profile-tickets")
    expect(tickets.get_by_role("heading", name="Tickets")).to_be_visible()
    tickets.get_by_role("link", name=desk["ticket"].reference).click()
    expect(page.get_by_role("heading", name="洗衣机漏水")).to_be_visible()

    # The queue's customer column links back to the profile.
    page.goto(f"{live_server.url}/tickets/")
    page.locator("table.queue").get_by_role("link", name="张伟").click()
    expect(page).to_have_url(f"{live_server.url}/customers/{desk['customer'].pk}/")
